"""The number rule, inclusive tolerance edges, half-up rounding, advice that follows tolerance."""

from __future__ import annotations

import pytest

from quizzer.check import check, preview
from quizzer.check.numbers import read_literal

CROSS_ENTROPY = {"kind": "numeric", "value": "-ln(p)", "rtol": 0.005}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.567×10^-1", 0.3567),
        ("3.567*10^-1", 0.3567),
        ("3.567·10⁻¹", 0.3567),
        ("3.567 x 10^-1", None),
        ("-(0.05)", -0.05),
        ("(−0.05)", -0.05),
        ("65,504", 65504),
        ("2^-7", 2**-7),
        ("0.25^20", 0.25**20),
        ("1.2e-3", 0.0012),
        ("3/4", 0.75),
        ("1,5", None),
        ("1 2", None),
        ("ln(2)", None),
    ],
)
def test_every_listed_notation_is_a_number(text: str, value: float | None) -> None:
    literal = read_literal(text, thousands=True)
    if value is None:
        assert literal is None
    else:
        assert literal is not None and float(literal.value) == pytest.approx(value)


def test_thousands_separators_only_for_a_single_number() -> None:
    assert check({"kind": "numeric", "value": "65504"}, "65,504").status == "correct"
    vector = check({"kind": "vector", "value": ["65", "504"]}, "65,504")
    assert vector.status == "correct"


def test_the_message_lists_the_accepted_forms() -> None:
    verdict = check(CROSS_ENTROPY, "ln(1/0.7)", {"p": 0.7})
    assert verdict.status == "invalid"
    for form in ("0.357", "3/4", "1.2e-3", "1.2×10^-3", "2^-7", "65,504"):
        assert form in verdict.feedback


@pytest.mark.parametrize("answer", ["3.567×10^-1", "3.567*10^-1", "3.567·10⁻¹", "0.3567"])
def test_scientific_notation_is_graded_like_a_decimal(answer: str) -> None:
    assert check(CROSS_ENTROPY, answer, {"p": 0.7}).status == "correct"


def test_advice_follows_the_tolerance() -> None:
    # 0.357 (3 figures) is within 0.5 % of 0.35667, so 3 figures are what it takes
    assert check(CROSS_ENTROPY, "0.357", {"p": 0.7}).status == "correct"
    short = check(CROSS_ENTROPY, "0.36", {"p": 0.7})
    assert short.status == "incorrect" and "give at least 3" in short.feedback
    ln2 = check({"kind": "numeric", "value": "ln(2)", "rtol": 0.005}, "0.7")
    assert "give at least 2" in ln2.feedback
    linearised = check(CROSS_ENTROPY, "0.3", {"p": 0.7})  # 1 - p, a wrong model
    assert "Right to" not in linearised.feedback


def test_tolerance_edges_are_inclusive() -> None:
    spec = {"kind": "numeric", "value": "1", "rtol": 0.05}
    assert check(spec, "1.05").status == "correct"
    assert check(spec, "0.95").status == "correct"
    assert check(spec, "1.0500001").status == "incorrect"


def test_significant_figures_round_half_up_on_the_decimal_text() -> None:
    spec = {"kind": "numeric", "value": "0.04985", "sigfigs": 3}
    assert check(spec, "0.0499").status == "correct"
    assert check(spec, "0.0498").status == "incorrect"
    tiny = {"kind": "numeric", "value": "5.3910632e-44", "sigfigs": 8, "rtol": 1e-7}
    assert check(tiny, "5.3910631e-44").status == "incorrect"


def test_no_coincidental_constant_factor_note() -> None:
    # p = 0.5: 1.204 is -ln(0.3), about 1.74 times the answer: no "7/4 times" diagnosis
    verdict = check(CROSS_ENTROPY, "1.204", {"p": 0.5})
    assert verdict.status == "incorrect" and "factor" not in verdict.feedback
    doubled = check(CROSS_ENTROPY, "1.386", {"p": 0.5})
    assert "2 times" in doubled.feedback


def test_each_note_is_printed_once() -> None:
    mistakes = [{"answer": "-log10(p)", "feedback": "Log base 10."}] * 2
    verdict = check(CROSS_ENTROPY, "0.5229", {"p": 0.3}, mistakes=mistakes)
    assert verdict.feedback.count("Log base 10.") == 1


def test_read_as_keeps_the_digits_typed() -> None:
    shown = preview({"kind": "numeric", "value": "1"}, "5.3910632e-44")
    assert shown.interpreted == "5.3910632e-44 = 5.3910632e-44"
