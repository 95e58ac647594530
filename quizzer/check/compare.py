"""Numeric comparison: tolerance tests and agreement at random points (WeBWorK style)."""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from quizzer.check.evaluate import FloatFunction

ZERO_LEVEL = 1e-12
"""Differences below this count as equal, so a reference of exactly 0 can be matched."""

MAX_DRAWS_PER_SAMPLE = 40


@dataclass(frozen=True)
class Point:
    """A sample point (values of the variables, in order) and the reference's value there."""

    values: tuple[float, ...]
    reference: float


def close(answer: float, reference: float, rtol: float, atol: float = 0.0) -> bool:
    """Whether ``answer`` is within ``atol + rtol * |reference|`` (relative to the larger side)."""
    scale = max(abs(answer), abs(reference))
    return abs(answer - reference) <= atol + rtol * scale + ZERO_LEVEL


def draw_points(
    reference: FloatFunction,
    variables: Sequence[str],
    domain: Mapping[str, tuple[float, float]],
    fixed: Sequence[float],
    samples: int,
    seed_text: str,
) -> list[Point]:
    """Up to ``samples`` random points where the reference is defined.

    Points where the reference is undefined (log of a negative, division by zero) are
    redrawn. ``fixed`` are the parameter values appended to every call. The seed comes
    from ``seed_text`` so the same question is sampled at the same points.
    """
    rng = random.Random(zlib.crc32(seed_text.encode()))
    wanted = samples if variables else 1
    points: list[Point] = []
    for _ in range(wanted * MAX_DRAWS_PER_SAMPLE):
        values = tuple(rng.uniform(*domain.get(name, (-3.0, 3.0))) for name in variables)
        value = reference(*values, *fixed)
        if value is not None:
            points.append(Point(values, value))
            if len(points) == wanted:
                break
    return points


@dataclass(frozen=True)
class Agreement:
    """How a candidate compares with the reference at the sample points."""

    pairs: list[tuple[float, float]]  # (candidate, reference) where both are defined
    undefined_at: tuple[float, ...] | None  # a point where only the candidate is undefined
    mismatch_at: tuple[float, ...] | None

    @property
    def agrees(self) -> bool:
        """Defined and close at every point."""
        return self.undefined_at is None and self.mismatch_at is None


def agreement(
    candidate: FloatFunction, points: Sequence[Point], fixed: Sequence[float], rtol: float
) -> Agreement:
    """Evaluate ``candidate`` at ``points`` and compare with the reference values."""
    pairs: list[tuple[float, float]] = []
    undefined_at = mismatch_at = None
    for point in points:
        value = candidate(*point.values, *fixed)
        if value is None:
            undefined_at = undefined_at or point.values
            continue
        pairs.append((value, point.reference))
        if mismatch_at is None and not close(value, point.reference, rtol):
            mismatch_at = point.values
    return Agreement(pairs, undefined_at, mismatch_at)


def format_point(variables: Sequence[str], values: Sequence[float]) -> str:
    """``x = 0.7013, y = -1.2`` for messages."""
    return ", ".join(f"{name} = {value:.4g}" for name, value in zip(variables, values, strict=True))
