"""The answer language: what is read, how, and the messages for what cannot be read."""

from __future__ import annotations

import pytest

from quizzer.check import preview
from quizzer.check.build import read
from quizzer.check.lexer import Names
from quizzer.check.numbers import read_literal
from quizzer.check.verdict import AnswerError

sympy = pytest.importorskip("sympy")

X = Names(variables=frozenset({"x"}))
ADAMW = Names(variables=frozenset({"theta", "lr", "m", "v", "eps", "wd"}))


def r(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


x = r("x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2x", 2 * x),
        ("x(1-x)", x * (1 - x)),
        ("x^2", x**2),
        ("x**2", x**2),
        ("x²", x**2),
        ("x³ − x", x**3 - x),
        ("2×x·x", 2 * x**2),
        ("√x", sympy.sqrt(x)),
        ("√(x+1)", sympy.sqrt(x + 1)),
        ("2πx", 2 * sympy.pi * x),
        ("e^x", sympy.exp(x)),
        ("exp(x)", sympy.exp(x)),
        ("ln(x)", sympy.log(x)),
        ("log(x)", sympy.log(x)),
        ("log10(x)", sympy.log(x) / sympy.log(10)),
        ("log2(x)", sympy.log(x) / sympy.log(2)),
        ("abs(x)", sympy.Abs(x)),
        ("max(0, x)", sympy.Max(0, x)),
        ("tanh(x)", sympy.tanh(x)),
        ("-x^2", -(x**2)),
        ("2^-7", sympy.Rational(1, 128)),
        ("3/4", sympy.Rational(3, 4)),
        ("(x+1)(x-1)", (x + 1) * (x - 1)),
        ("x ≥ 0", sympy.Piecewise((1, x >= 0), (0, True))),
        ("1 if x > 0 else 0", sympy.Piecewise((1, x > 0), (0, True))),
        ("Piecewise((1, x > 0), (0, True))", sympy.Piecewise((1, x > 0), (0, True))),
    ],
)
def test_input_language(text: str, expected: sympy.Expr) -> None:
    assert read(text, X) == expected


def test_sigmoid_product_with_unicode_minus_is_read_as_a_product() -> None:
    expr = read("σ(x)(1−σ(x))", X)
    assert expr.is_Mul and len(expr.args) == 2
    assert "σ" in sympy.pretty(expr)


def test_multi_letter_variables_are_atoms() -> None:
    expr = read("theta - lr*(m/(sqrt(v)+eps) + wd*theta)", ADAMW)
    assert {s.name for s in expr.free_symbols} == {"theta", "lr", "m", "v", "eps", "wd"}
    assert read("lrtheta", ADAMW) == r("lr") * r("theta")
    assert read("lr wd theta", ADAMW) == r("lr") * r("wd") * r("theta")


def test_undeclared_letter_sequences_split_into_declared_variables() -> None:
    names = Names(variables=frozenset({"x", "y"}))
    assert read("xy", names) == r("x") * r("y")
    assert read("xΦ(x)", X) == read("x*Phi(x)", X)


def test_accented_letters_are_variables_when_declared() -> None:
    names = Names(variables=frozenset({"ŷ", "y"}))
    assert read("ŷ - y", names) == r("ŷ") - r("y")
    # a combining circumflex typed after y is the same letter (NFC)
    assert read("y\u0302 - y", names) == r("ŷ") - r("y")


def test_e_is_eulers_number() -> None:
    assert read("e", X) == sympy.E
    assert read("e^x", X) == read("exp(x)", X)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo(x)", "unknown function foo at column 1"),
        ("x + q", "unknown variable q at column 5 (this answer uses x)"),
        ("(x + 1", "missing ')' at column 7"),
        ("x + 1)", "unmatched ')' at column 6"),
        ("x +", "missing something after '+'"),
        ("* x", "'*' at column 1 needs something before it"),
        ("x + * 2", "'*' at column 5 cannot follow '+'"),
        ("2 3", "missing operator between 2 and 3"),
        ("x @ 2", "unexpected character '@' at column 3"),
        ("ln x", "ln at column 1 needs parentheses"),
        ("ln2", "write ln(2)"),
        ("x = 1", "'=' at column 3"),
        ("|x|", "write abs(x)"),
        ("", "empty"),
        ("x if x > 0", "an 'if' needs an 'else'"),
        ("x if x > 0 else", "missing something after 'else'"),
        ("(1, 2)", "not allowed here"),
        ("log(x, 2, 3)", "takes 1 to 2 arguments"),
        ("1/0", "division by zero"),
        ("log(0)", "log of 0"),
        ("Piecewise(1, x)", "pairs (value, condition)"),
    ],
)
def test_unreadable_input_says_what_and_where(text: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        read(text, X)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.204", 1.204),
        ("-3", -3.0),
        ("2.5e-3", 0.0025),
        ("1e-3", 0.001),
        ("3/4", 0.75),
        ("−0.5", -0.5),
        (" - 0.5 ", -0.5),
        ("50%", 0.5),
        (".5", 0.5),
    ],
)
def test_literal_numbers(text: str, value: float) -> None:
    literal = read_literal(text)
    assert literal is not None and float(literal.value) == pytest.approx(value)


@pytest.mark.parametrize(
    "text", ["ln(0.3)", "2^x", "x", "1/0", "1e999", "1.2.3", "nan", "1 2", "e^2"]
)
def test_not_literal_numbers(text: str) -> None:
    assert read_literal(text) is None


def test_preview_reads_without_grading() -> None:
    spec = {"kind": "expression", "value": "sigmoid(x)*(1-sigmoid(x))"}
    shown = preview(spec, "σ(x)(1−σ(x))")
    assert shown.status == "ungraded" and shown.interpreted is not None
    assert "σ(x)" in shown.interpreted
    broken = preview(spec, "σ(x)(1−σ(x)")
    assert broken.status == "invalid" and "missing ')' at column 12" in broken.feedback.lower()


def test_preview_of_an_expression_where_a_number_is_expected() -> None:
    shown = preview({"kind": "numeric", "value": "-ln(p)"}, "ln(0.3)", {"p": 0.3})
    assert shown.status == "invalid"
    assert "a number is expected here, not an expression" in shown.feedback.lower()
    assert shown.interpreted is None  # showing sympy's value of ln(0.3) would give it away


def test_preview_of_choice_and_vector() -> None:
    choice = {"kind": "choice", "options": ["L1", "L2", "dropout"], "correct": "L2"}
    assert preview(choice, "b").interpreted == "b) L2"
    assert preview({"kind": "vector", "value": ["1", "2"]}, "[1, 2.5]").interpreted == "[1, 2.5]"
