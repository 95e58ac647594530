"""No wrong ReLU′, GELU, σ′ or AdamW update passes by a lucky sample: one test per trick."""

from __future__ import annotations

import pytest

from quizzer.check import check

RELU_DERIVATIVE = {"kind": "expression", "value": "Heaviside(x)"}
GELU = {"kind": "expression", "value": "x*Phi(x)"}
SIGMOID_DERIVATIVE = {"kind": "expression", "value": "sigmoid(x)*(1 - sigmoid(x))"}
ADAMW = {  # the shipped bank's spec
    "kind": "expression",
    "value": "theta - lr*(m/(sqrt(v) + eps) + wd*theta)",
    "variables": ["theta", "lr", "m", "v", "eps", "wd"],
    "domain": {
        "theta": [-2, 2],
        "lr": [0.0001, 0.01],
        "m": [-1, 1],
        "v": [0.01, 1],
        "eps": [1e-8, 1e-6],
        "wd": [0, 0.2],
    },
}


@pytest.mark.parametrize(
    "answer", ["x > 0.5", "x > -1", "x >= 0.05", "1 if x > 0.2 else 0", "x > 0.001"]
)
def test_relu_derivative_with_a_shifted_threshold_is_incorrect(answer: str) -> None:
    verdict = check(RELU_DERIVATIVE, answer)
    assert verdict.status == "incorrect", verdict
    assert "at x = " in verdict.feedback


@pytest.mark.parametrize(
    "answer", ["Heaviside(x - 0.2)", "Heaviside(x + 1)", "H(x - 0.01)", "(abs(x-0.1)/(x-0.1)+1)/2"]
)
def test_relu_derivative_with_a_shifted_step_is_incorrect(answer: str) -> None:
    assert check(RELU_DERIVATIVE, answer).status == "incorrect"


@pytest.mark.parametrize(
    ("spec", "answer"),
    [
        (GELU, "x*Phi(x)*H(x + 0.5)"),
        (GELU, "x*Phi(x) if x > -0.3 else 0"),
        (GELU, "max(0, x)*Phi(x) + min(0, x)*Phi(x - 0.1)"),
        (SIGMOID_DERIVATIVE, "σ(x)(1−σ(x)) if x < 0.4 else σ(x)(1-σ(x))/2"),
        (SIGMOID_DERIVATIVE, "σ(x)(1−σ(x)) H(x + 0.05)"),
    ],
)
def test_gelu_and_sigmoid_derivative_with_a_shifted_breakpoint_are_incorrect(
    spec: dict, answer: str
) -> None:
    assert check(spec, answer).status == "incorrect"


@pytest.mark.parametrize(
    "answer",
    [
        "theta - lr*m/(sqrt(v + eps)) - lr*wd*theta",  # ε inside the root
        "theta - lr*m/sqrt(v) - lr*wd*theta",  # ε left out
        "theta - lr*(m + eps)/(sqrt(v) + eps) - lr*wd*theta",
    ],
)
def test_adamw_update_with_a_term_hidden_by_scale_is_incorrect(answer: str) -> None:
    assert check(ADAMW, answer).status == "incorrect"


@pytest.mark.parametrize(
    ("spec", "answer"),
    [
        (ADAMW, "theta - lr*m/(sqrt(v) + eps) - lr*wd*theta"),
        (ADAMW, "theta*(1 - lr*wd) - lr*m/(eps + √v)"),
        (GELU, "x/2*(1 + erf(x/sqrt(2)))"),
        (SIGMOID_DERIVATIVE, "e^-x/(1+e^-x)^2"),
        (RELU_DERIVATIVE, "(x + abs(x))/(2x)"),
        (RELU_DERIVATIVE, "(sign(x) + 1)/2"),
    ],
)
def test_the_right_formulas_still_pass(spec: dict, answer: str) -> None:
    assert check(spec, answer).status == "correct"


def test_a_difference_next_to_a_breakpoint_says_so() -> None:
    verdict = check({"kind": "expression", "value": "relu(x)"}, "max(0.001, x)")
    assert verdict.status == "incorrect"
    assert "yours is" in verdict.feedback and "expected answer is" in verdict.feedback


def test_values_in_a_mismatch_are_printed_with_enough_digits_to_differ() -> None:
    verdict = check({"kind": "expression", "value": "x"}, "x*(1 + 1e-5)")
    mine, theirs = verdict.feedback.split("yours is ")[1].split(", the expected answer is ")
    assert mine != theirs.rstrip(".").split(" ")[0]


def test_rounding_noise_around_an_exact_zero_is_not_a_difference() -> None:
    spec = {"kind": "expression", "value": "0", "variables": ["x"]}
    assert check(spec, "sqrt(2*x*sqrt(x^2+1)+2*x^2+1)-sqrt(x^2+1)-x").status == "correct"
