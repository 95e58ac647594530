"""Turn sympy expressions into fast float functions, and render them for display."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import sympy

from quizzer.check.build import symbol
from quizzer.check.functions import FLOAT_FUNCTIONS

FloatFunction = Callable[..., float | None]
"""Takes one float per argument name; returns None where the expression is undefined."""

_FAILURES = (ArithmeticError, ValueError, TypeError)


def compile_float(expr: sympy.Basic, arguments: Sequence[str]) -> FloatFunction:
    """A float function of ``arguments``: None where undefined, complex or not finite."""
    symbols = [symbol(name) for name in arguments]
    try:
        compiled = sympy.lambdify(symbols, expr, modules=[FLOAT_FUNCTIONS, "math"])
    except Exception:  # the code printer cannot print it; evaluate through sympy instead
        compiled = _evalf_function(expr, symbols)

    def evaluate(*values: float) -> float | None:
        try:
            result = compiled(*values)
        except _FAILURES:
            return None
        if isinstance(result, bool | int | float):
            result = float(result)
            return result if math.isfinite(result) else None
        return None

    return evaluate


def _evalf_function(expr: sympy.Basic, symbols: list[sympy.Symbol]) -> Callable[..., float]:
    def evaluate(*values: float) -> float:
        number = expr.evalf(subs=dict(zip(symbols, values, strict=True)))
        if not number.is_real:
            raise ValueError("not a real number")
        return float(number)

    return evaluate


def render(expr: sympy.Basic) -> str:
    """A readable Unicode rendering (sympy's pretty printer, short floats)."""
    try:
        return sympy.pretty(expr, use_unicode=True, full_prec=False)
    except (ValueError, RecursionError):
        return "(too large to display)"
