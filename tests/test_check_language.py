"""Functions people type, adjacent Greek variables, several options, and LaTeX input."""

from __future__ import annotations

import pytest

from quizzer.check import check, preview

X = {"kind": "expression", "value": "x"}


@pytest.mark.parametrize(
    ("reference", "answer"),
    [
        ("sign(x)", "sgn(x)"),
        ("atan(x)", "arctan(x)"),
        ("floor(x)", "floor(x)"),
        ("ceil(x)", "ceiling(x)"),
        ("binomial(n, 2)", "C(n, 2)"),
        ("binomial(n, 2)", "n(n-1)/2"),
        ("factorial(n)", "n!"),
        ("(n+1)*n!", "(n+1)!"),
        ("log(x, 2)", "log(x)/log(2)"),
    ],
)
def test_missing_functions_are_read(reference: str, answer: str) -> None:
    spec = {"kind": "expression", "value": reference, "domain": {"x": [0.1, 3], "n": [0, 5]}}
    assert check(spec, answer).status == "correct"


def test_floor_shifted_by_a_half_is_not_floor() -> None:
    assert (
        check({"kind": "expression", "value": "floor(x)"}, "floor(x + 0.5)").status == "incorrect"
    )


def test_huge_factorials_are_refused() -> None:
    verdict = check(X, "(10^9)!")
    assert verdict.status == "invalid" and "too large" in verdict.feedback


def test_adjacent_declared_greek_variables_split() -> None:
    spec = {"kind": "expression", "value": "lr*wd*theta", "variables": ["lr", "wd", "theta"]}
    assert check(spec, "ηλθ").status == "correct"
    assert check(spec, "λθη").status == "correct"


def test_several_option_texts() -> None:
    spec = {
        "kind": "choice",
        "options": ["L1, sparse weights", "L2 and decay", "dropout"],
        "correct": ["L1, sparse weights", "L2 and decay"],
    }
    assert check(spec, "L1, sparse weights; L2 and decay").status == "correct"
    assert check(spec, "L1, sparse weights\nL2 and decay").status == "correct"
    assert check(spec, "L2 and decay; dropout").status == "incorrect"


@pytest.mark.parametrize(
    ("reference", "latex"),
    [
        ("sigmoid(x)", r"\frac{1}{1+e^{-x}}"),
        ("sigmoid(x)*(1-sigmoid(x))", r"\sigma(x)(1-\sigma(x))"),
        ("relu(x)", r"\max(0, x)"),
        ("x*Phi(x)", r"x \cdot \Phi(x)"),
        ("sqrt(2/pi)", r"\sqrt{2/\pi}"),
        ("exp(-x^2/2)", r"e^{-x^2/2}"),
        ("exp(-x^2/2)", r"\exp\left(-\frac{x^2}{2}\right)"),
        ("Heaviside(x)", r"\mathbb{1}[x>0]"),
        ("Heaviside(x)", r"\mathbb{1}_{x > 0}"),
        ("sigmoid(x)", r"\left( 1 + e^{-x} \right)^{-1}"),
    ],
)
def test_latex_answers(reference: str, latex: str) -> None:
    assert check({"kind": "expression", "value": reference}, latex).status == "correct"


def test_latex_logs() -> None:
    spec = {"kind": "expression", "value": "ln(x) + log(x, 10)", "domain": {"x": [0.1, 5]}}
    assert check(spec, r"\ln x + \log_{10} x").status == "correct"


def test_latex_read_as_and_unknown_commands() -> None:
    shown = preview({"kind": "expression", "value": "x*Phi(x)"}, r"x \cdot \Phi(x)")
    assert shown.interpreted == "x⋅Φ(x)"
    unknown = check(X, r"\input{secrets}")
    assert unknown.status == "invalid" and "\\input" in unknown.feedback


def test_latex_numbers() -> None:
    assert check({"kind": "numeric", "value": "0.75"}, r"\frac{3}{4}").status == "correct"
    assert (
        check({"kind": "numeric", "value": "0.3567"}, r"3.567 \times 10^{-1}").status == "correct"
    )


def test_latex_wrong_threshold_is_still_caught() -> None:
    assert (
        check({"kind": "expression", "value": "Heaviside(x)"}, r"\mathbb{1}[x > 0.5]").status
        == "incorrect"
    )
