"""Every auto-checked question of the shipped bank accepts its own reference and flags its
predicted mistakes with their feedback, for several parameter draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.bank.loader import load_bank
from quizzer.bank.params import draw
from quizzer.bank.schema import Question
from quizzer.check import check, evaluate_at, reference_value
from quizzer.check.grade import _split_vector

BANK = Path(__file__).resolve().parents[1] / "question_bank"
SEEDS = range(2)


def _questions() -> list[Question]:
    if not BANK.is_dir():
        return []
    return [q for q in load_bank([BANK]).questions.values() if q.auto_checked]


def _typed(question: Question, text: str, params: dict[str, float]) -> str:
    """What a person would type for the answer ``text``: numbers for numeric kinds."""
    kind = question.answer.kind
    if kind == "numeric":
        return repr(evaluate_at(text, params, []))
    if kind == "vector":
        return "[" + ", ".join(repr(evaluate_at(p, params, [])) for p in _split_vector(text)) + "]"
    if kind == "derivation":  # a wrong step: the model derivation with it as line 2
        steps = question.answer.steps
        return "\n".join([steps[0], text, *steps[1:]])
    return text


def _reference_answer(question: Question, params: dict[str, float]) -> str:
    answer = question.answer
    if answer.kind in {"numeric", "vector"}:
        return repr(reference_value(answer, params))
    if answer.kind == "expression":
        return answer.value
    if answer.kind == "derivation":
        return "\n".join(answer.steps)
    return ", ".join(chr(ord("a") + answer.options.index(c)) for c in sorted(answer.correct_set))


@pytest.mark.parametrize("question", _questions(), ids=lambda q: q.id)
def test_bank_question_accepts_its_reference_and_flags_its_mistakes(question: Question) -> None:
    for seed in SEEDS:
        params = draw(question, seed)
        verdict = check(question.answer, _reference_answer(question, params), params)
        assert verdict.status == "correct", (params, verdict.feedback)
        for mistake in question.mistakes:
            typed = _typed(question, mistake.answer, params)
            graded = check(question.answer, typed, params, mistakes=question.mistakes)
            assert graded.status == "incorrect", (mistake.answer, params)
            assert mistake.feedback in graded.feedback, (mistake.answer, params)
