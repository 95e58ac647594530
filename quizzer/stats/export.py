"""Export every review as CSV or JSON, streamed batch by batch (memory stays flat).

Times are ISO 8601 UTC, formatted by SQLite. A review's ``due_before`` is the card's due
date when it was asked: the ``due_after`` of the card's previous non-cram review (empty for
its first review), which is exactly what undo restores, so it needs no column of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TextIO

from quizzer.bank.loader import Bank
from quizzer.model import State, state_label
from quizzer.store.db import Store

FORMATS = ("csv", "json")
COLUMNS = (
    "review_id",
    "question_id",
    "topic",
    "reviewed_at",
    "rating",
    "status",
    "answer",
    "duration_ms",
    "seed",
    "cram",
    "state_before",
    "state_after",
    "due_before",
    "due_after",
)
CARD_COLUMNS = (
    "question_id",
    "topic",
    "state",
    "due",
    "last_review",
    "stability",
    "difficulty",
    "reps",
    "lapses",
)
BATCH = 20_000  # reviews read and written at a time: one write of ~2 MB of CSV


def review_batches(
    store: Store, bank: Bank, since_ms: int | None = None
) -> Iterator[list[tuple[object, ...]]]:
    """Every review (taken at or after ``since_ms``) in the order they were recorded, as
    tuples in :data:`COLUMNS` order, a batch at a time."""
    due_of: dict[int, str | None] = {} if since_ms is None else store.last_due_before(since_ms)
    topics = {qid: q.topic for qid, q in bank.questions.items()}
    # A dict lookup per row is cheaper than joining cards in SQL.
    ids = {
        card_id: (qid, topics.get(qid, "")) for card_id, qid in store.card_question_ids().items()
    }
    states: dict[int, object] = {s.value: s.label for s in State}
    get_due = due_of.get
    for batch in store.exported_reviews(since_ms, BATCH):
        rows: list[tuple[object, ...]] = []
        append = rows.append
        # Unpacked in ExportedReview's field order: the cheapest read of a million rows.
        for rid, card_id, at, rating, status, answer, ms, seed, cram, sb, sa, due in batch:
            before = get_due(card_id, "")
            if not cram:
                due_of[card_id] = due
            qid, topic = ids[card_id]
            append(
                (
                    rid,
                    qid,
                    topic,
                    at,
                    rating,
                    status,
                    answer,
                    ms,
                    seed,
                    cram == 1,
                    states.get(sb, sb),
                    states.get(sa, sa),
                    before,
                    due,
                )
            )
        yield rows


def card_rows(store: Store, bank: Bank) -> Iterator[tuple[object, ...]]:
    """Every card's current state, as a tuple in :data:`CARD_COLUMNS` order."""
    topics = {qid: q.topic for qid, q in bank.questions.items()}
    for card in store.exported_cards():
        yield (
            card.question_id,
            topics.get(card.question_id, ""),
            state_label(card.state),
            card.due,
            card.last_review,
            card.stability,
            card.difficulty,
            card.reps,
            card.lapses,
        )


def export(
    store: Store,
    bank: Bank,
    out: TextIO,
    fmt: str,
    since_ms: int | None = None,
    progress: Callable[[int], None] | None = None,
    raw: bool = False,
) -> int:
    """Write the reviews (since ``since_ms``) to ``out`` as ``fmt``; the number written.

    ``progress`` is called with the count so far every few thousand reviews. CSV text cells
    that a spreadsheet would run as a formula go through :func:`neutralize` unless
    ``raw``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "csv":
        return _csv(store, bank, out, since_ms, progress, raw)
    return _json(store, bank, review_batches(store, bank, since_ms), out, progress)


Batches = Iterator[list[tuple[object, ...]]]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may run as a formula at the start of a cell (OWASP, CSV injection)."""
_FIRST = frozenset(FORMULA_STARTS)


def neutralize(cell: str) -> str:
    """A cell a spreadsheet shows as text: one starting with ``= + - @``, tab or CR gets a
    leading ``'`` (as OWASP advises), so an answer like ``=HYPERLINK(...)`` is never run."""
    return f"'{cell}" if cell[:1] in _FIRST else cell


def _quoted(cell: str) -> str:
    """``cell`` as a CSV field, quoted as the csv module quotes it with CRLF row ends."""
    if any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _csv(
    store: Store,
    bank: Bank,
    out: TextIO,
    since_ms: int | None,
    progress: Callable[[int], None] | None,
    raw: bool = False,
) -> int:
    """The reviews as CSV with CRLF row ends (RFC 4180). SQLite writes each line but
    ``due_before``, the ``due_after`` of the card's previous non-cram review, which is
    tracked here in the same pass: one string per review crosses into Python."""
    safe = (lambda cell: cell) if raw else neutralize
    topics = {qid: q.topic for qid, q in bank.questions.items()}
    heads = {
        card_id: f"{_quoted(safe(qid))},{_quoted(safe(topics.get(qid, '')))}"
        for card_id, qid in store.card_question_ids().items()
    }
    due_of: dict[int, str] = {}
    if since_ms is not None:
        due_of = {k: v or "" for k, v in store.last_due_before(since_ms).items()}
    get_due = due_of.get
    out.write(",".join(COLUMNS) + "\r\n")
    count = 0
    neutralized = () if raw else FORMULA_STARTS
    for batch in store.exported_csv(heads, since_ms, BATCH, neutralized):
        lines: list[str] = []
        append = lines.append
        for text, card_id, cram, due in batch:
            append(f"{text}{get_due(card_id, '')},{due}\r\n")
            if not cram:
                due_of[card_id] = due
        out.write("".join(lines))
        count += len(batch)
        if progress:
            progress(count)
    return count


def _json(
    store: Store,
    bank: Bank,
    batches: Batches,
    out: TextIO,
    progress: Callable[[int], None] | None,
) -> int:
    """One JSON object: ``{"reviews": [...], "cards": [...]}``, written batch by batch."""
    out.write('{"reviews": [\n')
    count = 0
    encode = json.JSONEncoder(ensure_ascii=False).encode
    for batch in batches:
        if count:
            out.write(",\n")
        out.write(",\n".join([encode(dict(zip(COLUMNS, row, strict=True))) for row in batch]))
        count += len(batch)
        if progress:
            progress(count)
    out.write('\n],\n"cards": [\n')
    cards = (json.dumps(dict(zip(CARD_COLUMNS, c, strict=True))) for c in card_rows(store, bank))
    out.write(",\n".join(cards))
    out.write("\n]}\n")
    return count
