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
    """One question of the bank and its card (the schedule fields are None before the
    first review)."""

    question_id: str
    topic: str
    prompt: str
    state: str
    due: datetime | None
    lapses: int
    reps: int = 0
    interval_days: float | None = None
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """A browse search: free words (all must match the id, topic or prompt) and the
    ``topic:``, ``state:`` and ``tag:`` filters (each a case-insensitive prefix)."""

    words: tuple[str, ...] = ()
    topic: str | None = None
    state: str | None = None
    tag: str | None = None


FILTERS = ("topic", "state", "tag")


def parse_query(text: str) -> Query:
    """Read ``"softmax topic:Q25 state:review tag:loss"``; a quoted value may hold spaces
    (``topic:"Number formats"``). An unknown ``name:`` is kept as a word."""
    import shlex

    try:
        parts = shlex.split(text)
    except ValueError:  # an unbalanced quote while typing: read it as plain words
        parts = text.split()
    words: list[str] = []
    found: dict[str, str] = {}
    for part in parts:
        name, sep, value = part.partition(":")
        if sep and name.casefold() in FILTERS and value:
            found[name.casefold()] = value.casefold()
        else:
            words.append(part.casefold())
    return Query(tuple(words), found.get("topic"), found.get("state"), found.get("tag"))


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
    """The bank's questions in bank order that match the search ``text`` (see
    :func:`parse_query`), of ``topic`` only when given."""
    cards = store.cards()
    query = parse_query(text)
    rows = []
    for q in bank.select(topic) if topic else bank.questions.values():
        haystack = (q.id.casefold(), q.topic.casefold(), q.prompt.casefold())
        if not all(any(w in s for s in haystack) for w in query.words):
            continue
        if query.topic and not q.topic.casefold().startswith(query.topic):
            continue
        if query.tag and not any(t.casefold().startswith(query.tag) for t in q.tags):
            continue
        card = cards.get(q.id)
        state = card.state.label if card else State.NEW.label
        if query.state and not state.startswith(query.state):
            continue
        seen = card is not None and card.state != State.NEW
        last = from_ms(card.last_review) if card and card.last_review else None
        due = from_ms(card.due) if seen and card else None
        rows.append(
            BrowseRow(
                question_id=q.id,
                topic=q.topic,
                prompt=" ".join(q.prompt.split()),
                state=state,
                due=due,
                lapses=card.lapses if card else 0,
                reps=card.reps if card else 0,
                interval_days=(due - last).total_seconds() / 86400 if due and last else None,
                stability=card.stability if seen and card else None,
                difficulty=card.difficulty if seen and card else None,
                last_review=last,
                tags=tuple(q.tags),
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
