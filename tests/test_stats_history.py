"""A small review history with hand-computed stats, shared by the stats, export and TUI tests.

The clock is the tests' fixed ``2026-03-02T10:00Z`` (a Monday), the local time zone UTC and
the rollover 4 am, so the study day "today" runs from 03-02 04:00 to 03-03 04:00 and the
7-day window starts 02-24 04:00. Every figure below was worked out by hand from REVIEWS.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzer.clock import parse_instant, to_ms
from quizzer.model import CardState, ReviewInput, State
from quizzer.store.db import Store


@dataclass(frozen=True)
class Step:
    """One review: question, time (UTC), rating, seconds taken, cram, and the card after."""

    qid: str
    at: str
    rating: int
    seconds: float
    cram: bool = False
    state: int = State.REVIEW
    due: str = "2026-04-01T10:00"
    lapses: int = 0
    difficulty: float = 5.0


OLD = Step("s.recall.ce", "2024-01-10T12:00", 4, 2.0)  # outside even the 365-day window
REVIEWS = [
    Step("s.recall.ce", "2025-06-01T12:00", 1, 6.0),
    Step("s.choice.relu", "2026-02-20T12:00", 3, 3.0),
    Step("s.choice.relu", "2026-02-21T12:00", 3, 3.0),
    Step("s.recall.kl", "2026-02-22T12:00", 2, 5.0),
    Step(
        "s.recall.kl",
        "2026-02-23T12:00",
        1,
        5.0,
        state=State.RELEARNING,
        due="2026-02-25T10:00",
        lapses=1,
        difficulty=7.0,
    ),
    Step("s.choice.bf16", "2026-02-24T12:00", 3, 1.0),
    Step(
        "s.choice.bf16",
        "2026-02-25T12:00",
        1,
        1.0,
        state=State.LEARNING,
        due="2026-03-02T05:00",
        lapses=2,
    ),
    Step("s.recall.chain", "2026-02-28T12:00", 3, 8.0, due="2026-03-16T10:00"),
    # 03:30 is before the 4 am rollover: it counts for the study day of 03-01.
    Step("s.recall.ce", "2026-03-02T03:30", 3, 4.0, due="2026-03-02T12:00", lapses=1),
    Step("s.choice.relu", "2026-03-02T09:00", 4, 2.0, due="2026-03-05T10:00"),
    Step("s.choice.relu", "2026-03-02T09:30", 1, 0.5, cram=True, due="2026-03-05T10:00"),
]


def record(store: Store, steps: list[Step]) -> None:
    """Store ``steps`` in order, each with the card state it names."""
    for step in steps:
        before = store.card(step.qid)
        if step.cram:
            after = before
        else:
            after = CardState(
                step.qid,
                state=step.state,
                step=0 if step.state in (State.LEARNING, State.RELEARNING) else None,
                stability=3.0,
                difficulty=step.difficulty,
                due=to_ms(parse_instant(step.due + "+00:00")),
                last_review=to_ms(parse_instant(step.at + "+00:00")),
                reps=(before.reps if before else 0) + 1,
                lapses=step.lapses,
            )
        assert after is not None
        store.record(
            before,
            after,
            ReviewInput(
                reviewed_at=to_ms(parse_instant(step.at + "+00:00")),
                rating=step.rating,
                status="correct" if step.rating > 1 else "incorrect",
                answer=f"answer {step.at}",
                seed=7,
                duration_ms=int(step.seconds * 1000),
                cram=step.cram,
            ),
        )
