"""Every shipped derivation question, answered as a person would: its model derivation passes,
one wrong middle line is rejected by number, a derivation that stops early is incomplete, and
each predicted wrong step is named when it is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.bank.loader import load_bank
from quizzer.bank.schema import Question
from quizzer.check import check

BANK = Path(__file__).resolve().parents[1] / "question_bank"
FILE = BANK / "derivations.yaml"


def _derivations() -> list[Question]:
    bank = load_bank([BANK])
    return [q for q in bank.questions.values() if bank.source(q.id).path.name == FILE.name]


QUESTIONS = _derivations()
IDS = [q.id for q in QUESTIONS]


def _check(question: Question, lines: list[str]):  # type: ignore[no-untyped-def]
    return check(question.answer, "\n".join(lines), mistakes=question.mistakes, timeout=10)


def test_the_bank_ships_ten_derivations_under_topics_the_other_files_use() -> None:
    bank = load_bank([BANK])
    other_topics = {q.topic for q in bank.questions.values() if q not in QUESTIONS}
    assert len(QUESTIONS) >= 10
    for question in QUESTIONS:
        assert question.kind == "derivation"
        assert question.topic in other_topics, question.id
        assert len(question.hints) >= 2, question.id
        assert question.explanation.strip(), question.id


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_model_derivation_passes_with_every_line_marked_right(question: Question) -> None:
    verdict = _check(question, question.answer.steps)
    assert verdict.status == "correct", verdict.feedback
    assert [m.follows for m in verdict.lines] == [True] * len(question.answer.steps)


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_one_wrong_middle_line_is_rejected_by_its_number(question: Question) -> None:
    steps = list(question.answer.steps)
    middle = len(steps) // 2
    steps[middle] = f"({steps[middle]}) + 1/7"
    verdict = _check(question, steps)
    assert verdict.status == "incorrect"
    assert verdict.feedback.startswith(f"Line {middle + 1} does not follow from line {middle}: at ")
    assert verdict.lines[middle].follows is False
    assert all(m.follows for m in verdict.lines[:middle])


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_a_derivation_that_stops_before_the_target_is_incomplete(question: Question) -> None:
    verdict = _check(question, question.answer.steps[:-1])
    assert verdict.status == "incorrect"
    assert verdict.feedback.startswith("Incomplete: every line follows")
    assert all(m.follows for m in verdict.lines)


@pytest.mark.parametrize("question", QUESTIONS, ids=IDS)
def test_each_predicted_wrong_step_is_named_where_it_is_written(question: Question) -> None:
    assert question.mistakes, f"{question.id} predicts no wrong step"
    steps = question.answer.steps
    for mistake in question.mistakes:
        verdict = _check(question, [steps[0], mistake.answer, *steps[1:]])
        assert verdict.status == "incorrect"
        assert verdict.feedback.startswith("Line 2 does not follow from line 1"), mistake.answer
        assert mistake.feedback in verdict.feedback
