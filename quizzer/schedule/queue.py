"""The due queue: what to study now, following Anki's rules.

Learning cards due within the learn-ahead window come first, then review cards due before
the next day rollover (up to the daily review limit), then new questions in the order given
(the bank's curriculum) up to the daily new limit. Cards are read along the (state, due)
index and the read stops as soon as the limits are met, so the cost does not grow with the
size of the collection.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta

from quizzer.clock import day_start, next_day_start, to_ms
from quizzer.config import Settings
from quizzer.model import State
from quizzer.store.db import Store


@dataclass(frozen=True)
class Due:
    """What is due now, by kind, each list in the order it is studied."""

    learning: list[str]
    review: list[str]
    new: list[str]

    @property
    def ids(self) -> list[str]:
        """Learning first, then reviews, then new questions."""
        return self.learning + self.review + self.new


def build_queue(
    store: Store,
    question_ids: Collection[str],
    now: datetime,
    settings: Settings,
) -> list[str]:
    """The question ids to study now, in study order (see :func:`due_now`)."""
    return due_now(store, question_ids, now, settings).ids


def due_now(
    store: Store,
    question_ids: Collection[str],
    now: datetime,
    settings: Settings,
) -> Due:
    """What to study now among ``question_ids`` (the bank, maybe some topics; each id once,
    new ones introduced in this order). A set-like collection, such as the bank's
    ``questions.keys()``, is used as it is; anything else is copied into a set for the
    membership tests.

    Questions with history that are no longer in the bank are left out, their history kept.
    """
    wanted = question_ids if isinstance(question_ids, AbstractSet) else set(question_ids)
    learn_cutoff = to_ms(now + timedelta(minutes=settings.learn_ahead_minutes))
    reviewed_today, introduced_today = store.counts_since(
        to_ms(day_start(now, settings.rollover_hour))
    )
    review_budget = max(0, settings.max_reviews_per_day - reviewed_today)

    learning = [
        question_id
        for question_id, _state, _due in store.due_cards(
            learn_cutoff + 1, (State.LEARNING, State.RELEARNING)
        )
        if question_id in wanted
    ]
    reviews: list[str] = []
    if review_budget:
        next_day = to_ms(next_day_start(now, settings.rollover_hour))
        for question_id, _state, _due in store.due_cards(next_day, (State.REVIEW,)):
            if question_id in wanted:
                reviews.append(question_id)
                if len(reviews) == review_budget:
                    break

    new_budget = max(0, settings.new_per_day - introduced_today)
    fresh: list[str] = []
    if new_budget:
        # Usually the first bank ids hold enough new ones: ask about those alone, and read
        # every reviewed id (tens of ms on a large history) only when they do not.
        head = list(itertools.islice(question_ids, 4 * new_budget))
        reviewed = store.known_ids(head)
        fresh = [q for q in head if q not in reviewed][:new_budget]
        if len(fresh) < new_budget and len(head) < len(question_ids):
            seen = store.seen_ids()
            fresh = list(itertools.islice((q for q in question_ids if q not in seen), new_budget))
    return Due(learning, reviews, fresh)


def ahead_queue(store: Store, question_ids: Sequence[str], count: int) -> list[str]:
    """The next ``count`` reviewed questions by due date, for studying ahead."""
    wanted = set(question_ids)
    ahead: list[str] = []
    for question_id, _state, _due in store.due_cards(2**62):
        if question_id in wanted:
            ahead.append(question_id)
            if len(ahead) == count:
                break
    return ahead


def unseen(store: Store, question_ids: Sequence[str], count: int) -> list[str]:
    """The first ``count`` of ``question_ids`` never reviewed (for studying more new today)."""
    seen = store.seen_ids()
    return list(itertools.islice((q for q in question_ids if q not in seen), count))
