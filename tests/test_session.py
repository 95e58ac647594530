"""The drill loop shared by the TUI and plain mode: grading, suggestions, cram, seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES
from helpers import rows

from quizzer.bank.loader import Bank, load_bank
from quizzer.config import Settings
from quizzer.context import Context, DrillOptions
from quizzer.model import Rating, Status
from quizzer.session import Counts, DrillSession
from quizzer.store.db import Store

BANK = load_bank([FIXTURES / "numeric_bank"])


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store.open(tmp_path / "q.db") as s:
        yield s


def _context(store: Store, bank: Bank = BANK) -> Context:
    return Context(store, bank, Settings(fuzz=False), store.path.with_name("config.toml"))


def _session(store: Store, **kw) -> DrillSession:  # type: ignore[no-untyped-def]
    return DrillSession(_context(store), DrillOptions(**kw))


def test_correct_number_suggests_good_and_is_stored(store: Store) -> None:
    session = _session(store, seed=1)
    ex = session.next()
    assert ex.question.id == "n.ce"
    assert f"probability {ex.params['p']:g}." in ex.prompt
    result = session.grade({0.3: "1.204", 0.7: "0.357"}[ex.params["p"]])
    assert result.status == "correct"
    assert result.suggested == Rating.GOOD
    session.rate()
    assert rows(store.path, "SELECT rating, status, seed FROM reviews") == [
        (Rating.GOOD, "correct", ex.seed)
    ]


def test_predicted_mistake_gives_its_feedback_and_again(store: Store) -> None:
    session = _session(store, seed=1)
    ex = session.next()
    wrong = {0.3: "0.5229", 0.7: "0.1549"}[ex.params["p"]]
    result = session.grade(wrong)
    assert result.status == "incorrect"
    assert "log base 10" in result.feedback
    assert result.suggested == Rating.AGAIN


def test_hint_then_correct_suggests_hard(store: Store) -> None:
    session = _session(store, seed=1)
    ex = session.next()
    assert session.hint() == "Loss is -log of the probability of the correct class."
    assert session.hint() is None
    result = session.grade({0.3: "1.204", 0.7: "0.357"}[ex.params["p"]])
    assert result.suggested == Rating.HARD


def test_empty_answer_reveals_the_solution_and_counts_as_not_known(store: Store) -> None:
    session = _session(store, seed=1)
    ex = session.next()
    result = session.grade("")
    assert result.status == Status.REVEALED
    assert result.suggested == Rating.AGAIN
    assert result.expected == {0.3: "1.20397", 0.7: "0.356675"}[ex.params["p"]]


def test_unreadable_answer_costs_nothing_and_can_be_retried(store: Store) -> None:
    session = _session(store, seed=1)
    session.next()
    result = session.grade("ln(0.3)")
    assert result.retry
    assert "number is expected here, not an expression" in result.feedback
    with pytest.raises(RuntimeError):
        session.rate()
    assert store.reviews_total() == 0


def test_expression_answer_and_intervals(store: Store) -> None:
    session = _session(store, seed=1)
    session.next()
    session.grade("")
    session.rate(4)
    session.next()
    result = session.grade("1 if x > 0 else 0")
    assert result.status == "correct"
    assert result.intervals[1] == "1m" and result.intervals[3] == "10m"


def test_same_seed_draws_the_same_parameters(store: Store) -> None:
    a = _session(store, seed=7).next()
    b = _session(store, seed=7).next()
    assert (a.seed, a.params) == (b.seed, b.params)


def test_cram_logs_reviews_without_moving_the_schedule(store: Store) -> None:
    session = _session(store, seed=1)
    session.next()
    session.grade("")
    session.rate(4)
    card = store.card("n.ce")
    cram = _session(store, seed=2, cram=True, topic="Numeric")
    assert cram.counts() == Counts(new=1, learning=0, review=1)  # n.ce was seen, n.relu not
    while (ex := cram.next()) is not None:
        cram.grade("")
        assert set(cram.result.intervals.values()) == {"cram"}
        cram.rate(1)
        assert ex.question.id in {"n.ce", "n.relu"}
    assert store.card("n.ce") == card
    assert store.reviews_total() == 3


def test_a_broken_reference_lets_the_person_grade_instead_of_crashing(store: Store) -> None:
    from quizzer.bank.loader import Bank, Source
    from quizzer.bank.schema import Question

    broken = Question.model_validate(
        {"id": "b.q", "topic": "T", "prompt": "?", "answer": {"kind": "numeric", "value": "foo(2)"}}
    )
    bank = Bank({"b.q": broken}, {"b.q": Source(FIXTURES, 1, FIXTURES)})
    session = DrillSession(_context(store, bank))
    session.next()
    result = session.grade("1")
    assert result.status == "ungraded"
    assert "checker failed" in result.feedback
    session.rate(3)
    assert store.reviews_total() == 1
