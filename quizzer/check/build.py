"""Build sympy objects from a validated syntax tree, with caps on number and exponent size."""

from __future__ import annotations

import ast
import math
from typing import cast

import sympy

from quizzer.check.functions import Phi, relu, sigmoid
from quizzer.check.lexer import Names
from quizzer.check.parse import Parsed, parse
from quizzer.check.verdict import AnswerError

MAX_EXPONENT = 10_000
"""The largest exponent written as a number: (x − a)^6000 is fine, and a number raised to a
power must also give at most ``MAX_RESULT_DIGITS`` digits (1.0001^5000 is, 10^5000 is not)."""
MAX_RESULT_DIGITS = 1000
MAX_FACTORIAL = 1000
MAX_DERIVATIVES = 3
"""``diff`` (or ``d/dx``) at most this many times in one answer."""
MAX_DERIVATIVE_SIZE = 5000
"""A derivative with more syntax nodes than this is refused rather than compared."""

_UNARY = {
    "exp": sympy.exp,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "erf": sympy.erf,
    "sigmoid": sigmoid,
    "relu": relu,
    "heaviside": sympy.Heaviside,
    "phi": Phi,
    "sign": sympy.sign,
    "atan": sympy.atan,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
    "log10": lambda a: sympy.log(a, 10),
    "log2": lambda a: sympy.log(a, 2),
}
_COMPARE = {
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
    ast.Eq: sympy.Eq,
    ast.NotEq: sympy.Ne,
}
_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


def symbol(name: str) -> sympy.Symbol:
    """The sympy symbol for a variable or parameter (all are real)."""
    return sympy.Symbol(name, real=True)


def read(text: str, names: Names, *, keep_derivatives: bool = False) -> sympy.Expr:
    """Parse and build ``text`` into a sympy expression; AnswerError says what and where.

    ``diff(f, x)`` is differentiated unless ``keep_derivatives`` (for showing how a line was
    read without paying for the derivative).
    """
    parsed = parse(text, names)
    try:
        expr = _Builder(parsed).value(parsed.tree.body)
        if not keep_derivatives and expr.has(sympy.Derivative):
            expr = differentiate(expr)
    except AnswerError:
        raise
    except RecursionError:
        raise AnswerError("the answer is nested too deeply") from None
    except (OverflowError, ValueError) as error:
        if isinstance(error, OverflowError) or "digits" in str(error):
            raise AnswerError("a number in this answer is too large") from None
        raise AnswerError(f"cannot read this answer ({error})") from None
    except (TypeError, ArithmeticError) as error:
        raise AnswerError(f"cannot read this answer ({error})") from None
    if any(expr.has(bad) for bad in _UNDEFINED):
        raise AnswerError("the answer is undefined (a division by zero or a log of 0)")
    return expr


def differentiate(expr: sympy.Expr) -> sympy.Expr:
    """Take every derivative in ``expr``, innermost first; AnswerError if one grows too large."""

    def take(derivative: sympy.Derivative) -> sympy.Expr:
        result = derivative.doit(deep=False)
        for count, _ in enumerate(sympy.preorder_traversal(result)):
            if count > MAX_DERIVATIVE_SIZE:
                raise AnswerError("the derivative is too large to check; simplify first")
        return result

    return expr.replace(lambda e: isinstance(e, sympy.Derivative), take)


class _Builder:
    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.derivatives = 0

    def value(self, node: ast.expr) -> sympy.Expr:
        """A numeric value; conditions used as values become 1 or 0."""
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Constant):
            return sympy.Integer(int(cast(int, node.value)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.value(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.IfExp):
            return sympy.Piecewise(
                (self.value(node.body), self.condition(node.test)),
                (self.value(node.orelse), True),
            )
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Compare | ast.BoolOp | ast.UnaryOp):
            return sympy.Piecewise((1, self.condition(node)), (0, True))
        raise AnswerError(f"cannot use this as a value (column {self.parsed.column(node)})")

    def condition(self, node: ast.expr) -> sympy.Basic:
        """A condition such as ``x > 0``, ``0 < x < 1`` or ``x > 0 and y > 0``."""
        if isinstance(node, ast.Compare):
            left = self.value(node.left)
            parts = []
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                right = self.value(comparator)
                parts.append(_COMPARE[type(op)](left, right))
                left = right
            return sympy.And(*parts)
        if isinstance(node, ast.BoolOp):
            combine = sympy.And if isinstance(node.op, ast.And) else sympy.Or
            return combine(*(self.condition(v) for v in node.values))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return sympy.Not(self.condition(node.operand))
        if isinstance(node, ast.Constant):
            return sympy.true if node.value else sympy.false
        raise AnswerError(
            f"a condition such as x > 0 is expected at column {self.parsed.column(node)}"
        )

    def _name(self, node: ast.Name) -> sympy.Expr:
        token = self.parsed.tokens[node.id]
        if token.kind == "num":
            return _number(token.value)
        if token.kind == "var":
            return symbol(token.value)
        if token.kind == "const":
            return sympy.E if token.value == "e" else sympy.pi
        raise AnswerError(
            f"{token.text} at column {token.col} needs parentheses, e.g. {token.text}(x)"
        )

    def _binary(self, node: ast.BinOp) -> sympy.Expr:
        left, right = self.value(node.left), self.value(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise AnswerError(f"division by zero at column {self.parsed.column(node.right)}")
            return left / right
        return self._power(left, right, node)

    def _power(self, base: sympy.Expr, exponent: sympy.Expr, node: ast.BinOp) -> sympy.Expr:
        column = self.parsed.column(node.right)
        if exponent.is_Number:
            if abs(exponent) > MAX_EXPONENT:
                raise AnswerError(
                    f"the exponent at column {column} is too large (at most {MAX_EXPONENT})"
                )
            # the numeric factor of the base is raised too: (10^30 q)^999 is 10^29970 q^999
            coefficient = base.as_coeff_Mul()[0] if not base.is_Rational else base
            if coefficient.is_Rational and coefficient not in (0, 1, -1):
                digits = abs(_log10(coefficient) * float(exponent))
                if digits > MAX_RESULT_DIGITS:
                    raise AnswerError(f"the power at column {column} is too large a number")
        if base == 0 and exponent.is_Number and exponent.is_negative:
            raise AnswerError(f"division by zero (0 to a negative power) at column {column}")
        return sympy.Pow(base, exponent)

    def _call(self, node: ast.Call) -> sympy.Expr:
        token = self.parsed.tokens[node.func.id]  # type: ignore[attr-defined]
        name = token.value
        low, high = _ARITY[name]
        count = len(node.args)
        if not low <= count <= high:
            wanted = str(low) if low == high else f"{low} to {high}"
            raise AnswerError(
                f"{token.text} at column {token.col} takes {wanted} argument"
                f"{'s' if high > 1 else ''}, not {count}"
            )
        if name == "piecewise":
            return self._piecewise(node, token.col)
        if name == "diff":
            return self._derivative(node, token.text, token.col)
        args = [self.value(a) for a in node.args]
        if name == "log":
            if any(a == 0 for a in args):
                raise AnswerError(f"log of 0 at column {token.col}")
            return sympy.log(*args)
        if name in ("factorial", "binomial"):
            return _combinatorial(name, args, token.col)
        if name == "max":
            return sympy.Max(*args)
        if name == "min":
            return sympy.Min(*args)
        return _UNARY[name](args[0])

    def _derivative(self, node: ast.Call, text: str, col: int) -> sympy.Expr:
        """``diff(f, x)``, unevaluated: ``read`` takes it (or keeps it for display)."""
        body, variable = node.args
        token = self.parsed.tokens.get(variable.id) if isinstance(variable, ast.Name) else None
        if token is None or token.kind != "var":
            raise AnswerError(
                f"{text} at column {col} differentiates with respect to a variable, "
                "e.g. diff(x^2, x)"
            )
        self.derivatives += 1
        if self.derivatives > MAX_DERIVATIVES:
            raise AnswerError(f"at most {MAX_DERIVATIVES} derivatives in one answer")
        return sympy.Derivative(self.value(body), symbol(token.value))

    def _piecewise(self, node: ast.Call, col: int) -> sympy.Expr:
        pieces = []
        for argument in node.args:
            if not isinstance(argument, ast.Tuple) or len(argument.elts) != 2:
                raise AnswerError(
                    f"Piecewise at column {col} takes pairs (value, condition), "
                    "e.g. Piecewise((1, x > 0), (0, True))"
                )
            value, cond = argument.elts
            pieces.append((self.value(value), self.condition(cond)))
        return sympy.Piecewise(*pieces)


def _combinatorial(name: str, args: list[sympy.Expr], col: int) -> sympy.Expr:
    """n! and C(n, k), refusing numbers so large that the result could not be held."""
    n = args[0]
    if n.is_number and (not n.is_real or abs(float(n)) > MAX_FACTORIAL):
        raise AnswerError(f"the factorial at column {col} is too large (at most {MAX_FACTORIAL}!)")
    if name == "factorial":
        return sympy.factorial(n)
    return sympy.binomial(n, args[1])


def _log10(value: sympy.Rational) -> float:
    """log10 |value| of a rational, without converting a huge one to a float."""
    p, q = abs(int(value.p)), int(value.q)
    return (
        (p.bit_length() - q.bit_length()) * math.log10(2)
        if max(p, q) > 2**1000
        else math.log10(p / q)
    )


def _number(text: str) -> sympy.Expr:
    if any(c in text for c in ".eE"):
        digits = sum(c.isdigit() for c in text.lower().partition("e")[0])
        return sympy.Float(text, max(15, digits))
    return sympy.Integer(text)


def _arity() -> dict[str, tuple[int, int]]:
    from quizzer.check.names import FUNCTIONS

    return {canonical: (low, high) for canonical, low, high in FUNCTIONS.values()}


_ARITY = _arity()
