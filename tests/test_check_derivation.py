"""Derivations checked line by line, and ``diff(f, x)`` / ``d/dx f`` in the answer language."""

from __future__ import annotations

import math
import re

import pytest

from quizzer.check import check, preview
from quizzer.check.derivation import MAX_ANSWER_LENGTH, MAX_LINES
from quizzer.check.grade import grade
from quizzer.check.lexer import MAX_LENGTH

SIGMOID = {
    "kind": "derivation",
    "start": "diff(1/(1 + exp(-x)), x)",
    "target": "sigmoid(x)*(1 - sigmoid(x))",
    "steps": ["d/dx 1/(1 + exp(-x))", "exp(-x)/(1 + exp(-x))^2", "sigmoid(x)*(1 - sigmoid(x))"],
    "variables": ["x"],
    "domain": {"x": [-4, 4]},
}
SOFTMAX = {
    "kind": "derivation",
    "start": "diff(exp(z1)/S, z2)",
    "target": "-p1*p2",
    "define": {"S": "exp(z1) + exp(z2)", "p1": "exp(z1)/S", "p2": "exp(z2)/S"},
    "steps": ["d/dz2 exp(z1)/S", "-exp(z1)*exp(z2)/S^2", "-p1*p2"],
    "variables": ["z1", "z2"],
}
PERPLEXITY = {
    "kind": "derivation",
    "start": "exp(-log(P)/N)",
    "target": "V",
    "define": {"P": "(1/V)^N"},
    "steps": ["exp(-log(P)/N)", "exp(log(V^N)/N)", "V"],
    "variables": ["V", "N"],
    "domain": {"V": [2, 100], "N": [1, 20]},
}


def _sigma_prime(x: float) -> float:
    s = 1 / (1 + math.exp(-x))
    return s * (1 - s)


# --- diff(f, x) and d/dx f --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("diff(x^3, x)", "3*x^2"),
        ("d/dx x^3", "3*x^2"),
        ("∂/∂x x^3", "3*x^2"),
        ("d/dx x^2 + 1", "2*x + 1"),  # d/dx takes the term after it
        ("d/dx (x^2 + 1)", "2*x"),
        ("d/dx 1/(1 + e^-x)", "e^-x/(1 + e^-x)^2"),
        ("Phi(x) + x * d/dx Phi(x)", "Phi(x) + x*exp(-x^2/2)/sqrt(2*pi)"),
        ("2 d/dx(x^3)", "6*x^2"),
        ("d/dx d/dx x^3", "6*x"),
        ("diff(relu(x), x)", "Heaviside(x)"),
    ],
)
def test_a_derivative_in_an_expression_answer_is_taken(typed: str, value: str) -> None:
    spec = {"kind": "expression", "value": value, "variables": ["x"]}
    verdict = grade(spec, typed)
    assert verdict.status == "correct", verdict.feedback


def test_d_by_d_theta_takes_the_greek_spelling_of_a_declared_variable() -> None:
    spec = {"kind": "expression", "value": "2*theta", "variables": ["theta"]}
    assert grade(spec, "d/dθ θ^2").correct
    assert grade(spec, "d/dtheta theta^2").correct


def test_preview_shows_the_derivative_as_typed_without_taking_it() -> None:
    spec = {"kind": "expression", "value": "2*x", "variables": ["x"]}
    shown = preview(spec, "d/dx x^2").interpreted or ""
    assert "d" in shown and "dx" in shown and "2⋅x" not in shown


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("d/dz x^2", "d/dz at column 1: z is not a variable here (this answer uses x)"),
        ("d/dx", "d/dx at column 1 needs something to differentiate, e.g. d/dx x^2"),
        ("diff(x^2, 2)", "diff at column 1 differentiates with respect to a variable"),
        ("diff(x^2)", "diff at column 1 takes 2 arguments, not 1"),
        ("d/dx d/dx d/dx d/dx x^5", "at most 3 derivatives in one answer"),
    ],
)
def test_unusable_derivatives_say_what_and_where(typed: str, message: str) -> None:
    verdict = grade({"kind": "expression", "value": "x", "variables": ["x"]}, typed)
    assert verdict.status == "invalid"
    assert message.lower() in verdict.feedback.lower()


def test_a_derivative_that_grows_too_large_is_refused() -> None:
    spec = {"kind": "expression", "value": "x", "variables": ["x"]}
    factors = "*".join(f"sin({k}*x)" for k in range(1, 60))
    verdict = check(spec, f"diff(diff(diff({factors}, x), x), x)", timeout=10)
    assert verdict.status in ("invalid", "timeout")
    assert not verdict.correct


# --- derivations ------------------------------------------------------------------------


def test_a_right_derivation_is_correct_with_every_line_marked() -> None:
    answer = "d/dx 1/(1+e^-x)\n= e^-x/(1+e^-x)^2\n= σ(x)(1-σ(x))"
    verdict = check(SIGMOID, answer)
    assert verdict.status == "correct"
    assert [(m.number, m.follows) for m in verdict.lines] == [(1, True), (2, True), (3, True)]
    assert verdict.lines[0].shown == "d/dx(1/(1 + exp(-x)))"
    assert verdict.lines[2].text == "σ(x)(1-σ(x))"


def test_the_first_wrong_line_is_named_with_both_values_at_a_point() -> None:
    answer = "d/dx 1/(1+e^-x)\ne^-x/(1+e^-x)^2\ne^-x/(1+e^-x)\nσ(x)(1-σ(x))"
    verdict = grade(SIGMOID, answer)
    assert verdict.status == "incorrect"
    found = re.match(
        r"Line 3 does not follow from line 2: at x = (\S+) line 2 is (\S+), line 3 is (\S+)\.",
        verdict.feedback,
    )
    assert found, verdict.feedback
    x, before, after = (float(v) for v in found.groups())
    assert before == pytest.approx(_sigma_prime(x), rel=1e-3)
    assert after == pytest.approx(math.exp(-x) / (1 + math.exp(-x)), rel=1e-3)
    assert [m.follows for m in verdict.lines] == [True, True, False, False]


def test_a_predicted_wrong_step_is_named() -> None:
    mistakes = [("exp(-x)/(1 + exp(-x))", "The denominator is squared.")]
    answer = "d/dx 1/(1+e^-x)\ne^-x/(1+e^-x)\nσ(x)(1-σ(x))"
    verdict = grade(SIGMOID, answer, mistakes=mistakes)
    assert verdict.feedback.startswith("Line 2 does not follow from line 1")
    assert "The denominator is squared." in verdict.feedback


def test_a_wrong_step_that_matches_no_prediction_gets_no_prediction() -> None:
    mistakes = [("exp(-x)/(1 + exp(-x))", "The denominator is squared.")]
    verdict = grade(SIGMOID, "d/dx 1/(1+e^-x)\n2*e^-x/(1+e^-x)^2", mistakes=mistakes)
    assert "squared" not in verdict.feedback


def test_a_right_chain_that_stops_early_says_what_is_missing() -> None:
    verdict = grade(SIGMOID, "d/dx 1/(1+e^-x)\ne^-x/(1+e^-x)^2")
    assert verdict.status == "incorrect"
    assert verdict.feedback == (
        "Incomplete: every line follows, but the derivation stops at line 2, which is not yet "
        "written as sigmoid(x)*(1 - sigmoid(x)). One more step."
    )
    still = grade(SIGMOID, "d/dx 1/(1+e^-x)")
    assert "line 1 still has a derivative to take" in still.feedback


def test_the_target_may_be_written_in_an_equal_multiplied_out_form() -> None:
    assert grade(SIGMOID, "d/dx 1/(1+e^-x)\ne^-x/(1+e^-x)^2\nσ(x) - σ(x)^2").correct
    assert grade(SIGMOID, "d/dx 1/(1+e^-x)\ne^-x/(1+e^-x)^2\n(1 - σ(x))σ(x)").correct


def test_an_accepted_form_ends_the_derivation() -> None:
    spec = {
        "kind": "derivation",
        "start": "diff(max(0, x), x)",
        "target": "Piecewise((1, x > 0), (0, True))",
        "accept": ["Heaviside(x)"],
        "steps": ["d/dx max(0, x)", "1 if x > 0 else 0"],
        "variables": ["x"],
    }
    assert grade(spec, "d/dx max(0, x)\nH(x)").correct
    assert grade(spec, "d/dx max(0, x)\nx > 0").correct
    wrong = grade(spec, "d/dx max(0, x)\nx > 0.5")
    assert wrong.feedback.startswith("Line 2 does not follow from line 1")


def test_line_one_must_be_the_start_and_state_the_derivative() -> None:
    wrong = grade(SIGMOID, "d/dx 1/(1+e^x)\n-e^x/(1+e^x)^2")
    assert wrong.feedback.startswith(
        "Line 1 is not the expression to start from (d/dx 1/(1 + exp(-x))): at x = "
    )
    assert [m.follows for m in wrong.lines] == [False, True]
    unstated = grade(SIGMOID, "e^-x/(1+e^-x)^2\nσ(x)(1-σ(x))")
    assert unstated.feedback.startswith("Line 1 should state what is differentiated")
    assert unstated.lines[0].follows is False


def test_a_one_line_answer_is_not_a_derivation() -> None:
    verdict = grade(PERPLEXITY, "V")
    assert verdict.status == "incorrect"
    assert verdict.feedback.startswith("Line 1 is already the result")


def test_defined_names_count_by_value_in_steps_and_by_name_in_the_target() -> None:
    assert grade(SOFTMAX, "d/dz2 p1\n-p1 p2").correct
    spelled_out = grade(SOFTMAX, "d/dz2 p1\n-exp(z1)*exp(z2)/S^2")
    assert spelled_out.feedback.startswith("Incomplete")
    assert "not yet written as -p1*p2" in spelled_out.feedback
    assert grade(PERPLEXITY, "exp(-log(P)/N)\nexp(-log((1/V)^N)/N)\nV").correct


def test_a_line_undefined_where_the_one_before_is_defined_does_not_follow() -> None:
    spec = {
        "kind": "derivation",
        "start": "diff(x^2, x)",
        "target": "2*x",
        "steps": ["d/dx x^2", "2*x"],
        "variables": ["x"],
        "domain": {"x": [-2, 2]},
    }
    verdict = grade(spec, "d/dx x^2\nx*log(x^2)/log(x)\n2*x")
    assert re.match(
        r"Line 2 does not follow from line 1: line 2 is undefined at x = -\S+, where line 1 is ",
        verdict.feedback,
    ), verdict.feedback


def test_blank_lines_and_a_leading_equals_sign_are_ignored() -> None:
    verdict = grade(SIGMOID, "\n  d/dx 1/(1+e^-x)\n\n  = e^-x/(1+e^-x)^2\n=σ(x)(1-σ(x))\n\n")
    assert verdict.correct
    assert [m.number for m in verdict.lines] == [2, 4, 5]


def test_an_unreadable_line_is_invalid_and_named_with_its_column() -> None:
    verdict = grade(SIGMOID, "d/dx 1/(1+e^-x)\n= e^-x/(1+e^-x)^2 +\nσ(x)(1-σ(x))")
    assert verdict.status == "invalid"
    assert verdict.feedback == "Line 2: missing something after '+' at column 20."


def test_two_steps_on_one_line_are_invalid_with_a_hint() -> None:
    verdict = grade(SIGMOID, "d/dx 1/(1+e^-x) = e^-x/(1+e^-x)^2\nσ(x)(1-σ(x))")
    assert verdict.status == "invalid"
    assert verdict.feedback == ("Line 1 has '=' at column 17: put each step on its own line.")


def test_preview_reads_every_line_and_marks_the_unreadable_one() -> None:
    verdict = preview(SIGMOID, "d/dx 1/(1+e^-x)\ne^-x/(1+e^-x)^2 +\nσ(x)(1-σ(x))")
    assert verdict.status == "invalid"
    assert [m.number for m in verdict.lines] == [1, 2, 3]
    assert verdict.lines[0].shown == "d/dx(1/(1 + exp(-x)))"
    assert verdict.lines[1].note.startswith("Line 2: missing something after '+'")
    assert verdict.lines[2].shown == "(1 - σ(x))*σ(x)"
    assert all(m.follows is None for m in verdict.lines)


def test_an_empty_derivation_is_invalid() -> None:
    assert grade(SIGMOID, " \n\n").status == "invalid"


# --- caps -------------------------------------------------------------------------------


def test_each_line_is_capped() -> None:
    long_line = "x" + "+x" * (MAX_LENGTH // 2)
    verdict = check(SIGMOID, f"d/dx 1/(1+e^-x)\n{long_line}")
    assert verdict.status == "invalid"
    assert verdict.feedback.startswith(f"Line 2 is too long ({len(long_line)} characters")


def test_the_whole_answer_is_capped_in_characters_and_lines() -> None:
    too_long = "\n".join(["e^-x/(1+e^-x)^2"] * (MAX_ANSWER_LENGTH // 15 + 1))
    verdict = check(SIGMOID, too_long)
    assert verdict.status == "invalid"
    assert f"at most {MAX_ANSWER_LENGTH}" in verdict.feedback
    too_many = "\n".join(["x"] * (MAX_LINES + 1))
    verdict = check(SIGMOID, too_many)
    assert verdict.feedback == f"The derivation has {MAX_LINES + 1} lines; at most {MAX_LINES}."


def test_the_longest_allowed_derivation_is_checked_within_the_time_limit() -> None:
    steps = ["d/dx 1/(1+e^-x)"] + ["e^-x/(1+e^-x)^2"] * (MAX_LINES - 2) + ["σ(x)(1-σ(x))"]
    verdict = check(SIGMOID, "\n".join(steps))
    assert verdict.status == "correct", verdict.feedback
