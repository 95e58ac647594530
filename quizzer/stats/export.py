"""Export every review as CSV or JSON, streamed batch by batch (memory stays flat).

Times are ISO 8601 UTC as SQLite's ``strftime`` writes them. A review's ``due_before`` is
the card's due date when it was asked: the ``due_after`` of the card's previous non-cram
review (empty for its first review), which is exactly what undo restores, so it needs no
column of its own.

Where the time goes, for a million reviews: SQLite reads each review and writes the fields
from the rating to the state after it as one string (see
:meth:`~quizzer.store.queries.Queries.exported_rows`); Python adds the card's question and
topic, formats both times from table lookups (a third of the cost of ``strftime``), tracks
each card's last due date for ``due_before`` and writes the lines a batch at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import TextIO

from quizzer.bank.loader import Bank
from quizzer.model import state_label
from quizzer.stats.pause import collector_paused
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
DAY_MS = 86_400_000
EPOCH = date(1970, 1, 1)


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
    ``raw``. A review whose card is missing (a damaged database) is left out."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    with collector_paused():
        if fmt == "csv":
            return _csv(store, bank, out, since_ms, progress, raw)
        return _json(store, bank, out, since_ms, progress)


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


class _Days(dict[int, str]):
    """``YYYY-MM-DDT`` of each day since the epoch, made when first asked for."""

    def __missing__(self, day: int) -> str:
        text = self[day] = f"{EPOCH + timedelta(days=day)}T"
        return text


CLOCK = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
"""``HH:MM:SS`` of each second of a day."""
MILLIS = [f".{ms:03d}Z" for ms in range(1000)]
"""``.mmmZ`` of each millisecond of a second."""


def _heads(store: Store, bank: Bank, cell: Callable[[str], str], between: str) -> dict[int, str]:
    """Per card id, its question id and topic as ``cell`` writes each, ``between`` them."""
    topics = {qid: q.topic for qid, q in bank.questions.items()}
    return {
        card_id: f"{cell(qid)}{between}{cell(topics.get(qid, ''))}"
        for card_id, qid in store.card_question_ids().items()
    }


def _csv(
    store: Store,
    bank: Bank,
    out: TextIO,
    since_ms: int | None,
    progress: Callable[[int], None] | None,
    raw: bool = False,
) -> int:
    """The reviews as CSV with CRLF row ends (RFC 4180)."""
    safe = (lambda cell: cell) if raw else neutralize
    heads = _heads(store, bank, lambda cell: _quoted(safe(cell)), ",")
    due_of: dict[int, str] = {}
    if since_ms is not None:
        due_of = {k: v or "" for k, v in store.last_due_before(since_ms).items()}
    get_due, get_head = due_of.get, heads.get
    days, clock, millis = _Days(), CLOCK, MILLIS
    out.write(",".join(COLUMNS) + "\r\n")
    count = 0
    batches = store.exported_rows("csv", since_ms, BATCH, () if raw else FORMULA_STARTS)
    for batch in batches:
        lines: list[str] = []
        append = lines.append
        for rid, card_id, at, middle, cram, due in batch:
            head = get_head(card_id)
            if head is None:
                continue
            # Epoch ms as strftime('%Y-%m-%dT%H:%M:%fZ') writes them; other values come
            # as SQLite's text of them.
            if isinstance(at, int):
                at = f"{days[at // DAY_MS]}{clock[at // 1000 % 86400]}{millis[at % 1000]}"
            if isinstance(due, int):
                due = f"{days[due // DAY_MS]}{clock[due // 1000 % 86400]}{millis[due % 1000]}"
            elif due is None:
                due = ""
            append(f"{rid},{head},{at or ''}{middle}{get_due(card_id, '')},{due}\r\n")
            if not cram:
                due_of[card_id] = due
        out.write("".join(lines))
        count += len(lines)
        if progress:
            progress(count)
    return count


def _json(
    store: Store,
    bank: Bank,
    out: TextIO,
    since_ms: int | None,
    progress: Callable[[int], None] | None,
) -> int:
    """One JSON object: ``{"reviews": [...], "cards": [...]}``, written batch by batch.

    Each review is an object with the keys of :data:`COLUMNS`, written as Python's json
    module writes it (``ensure_ascii=False``, a space after ``:`` and ``,``)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    heads = _heads(store, bank, encode, ', "topic": ')
    # A first review has "" as its due_before; a previous review without a due date, null.
    due_of: dict[int, str] = {}
    if since_ms is not None:
        due_of = {k: encode(v) for k, v in store.last_due_before(since_ms).items()}
    get_due, get_head, first = due_of.get, heads.get, '""'
    days, clock, millis = _Days(), CLOCK, MILLIS
    out.write('{"reviews": [\n')
    count = 0
    for batch in store.exported_rows("json", since_ms, BATCH):
        lines: list[str] = []
        append = lines.append
        for rid, card_id, at, middle, cram, due in batch:
            head = get_head(card_id)
            if head is None:
                continue
            if isinstance(at, int):
                at = f'"{days[at // DAY_MS]}{clock[at // 1000 % 86400]}{millis[at % 1000]}"'
            else:
                at = "null" if at is None else f'"{at}"'
            if isinstance(due, int):
                due = f'"{days[due // DAY_MS]}{clock[due // 1000 % 86400]}{millis[due % 1000]}"'
            else:
                due = "null" if due is None else f'"{due}"'
            append(
                f'{{"review_id": {rid}, "question_id": {head}, "reviewed_at": {at}, {middle}, '
                f'"due_before": {get_due(card_id, first)}, "due_after": {due}}}'
            )
            if not cram:
                due_of[card_id] = due
        if lines:
            out.write((",\n" if count else "") + ",\n".join(lines))
        count += len(lines)
        if progress:
            progress(count)
    out.write('\n],\n"cards": [\n')
    cards = (json.dumps(dict(zip(CARD_COLUMNS, c, strict=True))) for c in card_rows(store, bank))
    out.write(",\n".join(cards))
    out.write("\n]}\n")
    return count
