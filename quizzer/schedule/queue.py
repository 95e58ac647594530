"""The due queue: what to study now, following Anki's rules.

Learning cards due within the learn-ahead window come first, then review cards due before
the next day rollover, then new questions in bank order, each within the daily limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from quizzer.clock import day_start, next_day_start, to_ms
from quizzer.config import Settings
from quizzer.store.db import LEARNING, RELEARNING, Store


def build_queue(
    store: Store,
    question_ids: Sequence[str],
    now: datetime,
    settings: Settings,
) -> list[str]:
    """The question ids to study now, among ``question_ids`` (the bank, maybe one topic).

    Questions with history that are no longer in the bank are left out, their history kept.
    """
    wanted = set(question_ids)
    learn_cutoff = to_ms(now + timedelta(minutes=settings.learn_ahead_minutes))
    today = day_start(now, settings.rollover_hour)
    reviewed_today, introduced_today = store.counts_since(to_ms(today))

    learning: list[str] = []
    reviews: list[str] = []
    for card in store.due_before(to_ms(next_day_start(now, settings.rollover_hour))):
        if card.question_id not in wanted:
            continue
        if card.state in (LEARNING, RELEARNING):
            if card.due <= learn_cutoff:
                learning.append(card.question_id)
        else:
            reviews.append(card.question_id)
    reviews = reviews[: max(0, settings.max_reviews_per_day - reviewed_today)]

    new_budget = max(0, settings.new_per_day - introduced_today)
    fresh: list[str] = []
    if new_budget:
        ids = list(dict.fromkeys(question_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            known = store.known_ids(chunk)
            fresh.extend(q for q in chunk if q not in known)
            if len(fresh) >= new_budget:
                break
    return learning + reviews + fresh[:new_budget]


def ahead_queue(store: Store, question_ids: Sequence[str], count: int) -> list[str]:
    """The next ``count`` reviewed questions by due date, for studying ahead."""
    wanted = set(question_ids)
    nxt = [c.question_id for c in store.due_before(2**62) if c.question_id in wanted]
    return nxt[:count]
