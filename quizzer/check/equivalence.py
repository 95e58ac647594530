"""Whether two expressions are equal: symbolically, then at points chosen to expose differences.

Random points alone are fooled by a lucky sample: ``x > 0.5`` agrees with the step
``H(x)`` at most points of [-3, 3], and ε inside a square root hides below a relative
tolerance when θ dominates the value. So besides random points this samples

* each variable on its scale: log-uniformly where its domain spans decades, and with small
  magnitudes where it may be near 0, so every term is visible at some point;
* both sides of every breakpoint of either expression (the arguments of H, abs, sign, max,
  min, relu, and the comparisons inside conditions), found by scanning each variable;
* 0 and small values of each variable.

Points where the values overflow or underflow floats are re-evaluated with 30 digits.
An expression without variables is compared with 50 digits when sympy cannot decide.

``compare_expressions`` is the entry point; it takes parsed (sympy) expressions, so any
answer kind that needs "are these two formulas equal?" can use it.
"""

from __future__ import annotations

import functools
import math
import random
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy
from sympy import Add

from quizzer.check.build import symbol
from quizzer.check.evaluate import FloatFunction, compile_float
from quizzer.check.functions import relu
from quizzer.check.numbers import close

DEFAULT_DOMAIN = (-3.0, 3.0)
SCAN_STEPS = 48
PROBE_OFFSETS = (1e-3, 1e-8)
"""Probes sit this fraction of the domain's width on each side of a breakpoint."""
HIGH_PRECISION_DIGITS = 30
CONSTANT_DIGITS = 50
MAX_HIGH_PRECISION_POINTS = 8
MAX_DRAWS_PER_SAMPLE = 40
NOISE = 1e-10
"""A difference this small relative to the largest term at a point is float rounding."""
TINY = 1e-250
EXACT_TOLERANCE = 1e-45
MAX_EXP = 1e6
"""High precision is used only where every power is below e^MAX_EXP (fast in mpmath)."""
MAX_POLYNOMIAL_DEGREE = 40
"""Float values smaller than this (and not 0) may have lost their digits: re-checked."""


@dataclass(frozen=True)
class Point:
    """A point (values of the variables, in order) and the reference's value there.

    ``near`` names the breakpoint a probe point sits next to: (variable, location).
    ``strict`` points come from the random sample: an answer undefined there is wrong,
    while at special points (0, probes) it may just be a removable singularity.
    """

    values: tuple[float, ...]
    reference: float
    strict: bool = True
    near: tuple[str, float] | None = None


@dataclass(frozen=True)
class Equivalence:
    """The outcome of comparing an answer with a reference.

    ``how`` is ``symbolic`` (sympy proved it), ``numeric`` (agreement at every point)
    or ``undecided`` (too few points and sympy could not decide). When not equal,
    ``differs_at`` is the first point where the values differ (with ``answer_value``,
    ``reference_value``, and ``near`` for a breakpoint probe) or ``undefined_at`` a
    point where only the answer is undefined.
    """

    equal: bool
    how: str
    points: list[Point] = field(default_factory=list)
    pairs: list[tuple[float, float]] = field(default_factory=list)
    differs_at: tuple[float, ...] | None = None
    undefined_at: tuple[float, ...] | None = None
    answer_value: float | None = None
    reference_value: float | None = None
    near: tuple[str, float] | None = None
    answer_text: str | None = None


def compare_expressions(
    answer: sympy.Expr,
    reference: sympy.Expr,
    variables: Sequence[str],
    *,
    domain: Mapping[str, tuple[float, float]] | None = None,
    params: Mapping[str, float] | None = None,
    rtol: float = 1e-6,
    samples: int = 16,
    seed: str = "",
) -> Equivalence:
    """Compare two expressions in ``variables`` (with ``params`` fixed) on ``domain``.

    Variables missing from ``domain`` range over [-3, 3]. ``seed`` makes the random points
    reproducible (the same question is always sampled at the same points). Runs in
    milliseconds for ordinary formulas; call it under a time limit (the checking worker)
    because sympy's fallbacks can be slow on contrived input.
    """
    fixed = tuple(sorted((params or {}).items()))
    substitutions = {symbol(k): sympy.Float(v, 30) for k, v in fixed}
    if answer == reference or (answer - reference) == 0:
        return Equivalence(True, "symbolic")
    if not variables:
        return _compare_constants(exact_decimals(answer), exact_decimals(reference))
    exact = _exact_polynomials(
        exact_decimals(answer.subs(substitutions)),
        exact_decimals(reference.subs(substitutions)),
        [symbol(v) for v in variables],
    )
    if exact:
        return Equivalence(True, "symbolic")
    arguments = tuple(variables) + tuple(name for name, _ in fixed)
    fixed_values = tuple(v for _, v in fixed)
    ranges = tuple((name, _limits((domain or {}).get(name, DEFAULT_DOMAIN))) for name in variables)
    base = _reference_points(reference, tuple(variables), ranges, fixed, samples, seed)
    answer_function = compile_float(answer, arguments, overflow=math.inf)
    extra = _probe_points(
        _kinks(answer) - _kinks(reference),
        compile_float(reference, arguments),
        arguments,
        tuple(variables),
        ranges,
        fixed_values,
        base,
        neighbours=_kinks(reference),
    )
    points = base + extra
    if sum(p.strict for p in points) < min(samples, 4):
        # defined at too few points to sample: ask sympy (slow, hence the time limit)
        difference = sympy.simplify((answer - reference).subs(substitutions))
        return Equivalence(difference == 0, "symbolic" if difference == 0 else "undecided")
    noise = _noise_floor(answer, reference, arguments)
    symbols = [symbol(name) for name in variables]

    def precise(values: tuple[float, ...]) -> sympy.Float | str | None:
        at = {**substitutions, **dict(zip(symbols, map(sympy.Float, values), strict=True))}
        if not within_reach(answer, at):
            return "too large to evaluate"
        return _precise(answer, at, HIGH_PRECISION_DIGITS)

    result = _agreement(answer_function, noise, points, fixed_values, rtol, precise)
    if result.equal and (
        exact is False
        or _exponents_differ(answer.subs(substitutions), reference.subs(substitutions), variables)
    ):
        return _not_exactly(result)
    if result.equal and reference != 0 and _uninformative(result.pairs):
        return _high_precision(
            answer, reference, tuple(variables), ranges, substitutions, rtol, seed
        )
    return result


def _exponents_differ(answer: sympy.Expr, reference: sympy.Expr, variables: Sequence[str]) -> bool:
    """Powers of the same number whose polynomial exponents differ exactly.

    ``2^(0.196078431373 t)`` is within any float tolerance of ``2^(t/5.1)`` but is not the
    same function; a power of a fixed positive base is one-to-one, so exact exponents decide.
    """
    answer, reference = exact_decimals(answer), exact_decimals(reference)
    if isinstance(answer, sympy.exp) and isinstance(reference, sympy.exp):
        answer, reference = answer.args[0], reference.args[0]
    elif answer.is_Pow and reference.is_Pow and answer.base == reference.base:
        base = answer.base
        if not (base.is_number and base.is_positive and base != 1):
            return False
        answer, reference = answer.exp, reference.exp
    else:
        return False
    return _exact_polynomials(answer, reference, [symbol(v) for v in variables]) is False


def _not_exactly(result: Equivalence) -> Equivalence:
    """Equal within the tolerance at every point, but provably not the same function."""
    point = result.points[0] if result.points else None
    answer = result.pairs[0][0] if result.pairs else None
    return Equivalence(
        False,
        "symbolic",
        result.points,
        result.pairs,
        differs_at=point.values if point else None,
        answer_value=answer,
        reference_value=point.reference if point else None,
    )


def _noise_floor(
    answer: sympy.Expr, reference: sympy.Expr, arguments: tuple[str, ...]
) -> FloatFunction:
    """The size of the largest term of either side at a point, times ``NOISE``.

    A difference below it is rounding in floats (the terms cancel), whatever the size of
    the result: sqrt((x + sqrt(x^2+1))^2) − sqrt(x^2+1) − x is 1e-16, not 0, in floats.
    """
    terms = [*Add.make_args(answer), *Add.make_args(reference)]
    functions = [compile_float(term, arguments) for term in terms]

    def floor(*values: float) -> float | None:
        sizes = [abs(v) for f in functions if (v := f(*values)) is not None]
        return NOISE * max(sizes) if sizes else None

    return floor


def _limits(bounds: tuple[float, float] | Sequence[float]) -> tuple[float, float]:
    low, high = bounds
    return float(low), float(high)


def _agreement(
    function: FloatFunction,
    noise: FloatFunction,
    points: Sequence[Point],
    fixed: Sequence[float],
    rtol: float,
    precise: Callable[[tuple[float, ...]], sympy.Float | str | None],
) -> Equivalence:
    """Compare at every point; where floats fail, the answer is evaluated with 30 digits
    (a few times at most) to tell an overflow from a real "undefined"."""
    pairs: list[tuple[float, float]] = []
    first: tuple[Point, float] | None = None
    undefined: Point | None = None
    failures, successes = MAX_HIGH_PRECISION_POINTS, 2 * MAX_HIGH_PRECISION_POINTS
    for point in points:
        value = function(*point.values, *fixed)
        if value == math.inf:  # too large for floats: evaluate precisely, a few times at most
            value = None
            if not (point.strict and undefined is None and failures and successes):
                continue
            exact = precise(point.values)
            if exact is None:
                failures -= 1
            else:
                successes -= 1
                shown = exact if isinstance(exact, str) else None
                if shown is None:
                    value = _as_float(exact)
                    if value is None:  # finite, but beyond floats: certainly not the reference
                        shown = f"about {sympy.Float(exact, 4)} (beyond floating point)"
                if shown is not None:
                    return Equivalence(
                        False,
                        "numeric",
                        list(points),
                        pairs,
                        differs_at=point.values,
                        reference_value=point.reference,
                        answer_text=shown,
                    )
        if value is None:
            if point.strict and undefined is None:
                undefined = point
            continue
        pairs.append((value, point.reference))
        if first is None and not close(value, point.reference, rtol):
            floor = noise(*point.values, *fixed)
            if floor is None or abs(value - point.reference) > floor:
                first = (point, value)
    if first is not None:
        point, value = first
        return Equivalence(
            False,
            "numeric",
            list(points),
            pairs,
            differs_at=point.values,
            answer_value=value,
            reference_value=point.reference,
            near=point.near,
        )
    if undefined is not None:
        return Equivalence(
            False,
            "numeric",
            list(points),
            pairs,
            undefined_at=undefined.values,
            reference_value=undefined.reference,
        )
    return Equivalence(True, "numeric", list(points), pairs)


def _uninformative(pairs: Sequence[tuple[float, float]]) -> bool:
    """Too few values that floats hold with all their digits (the rest are 0 or tiny)."""
    return sum(1 for _, r in pairs if abs(r) > TINY) < 3


# --- points ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _reference_points(
    reference: sympy.Expr,
    variables: tuple[str, ...],
    ranges: tuple[tuple[str, tuple[float, float]], ...],
    fixed: tuple[tuple[str, float], ...],
    samples: int,
    seed: str,
) -> list[Point]:
    """Random, scale, special and breakpoint points where the reference is defined."""
    arguments = variables + tuple(name for name, _ in fixed)
    fixed_values = tuple(v for _, v in fixed)
    function = compile_float(reference, arguments)
    kinks = _kinks(reference)
    guards = [compile_float(k, arguments) for k in kinks]
    rng = random.Random(zlib.crc32(f"{seed}|{','.join(variables)}".encode()))
    bounds = [limits for _, limits in ranges]
    points: list[Point] = []
    for index in range(samples * MAX_DRAWS_PER_SAMPLE):
        scaled = index % 2 == 1  # every other point on each variable's own scale
        values = tuple(_draw(rng, lo, hi, scaled) for lo, hi in bounds)
        value = function(*values, *fixed_values)
        if value is not None and not _on_kink(guards, values, fixed_values):
            points.append(Point(values, value))
            if len(points) == samples:
                break
    if not points:
        return points
    for position, (lo, hi) in enumerate(bounds):
        width = hi - lo
        for special in (0.0, 1e-3 * width, -1e-3 * width, 1e-6 * width, -1e-6 * width):
            if lo <= special <= hi:
                moved = list(points[0].values)
                moved[position] = special
                point = _special(function, guards, tuple(moved), fixed_values)
                if point is not None:
                    points.append(point)
    points += _probe_points(kinks, function, arguments, variables, ranges, fixed_values, points)
    return points


def _draw(rng: random.Random, lo: float, hi: float, scaled: bool) -> float:
    """A uniform value, or (``scaled``) one whose magnitude is log-uniform over six decades."""
    if lo >= hi:
        return lo
    if lo > 0 and hi / lo >= 100:
        return math.exp(rng.uniform(math.log(lo), math.log(hi)))
    if not scaled:
        return rng.uniform(lo, hi)
    top = max(abs(lo), abs(hi))
    for _ in range(8):
        magnitude = top * 10 ** rng.uniform(-6, 0)
        value = magnitude if rng.random() < 0.5 else -magnitude
        if lo <= value <= hi:
            return value
    return rng.uniform(lo, hi)


def _on_kink(guards: Sequence[FloatFunction], values: tuple[float, ...], fixed: tuple) -> bool:
    """Whether a point lies on a breakpoint, where conventions (H(0) = 1/2 or 1) differ."""
    for guard in guards:
        g = guard(*values, *fixed)
        if g == 0:
            return True
    return False


def _special(
    function: FloatFunction,
    guards: Sequence[FloatFunction],
    values: tuple[float, ...],
    fixed: tuple,
    near: tuple[str, float] | None = None,
) -> Point | None:
    value = function(*values, *fixed)
    if value is None or _on_kink(guards, values, fixed):
        return None
    return Point(values, value, strict=False, near=near)


def _probe_points(
    kinks: frozenset[sympy.Expr],
    reference: FloatFunction,
    arguments: tuple[str, ...],
    variables: tuple[str, ...],
    ranges: tuple[tuple[str, tuple[float, float]], ...],
    fixed: tuple[float, ...],
    around: Sequence[Point],
    neighbours: frozenset[sympy.Expr] = frozenset(),
) -> list[Point]:
    """Points on both sides of every place where a kink argument changes sign.

    Each variable the kink depends on is scanned across its domain, the others held at
    the values of the first two sample points; each sign change is bisected to the
    breakpoint, and probes go just left and right of it. With ``neighbours`` (the other
    side's kinks) a probe also goes halfway between each breakpoint and the nearest of
    theirs, so a threshold shifted by any amount floats can see is caught.
    """
    if not kinks or not around:
        return []
    guards = [compile_float(k, arguments) for k in kinks]
    others = [compile_float(k, arguments) for k in neighbours]
    probes: list[Point] = []
    for position, (name, (lo, hi)) in enumerate(ranges):
        relevant = [g for k, g in zip(kinks, guards, strict=True) if _uses(k, name)]
        if not relevant or hi <= lo:
            continue
        width = hi - lo
        for base in around[:2]:
            roots = [r for g in relevant for r in _roots(g, base.values, position, lo, hi, fixed)]
            theirs = [r for g in others for r in _roots(g, base.values, position, lo, hi, fixed)]
            spots: list[tuple[float, float]] = []
            for root in roots:
                spots += [
                    (root + side * o * width, root) for o in PROBE_OFFSETS for side in (-1, 1)
                ]
                nearest = min(theirs, key=lambda r: abs(r - root), default=None)
                if nearest is not None and nearest != root:
                    spots.append(((root + nearest) / 2, root))
            for x, root in spots:
                if lo <= x <= hi:
                    values = list(base.values)
                    values[position] = x
                    near = (variables[position], root)
                    point = _special(reference, guards, tuple(values), fixed, near)
                    if point is not None:
                        probes.append(point)
    return probes


def _uses(expr: sympy.Expr, name: str) -> bool:
    return any(s.name == name for s in expr.free_symbols)


def _roots(
    guard: FloatFunction,
    values: tuple[float, ...],
    position: int,
    lo: float,
    hi: float,
    fixed: tuple[float, ...],
) -> list[float]:
    def at(x: float) -> float | None:
        point = list(values)
        point[position] = x
        return guard(*point, *fixed)

    roots = []
    grid = [lo + (hi - lo) * i / SCAN_STEPS for i in range(SCAN_STEPS + 1)]
    previous = None
    for x in grid:
        g = at(x)
        if g is None:
            previous = None
            continue
        if g == 0:
            roots.append(x)
        elif previous is not None and (previous[1] < 0) != (g < 0):
            roots.append(_bisect(at, previous[0], x, previous[1]))
        previous = (x, g)
    return roots


def _bisect(
    at: Callable[[float], float | None], left: float, right: float, left_value: float
) -> float:
    for _ in range(60):
        middle = (left + right) / 2
        g = at(middle)
        if g is None or g == 0:
            return middle
        if (g < 0) == (left_value < 0):
            left, left_value = middle, g
        else:
            right = middle
    return (left + right) / 2


@functools.lru_cache(maxsize=512)
def _kinks(expr: sympy.Basic) -> frozenset[sympy.Expr]:
    """The arguments whose sign change makes ``expr`` jump or bend."""
    found: set[sympy.Expr] = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Heaviside, sympy.Abs, sympy.sign, relu)):
            found.add(node.args[0])
        elif isinstance(node, (sympy.floor, sympy.ceiling)):
            found.add(sympy.sin(sympy.pi * node.args[0]))
        elif isinstance(node, (sympy.Max, sympy.Min)):
            args = node.args
            found.update(a - b for i, a in enumerate(args) for b in args[i + 1 :])
        elif isinstance(node, sympy.core.relational.Relational) and not isinstance(
            node, (sympy.Eq, sympy.Ne)
        ):
            found.add(node.lhs - node.rhs)
    return frozenset(k for k in found if k.free_symbols and not k.is_number)


# --- high precision ---------------------------------------------------------------------


def _high_precision(
    answer: sympy.Expr,
    reference: sympy.Expr,
    variables: tuple[str, ...],
    ranges: tuple[tuple[str, tuple[float, float]], ...],
    substitutions: dict[sympy.Symbol, sympy.Float],
    rtol: float,
    seed: str,
) -> Equivalence:
    """Compare with 30 digits where floats overflowed or underflowed to 0."""
    rng = random.Random(zlib.crc32(f"hp|{seed}".encode()))
    symbols = [symbol(name) for name in variables]
    compared = 0
    for _ in range(MAX_HIGH_PRECISION_POINTS * 4):
        values = tuple(rng.uniform(lo, hi) for _, (lo, hi) in ranges)
        at = {**substitutions, **dict(zip(symbols, map(sympy.Float, values), strict=True))}
        ref = _precise(reference, at, HIGH_PRECISION_DIGITS)
        if ref is None:
            continue
        mine = _precise(answer, at, HIGH_PRECISION_DIGITS)
        if mine is None or (
            abs(mine - ref) > rtol * max(abs(mine), abs(ref))
            and abs(mine - ref) > _precise_noise(answer, reference, at)
        ):
            return Equivalence(
                False,
                "numeric",
                differs_at=values if mine is not None else None,
                undefined_at=values if mine is None else None,
                answer_value=_as_float(mine),
                reference_value=_as_float(ref),
            )
        compared += 1
        if compared == MAX_HIGH_PRECISION_POINTS:
            break
    return Equivalence(compared > 0, "numeric" if compared else "undecided")


def _compare_constants(answer: sympy.Expr, reference: sympy.Expr) -> Equivalence:
    """Two expressions without variables (decimals already exact): equal to 50 digits?"""
    ref = _precise(reference, {}, CONSTANT_DIGITS)
    mine = _precise(answer, {}, CONSTANT_DIGITS)
    if ref is not None and mine is not None:
        equal = abs(mine - ref) <= EXACT_TOLERANCE * max(abs(mine), abs(ref), 1e-300)
        return Equivalence(
            equal,
            "numeric",
            differs_at=None if equal else (),
            answer_value=_as_float(mine),
            reference_value=_as_float(ref),
        )
    if ref is not None and mine is None:
        return Equivalence(False, "numeric", undefined_at=(), reference_value=_as_float(ref))
    difference = sympy.simplify(answer - reference)
    return Equivalence(difference == 0, "symbolic" if difference == 0 else "undecided")


def exact_decimals(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with every decimal read as the exact decimal typed (0.1 is 1/10)."""
    floats = expr.atoms(sympy.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sympy.Rational(str(f)) for f in floats})


def _exact_polynomials(
    answer: sympy.Expr, reference: sympy.Expr, symbols: Sequence[sympy.Symbol]
) -> bool | None:
    """Whether two polynomials of low degree are exactly equal, or None if they are not such.

    Sampling cannot see a constant term that is 1 part in 10^10 of the value; expanding
    the difference can, and is cheap below ``MAX_POLYNOMIAL_DEGREE``.
    """
    if max(_degree_bound(answer), _degree_bound(reference)) > MAX_POLYNOMIAL_DEGREE:
        return None
    difference = answer - reference
    if not difference.is_polynomial(*symbols):
        return None
    # Schwartz-Zippel: a non-zero polynomial of degree <= 40 vanishes at a random point of
    # [1, 10^12]^n with probability <= 4e-11; two points, exact rational arithmetic
    rng = random.Random(zlib.crc32(str(symbols).encode()))
    try:
        for _ in range(2):
            point = {s: Fraction(rng.randint(1, 10**12)) for s in symbols}
            if _rational_value(difference, point) != 0:
                return False
        return True
    except _NotRational:
        return sympy.expand(difference) == 0


class _NotRational(Exception):
    """An irrational coefficient (sqrt(2) x): left to sympy's expand."""


def _rational_value(expr: sympy.Basic, point: Mapping[sympy.Symbol, Fraction]) -> Fraction:
    """The exact value of a polynomial with rational coefficients at a rational point."""
    if expr.is_Symbol:
        return point[expr]
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    if expr.is_Add:
        return sum((_rational_value(a, point) for a in expr.args), Fraction(0))
    if expr.is_Mul:
        product = Fraction(1)
        for factor in expr.args:
            product *= _rational_value(factor, point)
        return product
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        return _rational_value(expr.base, point) ** int(expr.exp)
    raise _NotRational(expr)


def _degree_bound(expr: sympy.Basic) -> float:
    """An upper bound on the polynomial degree of ``expr`` (inf where it is not one)."""
    if expr.is_Symbol:
        return 1
    if expr.is_number:
        return 0
    if expr.is_Add:
        return max(_degree_bound(a) for a in expr.args)
    if expr.is_Mul:
        return sum(_degree_bound(a) for a in expr.args)
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        return _degree_bound(expr.base) * int(expr.exp)
    return math.inf


def _precise_noise(
    answer: sympy.Expr, reference: sympy.Expr, at: Mapping[sympy.Symbol, sympy.Float]
) -> float:
    """Rounding at ``HIGH_PRECISION_DIGITS``, relative to the largest term of either side."""
    sizes = [
        abs(value)
        for term in (*Add.make_args(answer), *Add.make_args(reference))
        if (value := _precise(term, at, HIGH_PRECISION_DIGITS)) is not None
    ]
    return 10.0 ** (5 - HIGH_PRECISION_DIGITS) * float(max(sizes)) if sizes else 0.0


def _precise(
    expr: sympy.Expr, at: Mapping[sympy.Symbol, sympy.Float], digits: int
) -> sympy.Float | None:
    """``expr`` evaluated with ``digits`` digits at ``at``; None unless a finite real.

    None too when an exponent is so large that arbitrary precision would take forever
    (``exp(exp(exp(100)))``): floats cannot even hold the exponent.
    """
    if not within_reach(expr, at):
        return None
    try:
        value = expr.evalf(digits, subs=dict(at)) if at else expr.evalf(digits)
    except (ArithmeticError, ValueError, TypeError, RecursionError):
        return None
    if not (value.is_Number and value.is_real and value.is_finite):
        return None
    return value


def within_reach(expr: sympy.Expr, at: Mapping[sympy.Symbol, sympy.Float]) -> bool:
    """Whether every power in ``expr`` at ``at`` is small enough to evaluate precisely.

    An exponent that floats cannot hold is evaluated precisely itself (its own powers
    checked first); an undefined one is left to the evaluation, which reports it.
    """
    names = tuple(sorted(s.name for s in at))
    values = tuple(float(at[symbol(n)]) for n in names)

    def value(sub: sympy.Expr) -> sympy.Float | float | None:
        number = _compiled(sub, names)(*values)
        return number if number is not None else _precise(sub, at, 15)

    for node in _powers(expr):
        if isinstance(node, sympy.exp):
            exponent = value(node.args[0])
            if exponent is not None and abs(exponent) > MAX_EXP:
                return False
        else:
            base, power = value(node.base), value(node.exp)
            if base is None or power is None or base == 0:
                continue
            if abs(power) * abs(sympy.log(abs(sympy.Float(base)))) > MAX_EXP:
                return False
    return True


@functools.lru_cache(maxsize=256)
def _powers(expr: sympy.Expr) -> list[sympy.Expr]:
    """The exponentials and powers in ``expr``, outermost first."""
    return [n for n in sympy.preorder_traversal(expr) if isinstance(n, sympy.exp) or n.is_Pow]


@functools.lru_cache(maxsize=1024)
def _compiled(expr: sympy.Expr, names: tuple[str, ...]) -> FloatFunction:
    return compile_float(expr, names)


def _as_float(value: sympy.Float | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (OverflowError, TypeError):
        return None
    return number if math.isfinite(number) else None
