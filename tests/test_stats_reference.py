"""Stats and export against plain reference implementations, on a generated history.

The stats page and the exports are built for speed (SQLite writes most of each line, topics
are looked up in a blob, long scans are split between two connections). Here a random
history with the awkward cases (cram, undo, reviews before 1970 and after the window, text
a spreadsheet would run, quotes and line breaks, no due date, a card id past the lookup
blob, a review whose card is missing) is summed and written the obvious way, one review at
a time in Python, and the results must match byte for byte.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
import time
from bisect import bisect_right
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

import pytest

from quizzer.clock import now, to_ms
from quizzer.model import CardState, Rating, ReviewInput, State, Status
from quizzer.stats import summary
from quizzer.stats.days import study_date
from quizzer.stats.export import COLUMNS, export
from quizzer.stats.summary import NOT_IN_BANK, WINDOWS, compute
from quizzer.workspace import Workspace

NOW_MS = 1_772_445_600_000  # the tests' clock, 2026-03-02T10:00Z
DAY_MS = 86_400_000
ANSWERS = ["0.357", "", "a, c", 'say "hi"', "two\nlines", "=1+1", "-ln(p)", "@x", "\tx", "ünï"]
LABELS = {s.value: s.label for s in State}
Row = dict[str, Any]


@pytest.fixture(params=["UTC", "Europe/Berlin", "Asia/Kathmandu"])
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Local time in a zone without DST, one with it, and one 5:45 from UTC."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def generated(sample_bank: object, zone: str) -> Workspace:
    """A random history over the sample bank and two questions no longer in it."""
    ws = Workspace.resolve()
    rng = random.Random(18)
    ids = [*ws.bank().questions, "gone.one", "gone.two"]
    with ws.store() as store:
        recorded: list[int] = []
        for _ in range(900):
            qid = rng.choice(ids)
            at = NOW_MS - int(rng.random() ** 2 * 500 * DAY_MS) + rng.randrange(-3, 4) * DAY_MS
            before = store.card(qid)
            cram = before is not None and rng.random() < 0.1
            after = (
                before
                if cram
                else CardState(
                    qid,
                    state=rng.choice([State.LEARNING, State.REVIEW, State.RELEARNING]),
                    difficulty=rng.uniform(1, 10),
                    due=at + rng.randrange(0, 40) * DAY_MS,
                    last_review=at,
                    reps=(before.reps if before else 0) + 1,
                    lapses=rng.randrange(0, 4),
                )
            )
            assert after is not None
            review = ReviewInput(
                reviewed_at=at,
                rating=rng.choice(list(Rating)),
                status=rng.choice([Status.CORRECT, Status.INCORRECT, Status.UNGRADED]),
                answer=rng.choice(ANSWERS),
                seed=rng.choice([None, rng.getrandbits(31)]),
                duration_ms=rng.randrange(500, 90_000),
                cram=cram,
            )
            recorded.append(store.record(before, after, review))
            if rng.random() < 0.05:
                store.undo(recorded.pop())
    # What only another program (or damage) writes: a card id far past the others, a review
    # from 1969, one without a due date, one due past year 9999, a card that is missing.
    with sqlite3.connect(ws.db_path) as conn:
        conn.execute(
            "UPDATE cards SET question_id = 'moved.away' WHERE question_id = 's.recall.kl'"
        )
        conn.execute(
            "INSERT INTO cards (id, question_id, state, due, reps, lapses) "
            "VALUES (?, 's.recall.kl', 2, ?, 1, 0)",
            (2**40, NOW_MS + DAY_MS),
        )
        extra = [
            (2**40, NOW_MS - 2 * DAY_MS, 3, "correct", "sparse", 0, NOW_MS + 3 * DAY_MS),
            (2**40, NOW_MS - DAY_MS, 1, "incorrect", "x", 0, None),
            (2**40, -5 * DAY_MS - 1, 4, "correct", "1969", 0, 10**15),
            (987_654, NOW_MS - 3 * DAY_MS, 3, "correct", "orphan", 0, NOW_MS),
        ]
        conn.executemany(
            "INSERT INTO reviews (card_id, reviewed_at, rating, status, answer, duration_ms, "
            "cram, before_state, after_state, after_due) VALUES (?, ?, ?, ?, ?, 1500, ?, 2, 2, ?)",
            [(c, at, r, s, a, cram, due) for c, at, r, s, a, cram, due in extra],
        )
    conn.close()
    return ws


def _rows(db: Path, sql: str) -> list[Row]:
    """The rows ``sql`` selects from ``db``, as dicts by column name."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def _reviews(db: Path) -> list[Row]:
    """Every review whose card exists, oldest id first, with its question id."""
    return _rows(
        db,
        "SELECT r.*, c.question_id FROM reviews r JOIN cards c ON c.id = r.card_id ORDER BY r.id",
    )


def _iso(ms: int | None) -> str | None:
    """ISO 8601 UTC with milliseconds, as the exports write times; None past year 9999."""
    if ms is None or not -62_135_596_800_000 <= ms < 253_402_300_800_000:
        return None
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _reference_rows(ws: Workspace, since_ms: int | None) -> list[Row]:
    """The exported reviews as dicts, computed one review at a time. A review's due_before
    is the due date set by the card's previous non-cram review among those exported, or,
    for the first exported, by its last non-cram review (by id) taken before ``since``."""
    topics = {qid: q.topic for qid, q in ws.bank().questions.items()}
    reviews = _reviews(ws.db_path)
    due_of: dict[object, str | None] = {}
    if since_ms is not None:
        for r in reviews:
            if not r["cram"] and r["reviewed_at"] < since_ms:
                due_of[r["card_id"]] = _iso(r["after_due"])
    out = []
    for r in reviews:
        if since_ms is not None and r["reviewed_at"] < since_ms:
            continue
        due = _iso(r["after_due"])
        out.append(
            {
                "review_id": r["id"],
                "question_id": r["question_id"],
                "topic": topics.get(r["question_id"], ""),
                "reviewed_at": _iso(r["reviewed_at"]),
                "rating": r["rating"],
                "status": r["status"],
                "answer": r["answer"],
                "duration_ms": r["duration_ms"],
                "seed": r["seed"],
                "cram": r["cram"] == 1,
                "state_before": LABELS[r["before_state"]],
                "state_after": LABELS[r["after_state"]],
                "due_before": due_of.get(r["card_id"], ""),
                "due_after": due,
            }
        )
        if not r["cram"]:
            due_of[r["card_id"]] = due
    return out


@pytest.mark.parametrize("since", [None, NOW_MS - 30 * DAY_MS])
@pytest.mark.parametrize("raw", [False, True])
def test_csv_export_is_what_csv_writer_writes_of_each_review(
    generated: Workspace, since: int | None, raw: bool
) -> None:
    expected = io.StringIO(newline="")
    writer = csv.writer(expected, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in _reference_rows(generated, since):
        cells = [("" if v is None else v) for v in row.values()]
        if not raw:
            for i in (1, 2, 6):  # question, topic, answer: the text cells
                text = str(cells[i])
                cells[i] = f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
        writer.writerow(cells)
    got = io.StringIO(newline="")
    with generated.store() as store:
        count = export(store, generated.bank(), got, "csv", since, raw=raw)
    assert got.getvalue() == expected.getvalue()
    assert count == len(_reference_rows(generated, since))


@pytest.mark.parametrize("since", [None, NOW_MS - 30 * DAY_MS])
def test_json_export_is_what_json_dumps_writes_of_each_review(
    generated: Workspace, since: int | None
) -> None:
    got = io.StringIO()
    with generated.store() as store:
        export(store, generated.bank(), got, "json", since)
    reviews = got.getvalue().split('\n],\n"cards"')[0].removeprefix('{"reviews": [\n')
    expected = [json.dumps(r, ensure_ascii=False) for r in _reference_rows(generated, since)]
    assert reviews.split(",\n") == expected
    assert len(json.loads(got.getvalue())["cards"]) > 5


def _day_start(day: date, rollover: int) -> int:
    return to_ms(datetime.combine(day, day_time(rollover)).astimezone(UTC))


@pytest.mark.parametrize("parallel", [False, True])
def test_stats_are_the_sums_of_each_review(
    generated: Workspace, parallel: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows per topic, weekly retention, the heatmap and the forecast, one review at a
    time; ``parallel`` makes every scan go through the two-connection split."""
    monkeypatch.setattr(summary, "PARALLEL_REVIEWS", -1 if parallel else 10**9)
    settings = generated.settings()
    rollover = settings.rollover_hour
    with generated.store() as store:
        stats = compute(store, generated.bank(), now(), settings)
    today = study_date(now(), rollover)
    end = _day_start(today + timedelta(days=1), rollover)
    bank = generated.bank()
    reviews = [r for r in _reviews(generated.db_path)] + _orphans(generated.db_path)

    def topic(r: Row) -> str:
        q = bank.questions.get(r.get("question_id") or "")
        return q.topic if q else NOT_IN_BANK

    per_topic: dict[str, dict[str, list[int]]] = {}
    for days in WINDOWS:
        start = _day_start(today - timedelta(days=days - 1), rollover)
        for r in reviews:
            if not r["cram"] and start <= r["reviewed_at"] < end:
                acc = per_topic.setdefault(topic(r), {}).setdefault(f"{days}d", [0, 0, 0])
                acc[0] += 1
                acc[1] += r["rating"] > 1
                acc[2] += r["duration_ms"]
    got = {t.topic: t for t in stats.by_topic}
    assert set(got) == set(per_topic)
    for name, sums in per_topic.items():
        windows = {f"{d}d": sums.get(f"{d}d", [0, 0, 0]) for d in WINDOWS}
        assert got[name].reviews == {w: s[0] for w, s in windows.items()}
        assert got[name].retention == {
            w: round(s[1] / s[0], 4) if s[0] else None for w, s in windows.items()
        }
        longest = windows[f"{max(WINDOWS)}d"]
        assert got[name].avg_answer_s == round(longest[2] / longest[0] / 1000, 1)
    assert stats.reviews_in_window == {
        f"{d}d": sum(s.get(f"{d}d", [0])[0] for s in per_topic.values()) for d in WINDOWS
    }

    monday = today - timedelta(days=today.weekday())
    for i, week in enumerate(stats.weekly):
        first = monday - timedelta(weeks=len(stats.weekly) - 1 - i)
        lo, hi = _day_start(first, rollover), _day_start(first + timedelta(weeks=1), rollover)
        graded = [r for r in reviews if not r["cram"] and lo <= r["reviewed_at"] < hi]
        passed = sum(r["rating"] > 1 for r in graded)
        assert week == {
            "week": first.isoformat(),
            "reviews": len(graded),
            "retention": round(passed / len(graded), 4) if graded else None,
        }
    for day in stats.daily:
        d = date.fromisoformat(str(day["date"]))
        lo, hi = _day_start(d, rollover), _day_start(d + timedelta(days=1), rollover)
        assert day["reviews"] == sum(lo <= r["reviewed_at"] < hi for r in reviews)

    conn = sqlite3.connect(generated.db_path)
    dues = [due for (due,) in conn.execute("SELECT due FROM cards WHERE state != 0")]
    conn.close()
    starts = [_day_start(today + timedelta(days=i), rollover) for i in range(1, 15)]
    expected = [0] * 14
    for due in dues:
        if due < starts[-1]:
            expected[bisect_right(starts, due)] += 1
    assert [f["due"] for f in stats.forecast] == expected


def _orphans(db: Path) -> list[Row]:
    """Reviews whose card is missing: the stats count them as not in the bank."""
    return _rows(db, "SELECT * FROM reviews WHERE card_id NOT IN (SELECT id FROM cards)")
