"""Every figure of the stats page, computed with a handful of indexed queries.

"Today" is the study day containing ``now`` (rollover hour, local time). A window of N days
is the N study days ending with today. Retention is the share of reviews rated Hard, Good
or Easy; cram reviews count as activity (heatmap, streaks) but not towards retention or
answer times, since they were not asked at their due date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from quizzer.bank.loader import Bank
from quizzer.clock import from_ms
from quizzer.config import Settings
from quizzer.model import State
from quizzer.schedule.queue import build_queue
from quizzer.stats.days import day_boundaries, streaks, study_date
from quizzer.store.db import Store

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
    rollover = settings.rollover_hour
    today = study_date(now, rollover)

    earliest, total = store.first_bucket_and_total()
    first = today - timedelta(days=HEATMAP_WEEKS * 7 - 1)
    if earliest is not None:
        first = min(first, study_date(from_ms(earliest), rollover))
    bounds = day_boundaries(first, today, rollover)
    counts = store.review_counts_between(bounds)
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
    topic_of = {
        card_id: (q.topic if (q := bank.questions.get(qid)) else NOT_IN_BANK)
        for card_id, qid in store.card_question_ids().items()
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
        add(longest, store.card_totals())
        add(longest, store.card_sums_outside(cuts[longest], end), sign=-1)
    per_card = store.card_sums_since(list(scanned.values()), end)
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


def _forecast(store: Store, today: date, rollover: int) -> list[dict[str, object]]:
    """Reviewed cards falling due on each of the next days; overdue ones count for today."""
    bounds = day_boundaries(today, today + timedelta(days=FORECAST_DAYS - 1), rollover)
    bounds[0] = -(2**62)
    return [
        {"date": (today + timedelta(days=i)).isoformat(), "due": n}
        for i, n in enumerate(store.due_counts(bounds))
    ]


def _states(store: Store, bank: Bank) -> dict[str, int]:
    """Cards per state; "new" counts the bank's questions never reviewed."""
    states = dict.fromkeys((s.label for s in State), 0)
    # A card put back to new by undo is counted with the never-reviewed questions below.
    for state, n in store.state_counts().items():
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
