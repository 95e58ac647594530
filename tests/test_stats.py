"""Stats figures against a history worked out by hand (see test_stats_history.py)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from helpers import run_quizzer
from test_stats_history import REVIEWS, record

from quizzer.clock import now
from quizzer.model import CardState, ReviewInput
from quizzer.stats.summary import compute
from quizzer.workspace import Workspace


def _stats(ws: Workspace):  # type: ignore[no-untyped-def]
    with ws.store() as store:
        return compute(store, ws.bank(), now(), ws.settings())


def test_totals_streaks_and_rollover(history: Workspace) -> None:
    stats = _stats(history)
    assert stats.today == "2026-03-02"
    assert stats.reviews_total == 12
    assert stats.cards_seen == 5
    # 03-02 (two, one cram), 03-01 (the 03:30 review of 03-02), 02-28; then a gap.
    assert stats.streak_days == 3
    assert stats.longest_streak_days == 6  # 02-20 .. 02-25
    daily = {d["date"]: d["reviews"] for d in stats.daily}
    assert len(stats.daily) == 26 * 7
    assert stats.daily[-1]["date"] == "2026-03-02"
    assert [daily[f"2026-02-{d}"] for d in range(20, 29)] == [1, 1, 1, 1, 1, 1, 0, 0, 1]
    assert daily["2026-03-01"] == 1
    assert daily["2026-03-02"] == 2


def test_retention_windows_leave_out_cram(history: Workspace) -> None:
    stats = _stats(history)
    # 7 d: bf16 3, bf16 1, chain 3, ce 3, relu 4 -> 4 of 5 passed.
    # 30 d: adds relu 3, relu 3, kl 2, kl 1 -> 7 of 9. 365 d: adds ce 1 -> 7 of 10.
    assert stats.retention == {"7d": 0.8, "30d": 0.7778, "365d": 0.7}
    assert stats.reviews_in_window == {"7d": 5, "30d": 9, "365d": 10}


def test_per_topic_retention_and_answer_time(history: Workspace) -> None:
    topics = {t.topic: t for t in _stats(history).by_topic}
    recall, choice = topics["Sample recall"], topics["Sample choice"]
    assert recall.retention == {"7d": 1.0, "30d": 0.75, "365d": 0.6}
    assert recall.reviews == {"7d": 2, "30d": 4, "365d": 5}
    assert recall.avg_answer_s == 5.6  # (6 + 5 + 5 + 8 + 4) / 5
    assert choice.retention == {"7d": 0.6667, "30d": 0.8, "365d": 0.8}
    assert choice.avg_answer_s == 2.0  # (3 + 3 + 1 + 1 + 2) / 5


def test_forecast_states_weakest_and_due_today(history: Workspace) -> None:
    stats = _stats(history)
    forecast = {f["date"]: f["due"] for f in stats.forecast}
    assert len(stats.forecast) == 14
    # today: ce (12:00), kl (overdue since 02-25), bf16 (05:00); relu on 03-05; chain 03-16
    # is past the fortnight.
    assert forecast["2026-03-02"] == 3
    assert forecast["2026-03-05"] == 1
    assert sum(forecast.values()) == 4
    assert stats.states == {"new": 1, "learning": 1, "review": 3, "relearning": 1}
    assert [w.question_id for w in stats.weakest] == ["s.choice.bf16", "s.recall.kl", "s.recall.ce"]
    assert stats.due_today == 4  # bf16, kl, ce, and the never-seen adamw


def test_old_history_does_not_change_the_windows(sample_bank: object, utc: None) -> None:
    """Without the 2024 review most reviews lie inside the 365-day window, which is then
    scanned directly instead of subtracted from the totals: the figures agree."""
    ws = Workspace.resolve()
    with ws.store() as store:
        record(store, REVIEWS)
    stats = _stats(ws)
    assert stats.retention == {"7d": 0.8, "30d": 0.7778, "365d": 0.7}
    assert {t.topic: t.avg_answer_s for t in stats.by_topic} == {
        "Sample recall": 5.6,
        "Sample choice": 2.0,
    }


def test_undo_is_reflected(history: Workspace) -> None:
    with history.store() as store:
        review_id = store.record(
            store.card("s.recall.adamw"),
            CardState("s.recall.adamw", state=1, due=0),
            ReviewInput(
                reviewed_at=int(datetime(2026, 3, 2, 9, 45).timestamp() * 1000),
                rating=1,
                status="incorrect",
            ),
        )
        assert compute(store, history.bank(), now(), history.settings()).retention["7d"] == 0.6667
        store.undo(review_id)
    stats = _stats(history)
    assert stats.retention["7d"] == 0.8
    assert stats.reviews_total == 12
    assert {d["date"]: d["reviews"] for d in stats.daily}["2026-03-02"] == 2


def test_today_follows_quizzer_now_and_rollover(
    history: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZZER_NOW", "2026-03-03T03:59:00+00:00")  # still the study day 03-02
    assert _stats(history).today == "2026-03-02"
    monkeypatch.setenv("QUIZZER_NOW", "2026-03-05T12:00:00+00:00")
    stats = _stats(history)
    assert stats.today == "2026-03-05"
    assert stats.streak_days == 0  # nothing on 03-04 or 03-05


def test_stats_json_has_the_documented_keys(history: Workspace) -> None:
    result = run_quizzer("stats", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in (
        "reviews_total",
        "due_today",
        "cards_seen",
        "streak_days",
        "retention",
        "by_topic",
        "forecast",
    ):
        assert key in data
    assert data["reviews_total"] == 12
    assert data["retention"]["7d"] == 0.8
    assert data["by_topic"][0]["topic"] == "Sample recall"


def test_stats_prints_heatmap_and_tables(history: Workspace) -> None:
    result = run_quizzer("stats")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Streak" in out and "3 d" in out and "6 d" in out
    assert "80% / 78% / 70%" in out
    assert "Sample recall" in out and "5.6 s" in out
    assert "█" in out  # the busiest day of the heatmap
    assert "s.choice.bf16" in out


def test_stats_of_a_read_only_database_write_nothing(
    history: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The aggregates are part of the schema (v4), so showing stats never writes: a database
    that cannot be written still shows them (before, the first stats read created tables)."""
    import sqlite3

    expected = _stats(history)
    real_connect = sqlite3.connect

    def read_only(path: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real_connect(path, *args, **kwargs)  # type: ignore[arg-type]
        conn.execute("PRAGMA query_only = ON")
        return conn

    monkeypatch.setattr(sqlite3, "connect", read_only)
    assert _stats(history) == expected


def test_an_undone_first_review_counts_its_question_as_new_once(history: Workspace) -> None:
    with history.store() as store:
        before = _stats(history).states
        review_id = store.record(
            None, CardState("s.recall.adamw", state=2, due=0), ReviewInput(1, 3, "ungraded")
        )
        store.undo(review_id)
    after = _stats(history).states
    assert after == before
    assert sum(after.values()) == len(history.bank().questions)
