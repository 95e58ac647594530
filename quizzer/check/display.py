"""How expressions are shown: one renderer for the live preview, the verdict and the reveal.

An expression that fits on one line is written on one line, in Unicode (``θ - lr⋅m/(√v +
ε)``); a longer one, or one with a derivative, a piecewise or a matrix, is drawn by sympy's
2-D pretty printer. :func:`render_as_written` reads an answer without sympy's reordering, so
the line shows the terms in the order the person (or the bank) wrote them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_symbol
from sympy.printing.str import StrPrinter

from quizzer.check.build import read
from quizzer.check.lexer import Names

LINE_WIDTH = 60
"""The widest one-line form used: with a label ("read as: ") it fits an 80-column screen."""

_NAMES = {"Max": "max", "Min": "min", "Abs": "abs", "Heaviside": "H", "log": "ln"}
"""sympy's function names shown as the answer language writes them."""

_LINE_KINDS = (
    sympy.Symbol,
    sympy.Number,
    sympy.NumberSymbol,
    sympy.Add,
    sympy.Mul,
    sympy.Pow,
    sympy.Function,
    sympy.Max,
    sympy.Min,
    sympy.core.relational.Relational,
    sympy.logic.boolalg.BooleanFunction,
)
"""What the one-line form writes; anything else (a derivative, a piecewise, a matrix) is
drawn in 2-D."""


class _Pretty(PrettyPrinter):
    """sympy's pretty printer, showing the step function as people type it."""

    def _print_Heaviside(self, expr: sympy.Heaviside) -> Any:
        # sympy prints θ(x); the answer language writes H(x)
        return self._helper_print_function(expr.func, expr.args[:1], func_name="H")


class _Line(StrPrinter):
    """One line of Unicode: ``⋅`` for products, ``^`` for powers, Greek letters and
    subscripts for names, ``√`` for square roots, the answer language's function names."""

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return str(pretty_symbol(expr.name))

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        base, exponent = expr.args
        if exponent in (sympy.S.Half, -sympy.S.Half):
            inner = self._print(base)
            root = f"√{inner}" if base.is_Atom else f"√({inner})"
            return root if exponent > 0 else f"1/{root}"
        text = super()._print_Pow(expr, rational)
        return text.replace("**", "^")

    def _print_Function(self, expr: sympy.Function) -> str:
        name = _NAMES.get(expr.func.__name__, expr.func.__name__)
        args = expr.args[:1] if expr.func is sympy.Heaviside else expr.args
        return f"{name}({self.stringify(args, ', ')})"

    # sympy's own printers of these come first in the lookup; these use the names above
    _print_Max = _print_Min = _print_Heaviside = _print_Function

    def _print_Exp1(self, expr: sympy.Basic) -> str:
        return "e"

    def _print_Pi(self, expr: sympy.Basic) -> str:
        return "π"

    def _print_Infinity(self, expr: sympy.Basic) -> str:
        return "∞"


def _line(expr: sympy.Basic, order: str | None) -> str | None:
    if not all(isinstance(node, _LINE_KINDS) for node in sympy.preorder_traversal(expr)):
        return None
    return _Line({"full_prec": False, "order": order}).doprint(expr).replace("*", "⋅")


def render(expr: sympy.Basic, width: int = LINE_WIDTH) -> str:
    """``expr`` for display: one line when it fits in ``width`` columns, else sympy's 2-D
    Unicode drawing (short floats either way)."""
    try:
        line = _line(expr, None)
        if line is not None and len(line) <= width:
            return line
        return _Pretty({"use_unicode": True, "full_prec": False}).doprint(expr)
    except (ValueError, RecursionError):
        return "(too large to display)"


def render_as_written(
    text: str,
    names: Names,
    evaluated: sympy.Basic,
    substitutions: Mapping[sympy.Symbol, sympy.Expr] | None = None,
    width: int = LINE_WIDTH,
) -> str:
    """``text`` (an answer, or the bank's with ``substitutions`` for its parameters) shown in
    the order it was written: read without evaluation, so ``θ - lr⋅m`` is not turned into
    ``-lr⋅m + θ`` nor ``2⋅3`` into ``6``; :func:`render` of ``evaluated`` (its evaluated
    reading) when that is not one line."""
    try:
        with sympy.evaluate(False):
            typed = _flat(read(text, names, keep_derivatives=True))
            line = _line(typed.xreplace(dict(substitutions or {})), "none")
        if line is not None and len(line) <= width:
            return line
    except Exception:
        # A reading that fails only unevaluated is shown evaluated; checking never uses this.
        pass
    return render(evaluated, width)


def _flat(expr: sympy.Basic) -> sympy.Basic:
    """Unevaluated ``(a + b) + c`` as ``a + b + c`` and ``1/(x^2)`` as ``x^(-2)``, keeping
    the order: the parser builds sums and products two terms at a time."""
    if not expr.args:
        return expr
    args = [_flat(arg) for arg in expr.args]
    if isinstance(expr, sympy.Add | sympy.Mul):
        args = [part for arg in args for part in (arg.args if type(arg) is type(expr) else [arg])]
    elif (
        isinstance(expr, sympy.Pow)
        and isinstance(args[0], sympy.Pow)
        and args[1] == -1
        and args[0].args[1].is_Rational
    ):
        base, exponent = args[0].args
        return sympy.Pow(base, -exponent)
    return expr.func(*args)
