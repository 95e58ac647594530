"""Undo like Anki: the same exercise comes back, and an answer in hand is not thrown away."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from quizzer.bank.loader import Bank, Source, load_bank
from quizzer.bank.schema import Question
from quizzer.config import Settings
from quizzer.context import Context, DrillOptions
from quizzer.model import Status
from quizzer.session import Counts, DrillSession, Mode
from quizzer.store.db import Store

BANK = load_bank([FIXTURES / "numeric_bank"])


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store.open(tmp_path / "q.db") as s:
        yield s


def _session(store: Store, bank: Bank = BANK, **kw) -> DrillSession:  # type: ignore[no-untyped-def]
    context = Context(store, bank, Settings(fuzz=False), store.path.with_name("c.toml"))
    return DrillSession(context, DrillOptions(**kw))


def test_undo_asks_the_same_numbers_again(store: Store) -> None:
    session = _session(store)  # no seed: every draw is random
    first = session.next()
    assert first is not None and first.question.id == "n.ce"
    session.grade("")
    session.rate(1)
    session.next()
    again = session.undo()
    assert again == first
    assert (again.seed, again.params, again.prompt) == (first.seed, first.params, first.prompt)


def test_a_graded_unrated_answer_is_kept_and_restored_when_asked_again(store: Store) -> None:
    session = _session(store, seed=3)
    session.next()
    session.grade("")
    session.rate(4)
    relu = session.next()
    assert relu is not None and relu.question.id == "n.relu"
    assert session.grade("x > 0").status is Status.CORRECT
    assert session.mode is Mode.RATING
    session.undo()  # back to n.ce, n.relu's answer put aside
    assert session.current is not None and session.current.question.id == "n.ce"
    assert session.mode is Mode.ANSWERING and session.answer == ""
    session.grade("")
    session.rate(4)
    back = session.next()
    assert back == relu
    assert session.mode is Mode.RATING
    assert session.answer == "x > 0"
    assert session.result is not None and session.result.status is Status.CORRECT
    session.rate()
    assert store.reviews_total() == 2


def test_an_answer_typed_but_not_checked_is_kept_too(store: Store) -> None:
    session = _session(store, seed=3)
    session.next()
    session.grade("")
    session.rate(4)
    session.next()
    session.submit("x > 0")  # a check in flight: cancelled by undo
    session.undo()
    session.grade("")
    session.rate(4)
    session.next()
    assert session.mode is Mode.ANSWERING
    assert session.answer == "x > 0"


def _one_question_bank() -> Bank:
    q = BANK.questions["n.ce"]
    return Bank({q.id: q}, {q.id: Source(FIXTURES, 1, FIXTURES)})


def test_undo_with_the_learning_copy_in_hand_does_not_ask_it_twice(store: Store) -> None:
    session = _session(store, _one_question_bank())
    first = session.next()
    session.grade("")
    session.rate(1)  # Again: back in a minute, in this session
    assert session.counts() == Counts(new=0, learning=1, review=0)
    second = session.next()
    assert second is not None and second.seed != first.seed  # type: ignore[union-attr]
    assert session.undo() == first
    assert session.counts() == Counts(new=1, learning=0, review=0)
    assert session.queue == []


def test_counts_follow_each_rating_and_undo(store: Store) -> None:
    session = _session(store, seed=1)
    assert session.counts() == Counts(new=2, learning=0, review=0)
    session.next()
    session.grade("")
    session.rate(1)
    assert session.counts() == Counts(new=1, learning=1, review=0)
    session.next()
    session.grade("")
    session.rate(4)  # Easy on a new card: days away, gone from this session
    assert session.counts() == Counts(new=0, learning=1, review=0)
    session.undo()
    assert session.counts() == Counts(new=1, learning=1, review=0)


def test_the_summary_counts_reviews_accuracy_and_topics(store: Store) -> None:
    session = _session(store, seed=1)
    session.next()
    session.grade("")
    session.rate(3)  # a revealed solution is not answered right, whatever the rating
    session.next()
    session.grade("x > 0")
    session.rate(1)  # right, yet rated Again
    summary = session.summary()
    assert (summary.reviewed, summary.correct, summary.again) == (2, 1, 1)
    assert summary.accuracy == 0.5
    assert {t: (v.reviewed, v.correct) for t, v in summary.by_topic.items()} == {"Numeric": (2, 1)}
    assert summary.next_due is not None
    assert summary.new_left == 0
    assert summary.new_unlock is None  # nothing left to introduce: no "unlock" message


def test_new_questions_unlock_only_with_a_daily_allowance(store: Store) -> None:
    context = Context(store, BANK, Settings(fuzz=False, new_per_day=1), store.path)
    session = DrillSession(context, DrillOptions(seed=1))
    session.next()
    session.grade("")
    session.rate(4)
    assert session.finished is False or session.next() is None
    assert session.summary().new_left == 1
    assert session.new_unlock() == session.next_day()
    none = Context(store, BANK, Settings(fuzz=False, new_per_day=0), store.path)
    assert DrillSession(none, DrillOptions()).new_unlock() is None


def test_study_more_new_goes_past_the_daily_limit(store: Store) -> None:
    context = Context(store, BANK, Settings(fuzz=False, new_per_day=1), store.path)
    session = DrillSession(context, DrillOptions(seed=1))
    assert session.counts() == Counts(new=1)
    assert session.study_more_new(5) == 1
    assert session.counts() == Counts(new=2)


def test_a_broken_question_does_not_stop_the_checker(store: Store) -> None:
    broken = Question.model_validate(
        {
            "id": "c.bad",
            "topic": "T",
            "prompt": "?",
            "answer": {"kind": "choice", "options": ["x", "y"], "correct": "x"},
            "mistakes": [{"answer": "z", "feedback": "no such option"}],
        }
    )
    bank = Bank({"c.bad": broken}, {"c.bad": Source(FIXTURES, 1, FIXTURES)})
    session = _session(store, bank)
    session.next()
    result = session.grade("y")
    assert result.status is Status.UNGRADED
    assert "checker failed" in result.feedback
