"""Every figure of the stats page, computed with a handful of indexed queries.

"Today" is the study day containing ``now`` (rollover hour, local time). A window of N days
is the N study days ending with today. Retention is the share of reviews rated Hard, Good
or Easy; cram reviews count as activity (heatmap, streaks) but not towards retention or
answer times, since they were not asked at their due date.

Where the time goes, on a million reviews: the heatmap, streaks and weekly retention sum
the 15-minute buckets kept by triggers (a few thousand rows), the forecast counts ranges of
the (state, due) index, and the per-topic windows are one SQLite pass over the reviews of
the longest window (or of the history outside it), grouped by a blob lookup of each card's
topic: that pass is most of the time, and is read in two halves at once (:func:`_scan`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from quizzer.bank.loader import Bank
from quizzer.clock import from_ms
from quizzer.config import Settings
from quizzer.model import State
from quizzer.schedule.queue import build_queue
from quizzer.stats.days import day_boundaries, streaks, study_date
from quizzer.stats.pause import collector_paused
from quizzer.store.db import Store
from quizzer.store.queries import CardGroups, GroupSums

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
    weekly: list[dict[str, object]] = field(default_factory=list)
    """Per week (Monday to Sunday, the last 26): reviews and retention (non-cram)."""

    def as_json(self) -> dict[str, object]:
        """A JSON-able mapping of every figure."""
        return asdict(self)


def _rate(passed: int, n: int) -> float | None:
    return round(passed / n, 4) if n else None


def compute(store: Store, bank: Bank, now: datetime, settings: Settings) -> Stats:
    """Compute the stats page at ``now``."""
    with collector_paused():
        return _compute(store, bank, now, settings)


def _compute(store: Store, bank: Bank, now: datetime, settings: Settings) -> Stats:
    rollover = settings.rollover_hour
    today = study_date(now, rollover)

    earliest, total = store.first_bucket_and_total()
    first = today - timedelta(days=HEATMAP_WEEKS * 7 - 1)
    if earliest is not None:
        first = min(first, study_date(from_ms(earliest), rollover))
    bounds = day_boundaries(first, today, rollover)
    counts = [b.reviews for b in store.bucket_sums(bounds)]
    current, longest = streaks(counts)
    heat_days = HEATMAP_WEEKS * 7
    daily = [
        {"date": (today - timedelta(days=heat_days - 1 - i)).isoformat(), "reviews": n}
        for i, n in enumerate(counts[-heat_days:])
    ]

    per_topic, overall = _windows(store, bank, bounds, counts, total)
    states = store.state_counts()
    return Stats(
        today=today.isoformat(),
        reviews_total=total,
        due_today=len(build_queue(store, bank.questions.keys(), now, settings)),
        cards_seen=sum(states.values()),
        streak_days=current,
        longest_streak_days=longest,
        retention={w: _rate(acc[1], acc[0]) for w, acc in overall.items()},
        reviews_in_window={w: acc[0] for w, acc in overall.items()},
        by_topic=per_topic,
        forecast=_forecast(store, today, rollover),
        states=_states(store, bank, states),
        weakest=_weakest(store, bank),
        daily=daily,
        weekly=_weekly(store, today, rollover),
    )


def summary(store: Store, bank: Bank, now: datetime, settings: Settings) -> dict[str, object]:
    """The stats page as one JSON-able mapping (see :class:`Stats`)."""
    return compute(store, bank, now, settings).as_json()


def _windows(
    store: Store, bank: Bank, bounds: list[int], counts: list[int], total: int
) -> tuple[list[TopicStats], dict[str, list[int]]]:
    """Per-topic and overall [reviews, passed, duration_ms] for each window; ``counts`` are
    the reviews of each day between ``bounds``, ``total`` all reviews stored.

    SQLite sums by topic (cards are grouped by their topic's index), so only a few rows a
    topic come back. The shorter windows are read in one pass; the longest from whichever
    side holds fewer reviews: the window itself, or the reviews outside it subtracted from
    the per-card totals kept by triggers. Where that is a lot of reviews, two connections
    read half each at the same time (see :func:`_scan`)."""
    names = [*bank.topics(), NOT_IN_BANK]
    index = {t: i for i, t in enumerate(names)}
    groups = store.card_groups(
        {qid: index[q.topic] for qid, q in bank.questions.items()}, len(names) - 1
    )
    end = bounds[-1]
    # Windows from the longest to the shortest, as the levels of group_sums count them.
    windows = [f"{d}d" for d in sorted(WINDOWS, reverse=True)]
    cuts = [bounds[max(0, len(bounds) - 1 - d)] for d in sorted(WINDOWS, reverse=True)]
    sums: dict[tuple[int, str], list[int]] = {}

    def add(window: str, row: GroupSums, sign: int = 1) -> None:
        acc = sums.setdefault((row.group, window), [0, 0, 0])
        acc[0] += sign * row.reviews
        acc[1] += sign * row.passed
        acc[2] += sign * row.duration_ms

    inside = sum(counts[-WINDOWS[-1] :])
    first = 0 if inside <= total - inside else 1
    spans: list[Span] = [(cuts[first], end, cuts[first + 1 :], 1)]
    if first:
        for row in store.group_totals(groups):
            add(windows[0], row)
        spans += [(None, cuts[0], (), -1), (end, None, (), -1)]
    for sign, row in _scan(store, groups, spans, bounds, counts):
        if sign < 0:  # outside the longest window: taken off the totals
            add(windows[0], row, sign)
            continue
        # a review at level k is inside the windows first .. first + k
        for window in windows[first : first + row.level + 1]:
            add(window, row)

    overall = {w: [0, 0, 0] for w in windows}
    for (_, window), acc in sums.items():
        for i in range(3):
            overall[window][i] += acc[i]
    topics = []
    for group in sorted({g for g, _ in sums}):
        got = {w: sums.get((group, w), [0, 0, 0]) for w in windows}
        n, _, ms = got[windows[0]]
        if n:
            topics.append(
                TopicStats(
                    topic=names[group],
                    reviews={w: got[w][0] for w in reversed(windows)},
                    retention={w: _rate(got[w][1], got[w][0]) for w in reversed(windows)},
                    avg_answer_s=round(ms / n / 1000, 1),
                )
            )
    return topics, {w: overall[w] for w in reversed(windows)}


Span = tuple[int | None, int | None, Sequence[int], int]
"""Reviews to sum by group: from, to (None: unbounded), the cuts of their levels, and the
sign their sums are added with."""

PARALLEL_REVIEWS = 50_000
"""Spans holding more reviews than this are read in two halves at once (see :func:`_scan`)."""


def _scan(
    store: Store, groups: CardGroups, spans: list[Span], bounds: list[int], counts: list[int]
) -> list[tuple[int, GroupSums]]:
    """The group sums of every span, each row with its span's sign.

    Reading a year of a busy history is most of the page's time, and SQLite releases the GIL
    while it reads: so when the spans hold more than :data:`PARALLEL_REVIEWS` reviews, each
    is cut where half its reviews (by the day ``counts`` between ``bounds``) lie on either
    side, and a second, read-only connection sums the later halves in a thread while this
    one sums the earlier halves. Only reads: stats never write."""
    earlier: list[Span] = []
    later: list[Span] = []
    reviews = 0
    for start, end, cuts, sign in spans:
        lo = 0 if start is None else bisect_left(bounds, start)
        hi = len(counts) if end is None else min(bisect_left(bounds, end), len(counts))
        days = counts[lo:hi]
        in_span = sum(days)
        reviews += in_span
        seen, cut = 0, None
        for i, n in enumerate(days):
            seen += n
            if 2 * seen >= in_span:
                cut = bounds[lo + i + 1] if lo + i + 1 < hi else None
                break
        if cut is None:
            later.append((start, end, cuts, sign))
        else:
            earlier.append((start, cut, cuts, sign))
            later.append((cut, end, cuts, sign))

    def run(reader: Store, part: list[Span]) -> list[tuple[int, GroupSums]]:
        return [(s, row) for a, b, c, s in part for row in reader.group_sums(groups, a, b, c)]

    if reviews <= PARALLEL_REVIEWS or not earlier:
        return run(store, spans)

    def run_later() -> list[tuple[int, GroupSums]]:
        with store.reading() as reader:  # a connection of its own, for its own thread
            return run(reader, later)

    with ThreadPoolExecutor(1) as pool:
        rest = pool.submit(run_later)
        return run(store, earlier) + rest.result()


def _weekly(store: Store, today: date, rollover: int) -> list[dict[str, object]]:
    """Reviews and retention of each of the last HEATMAP_WEEKS weeks, this one included."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=HEATMAP_WEEKS - 1)
    bounds = day_boundaries(first, monday + timedelta(days=6), rollover)[::7]
    return [
        {
            "week": (first + timedelta(weeks=i)).isoformat(),
            "reviews": week.graded,
            "retention": _rate(week.passed, week.graded),
        }
        for i, week in enumerate(store.bucket_sums(bounds))
    ]


def _forecast(store: Store, today: date, rollover: int) -> list[dict[str, object]]:
    """Reviewed cards falling due on each of the next days; overdue ones count for today."""
    bounds = day_boundaries(today, today + timedelta(days=FORECAST_DAYS - 1), rollover)
    bounds[0] = -(2**62)
    return [
        {"date": (today + timedelta(days=i)).isoformat(), "due": n}
        for i, n in enumerate(store.due_counts(bounds))
    ]


def _states(store: Store, bank: Bank, reviewed: dict[State, int]) -> dict[str, int]:
    """Cards per state from ``reviewed`` (the reviewed cards per state); "new" counts the
    bank's questions never reviewed."""
    states = dict.fromkeys((s.label for s in State), 0)
    # A card put back to new by undo is counted with the never-reviewed questions below.
    for state, n in reviewed.items():
        states[state.label] += n
    ids = list(bank.questions)
    states["new"] += len(ids) - len(store.known_ids(ids))
    return states


def _weakest(store: Store, bank: Bank) -> list[WeakQuestion]:
    """The questions with the most lapses (ties: the hardest first)."""
    return [
        WeakQuestion(
            c.question_id,
            q.topic if (q := bank.questions.get(c.question_id)) else NOT_IN_BANK,
            c.lapses,
            c.reps,
        )
        for c in store.most_lapsed(WEAKEST)
    ]
