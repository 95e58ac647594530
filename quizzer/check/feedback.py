"""Automatic notes on wrong answers: sign, log base, constant factor or offset, precision."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from fractions import Fraction

from quizzer.check.compare import close

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
    only called off by a factor when the factor is a round one (2, 1/2, 10, 100, ...).
    """
    tol = max(rtol, 1e-9) * 2
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
    for power in (10, 100, 1000):
        for value, text in ((power, str(power)), (1 / power, f"1/{power}")):
            if close(factor, value, tol):
                return text
    fraction = Fraction(factor).limit_denominator(4)
    if fraction not in (0, 1) and abs(fraction) <= 8 and close(factor, float(fraction), tol):
        return str(fraction)
    if close(factor, math.e, tol):
        return "e"
    return None


def significant_figures(literal: str) -> int | None:
    """How many significant figures a typed decimal has (None for fractions like 3/4)."""
    if "/" in literal:
        return None
    mantissa = re.split(r"[eE]", literal.strip().lstrip("+-−–").rstrip("%"))[0]
    digits = mantissa.replace(".", "").lstrip("0")
    return max(len(digits), 1)


def round_significant(value: float, figures: int) -> float:
    """``value`` rounded to ``figures`` significant figures."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, figures - 1 - math.floor(math.log10(abs(value))))


def format_number(value: float, figures: int) -> str:
    """``value`` with ``figures`` significant figures, without a trailing exponent if avoidable."""
    return f"{round_significant(value, figures):.{figures}g}"


def figures_for(rtol: float) -> int:
    """How many significant figures it takes to show a value within ``rtol``."""
    if rtol <= 0:
        return 10
    return min(max(3, math.ceil(-math.log10(rtol)) + 1), 10)
