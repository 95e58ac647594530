"""FSRS scheduling through the ``fsrs`` package (FSRS-6).

Converts between stored :class:`~quizzer.model.CardState` rows and ``fsrs.Card``, applies
a rating, and previews the interval each rating would give (Anki's "Again 1m · Good 1d").
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from quizzer.clock import from_ms, to_ms
from quizzer.config import Settings
from quizzer.model import CardState, Rating, State

if TYPE_CHECKING:
    import fsrs


def make_scheduler(settings: Settings, fuzz: bool | None = None) -> fsrs.Scheduler:
    """An FSRS scheduler with the person's desired retention and fitted parameters."""
    import fsrs

    kwargs: dict[str, object] = {
        "desired_retention": settings.desired_retention,
        "enable_fuzzing": settings.fuzz if fuzz is None else fuzz,
    }
    if settings.fsrs_parameters:
        kwargs["parameters"] = tuple(settings.fsrs_parameters)
    return fsrs.Scheduler(**kwargs)  # type: ignore[arg-type]


def to_fsrs(card: CardState | None, question_id: str, now: datetime) -> fsrs.Card:
    """The ``fsrs.Card`` for a stored card; a never-reviewed card is new and due now."""
    import fsrs

    card_id = zlib.crc32(question_id.encode())
    if card is None or card.state == State.NEW:
        return fsrs.Card(card_id=card_id, due=now)
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=from_ms(card.due),
        last_review=from_ms(card.last_review) if card.last_review is not None else None,
    )


def apply_rating(
    scheduler: fsrs.Scheduler,
    card: CardState | None,
    question_id: str,
    rating: Rating | int,
    now: datetime,
) -> CardState:
    """The card's state after ``rating`` at ``now``; counts reps and lapses."""
    import fsrs

    if rating not in Rating.__members__.values():
        raise ValueError(f"rating must be 1-4, not {rating}")
    after, _log = scheduler.review_card(to_fsrs(card, question_id, now), fsrs.Rating(rating), now)
    prior = card or CardState(question_id)
    lapsed = rating == Rating.AGAIN and prior.state == State.REVIEW
    return CardState(
        question_id=question_id,
        state=State(int(after.state)),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=to_ms(after.due),
        last_review=to_ms(now),
        reps=prior.reps + 1,
        lapses=prior.lapses + int(lapsed),
    )


def outcomes(
    scheduler: fsrs.Scheduler, card: CardState | None, question_id: str, now: datetime
) -> dict[Rating, CardState]:
    """The card's state after each rating 1-4, computed once so that the interval shown
    for a rating is exactly the one applied (fuzzing included)."""
    return {r: apply_rating(scheduler, card, question_id, r, now) for r in Rating}


def interval(after: CardState, now: datetime) -> timedelta:
    """How long from ``now`` until ``after`` is due."""
    return max(timedelta(0), from_ms(after.due) - now)


def format_interval(delta: timedelta) -> str:
    """A compact interval: ``<1m``, ``10m``, ``5h``, ``3d``, ``2.1mo``, ``1.4y``."""
    seconds = round(delta.total_seconds())
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
