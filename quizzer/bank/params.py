"""Seeded parameters: a repeat of a numeric exercise is a new exercise, and a review's seed
reproduces exactly what was asked."""

from __future__ import annotations

import random
import re
from decimal import Decimal

from quizzer.bank.schema import ParamSpec, Question

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _decimals(step: float) -> int:
    exponent = Decimal(repr(step)).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def draw_one(spec: ParamSpec, rng: random.Random) -> float:
    """Draw one value: a choice, or a point of the range grid ``lo, lo+step, ..., hi``."""
    if spec.choices is not None:
        return rng.choice(spec.choices)
    assert spec.range is not None and spec.step is not None  # guaranteed by the schema
    lo, hi = spec.range
    steps = round((hi - lo) / spec.step + 1e-9)
    value = lo + spec.step * rng.randint(0, steps)
    return round(value, _decimals(spec.step) + max(0, _decimals(lo)))


def grid(spec: ParamSpec, limit: int) -> list[float] | None:
    """Every value ``spec`` can draw, in order, or None when there are more than ``limit``."""
    if spec.choices is not None:
        values = list(dict.fromkeys(spec.choices))
        return values if len(values) <= limit else None
    assert spec.range is not None and spec.step is not None  # guaranteed by the schema
    lo, hi = spec.range
    steps = round((hi - lo) / spec.step + 1e-9)
    if steps + 1 > limit:
        return None
    digits = _decimals(spec.step) + max(0, _decimals(lo))
    return [round(lo + spec.step * i, digits) for i in range(steps + 1)]


def draw(question: Question, seed: int) -> dict[str, float]:
    """The question's parameter values for ``seed`` (empty when it has none)."""
    rng = random.Random(f"{question.id}:{seed}")
    return {name: draw_one(question.params[name], rng) for name in sorted(question.params)}


def format_value(value: float) -> str:
    """A parameter as it appears in a prompt: ``0.3``, ``50000``, ``1e-08``."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


_MATH = re.compile(r"(\$[^$]+\$)")


def fill(text: str, params: dict[str, float]) -> str:
    """Replace ``{name}`` placeholders of declared params; other braces (LaTeX) stay as they are.

    Inside ``$…$`` a value is kept as one TeX group, so ``\\mathbb{R}^{n}`` with n = 784
    renders as ℝ⁷⁸⁴, not ℝ⁷84."""
    if not params:
        return text

    def substitute(part: str, in_math: bool) -> str:
        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in params:
                return m.group(0)
            value = format_value(params[name])
            return f"{{{value}}}" if in_math else value

        return _PLACEHOLDER.sub(sub, part)

    return "".join(substitute(part, index % 2 == 1) for index, part in enumerate(_MATH.split(text)))


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders a text uses."""
    return set(_PLACEHOLDER.findall(text))
