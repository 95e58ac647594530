"""Pre-aggregated review counts, kept in step with ``reviews`` by SQLite triggers.

Scanning a million reviews takes SQLite about half a second per pass, so the stats page
reads two small tables instead: review counts per 15-minute bucket (every time zone offset
and rollover hour falls on a 15-minute boundary, so study days are exact sums of buckets)
and all-time totals per card. Triggers update them inside the transaction that inserts or
deletes a review, so an undo is reflected exactly. The tables and triggers are created (and
filled from the existing history) the first time stats are read; a v1 database without them
still opens everywhere, and the schema version is unchanged.
"""

from __future__ import annotations

import itertools
import json
import sqlite3

BUCKET_MS = 15 * 60 * 1000

_TABLES = (
    "CREATE TABLE stats_buckets (bucket INTEGER PRIMARY KEY, reviews INTEGER NOT NULL)",
    "CREATE TABLE stats_cards (card_id INTEGER PRIMARY KEY, reviews INTEGER NOT NULL, "
    "passed INTEGER NOT NULL, duration_ms INTEGER NOT NULL)",
)

# stats_cards counts only reviews that are not cram: those are what retention measures.
_TRIGGERS = {
    "stats_review_added": f"""
        CREATE TRIGGER stats_review_added AFTER INSERT ON reviews BEGIN
            INSERT INTO stats_buckets VALUES (NEW.reviewed_at / {BUCKET_MS}, 1)
                ON CONFLICT(bucket) DO UPDATE SET reviews = reviews + 1;
            INSERT INTO stats_cards
                SELECT NEW.card_id, 1, NEW.rating > 1, NEW.duration_ms WHERE NOT NEW.cram
                ON CONFLICT(card_id) DO UPDATE SET reviews = reviews + 1,
                    passed = passed + excluded.passed,
                    duration_ms = duration_ms + excluded.duration_ms;
        END""",
    "stats_review_removed": f"""
        CREATE TRIGGER stats_review_removed AFTER DELETE ON reviews BEGIN
            UPDATE stats_buckets SET reviews = reviews - 1
                WHERE bucket = OLD.reviewed_at / {BUCKET_MS};
            UPDATE stats_cards SET reviews = reviews - 1, passed = passed - (OLD.rating > 1),
                    duration_ms = duration_ms - OLD.duration_ms
                WHERE card_id = OLD.card_id AND NOT OLD.cram;
        END""",
}

_BACKFILL = (
    f"INSERT INTO stats_buckets SELECT reviewed_at / {BUCKET_MS}, count(*) FROM reviews GROUP BY 1",
    "INSERT INTO stats_cards SELECT card_id, count(*), sum(rating > 1), sum(duration_ms) "
    "FROM reviews WHERE NOT cram GROUP BY card_id",
)


def ensure_aggregates(conn: sqlite3.Connection) -> None:
    """Create the aggregate tables and triggers if any is missing, rebuilt from ``reviews``.

    A missing trigger means the tables may have missed reviews (the ``reviews`` table was
    rebuilt, say), so everything is dropped and refilled in one transaction."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    if {"stats_buckets", "stats_cards", *_TRIGGERS} <= names:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for name in _TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.execute("DROP TABLE IF EXISTS stats_buckets")
        conn.execute("DROP TABLE IF EXISTS stats_cards")
        for sql in (*_TABLES, *_BACKFILL, *_TRIGGERS.values()):
            conn.execute(sql)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def first_and_total(conn: sqlite3.Connection) -> tuple[int | None, int]:
    """(epoch ms of the earliest review's bucket or None, number of reviews stored)."""
    first, total = conn.execute(
        "SELECT min(bucket), coalesce(sum(reviews), 0) FROM stats_buckets WHERE reviews > 0"
    ).fetchone()
    return (None if first is None else first * BUCKET_MS), int(total)


def counts_between(conn: sqlite3.Connection, boundaries: list[int]) -> list[int]:
    """Reviews between each pair of consecutive epoch-ms ``boundaries``."""
    marks = [b // BUCKET_MS for b in boundaries]
    # One statement for every day: years of history would otherwise cost a query a day.
    rows = conn.execute(
        "SELECT (SELECT coalesce(sum(reviews), 0) FROM stats_buckets "
        "WHERE bucket >= value ->> 0 AND bucket < value ->> 1) FROM json_each(?) ORDER BY key",
        (json.dumps(list(itertools.pairwise(marks))),),
    )
    return [int(n) for (n,) in rows]


def card_totals(conn: sqlite3.Connection) -> dict[int, tuple[int, int, int]]:
    """All-time (reviews, passed, duration_ms) per card id, cram reviews left out."""
    rows = conn.execute("SELECT card_id, reviews, passed, duration_ms FROM stats_cards")
    return {card_id: (n, passed, ms) for card_id, n, passed, ms in rows if n > 0}
