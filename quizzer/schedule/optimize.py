"""Fit FSRS parameters to a person's own reviews with the ``fsrs`` optimizer.

The optimizer (``fsrs[optimizer]``: torch, pandas) is imported only by :func:`fit`. The
log-loss is computed here with the plain scheduler, the way the optimizer scores a history:
every review a day or more after the card's previous one is a prediction of recall (rated
Hard, Good or Easy) by the retrievability FSRS gave the card at that moment.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from quizzer.clock import from_ms
from quizzer.errors import QuizzerError
from quizzer.store.db import Store

if TYPE_CHECKING:
    import fsrs

MIN_REVIEWS = 512
"""The fsrs optimizer keeps the default parameters below one mini-batch of such reviews."""


class OptimizeError(QuizzerError):
    """The parameters cannot be fitted (too little history, or the optimizer is missing)."""


def review_logs(store: Store) -> list[fsrs.ReviewLog]:
    """Every non-cram review as an ``fsrs.ReviewLog``, in the order they were recorded."""
    import fsrs

    return [
        fsrs.ReviewLog(r.card_id, fsrs.Rating(r.rating), from_ms(r.reviewed_at), r.duration_ms)
        for r in store.review_log()
    ]


def _by_card(logs: Sequence[fsrs.ReviewLog]) -> dict[int, list[fsrs.ReviewLog]]:
    cards: dict[int, list[fsrs.ReviewLog]] = defaultdict(list)
    for log in logs:
        cards[log.card_id].append(log)
    for history in cards.values():
        history.sort(key=lambda log: log.review_datetime)
    return cards


def trainable_reviews(logs: Sequence[fsrs.ReviewLog]) -> int:
    """How many reviews came a day or more after the card's previous review."""
    count = 0
    for history in _by_card(logs).values():
        for prev, log in itertools.pairwise(history):
            count += (log.review_datetime - prev.review_datetime).days > 0
    return count


def log_loss(logs: Sequence[fsrs.ReviewLog], parameters: Sequence[float]) -> float:
    """Mean binary cross-entropy of FSRS's predicted recall against what happened."""
    import fsrs

    scheduler = fsrs.Scheduler(parameters=tuple(parameters), enable_fuzzing=False)
    total, count = 0.0, 0
    for card_id, history in _by_card(logs).items():
        card = fsrs.Card(card_id=card_id, due=history[0].review_datetime)
        for log in history:
            at = log.review_datetime
            if card.last_review is not None and (at - card.last_review).days > 0:
                p = min(max(scheduler.get_card_retrievability(card, at), 1e-6), 1 - 1e-6)
                total -= math.log(p) if log.rating != fsrs.Rating.Again else math.log(1 - p)
                count += 1
            card, _ = scheduler.review_card(card, log.rating, at)
    if not count:
        raise OptimizeError("no review came a day or more after the previous one")
    return total / count


def default_parameters() -> list[float]:
    """The parameters FSRS uses when none were fitted."""
    import fsrs

    return [float(p) for p in fsrs.Scheduler().parameters]


def fit(logs: Sequence[fsrs.ReviewLog]) -> list[float]:
    """Parameters fitted to ``logs``; OptimizeError when there are too few reviews to fit."""
    have = trainable_reviews(logs)
    if have < MIN_REVIEWS:
        raise OptimizeError(
            f"too few reviews to fit: {have} came a day or more after the previous review "
            f"of their question, and the optimizer needs at least {MIN_REVIEWS}"
        )
    try:
        from fsrs import Optimizer

        optimizer = Optimizer(list(logs))
    except ImportError:
        raise OptimizeError(
            "the FSRS optimizer is not installed: pip install 'quizzer[optimizer]'"
        ) from None
    return [float(p) for p in optimizer.compute_optimal_parameters()]
