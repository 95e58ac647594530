"""Grading every kind, with realistic answers from the bank's topics, and the feedback notes."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from quizzer.check import CheckError, check, evaluate_at, reference_value
from quizzer.check.spec import ChoiceSpec, ExpressionSpec, NumericSpec

RELU_DERIVATIVE = {"kind": "expression", "value": "Heaviside(x)"}
SIGMOID_DERIVATIVE = {"kind": "expression", "value": "sigmoid(x)*(1 - sigmoid(x))"}
CROSS_ENTROPY = {"kind": "numeric", "value": "-ln(p)", "rtol": 0.005}
ADAMW = {
    "kind": "expression",
    "value": "theta - lr*(m/(sqrt(v)+eps) + wd*theta)",
    "variables": ["theta", "lr", "m", "v", "eps", "wd"],
    "domain": {"v": [0.01, 1], "lr": [0.0001, 0.1], "eps": [1e-8, 1e-3], "wd": [0, 0.1]},
}


def status(spec: object, answer: str, params: dict[str, float] | None = None, **kw: object) -> str:
    return check(spec, answer, params, **kw).status  # type: ignore[arg-type]


# --- expression ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "Heaviside(x)",
        "H(x)",
        "step(x)",
        "1 if x > 0 else 0",
        "x > 0",
        "Piecewise((1, x > 0), (0, True))",
        "(abs(x)/x + 1)/2",
        "(x + abs(x))/(2x)",
    ],
)
def test_relu_derivative_forms_are_all_correct(answer: str) -> None:
    assert status(RELU_DERIVATIVE, answer) == "correct"


def test_step_function_is_shown_as_typed() -> None:
    verdict = check(RELU_DERIVATIVE, "step(x)")
    assert verdict.interpreted == "H(x)" and verdict.expected == "H(x)"


@pytest.mark.parametrize("answer", ["x < 0", "1", "x", "relu(x)", "1 if x >= 1 else 0"])
def test_wrong_relu_derivatives_are_incorrect(answer: str) -> None:
    assert status(RELU_DERIVATIVE, answer) == "incorrect"


@pytest.mark.parametrize(
    "answer",
    [
        "σ(x)(1−σ(x))",
        "sigmoid(x) - sigmoid(x)^2",
        "e^-x/(1+e^-x)^2",
        "exp(x)/(1+exp(x))^2",
        "1/(1+e^-x) · (1 − 1/(1+e^-x))",
    ],
)
def test_sigmoid_derivative_forms(answer: str) -> None:
    assert status(SIGMOID_DERIVATIVE, answer) == "correct"


def test_sign_error_note() -> None:
    verdict = check(SIGMOID_DERIVATIVE, "-σ(x)(1−σ(x))")
    assert verdict.status == "incorrect"
    assert "sign is off" in verdict.feedback


def test_constant_factor_note() -> None:
    verdict = check(SIGMOID_DERIVATIVE, "2σ(x)(1−σ(x))")
    assert "constant factor" in verdict.feedback and "2 times" in verdict.feedback


def test_log_base_note_for_expressions() -> None:
    spec = {"kind": "expression", "value": "ln(x)", "domain": {"x": [0.1, 5]}}
    assert "log base 10" in check(spec, "log10(x)").feedback
    assert "log base 2" in check(spec, "log2(x)").feedback
    assert "Off by a constant" in check(spec, "ln(x) + 1").feedback


def test_perplexity_e_to_the_loss() -> None:
    spec = {"kind": "expression", "value": "exp(L)"}
    assert status(spec, "e^L") == "correct"
    assert status(spec, "2^L") == "incorrect"


def test_gelu() -> None:
    spec = {"kind": "expression", "value": "x*Phi(x)"}
    assert status(spec, "xΦ(x)") == "correct"
    assert status(spec, "x (1 + erf(x/√2))/2") == "correct"
    assert status(spec, "x σ(1.702x)") == "incorrect"  # the approximation is not exact


def test_gelu_approximation_accepted_with_a_loose_tolerance() -> None:
    spec = {"kind": "expression", "value": "x*Phi(x)", "rtol": 0.05, "domain": {"x": [0.5, 3]}}
    assert status(spec, "x σ(1.702x)") == "correct"


def test_softmax_gradient_with_declared_variables() -> None:
    spec = {
        "kind": "expression",
        "value": "p_i*(1 - p_i)",
        "variables": ["p_i"],
        "domain": {"p_i": [0, 1]},
    }
    assert status(spec, "p_i - p_i^2") == "correct"
    assert status(spec, "p_i^2 - p_i") == "incorrect"


def test_adamw_update_with_multi_letter_atoms() -> None:
    assert status(ADAMW, "theta - lr*(m/(sqrt(v)+eps) + wd*theta)") == "correct"
    assert status(ADAMW, "theta(1 - lr wd) - lr m/(√v + eps)") == "correct"
    l2_instead = check(ADAMW, "theta - lr*m/(sqrt(v)+eps)")
    assert l2_instead.status == "incorrect"


def test_adamw_mistake_feedback() -> None:
    mistakes = [
        SimpleNamespace(
            answer="theta - lr*(m + wd*theta)/(sqrt(v)+eps)",
            feedback="That is Adam with L2: the decay went through the adaptive scaling.",
        )
    ]
    verdict = check(ADAMW, "theta - lr (m + wd theta)/(sqrt(v) + eps)", mistakes=mistakes)
    assert verdict.status == "incorrect"
    assert "Adam with L2" in verdict.feedback


def test_undefined_answer_at_a_point_where_the_reference_is_defined() -> None:
    spec = {"kind": "expression", "value": "ln(abs(x))"}
    verdict = check(spec, "ln(x)")
    assert verdict.status == "incorrect"
    assert "Your expression is undefined at x = -" in verdict.feedback


def test_points_where_the_reference_is_undefined_are_redrawn() -> None:
    spec = {"kind": "expression", "value": "ln(x)"}  # default domain [-3, 3]
    assert status(spec, "2 ln(sqrt(x))") == "correct"
    # also defined for x < 0, where the reference is not: only the reference's domain counts
    assert status(spec, "ln(x^2)/2") == "correct"
    assert status(spec, "ln(x^2)") == "incorrect"


def test_unknown_variable_is_invalid_with_a_message() -> None:
    verdict = check({"kind": "expression", "value": "x^2"}, "q^2")
    assert verdict.status == "invalid"
    assert "unknown variable q" in verdict.feedback.lower()
    assert "this answer uses x" in verdict.feedback


def test_params_substitute_into_both_sides() -> None:
    spec = {"kind": "expression", "value": "a*x^2"}
    assert status(spec, "2x^2", {"a": 2.0}) == "correct"
    assert status(spec, "a x²", {"a": 2.0}) == "correct"
    assert status(spec, "3x^2", {"a": 2.0}) == "incorrect"


def test_simplified_form_required() -> None:
    spec = {"kind": "expression", "value": "2*x", "simplified": True}
    assert status(spec, "2x") == "correct"
    verdict = check(spec, "x + x^2/x")
    assert verdict.status == "incorrect"
    assert "not simplified" in verdict.feedback
    assert status({**spec, "simplified": False}, "x + x^2/x") == "correct"


def test_interpreted_and_expected_are_rendered() -> None:
    verdict = check(SIGMOID_DERIVATIVE, "σ(x)(1−σ(x))")
    assert verdict.interpreted is not None and "σ(x)" in verdict.interpreted
    assert verdict.expected is not None and "σ(x)" in verdict.expected


# --- numeric ---------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "answer"), [(0.3, "1.204"), (0.7, "0.3567"), (0.01, "4.605")])
def test_cross_entropy(p: float, answer: str) -> None:
    assert status(CROSS_ENTROPY, answer, {"p": p}) == "correct"


def test_cross_entropy_predicted_mistake() -> None:
    mistakes = [{"answer": "-log10(p)", "feedback": "That is log base 10; use the natural log."}]
    verdict = check(CROSS_ENTROPY, "0.5229", {"p": 0.3}, mistakes=mistakes)
    assert verdict.status == "incorrect"
    assert "That is log base 10; use the natural log." in verdict.feedback


def test_numeric_automatic_notes() -> None:
    assert "log base 10" in check(CROSS_ENTROPY, "0.5229", {"p": 0.3}).feedback
    assert "sign is off" in check(CROSS_ENTROPY, "-1.204", {"p": 0.3}).feedback
    assert "2 times" in check(CROSS_ENTROPY, "2.408", {"p": 0.3}).feedback
    fewer = check({**CROSS_ENTROPY, "rtol": 0.001}, "1.2", {"p": 0.3})
    assert fewer.status == "incorrect" and "Right to 2 significant figures" in fewer.feedback


def test_numeric_expected_is_rendered_to_the_tolerance() -> None:
    verdict = check(CROSS_ENTROPY, "1.204", {"p": 0.3})
    assert verdict.expected == "1.204" and verdict.interpreted == "1.204"


def test_numeric_literals_only_unless_allowed() -> None:
    verdict = check(CROSS_ENTROPY, "ln(1/0.3)", {"p": 0.3})
    assert verdict.status == "invalid"
    assert "a number is expected here, not an expression" in verdict.feedback.lower()
    allowed = {**CROSS_ENTROPY, "allow_expression": True}
    assert status(allowed, "ln(1/0.3)", {"p": 0.3}) == "correct"
    assert status(allowed, "-ln(p)", {"p": 0.3}) == "correct"


@pytest.mark.parametrize("answer", ["3/4", "0.75", "75%", "7.5e-1"])
def test_numeric_literal_forms(answer: str) -> None:
    assert status({"kind": "numeric", "value": "3/4"}, answer) == "correct"


def test_unicode_minus_in_a_numeric_answer() -> None:
    assert status({"kind": "numeric", "value": "-0.5"}, "−0.5") == "correct"


def test_reference_values_are_expressions() -> None:
    assert status({"kind": "numeric", "value": "2^-7"}, "0.0078125") == "correct"
    assert status({"kind": "numeric", "value": "exp(2.1)"}, "8.17") == "correct"


def test_kl_divergence_number() -> None:
    spec = {"kind": "numeric", "value": "0.5*ln(0.5/0.9) + 0.5*ln(0.5/0.1)", "rtol": 0.01}
    assert status(spec, "0.511") == "correct"
    assert status(spec, "0.368") == "incorrect"  # the reverse KL


def test_sigfigs() -> None:
    spec = {"kind": "numeric", "value": "-ln(p)", "sigfigs": 4}
    assert status(spec, "1.204", {"p": 0.3}) == "correct"
    verdict = check(spec, "1.2", {"p": 0.3})
    assert verdict.status == "incorrect" and "Right to 2 significant figures" in verdict.feedback
    assert "Close, but not right" in check(spec, "1.205", {"p": 0.3}).feedback
    three = check({"kind": "numeric", "value": "-ln(p)", "sigfigs": 3}, "1.2", {"p": 0.3})
    assert three.status == "correct" and "give 3 significant figures" in three.feedback


def test_atol() -> None:
    spec = {"kind": "numeric", "value": "0", "atol": 0.01}
    assert status(spec, "0.005") == "correct"
    assert status(spec, "0.02") == "incorrect"


# --- vector, choice, recall ------------------------------------------------------------

SOFTMAX = {"kind": "vector", "value": ["exp(1)/S", "exp(2)/S", "exp(3)/S"]}
S = math.e + math.e**2 + math.e**3


@pytest.mark.parametrize(
    "answer",
    ["[0.09, 0.245, 0.665]", "(0.09, 0.245, 0.665)", "0.09, 0.245, 0.665", "0.09 0.245 0.665"],
)
def test_softmax_vector(answer: str) -> None:
    assert status(SOFTMAX, answer, {"S": S}) == "correct"


def test_vector_feedback() -> None:
    assert "Expected 3 entries" in check(SOFTMAX, "[0.09, 0.245]", {"S": S}).feedback
    wrong = check(SOFTMAX, "[0.09, 0.3, 0.665]", {"S": S})
    assert wrong.status == "incorrect" and "Entry 2 is off" in wrong.feedback
    order = check(SOFTMAX, "[0.665, 0.245, 0.09]", {"S": S})
    assert "wrong order" in order.feedback
    invalid = check(SOFTMAX, "[0.09, ln(2), 0.665]", {"S": S})
    assert invalid.status == "invalid" and "entry 2" in invalid.feedback.lower()


CHOICE = {"kind": "choice", "options": ["L1", "L2", "Dropout", "Early stopping"], "correct": "L2"}
MULTI = {**CHOICE, "correct": ["L1", "L2"]}


@pytest.mark.parametrize("answer", ["b", "B", "2", "L2", " l2 ", "(b)"])
def test_choice_forms(answer: str) -> None:
    assert status(CHOICE, answer) == "correct"


def test_choice_wrong_and_out_of_range() -> None:
    assert status(CHOICE, "a") == "incorrect"
    out = check(CHOICE, "e")
    assert out.status == "invalid" and "no option e" in out.feedback
    assert status(CHOICE, "7") == "invalid"
    assert status(CHOICE, "batch norm") == "invalid"


def test_multiple_choice() -> None:
    assert status(MULTI, "a, b") == "correct"
    assert status(MULTI, "b, a") == "correct"
    assert status(MULTI, "1 2") == "correct"
    partial = check(MULTI, "a, c")
    assert partial.status == "incorrect" and "1 of the 2" in partial.feedback


def test_choice_mistake_feedback() -> None:
    mistakes = [{"answer": "c", "feedback": "Dropout regularises, but it is not a norm penalty."}]
    assert "not a norm penalty" in check(CHOICE, "Dropout", mistakes=mistakes).feedback


def test_recall_is_ungraded() -> None:
    verdict = check({"kind": "recall"}, "I remember it")
    assert verdict.status == "ungraded" and not verdict.correct


def test_spec_models_are_accepted() -> None:
    assert check(NumericSpec(value="-ln(p)"), "1.204", {"p": 0.3}).correct
    assert check(ExpressionSpec(value="x^2"), "x*x").correct
    assert check(ChoiceSpec(options=["a", "b"], correct="b"), "2").correct


# --- reference_value, evaluate_at, bank errors -----------------------------------------


def test_reference_value() -> None:
    assert reference_value(CROSS_ENTROPY, {"p": 0.3}) == pytest.approx(-math.log(0.3))
    assert reference_value({"kind": "numeric", "value": 2.5}) == 2.5
    assert reference_value(SOFTMAX, {"S": S}) == pytest.approx([math.exp(k) / S for k in (1, 2, 3)])
    with pytest.raises(CheckError, match="cannot read the reference"):
        reference_value({"kind": "numeric", "value": "-ln(p"}, {"p": 0.3})
    with pytest.raises(CheckError):
        reference_value({"kind": "numeric", "value": "-ln(q)"}, {"p": 0.3})
    with pytest.raises(CheckError):
        reference_value(RELU_DERIVATIVE)


def test_evaluate_at() -> None:
    assert evaluate_at("x*Phi(x)", {"x": 1.0}) == pytest.approx(0.8413447460685429)
    assert evaluate_at("sigmoid(x)*(1-sigmoid(x))", {"x": 0.0}) == pytest.approx(0.25)
    assert evaluate_at("Heaviside(x)", {"x": 2.0}) == 1.0
    update = evaluate_at(
        ADAMW["value"],  # type: ignore[arg-type]
        {"theta": 1.0, "lr": 0.1, "m": 0.5, "v": 0.25, "eps": 0.0, "wd": 0.01},
    )
    assert update == pytest.approx(1.0 - 0.1 * (0.5 / 0.5 + 0.01))
    with pytest.raises(CheckError, match="undefined"):
        evaluate_at("ln(x)", {"x": -1.0})
    with pytest.raises(CheckError, match="needs a value for y"):
        evaluate_at("x*y", {"x": 1.0}, ["x", "y"])


def test_bad_spec_raises_check_error() -> None:
    with pytest.raises(CheckError):
        check({"kind": "numeric"}, "1")
    with pytest.raises(CheckError):
        check({"kind": "expression", "value": "x +"}, "x")


def test_a_predicted_mistake_undefined_at_the_params_is_skipped_not_fatal() -> None:
    spec = {"kind": "numeric", "value": "-ln(p)", "rtol": 0.005}
    mistakes = [{"answer": "sqrt(p - 1)", "feedback": "never applies at p < 1"}]
    verdict = check(spec, "0.5", {"p": 0.3}, mistakes=mistakes)
    assert verdict.status == "incorrect"
    assert "never applies" not in verdict.feedback


def test_greek_letters_stand_for_the_declared_spelled_out_variables() -> None:
    spec = {
        "kind": "expression",
        "value": "theta - lr*(m/(sqrt(v) + eps) + wd*theta)",
        "variables": ["theta", "lr", "m", "v", "eps", "wd"],
        "domain": {"v": [0.1, 2]},
    }
    assert check(spec, "θ - lr*(m/(√v + ε) + wd*θ)").status == "correct"
    assert check(spec, "θ - η*(m/(√v + ε) + λ*θ)").status == "correct"
    assert check(spec, "θ - lr*(m/(√v + ε))").status == "incorrect"
