"""What the browse screen lists: every question with its schedule, and one question's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quizzer.bank.loader import Bank
from quizzer.clock import from_ms
from quizzer.model import State
from quizzer.store.db import Store


@dataclass(frozen=True)
class BrowseRow:
    """One question of the bank and its card."""

    question_id: str
    topic: str
    prompt: str
    state: str
    due: datetime | None
    lapses: int


@dataclass(frozen=True)
class HistoryRow:
    """One past review of a question."""

    reviewed_at: datetime
    rating: int
    status: str
    answer: str
    duration_ms: int
    cram: bool


def browse_rows(
    store: Store, bank: Bank, text: str = "", topic: str | None = None
) -> list[BrowseRow]:
    """The bank's questions in bank order, those of ``topic`` only (when given) whose id,
    topic or prompt contains ``text`` (case-insensitive)."""
    cards = store.cards()
    want = text.casefold().strip()
    rows = []
    for q in bank.select(topic) if topic else bank.questions.values():
        if want and not any(want in s.casefold() for s in (q.id, q.topic, q.prompt)):
            continue
        card = cards.get(q.id)
        seen = card is not None and card.state != State.NEW
        rows.append(
            BrowseRow(
                question_id=q.id,
                topic=q.topic,
                prompt=" ".join(q.prompt.split()),
                state=card.state.label if card else State.NEW.label,
                due=from_ms(card.due) if seen and card else None,
                lapses=card.lapses if card else 0,
            )
        )
    return rows


def question_history(store: Store, question_id: str) -> list[HistoryRow]:
    """Every review of ``question_id``, oldest first."""
    return [
        HistoryRow(
            reviewed_at=from_ms(r.reviewed_at),
            rating=r.rating,
            status=r.status,
            answer=r.answer,
            duration_ms=r.duration_ms,
            cram=r.cram,
        )
        for r in store.history(question_id)
    ]
