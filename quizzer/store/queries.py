"""The read queries of the stats page, the export, the browser and the optimizer.

They are methods of :class:`quizzer.store.db.Store` (through :class:`Queries`), so every SQL
statement of quizzer lives in this package. Each returns named rows, never bare tuples whose
meaning depends on a column list elsewhere.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import accumulate, pairwise
from typing import NamedTuple

from quizzer.model import State

BUCKET_MS = 15 * 60 * 1000
"""The width of a ``stats_buckets`` bucket. Every time zone offset and rollover hour falls on
a 15-minute boundary, so a study day is an exact sum of buckets."""


class DueCard(NamedTuple):
    """A reviewed card in the due queue's index order."""

    question_id: str
    state: int
    due: int


class BucketSums(NamedTuple):
    """The reviews of a span of time: all of them, the non-cram ones (graded) and those of
    the graded rated above Again (passed)."""

    reviews: int
    graded: int
    passed: int


DENSE_IDS = 1 << 22
"""Card ids below this are looked up in the group blob of :meth:`Queries.card_groups` (up
to 4M cards in a few MB); the rest through a function."""


class CardGroups(NamedTuple):
    """Every card's group for the ``group_*`` sums (see :meth:`Queries.card_groups`):
    ``lookup`` holds, for each card id below ``dense``, its group as ``width`` big-endian
    bytes; ``key`` gives those bytes for any card id."""

    lookup: bytes
    width: int
    dense: int
    key: Callable[[int], bytes]


class CardSums(NamedTuple):
    """Non-cram reviews of one card: how many, how many passed (rated above Again), and
    the time spent answering them."""

    card_id: int
    reviews: int
    passed: int
    duration_ms: int


class GroupSums(NamedTuple):
    """Non-cram reviews of a group of cards (at one level, for ``group_sums``): how many,
    how many passed, and the time spent answering."""

    group: int
    level: int
    reviews: int
    passed: int
    duration_ms: int


class LapsedCard(NamedTuple):
    """A card that lapsed: its question, lapses and repetitions."""

    question_id: str
    lapses: int
    reps: int


class PastReview(NamedTuple):
    """One stored review of a question, as the browser shows it."""

    reviewed_at: int
    rating: int
    status: str
    answer: str
    duration_ms: int
    cram: bool


class LoggedReview(NamedTuple):
    """What the FSRS optimizer needs of one non-cram review."""

    card_id: int
    rating: int
    reviewed_at: int
    duration_ms: int


ExportedRow = tuple[int, int, int | str | None, str, object, int | str | None]
"""A review as :meth:`Queries.exported_rows` reads it: ``(id, card_id, reviewed_at, middle,
cram, due_after)``. The times are epoch ms when they are integers of years 0000-9999 UTC
(:data:`ISO_MAX_MS`), for the caller to format; otherwise SQLite's ISO 8601 text of them,
or None where there is none (a missing due date)."""


class ExportedCard(NamedTuple):
    """One card's current state as exported; times are ISO 8601 UTC text."""

    question_id: str
    state: int
    due: str | None
    last_review: str | None
    stability: float | None
    difficulty: float | None
    reps: int
    lapses: int


def _iso(column: str) -> str:
    return f"strftime('%Y-%m-%dT%H:%M:%fZ', {column} / 1000.0, 'unixepoch')"


ISO_MAX_MS = 253_402_300_799_999
"""9999-12-31T23:59:59.999Z, the last instant SQLite's ``strftime`` formats."""


def _ms_or_iso(column: str) -> str:
    """``column`` itself when it is an integer of years 0000-9999 UTC (for Python to format,
    which costs a third of ``strftime``), else SQLite's ISO 8601 text of it or NULL."""
    return (
        f"CASE WHEN typeof({column}) = 'integer' AND {column} BETWEEN 0 AND {ISO_MAX_MS} "
        f"THEN {column} ELSE {_iso(column)} END"
    )


def _csv_text(column: str, formula_starts: Sequence[str]) -> str:
    """``column`` as a CSV field: quoted where it holds a comma, a quote or a line break,
    and with a leading ' where a spreadsheet would run it as a formula."""
    special = "'*[,\"' || char(10) || char(13) || ']*'"
    escaped = f"replace({column}, '\"', '\"\"') || '\"'"
    if not formula_starts:
        return f"CASE WHEN {column} GLOB {special} THEN '\"' || {escaped} ELSE {column} END"
    # The leading ' never needs quoting itself, so each branch tests the text once.
    lead = f"substr({column}, 1, 1) IN ({', '.join(f'char({ord(c)})' for c in formula_starts)})"
    return (
        f"CASE WHEN {column} GLOB {special} "
        f"THEN '\"' || CASE WHEN {lead} THEN '''' ELSE '' END || {escaped} "
        f"WHEN {lead} THEN '''' || {column} ELSE {column} END"
    )


def _csv_middle(formula_starts: Sequence[str]) -> str:
    """The CSV fields rating to state_after of a review, with the commas around them. The
    status is text quizzer writes, but a database is untrusted like any other file."""
    status, answer = (_csv_text(column, formula_starts) for column in ("status", "answer"))

    def label(column: str) -> str:
        names = " ".join(f"WHEN {s.value} THEN '{s.label}'" for s in State)
        return f"CASE {column} {names} ELSE {column} END"

    # One printf for them all costs less than a concatenation per field.
    return (
        f"printf(',%s,%s,%s,%s,%s,%s,%s,%s,', rating, {status}, {answer}, duration_ms, seed, "
        f"CASE cram WHEN 1 THEN 'True' ELSE 'False' END, {label('before_state')}, "
        f"{label('after_state')})"
    )


def _json_value(column: str) -> str:
    """``column`` as JSON the way Python's json module writes the value sqlite3 reads
    (integers and NULL directly, anything else through Python)."""
    return (
        f"CASE typeof({column}) WHEN 'integer' THEN {column} WHEN 'null' THEN 'null' "
        f"ELSE json_py({column}) END"
    )


def _json_label(column: str) -> str:
    """A state column as JSON: its label, or the value itself when it is no state."""
    names = " ".join(f"WHEN {s.value} THEN '\"{s.label}\"'" for s in State)
    return f"CASE {column} {names} ELSE {_json_value(column)} END"


_JSON_MIDDLE = (
    'printf(\'"rating": %s, "status": %s, "answer": %s, "duration_ms": %s, '
    '"seed": %s, "cram": %s, "state_before": %s, "state_after": %s\', '
    f"{_json_value('rating')}, json_quote(status), json_quote(answer), "
    f"{_json_value('duration_ms')}, {_json_value('seed')}, "
    "CASE WHEN cram = 1 THEN 'true' ELSE 'false' END, "
    f"{_json_label('before_state')}, {_json_label('after_state')})"
)
"""The JSON members ``rating`` to ``state_after`` of a review (SQLite's ``json_quote``
escapes text exactly as Python's json module does with ``ensure_ascii=False``)."""


def named_rows(cursor: sqlite3.Cursor, row_type: type[tuple[object, ...]]) -> sqlite3.Cursor:
    """Make ``cursor`` return ``row_type`` rows (its fields are the selected columns)."""
    make = row_type._make  # type: ignore[attr-defined]
    cursor.row_factory = lambda _cursor, row: make(row)
    return cursor


class Queries:
    """Read-only queries over an open connection (mixed into the store)."""

    _conn: sqlite3.Connection

    # -- stats ---------------------------------------------------------------------------

    def first_bucket_and_total(self) -> tuple[int | None, int]:
        """(epoch ms of the earliest review's 15-minute bucket or None, reviews stored)."""
        row = self._conn.execute(
            "SELECT min(bucket) AS first, coalesce(sum(reviews), 0) AS total "
            "FROM stats_buckets WHERE reviews > 0"
        ).fetchone()
        first = row["first"]
        return (None if first is None else first * BUCKET_MS), int(row["total"])

    def bucket_sums(self, boundaries: Sequence[int]) -> list[BucketSums]:
        """The reviews between each pair of consecutive epoch-ms ``boundaries`` (ascending
        study-day starts), summed from the 15-minute buckets: one read of the buckets in
        range, however many intervals (years of history would otherwise cost a query a
        day)."""
        marks = [b // BUCKET_MS for b in boundaries]
        if len(marks) < 2:
            return []
        cursor = self._conn.execute(
            "SELECT bucket, reviews, graded, passed FROM stats_buckets "
            "WHERE bucket >= ? AND bucket < ? ORDER BY bucket",
            (marks[0], marks[-1]),
        )
        cursor.row_factory = None
        rows = cursor.fetchall()
        buckets = [r[0] for r in rows]
        # Running totals, so each interval is the difference at its two ends.
        totals = [list(accumulate((r[k] for r in rows), initial=0)) for k in (1, 2, 3)]
        ends = [bisect_left(buckets, m) for m in marks]
        return [BucketSums(*(t[j] - t[i] for t in totals)) for i, j in pairwise(ends)]

    def card_totals(self) -> list[CardSums]:
        """All-time non-cram sums per card (kept by triggers), cards with reviews only."""
        cursor = self._conn.execute(
            "SELECT card_id, reviews, passed, duration_ms FROM stats_cards WHERE reviews > 0"
        )
        return list(named_rows(cursor, CardSums))

    def card_groups(self, question_groups: Mapping[str, int], default: int) -> CardGroups:
        """Assign every card to a group (a small integer, e.g. its topic's index) for the
        ``group_*`` sums: the group of its question in ``question_groups``, else ``default``
        (so is a review whose card is missing). Only the cards of those questions are read.
        The result serves any connection to this database (see :meth:`group_sums`)."""
        top = max(default, *question_groups.values())
        width = max(1, (top.bit_length() + 7) // 8)
        codes = [g.to_bytes(width, "big") for g in range(top + 1)]
        cursor = self._conn.execute(
            "SELECT c.id, j.value FROM json_each(?) j JOIN cards c ON c.question_id = j.key",
            (json.dumps(question_groups),),
        )
        cursor.row_factory = None
        groups: dict[int, int] = dict(cursor)
        last = self._conn.execute("SELECT max(id) FROM cards").fetchone()[0]
        dense = 0 if last is None else max(0, min(int(last), DENSE_IDS) + 1)
        # Every card in ``default``, then the cards of the given questions in theirs.
        lookup = bytearray(codes[default] * dense)
        for card_id, group in groups.items():
            if 0 <= card_id < dense:
                lookup[card_id * width : card_id * width + width] = codes[group]
        return CardGroups(
            bytes(lookup), width, dense, lambda card_id: codes[groups.get(card_id, default)]
        )

    def _grouped(self, sql: str, groups: CardGroups, **args: int) -> list[GroupSums]:
        """Run ``sql``, whose first column ``{group}`` is the group key of ``card_id``.

        SQLite gets the groups as a blob indexed by card id, not as a table: showing stats
        must not write, even to a temporary table (a read-only connection refuses that too),
        and a slice of a blob costs far less than calling Python for every review (which
        would also hold the GIL that a scan in another thread releases). Card ids past
        :data:`DENSE_IDS` (a sparse or hostile database) are answered by a function giving
        the same keys."""
        self._conn.create_function("stat_group", 1, groups.key, deterministic=True)
        key = (
            f"CASE WHEN card_id >= 0 AND card_id < {groups.dense} "
            f"THEN substr(:lookup, card_id * {groups.width} + 1, {groups.width}) "
            "ELSE stat_group(card_id) END"
        )
        cursor = self._conn.execute(sql.format(group=key), {"lookup": groups.lookup, **args})
        cursor.row_factory = None
        return [GroupSums(int.from_bytes(k, "big"), *rest) for k, *rest in cursor]

    def group_totals(self, groups: CardGroups) -> list[GroupSums]:
        """All-time non-cram sums per group (from the per-card sums kept by triggers)."""
        return self._grouped(
            "SELECT {group} AS grp, 0, sum(reviews), sum(passed), sum(duration_ms) "
            "FROM stats_cards GROUP BY grp",
            groups,
        )

    def group_sums(
        self,
        groups: CardGroups,
        start_ms: int | None,
        end_ms: int | None,
        cuts: Sequence[int] = (),
    ) -> list[GroupSums]:
        """One pass over the non-cram reviews in [start_ms, end_ms) (None: no bound on that
        side): their sums per group and level, where a review's level is how many of
        ``cuts`` it is at or after."""
        level = " + ".join(f"(reviewed_at >= {int(c)})" for c in cuts) or "0"
        where = ["NOT cram"]
        args: dict[str, int] = {}
        if start_ms is not None:
            where.append("reviewed_at >= :start")
            args["start"] = start_ms
        if end_ms is not None:
            where.append("reviewed_at < :end")
            args["end"] = end_ms
        return self._grouped(
            f"SELECT {{group}} AS grp, {level} AS level, count(*), sum(rating > 1), "
            f"sum(duration_ms) FROM reviews WHERE {' AND '.join(where)} GROUP BY grp, level",
            groups,
            **args,
        )

    def card_question_ids(self) -> dict[int, str]:
        """Every card's question id, keyed by card id."""
        cursor = self._conn.execute("SELECT id, question_id FROM cards")
        cursor.row_factory = None  # plain tuples: a dict of 100k cards in one C call
        return dict(cursor)

    def due_counts(self, boundaries: Sequence[int]) -> list[int]:
        """Reviewed cards falling due between each pair of consecutive ``boundaries``:
        counted in the (state, due) index, a range per state and interval."""
        scheduled = ", ".join(str(int(s)) for s in State if s != State.NEW)
        return [
            int(
                self._conn.execute(
                    f"SELECT count(*) FROM cards WHERE state IN ({scheduled}) "
                    "AND due >= ? AND due < ?",
                    (lo, hi),
                ).fetchone()[0]
            )
            for lo, hi in pairwise(boundaries)
        ]

    def state_counts(self) -> dict[State, int]:
        """Reviewed cards per state (cards put back to new by undo are not counted, nor a
        state no quizzer writes, as a tampered database may hold)."""
        seen = tuple(state for state in State if state is not State.NEW)
        rows = self._conn.execute(
            "SELECT state, count(*) AS n FROM cards "
            f"WHERE state IN ({', '.join('?' * len(seen))}) GROUP BY state",
            seen,
        )
        return {State(r["state"]): int(r["n"]) for r in rows}

    def most_lapsed(self, limit: int) -> list[LapsedCard]:
        """The ``limit`` cards with the most lapses (ties: the hardest, then by id)."""
        cursor = self._conn.execute(
            "SELECT question_id, lapses, reps FROM cards WHERE lapses > 0 "
            "ORDER BY lapses DESC, difficulty DESC, question_id LIMIT ?",
            (limit,),
        )
        return list(named_rows(cursor, LapsedCard))

    # -- browse and optimize -------------------------------------------------------------

    def history(self, question_id: str) -> list[PastReview]:
        """Every review of ``question_id``, oldest first."""
        cursor = self._conn.execute(
            "SELECT r.reviewed_at, r.rating, r.status, r.answer, r.duration_ms, r.cram "
            "FROM reviews r JOIN cards c ON c.id = r.card_id WHERE c.question_id = ? "
            "ORDER BY r.id",
            (question_id,),
        )
        return [row._replace(cram=bool(row.cram)) for row in named_rows(cursor, PastReview)]

    def review_log(self) -> list[LoggedReview]:
        """Every non-cram review, in the order they were recorded."""
        cursor = self._conn.execute(
            "SELECT card_id, rating, reviewed_at, duration_ms FROM reviews WHERE NOT cram "
            "ORDER BY id"
        )
        return list(named_rows(cursor, LoggedReview))

    # -- export --------------------------------------------------------------------------

    def last_due_before(self, since_ms: int) -> dict[int, str | None]:
        """Per card, the due date (ISO text) set by its last non-cram review before
        ``since_ms``: what the first exported review of that card was asked against."""
        # SQLite returns the bare columns of the row holding max(): each card's last review.
        rows = self._conn.execute(
            f"SELECT card_id, {_iso('after_due')} AS due, max(id) FROM reviews "
            "WHERE reviewed_at < ? AND NOT cram GROUP BY +card_id",
            (since_ms,),
        )
        return {r["card_id"]: r["due"] for r in rows}

    def exported_rows(
        self, fmt: str, since_ms: int | None, batch: int, formula_starts: Sequence[str] = ()
    ) -> Iterator[list[ExportedRow]]:
        """Every review (taken at or after ``since_ms``) in the order recorded, ``batch`` at
        a time, for an export in ``fmt`` (csv or json). SQLite writes each review's
        ``middle``, so Python handles six values a review, not twelve (see
        :class:`ExportedRow`).

        In CSV, ``middle`` runs from the comma after the time to the comma before
        ``due_before``; an answer starting with one of ``formula_starts`` gets a leading
        ``'``, and it is quoted as Python's csv module quotes with CRLF row ends. In JSON it
        is the members ``"rating"`` to ``"state_after"``, each value as Python's json module
        (``ensure_ascii=False``) writes what sqlite3 reads."""
        if fmt == "csv":
            middle = _csv_middle(formula_starts)
        else:
            encode = json.JSONEncoder(ensure_ascii=False).encode
            self._conn.create_function("json_py", 1, encode, deterministic=True)
            middle = _JSON_MIDDLE
        where, args = ("WHERE reviewed_at >= ?", (since_ms,)) if since_ms is not None else ("", ())
        cursor = self._conn.execute(
            f"SELECT id, card_id, {_ms_or_iso('reviewed_at')}, {middle}, cram, "
            f"{_ms_or_iso('after_due')} FROM reviews {where} ORDER BY id",
            args,
        )
        cursor.row_factory = None
        while rows := cursor.fetchmany(batch):
            yield rows

    def exported_cards(self) -> Iterator[ExportedCard]:
        """Every card's current state, by question id."""
        cursor = self._conn.execute(
            f"SELECT question_id, state, {_iso('due')}, {_iso('last_review')}, stability, "
            "difficulty, reps, lapses FROM cards ORDER BY question_id"
        )
        return iter(named_rows(cursor, ExportedCard))
