"""The ML functions sympy lacks (σ, Φ, relu), and float versions of them for sampling."""

from __future__ import annotations

import math
from collections.abc import Callable

import sympy


class sigmoid(sympy.Function):
    """The logistic function σ(x) = 1 / (1 + e^-x)."""

    is_real = True

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        """σ(0) = 1/2; other arguments stay symbolic."""
        return sympy.S.Half if arg == 0 else None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        """σ' = σ(1 − σ)."""
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-arg))

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return self.rewrite(sympy.exp)._eval_evalf(prec)


class Phi(sympy.Function):
    """The standard normal CDF Φ(x) = (1 + erf(x/√2)) / 2."""

    is_real = True

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        """Φ(0) = 1/2; other arguments stay symbolic."""
        return sympy.S.Half if arg == 0 else None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        """Φ' is the standard normal density."""
        arg = self.args[0]
        return sympy.exp(-(arg**2) / 2) / sympy.sqrt(2 * sympy.pi)

    def _eval_rewrite_as_erf(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return (1 + sympy.erf(arg / sympy.sqrt(2))) / 2

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return self.rewrite(sympy.erf)._eval_evalf(prec)


class relu(sympy.Function):
    """The rectifier relu(x) = max(0, x)."""

    is_real = True

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        """relu' is the Heaviside step (undefined at 0)."""
        return sympy.Heaviside(self.args[0])

    def _eval_rewrite_as_Max(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return sympy.Max(0, arg)

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return sympy.Max(0, self.args[0])._eval_evalf(prec)


# Pretty printing uses the class name, so show the symbols people write.
sigmoid.__name__ = "σ"
Phi.__name__ = "Φ"


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _heaviside(x: float, at_zero: float = 0.5) -> float:
    if x > 0:
        return 1.0
    if x < 0:
        return 0.0
    return float(at_zero)


def _sign(x: float) -> float:
    return float((x > 0) - (x < 0))


def _factorial(x: float) -> float:
    if x == int(x) and 0 <= x <= 170:
        return float(math.factorial(int(x)))
    return math.gamma(x + 1)


def _binomial(n: float, k: float) -> float:
    if n == int(n) and k == int(k) and n >= 0:
        return float(math.comb(int(n), int(k))) if k >= 0 else 0.0
    return math.gamma(n + 1) / (math.gamma(k + 1) * math.gamma(n - k + 1))


FLOAT_FUNCTIONS: dict[type, Callable[..., float]] = {
    sigmoid: _sigmoid,
    Phi: _phi,
    relu: lambda x: max(0.0, x),
    sympy.Heaviside: _heaviside,
    sympy.sign: _sign,
    sympy.atan: math.atan,
    sympy.asin: math.asin,
    sympy.acos: math.acos,
    sympy.floor: lambda x: float(math.floor(x)),
    sympy.ceiling: lambda x: float(math.ceil(x)),
    sympy.factorial: _factorial,
    sympy.binomial: _binomial,
}
"""Float implementations of the functions above (and the step), for sampling."""
