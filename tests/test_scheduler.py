"""FSRS scheduling through the store: round trips, previews and exact undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizzer.clock import to_ms
from quizzer.config import Settings
from quizzer.model import Rating, ReviewInput, State
from quizzer.schedule.scheduler import (
    apply_rating,
    format_interval,
    interval,
    make_scheduler,
    outcomes,
)
from quizzer.store.db import Store

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_new_card_intervals_grow_with_the_rating() -> None:
    sched = make_scheduler(Settings(), fuzz=False)
    after = outcomes(sched, None, "q", NOW)
    gaps = [interval(after[r], NOW) for r in (1, 2, 3, 4)]
    assert gaps == sorted(gaps)
    assert gaps[0] == timedelta(minutes=1)
    assert gaps[3] >= timedelta(days=1)
    assert all(after[r].reps == 1 for r in after)


def test_review_round_trip_through_the_store(tmp_path: Path) -> None:
    sched = make_scheduler(Settings(), fuzz=False)
    with Store.open(tmp_path / "db.sqlite") as store:
        first = apply_rating(sched, None, "q", Rating.EASY, NOW)
        store.record(None, first, ReviewInput(to_ms(NOW), Rating.EASY, "correct"))
    with Store.open(tmp_path / "db.sqlite") as store:
        loaded = store.card("q")
        assert loaded == first
        assert loaded.state == State.REVIEW
        later = NOW + timedelta(days=30)
        second = apply_rating(sched, loaded, "q", Rating.AGAIN, later)
    assert second.lapses == 1
    assert second.reps == 2
    assert interval(second, later) < timedelta(days=1)


def test_undo_restores_the_card_exactly(tmp_path: Path) -> None:
    sched = make_scheduler(Settings(), fuzz=False)
    with Store.open(tmp_path / "db.sqlite") as store:
        a = apply_rating(sched, None, "q", Rating.GOOD, NOW)
        store.record(None, a, ReviewInput(to_ms(NOW), Rating.GOOD, "correct"))
        a = store.card("q")
        t2 = NOW + timedelta(minutes=15)
        b = apply_rating(sched, a, "q", Rating.AGAIN, t2)
        rid = store.record(a, b, ReviewInput(to_ms(t2), Rating.AGAIN, "incorrect"))
        assert store.card("q") == b
        assert store.undo(rid) == a
        assert store.card("q") == a
        assert store.reviews_total() == 1


def test_undo_of_a_first_review_makes_the_card_new_again(tmp_path: Path) -> None:
    sched = make_scheduler(Settings(), fuzz=False)
    with Store.open(tmp_path / "db.sqlite") as store:
        rid = store.record(
            None, apply_rating(sched, None, "q", Rating.GOOD, NOW), ReviewInput(1, 3, "ok")
        )
        assert store.undo(rid) is None
        assert store.card("q").state == State.NEW
        assert store.cards_seen() == 0


def test_fuzzing_is_deterministic_when_off_and_varies_when_on() -> None:
    card = apply_rating(make_scheduler(Settings(), fuzz=False), None, "q", Rating.EASY, NOW)
    later = NOW + timedelta(days=8)
    off = {
        interval(
            apply_rating(make_scheduler(Settings(), fuzz=False), card, "q", Rating.GOOD, later),
            later,
        )
        for _ in range(5)
    }
    on = {
        interval(
            apply_rating(make_scheduler(Settings(), fuzz=True), card, "q", Rating.GOOD, later),
            later,
        )
        for _ in range(40)
    }
    assert len(off) == 1
    assert len(on) > 1


def test_format_interval_reads_like_anki() -> None:
    assert format_interval(timedelta(seconds=30)) == "<1m"
    assert format_interval(timedelta(minutes=10)) == "10m"
    assert format_interval(timedelta(hours=5)) == "5h"
    assert format_interval(timedelta(days=3)) == "3d"
    assert format_interval(timedelta(days=63)) == "2.1mo"
    assert format_interval(timedelta(days=500)) == "1.4y"


def test_undoing_a_first_review_makes_the_question_new_again_in_the_next_queue(
    tmp_path: Path,
) -> None:
    from quizzer.schedule.queue import build_queue

    sched = make_scheduler(Settings(), fuzz=False)
    with Store.open(tmp_path / "db.sqlite") as store:
        rid = store.record(
            None, apply_rating(sched, None, "a", Rating.EASY, NOW), ReviewInput(1, 4, "ok")
        )
        assert build_queue(store, ["a", "b"], NOW, Settings()) == ["b"]
        store.undo(rid)
    with Store.open(tmp_path / "db.sqlite") as store:
        assert build_queue(store, ["a", "b"], NOW, Settings()) == ["a", "b"]


def test_queue_orders_learning_then_reviews_then_new_within_the_limits(tmp_path: Path) -> None:
    from quizzer.schedule.queue import build_queue

    sched = make_scheduler(Settings(), fuzz=False)
    past = NOW - timedelta(days=40)
    with Store.open(tmp_path / "db.sqlite") as store:
        for qid in ("r1", "r2", "r3"):
            store.record(
                None, apply_rating(sched, None, qid, Rating.EASY, past), ReviewInput(1, 4, "ok")
            )
        l1 = apply_rating(sched, None, "l1", Rating.AGAIN, NOW)
        store.record(None, l1, ReviewInput(to_ms(NOW), 1, "incorrect"))
        ids = ["n1", "r1", "r2", "r3", "l1", "n2", "n3"]
        settings = Settings(max_reviews_per_day=2, new_per_day=3)
        # l1 was introduced today, so two of the three new slots remain.
        assert build_queue(store, ids, NOW, settings) == ["l1", "r1", "r2", "n1", "n2"]
