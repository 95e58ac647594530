"""Automatic notes on wrong answers: sign, log base, constant factor or offset, precision."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from quizzer.check.numbers import close, round_figures, within

_LOG_SLIPS = (
    (-1.0, "The sign is off: your answer is the negative of the expected one."),
    (1 / math.log(10), "Looks like log base 10 where the natural log (ln) is wanted."),
    (math.log(10), "Looks like the natural log where log base 10 is wanted."),
    (1 / math.log(2), "Looks like log base 2 where the natural log (ln) is wanted."),
    (math.log(2), "Looks like the natural log where log base 2 is wanted."),
)


def relation_note(pairs: Sequence[tuple[float, float]], rtol: float, *, varies: bool) -> str | None:
    """Explain a wrong answer from (answer, reference) value pairs, or None.

    ``varies`` says whether the pairs come from different points of a non-constant
    reference: only then is any constant ratio or offset meaningful; a single number is
    only called off by a factor when the factor is a plausible slip (2, 1/2, 10, 100, a
    log-base ratio), matched within the question's own tolerance.
    """
    tol = max(rtol, 1e-9) * (2 if varies else 1)
    ratios = [a / r for a, r in pairs if abs(r) > 1e-9]
    if ratios and len(ratios) == len(pairs):
        factor = ratios[len(ratios) // 2]
        if all(close(ratio, factor, tol) for ratio in ratios):
            for known, note in _LOG_SLIPS:
                if close(factor, known, tol):
                    return note
            nice = _nice_factor(factor, tol)
            if nice is not None:
                return f"Off by a constant factor: your answer is {nice} times the expected one."
            if varies and not close(factor, 1.0, tol):
                return (
                    f"Off by a constant factor: your answer is about {factor:.4g} times "
                    "the expected one."
                )
    if varies and len(pairs) > 1:
        offsets = [a - r for a, r in pairs]
        offset = offsets[0]
        scale = max(max(abs(r) for _, r in pairs), 1.0)
        if abs(offset) > tol * scale and all(abs(o - offset) <= tol * scale for o in offsets):
            return f"Off by a constant: your answer minus the expected one is {offset:.4g}."
    return None


def _nice_factor(factor: float, tol: float) -> str | None:
    """The factor as a person would slip by it (2, 1/3, 3/2, 100, ...), or None.

    Only small integers, their reciprocals and 3/2, 2/3 count: a ratio like 7/4 between a
    wrong number and the right one is a coincidence, not a diagnosis.
    """
    for value, text in _PLAUSIBLE_FACTORS:
        for sign, prefix in ((1, ""), (-1, "-")):
            if close(factor, sign * value, tol):
                return prefix + text
    return None


_PLAUSIBLE_FACTORS: tuple[tuple[float, str], ...] = (
    *((float(n), str(n)) for n in (2, 3, 4, 10, 100, 1000)),
    *((1 / n, f"1/{n}") for n in (2, 3, 4, 10, 100, 1000)),
    (1.5, "3/2"),
    (2 / 3, "2/3"),
)


def figures_needed(reference: float, rtol: float, atol: float = 0.0) -> int:
    """The fewest significant figures whose rounding of ``reference`` is within tolerance."""
    for figures in range(1, 16):
        rounded = round_figures(reference, figures)
        if within(Fraction(rounded), reference, rtol, atol):
            return figures
    return 16


def distinct(first: float, second: float) -> tuple[str, str]:
    """Both values with the fewest digits (at least 4) that tell them apart."""
    for digits in range(4, 18):
        a, b = f"{first:.{digits}g}", f"{second:.{digits}g}"
        if a != b:
            return a, b
    return f"{first!r}", f"{second!r}"


def format_number(value: float, figures: int) -> str:
    """``value`` with ``figures`` significant figures, without a trailing exponent if avoidable."""
    if not value or not math.isfinite(value):
        return f"{value:g}"
    return f"{float(round_figures(value, figures)):.{figures}g}"


def figures_for(rtol: float) -> int:
    """How many significant figures it takes to show a value within ``rtol``."""
    if rtol <= 0:
        return 10
    return min(max(3, math.ceil(-math.log10(rtol)) + 1), 10)


def format_point(variables: Sequence[str], values: Sequence[float]) -> str:
    """``x = 0.7013, y = -1.2`` for messages."""
    return ", ".join(f"{name} = {value:.4g}" for name, value in zip(variables, values, strict=True))
