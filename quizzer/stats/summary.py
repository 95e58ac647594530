"""The headline figures: reviews stored, questions due today, cards seen."""

from __future__ import annotations

from datetime import datetime

from quizzer.bank.loader import Bank
from quizzer.config import Settings
from quizzer.schedule.queue import build_queue
from quizzer.store.db import Store


def summary(store: Store, bank: Bank, now: datetime, settings: Settings) -> dict[str, int]:
    """``reviews_total``, ``due_today`` (what a drill would ask now) and ``cards_seen``."""
    return {
        "reviews_total": store.reviews_total(),
        "due_today": len(build_queue(store, list(bank.questions), now, settings)),
        "cards_seen": store.cards_seen(),
    }
