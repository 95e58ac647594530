"""The precision a numeric prompt asks for, and whether the answer's tolerance matches it.

A numeric or vector question must say what it wants ("to 3 significant figures", "to 2
decimal places", "exact integer", "exact value"), and its tolerance must grade exactly that:
every correct rounding passes and an answer one figure short does not pass on some draws
and fail on others. ``precision_problems`` returns one message per mismatch; the reference
values drawn for several seeds are passed in so integrality can be checked too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quizzer.check.spec import NumericSpec, VectorSpec

__all__ = ["Precision", "precision_problems", "stated_precision"]

_SIGFIGS = re.compile(r"\bto (\d+) significant figures?\b", re.I)
_DECIMALS = re.compile(r"\bto (\d+) decimal places?\b", re.I)
_EXACT_INTEGER = re.compile(r"\bexact integers?\b", re.I)
_EXACT_VALUE = re.compile(r"\bexact values?\b", re.I)
_PHRASES = "'to N significant figures', 'to N decimal places', 'exact integer' or 'exact value'"


@dataclass(frozen=True)
class Precision:
    """What a prompt asks for: ``kind`` is sigfigs, decimals, integer or exact."""

    kind: str
    digits: int = 0

    def __str__(self) -> str:
        if self.kind == "sigfigs":
            return f"{self.digits} significant figures"
        if self.kind == "decimals":
            return f"{self.digits} decimal places"
        return "an exact integer" if self.kind == "integer" else "an exact value"


def stated_precision(prompt: str) -> list[Precision]:
    """Every distinct precision the prompt states, in a fixed order."""
    prompt = " ".join(prompt.split())  # a phrase may be wrapped across lines
    found = {Precision("sigfigs", int(m.group(1))) for m in _SIGFIGS.finditer(prompt)}
    found |= {Precision("decimals", int(m.group(1))) for m in _DECIMALS.finditer(prompt)}
    if _EXACT_INTEGER.search(prompt):
        found.add(Precision("integer"))
    if _EXACT_VALUE.search(prompt):
        found.add(Precision("exact"))
    return sorted(found, key=lambda p: (p.kind, p.digits))


def _near(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)


def precision_problems(
    spec: NumericSpec | VectorSpec, prompt: str, references: Iterable[Sequence[float]]
) -> list[str]:
    """What is wrong with the pairing of the prompt's stated precision and ``spec``'s tolerance.

    ``references`` holds the reference value(s) at several draws (one sequence per draw)."""
    stated = stated_precision(prompt)
    if not stated:
        return [f"the prompt does not state the precision asked: say {_PHRASES}"]
    if len(stated) > 1:
        return [f"the prompt states more than one precision: {', '.join(map(str, stated))}"]
    want = stated[0]
    sigfigs = spec.sigfigs if isinstance(spec, NumericSpec) else None
    rtol, atol = spec.rtol, spec.atol
    problems: list[str] = []
    if sigfigs is not None and want.kind != "sigfigs":
        problems.append(f"sigfigs is {sigfigs} but the prompt asks for {want}")
    if want.kind == "sigfigs":
        n = want.digits
        lo, hi = 5 * 10.0**-n, 10.0 ** (1 - n)
        if isinstance(spec, NumericSpec) and sigfigs != n:
            problems.append(f"the prompt asks for {want}, so the answer needs sigfigs: {n}")
        if not (lo * (1 - 1e-9) <= rtol <= hi * (1 + 1e-9)):
            problems.append(
                f"the prompt asks for {want}: rtol must be between {lo:g} (every correct "
                f"rounding passes) and {hi:g}, not {rtol:g}"
            )
        if atol != 0:
            problems.append(f"the prompt asks for {want}: atol must be 0, not {atol:g}")
    elif want.kind == "decimals":
        half = 0.5 * 10.0**-want.digits
        if rtol != 0 or not _near(atol, half):
            problems.append(
                f"the prompt asks for {want}: the tolerance must be rtol 0, atol {half:g} "
                f"(it is rtol {rtol:g}, atol {atol:g})"
            )
    elif want.kind == "integer":
        if rtol != 0 or atol != 0:
            problems.append(
                f"the prompt asks for {want}: the tolerance must be rtol 0 and atol 0 "
                f"(it is rtol {rtol:g}, atol {atol:g})"
            )
        for values in references:
            if not all(float(v).is_integer() for v in values):
                problems.append(f"the prompt asks for {want} but the reference is {list(values)}")
                break
    elif rtol > 1e-9 or atol != 0:
        problems.append(
            f"the prompt asks for {want}: rtol must be at most 1e-09 and atol 0 "
            f"(it is rtol {rtol:g}, atol {atol:g})"
        )
    return problems
