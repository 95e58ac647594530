"""Every figure of the stats page, computed with a handful of indexed queries.

"Today" is the study day containing ``now`` (rollover hour, local time). A window of N days
is the N study days ending with today. Retention is the share of reviews rated Hard, Good
or Easy; cram reviews count as activity (heatmap, streaks) but not towards retention or
answer times, since they were not asked at their due date.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from quizzer.bank.loader import Bank
from quizzer.clock import from_ms
from quizzer.config import Settings
from quizzer.model import State
from quizzer.schedule.queue import build_queue
from quizzer.stats.aggregates import (
    card_totals,
    counts_between,
    ensure_aggregates,
    first_and_total,
)
from quizzer.stats.days import day_boundaries, streaks, study_date
from quizzer.store.db import Store, StoreError

WINDOWS = (7, 30, 365)
HEATMAP_WEEKS = 26
FORECAST_DAYS = 14
WEAKEST = 5
NOT_IN_BANK = "(not in bank)"


@dataclass(frozen=True)
class TopicStats:
    """One topic's figures over the windows."""

    topic: str
    reviews: dict[str, int]
    retention: dict[str, float | None]
    avg_answer_s: float | None


@dataclass(frozen=True)
class WeakQuestion:
    """A question that lapsed often."""

    question_id: str
    topic: str
    lapses: int
    reps: int


@dataclass(frozen=True)
class Stats:
    """The stats page; ``as_json`` is what ``quizzer stats --json`` prints."""

    today: str
    reviews_total: int
    due_today: int
    cards_seen: int
    streak_days: int
    longest_streak_days: int
    retention: dict[str, float | None]
    reviews_in_window: dict[str, int]
    by_topic: list[TopicStats]
    forecast: list[dict[str, object]]
    states: dict[str, int]
    weakest: list[WeakQuestion]
    daily: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """A JSON-able mapping of every figure."""
        return asdict(self)


def _rate(passed: int, n: int) -> float | None:
    return round(passed / n, 4) if n else None


def compute(store: Store, bank: Bank, now: datetime, settings: Settings) -> Stats:
    """Compute the stats page at ``now``."""
    conn = store.conn
    try:
        ensure_aggregates(conn)
    except sqlite3.Error as exc:
        raise StoreError(f"could not prepare the stats tables in {store.path}: {exc}") from None
    rollover = settings.rollover_hour
    today = study_date(now, rollover)

    earliest, total = first_and_total(conn)
    first = today - timedelta(days=HEATMAP_WEEKS * 7 - 1)
    if earliest is not None:
        first = min(first, study_date(from_ms(earliest), rollover))
    bounds = day_boundaries(first, today, rollover)
    counts = counts_between(conn, bounds)
    current, longest = streaks(counts)
    heat_days = HEATMAP_WEEKS * 7
    daily = [
        {"date": (today - timedelta(days=heat_days - 1 - i)).isoformat(), "reviews": n}
        for i, n in enumerate(counts[-heat_days:])
    ]

    per_topic, overall = _windows(store, bank, bounds, counts, total)
    return Stats(
        today=today.isoformat(),
        reviews_total=store.reviews_total(),
        due_today=len(build_queue(store, bank.questions.keys(), now, settings)),
        cards_seen=store.cards_seen(),
        streak_days=current,
        longest_streak_days=longest,
        retention={w: _rate(acc[1], acc[0]) for w, acc in overall.items()},
        reviews_in_window={w: acc[0] for w, acc in overall.items()},
        by_topic=per_topic,
        forecast=_forecast(store, today, rollover),
        states=_states(store, bank),
        weakest=_weakest(store, bank),
        daily=daily,
    )


def summary(store: Store, bank: Bank, now: datetime, settings: Settings) -> dict[str, object]:
    """The stats page as one JSON-able mapping (see :class:`Stats`)."""
    return compute(store, bank, now, settings).as_json()


def _windows(
    store: Store, bank: Bank, bounds: list[int], counts: list[int], total: int
) -> tuple[list[TopicStats], dict[str, list[int]]]:
    """Per-topic and overall [reviews, passed, duration_ms] for each window; ``counts`` are
    the reviews of each day between ``bounds``, ``total`` all reviews stored.

    The longest window is read from whichever side holds fewer reviews: the window itself,
    or the reviews outside it subtracted from the per-card totals kept by triggers."""
    conn = store.conn
    topic_of = {
        card_id: (q.topic if (q := bank.questions.get(qid)) else NOT_IN_BANK)
        for card_id, qid in conn.execute("SELECT id, question_id FROM cards")
    }
    end = bounds[-1]
    cuts = {f"{d}d": bounds[max(0, len(bounds) - 1 - d)] for d in WINDOWS}
    longest = f"{WINDOWS[-1]}d"
    sums: dict[tuple[str, str], list[int]] = {}

    def add(window: str, rows: Iterable[Sequence[int]], offset: int = 1, sign: int = 1) -> None:
        """Add (card_id, ..., reviews, passed, ms at ``offset``...) rows to their topics."""
        get = topic_of.get
        for row in rows:
            key = (get(row[0], NOT_IN_BANK), window)
            acc = sums.get(key)
            if acc is None:
                acc = sums[key] = [0, 0, 0]
            acc[0] += sign * row[offset]
            acc[1] += sign * row[offset + 1]
            acc[2] += sign * row[offset + 2]

    inside = sum(counts[-WINDOWS[-1] :])
    if inside <= total - inside:
        scanned = cuts
    else:
        scanned = {w: cut for w, cut in cuts.items() if w != longest}
        add(longest, [(card_id, *values) for card_id, values in card_totals(conn).items()])
        outside = conn.execute(
            "SELECT card_id, count(*), sum(rating > 1), sum(duration_ms) FROM reviews "
            "WHERE NOT cram AND (reviewed_at < ? OR reviewed_at >= ?) GROUP BY +card_id",
            (cuts[longest], end),
        ).fetchall()
        add(longest, outside, sign=-1)
    per_card = _per_card_in_windows(conn, list(scanned.values()), end).fetchall()
    for i, window in enumerate(scanned):
        add(window, per_card, offset=1 + 3 * i)

    overall = {w: [0, 0, 0] for w in cuts}
    for (_, window), acc in sums.items():
        for i in range(3):
            overall[window][i] += acc[i]
    order = {t: i for i, t in enumerate([*bank.topics(), NOT_IN_BANK])}
    topics = []
    for topic in sorted({t for t, _ in sums}, key=lambda t: order.get(t, len(order))):
        got = {w: sums.get((topic, w), [0, 0, 0]) for w in cuts}
        n, _, ms = got[longest]
        if n:
            topics.append(
                TopicStats(
                    topic=topic,
                    reviews={w: acc[0] for w, acc in got.items()},
                    retention={w: _rate(acc[1], acc[0]) for w, acc in got.items()},
                    avg_answer_s=round(ms / n / 1000, 1),
                )
            )
    return topics, overall


def _per_card_in_windows(conn: sqlite3.Connection, cuts: list[int], end: int) -> sqlite3.Cursor:
    """One pass over the non-cram reviews in [min(cuts), end): per card, (reviews, passed,
    duration_ms) since each cut, flattened in the order of ``cuts``."""
    columns = ", ".join(
        f"sum(reviewed_at >= {int(c)}), sum(reviewed_at >= {int(c)} AND rating > 1), "
        f"sum(CASE WHEN reviewed_at >= {int(c)} THEN duration_ms ELSE 0 END)"
        for c in cuts
    )
    # GROUP BY +card_id: grouping through the card_id index would visit rows at random.
    return conn.execute(
        f"SELECT card_id, {columns} FROM reviews WHERE NOT cram AND reviewed_at >= ? "
        "AND reviewed_at < ? GROUP BY +card_id",
        (min(cuts), end),
    )


def _forecast(store: Store, today: date, rollover: int) -> list[dict[str, object]]:
    """Reviewed cards falling due on each of the next days; overdue ones count for today."""
    bounds = day_boundaries(today, today + timedelta(days=FORECAST_DAYS - 1), rollover)
    bounds[0] = -(2**62)
    out = []
    for i, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        n = store.conn.execute(
            "SELECT count(*) FROM cards WHERE due >= ? AND due < ? AND state != 0", (lo, hi)
        ).fetchone()[0]
        out.append({"date": (today + timedelta(days=i)).isoformat(), "due": int(n)})
    return out


def _states(store: Store, bank: Bank) -> dict[str, int]:
    """Cards per state; "new" counts the bank's questions never reviewed."""
    states = dict.fromkeys((s.label for s in State), 0)
    # A card put back to new by undo is counted with the never-reviewed questions below.
    rows = store.conn.execute(
        f"SELECT state, count(*) FROM cards WHERE state != {State.NEW:d} GROUP BY state"
    )
    for state, n in rows:
        states[State(state).label] += n
    ids = list(bank.questions)
    states["new"] += len(ids) - len(store.known_ids(ids))
    return states


def _weakest(store: Store, bank: Bank) -> list[WeakQuestion]:
    """The questions with the most lapses (ties: the hardest first)."""
    rows = store.conn.execute(
        "SELECT question_id, lapses, reps FROM cards WHERE lapses > 0 "
        "ORDER BY lapses DESC, difficulty DESC, question_id LIMIT ?",
        (WEAKEST,),
    )
    return [
        WeakQuestion(qid, q.topic if (q := bank.questions.get(qid)) else NOT_IN_BANK, lapses, reps)
        for qid, lapses, reps in rows
    ]
