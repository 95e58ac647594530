"""Seeded parameters and prompt filling."""

from __future__ import annotations

from quizzer.bank.params import draw, fill
from quizzer.bank.render import render_math
from quizzer.bank.schema import Question


def _question(params: dict) -> Question:  # type: ignore[type-arg]
    return Question.model_validate(
        {"id": "t.q", "topic": "T", "prompt": "?", "params": params, "answer": {"kind": "recall"}}
    )


def test_range_draws_stay_on_the_step_grid_and_repeat_for_a_seed() -> None:
    q = _question({"p": {"range": [0.05, 0.95], "step": 0.05}})
    values = {draw(q, seed)["p"] for seed in range(200)}
    assert values <= {round(0.05 * k, 2) for k in range(1, 20)}
    assert len(values) > 10
    assert draw(q, 7) == draw(q, 7)


def test_choices_are_drawn_from_the_list() -> None:
    q = _question({"V": {"choices": [50000, 32000]}})
    assert {draw(q, s)["V"] for s in range(50)} == {50000, 32000}


def test_fill_keeps_a_value_as_one_group_inside_math() -> None:
    text = fill(r"Vectors $x \in \mathbb{R}^{n}$ of size {n}, $p = {p}$", {"n": 784, "p": 0.3})
    assert render_math(text) == "Vectors x ∈ ℝ⁷⁸⁴ of size 784, p = 0.3"


def test_fill_leaves_unknown_braces_alone() -> None:
    assert fill(r"$\frac{a}{b}$ and {q}", {"p": 1.0}) == r"$\frac{a}{b}$ and {q}"
