"""Turn sympy expressions into fast float functions (display is in :mod:`quizzer.check.display`)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import sympy

from quizzer.check.build import symbol
from quizzer.check.functions import FLOAT_FUNCTIONS

FloatFunction = Callable[..., float | None]
"""Takes one float per argument name; returns None where the expression is undefined."""

_FAILURES = (ArithmeticError, ValueError, TypeError)


def compile_float(
    expr: sympy.Basic, arguments: Sequence[str], *, overflow: float | None = None
) -> FloatFunction:
    """A float function of ``arguments``: None where undefined, complex or not finite.

    With ``overflow`` set, a value too large for floats gives ``overflow`` instead of None,
    so a caller can tell "too large" from "undefined". The expression tree is turned into
    nested closures over ``math`` functions: about ten times cheaper to build than
    ``lambdify``'s generated code, which matters because every answer is compiled once and
    evaluated at only a few points.
    """
    symbols = [symbol(name) for name in arguments]
    try:
        tree = _closure(expr, {s: i for i, s in enumerate(symbols)})

        def compiled(*values: float) -> Any:
            return tree(values)

    except _Unsupported:
        compiled = _evalf_function(expr, symbols)

    def evaluate(*values: float) -> float | None:
        try:
            result = compiled(*values)
        except OverflowError:
            return overflow
        except _FAILURES:
            return None
        if isinstance(result, bool | int | float):
            result = float(result)
            return result if math.isfinite(result) else overflow
        return None

    return evaluate


class _Unsupported(Exception):
    """The closure compiler does not know this node; sympy's evalf is used instead."""


_Closure = Callable[[Sequence[float]], Any]

_FUNCTIONS: dict[type, Callable[..., float]] = {
    sympy.exp: math.exp,
    sympy.log: math.log,
    sympy.sin: math.sin,
    sympy.cos: math.cos,
    sympy.tan: math.tan,
    sympy.sinh: math.sinh,
    sympy.cosh: math.cosh,
    sympy.tanh: math.tanh,
    sympy.erf: math.erf,
    sympy.Abs: abs,
    **FLOAT_FUNCTIONS,
}
_RELATIONS: dict[type, Callable[[float, float], bool]] = {
    sympy.StrictLessThan: operator.lt,
    sympy.LessThan: operator.le,
    sympy.StrictGreaterThan: operator.gt,
    sympy.GreaterThan: operator.ge,
    sympy.Equality: operator.eq,
    sympy.Unequality: operator.ne,
}


def _closure(expr: sympy.Basic, index: dict[sympy.Symbol, int]) -> _Closure:
    """A function of the argument values that computes ``expr`` in floats."""
    if expr.is_Symbol:
        if expr not in index:
            raise _Unsupported(expr)
        position = index[expr]
        return lambda values: values[position]
    if expr.is_Number or expr in (sympy.E, sympy.pi):
        try:
            constant = float(expr)
        except OverflowError:
            return lambda values: math.inf
        return lambda values: constant
    if expr in (sympy.true, sympy.false):
        truth = bool(expr)
        return lambda values: truth
    if expr.func is sympy.Piecewise:
        branches = [(_closure(e, index), _closure(c, index)) for e, c in expr.args]
        return lambda values: next(
            (value(values) for value, condition in branches if condition(values)), None
        )
    parts = [_closure(arg, index) for arg in expr.args]
    if expr.is_Add:
        return lambda values: math.fsum(part(values) for part in parts)
    if expr.is_Mul:
        return lambda values: math.prod(part(values) for part in parts)
    if expr.is_Pow:
        base, exponent = parts
        return lambda values: math.pow(base(values), exponent(values))
    function = _FUNCTIONS.get(expr.func)
    if function is not None and len(parts) == 1:
        (argument,) = parts
        return lambda values: function(argument(values))
    if function is not None:  # Heaviside(x, value at 0)
        return lambda values: function(*(part(values) for part in parts))
    if expr.func in (sympy.Max, sympy.Min):
        choose = max if expr.func is sympy.Max else min
        return lambda values: choose(part(values) for part in parts)
    if expr.func in _RELATIONS:
        relation, (left, right) = _RELATIONS[expr.func], parts
        return lambda values: relation(left(values), right(values))
    if expr.func is sympy.And:
        return lambda values: all(part(values) for part in parts)
    if expr.func is sympy.Or:
        return lambda values: any(part(values) for part in parts)
    if expr.func is sympy.Not:
        (inner,) = parts
        return lambda values: not inner(values)
    raise _Unsupported(expr)


def _evalf_function(expr: sympy.Basic, symbols: list[sympy.Symbol]) -> Callable[..., float]:
    def evaluate(*values: float) -> float:
        number = expr.evalf(subs=dict(zip(symbols, values, strict=True)))
        if not number.is_real:
            raise ValueError("not a real number")
        return float(number)

    return evaluate
