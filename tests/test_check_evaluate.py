"""Float evaluation of built expressions: values, and None wherever a value is not real."""

from __future__ import annotations

import math

import pytest

from quizzer.check.build import read
from quizzer.check.evaluate import compile_float
from quizzer.check.lexer import Names

NAMES = Names(variables=frozenset({"x", "y"}))


def value(text: str, x: float, y: float = 0.0) -> float | None:
    return compile_float(read(text, NAMES), ["x", "y"])(x, y)


@pytest.mark.parametrize(
    ("text", "x", "expected"),
    [
        ("σ(x)(1−σ(x))", 0.0, 0.25),
        ("sigmoid(-800)", 0.0, 0.0),
        ("Φ(x)", 0.0, 0.5),
        ("x Φ(x)", 1.0, 0.8413447460685429),
        ("relu(x)", -2.0, 0.0),
        ("H(x)", 0.0, 0.5),  # sympy's convention; sampling never lands exactly on 0
        ("H(x)", -0.1, 0.0),
        ("1 if x > 0 else 0", 0.3, 1.0),
        ("0 < x < 1 or x < -1", -2.0, 1.0),
        ("not x > 0", 1.0, 0.0),
        ("max(x, 2, y)", 1.0, 2.0),
        ("min(x, 2)", 1.0, 1.0),
        ("log10(x) + log2(x)", 8.0, math.log10(8) + 3),
        ("tanh(x) + erf(x) + sin(x) + cos(x) + tan(x) + sinh(x) + cosh(x)", 0.0, 2.0),
        ("abs(x)/x", -3.0, -1.0),
        ("2^10 x", 1.0, 1024.0),
        ("x^(1/3)", 8.0, 2.0),
        ("e^x", 1.0, math.e),
    ],
)
def test_values(text: str, x: float, expected: float) -> None:
    assert value(text, x) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "x"),
    [
        ("ln(x)", -1.0),
        ("1/x", 0.0),
        ("sqrt(x)", -4.0),
        ("x^(1/3)", -8.0),  # complex in floats: not a real value here
        ("exp(x)", 1000.0),
        ("Piecewise((1, x > 0))", -1.0),
        ("sqrt(-1) + x", 1.0),  # sympy's I: evaluated through evalf, not real
        ("10^300 * 10^300 * x", 1.0),
    ],
)
def test_undefined_is_none(text: str, x: float) -> None:
    assert value(text, x) is None
