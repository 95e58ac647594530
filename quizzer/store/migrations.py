"""Versioned schema migrations: ``PRAGMA user_version`` says which schema a file holds.

Each step upgrades one version inside its own transaction, together with the new version
number, so an interrupted upgrade leaves the file at the last version it completed. A copy
of the database is taken (:func:`quizzer.store.backup.backup_file`) before the first step.
This module is plain ``sqlite3``: opening a database never imports SQLModel.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

SCHEMA_VERSION = 5
"""The schema this quizzer writes. Version 0 is an empty file."""


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Drop the ``before_*`` copies of card state: the state before a review is the state
    after the card's previous non-cram review (see :meth:`quizzer.store.db.Store.undo`)."""
    for column in (
        "before_step",
        "before_stability",
        "before_difficulty",
        "before_due",
        "before_last_review",
    ):
        conn.execute(f"ALTER TABLE reviews DROP COLUMN {column}")


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """Index cards by (state, due) instead of due alone: the due queue then reads only the
    learning cards and the first reviews due, not every overdue card."""
    conn.execute("DROP INDEX IF EXISTS ix_cards_due")
    conn.execute("CREATE INDEX ix_cards_state_due ON cards (state, due)")


def _v3_to_v4(conn: sqlite3.Connection) -> None:
    """The stats aggregates become part of the schema, filled from the history: before, they
    were created on the first stats read, so a database's write cost depended on whether
    stats were ever shown. Also drops v1's unused ``meta`` table."""
    conn.execute("DROP TABLE IF EXISTS meta")
    for trigger in ("stats_review_added", "stats_review_removed"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("DROP TABLE IF EXISTS stats_buckets")
    conn.execute("DROP TABLE IF EXISTS stats_cards")
    for statement in _V4_STATS:
        conn.execute(statement)


# Frozen: the stats tables and triggers exactly as schema v4 declares them.
_V4_STATS = (
    "CREATE TABLE stats_buckets (\n\tbucket INTEGER NOT NULL, \n\treviews INTEGER NOT NULL, "
    "\n\tPRIMARY KEY (bucket)\n)",
    "CREATE TABLE stats_cards (\n\tcard_id INTEGER NOT NULL, \n\treviews INTEGER NOT NULL, "
    "\n\tpassed INTEGER NOT NULL, \n\tduration_ms INTEGER NOT NULL, \n\tPRIMARY KEY (card_id)\n)",
    "INSERT INTO stats_buckets SELECT reviewed_at / 900000, count(*) FROM reviews GROUP BY 1",
    "INSERT INTO stats_cards SELECT card_id, count(*), sum(rating > 1), sum(duration_ms) "
    "FROM reviews WHERE NOT cram GROUP BY card_id",
    """CREATE TRIGGER stats_review_added AFTER INSERT ON reviews BEGIN
    INSERT INTO stats_buckets VALUES (NEW.reviewed_at / 900000, 1)
        ON CONFLICT(bucket) DO UPDATE SET reviews = reviews + 1;
    INSERT INTO stats_cards
        SELECT NEW.card_id, 1, NEW.rating > 1, NEW.duration_ms WHERE NOT NEW.cram
        ON CONFLICT(card_id) DO UPDATE SET reviews = reviews + 1,
            passed = passed + excluded.passed,
            duration_ms = duration_ms + excluded.duration_ms;
END""",
    """CREATE TRIGGER stats_review_removed AFTER DELETE ON reviews BEGIN
    UPDATE stats_buckets SET reviews = reviews - 1
        WHERE bucket = OLD.reviewed_at / 900000;
    UPDATE stats_cards SET reviews = reviews - 1, passed = passed - (OLD.rating > 1),
            duration_ms = duration_ms - OLD.duration_ms
        WHERE card_id = OLD.card_id AND NOT OLD.cram;
END""",
)


def _v4_to_v5(conn: sqlite3.Connection) -> None:
    """``stats_buckets`` also counts the non-cram reviews and those passed, so the weekly
    retention sums a few hundred buckets instead of reading half a year of reviews. The
    table is rebuilt from the history; the reviews are not touched."""
    for trigger in ("stats_review_added", "stats_review_removed"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("DROP TABLE IF EXISTS stats_buckets")
    for statement in _V5_STATS:
        conn.execute(statement)


# Frozen: the buckets table and the triggers exactly as schema v5 declares them.
_V5_STATS = (
    "CREATE TABLE stats_buckets (\n\tbucket INTEGER NOT NULL, \n\treviews INTEGER NOT NULL, "
    "\n\tgraded INTEGER NOT NULL, \n\tpassed INTEGER NOT NULL, \n\tPRIMARY KEY (bucket)\n)",
    "INSERT INTO stats_buckets SELECT reviewed_at / 900000, count(*), sum(NOT cram), "
    "sum(NOT cram AND rating > 1) FROM reviews GROUP BY 1",
    """CREATE TRIGGER stats_review_added AFTER INSERT ON reviews BEGIN
    INSERT INTO stats_buckets
        VALUES (NEW.reviewed_at / 900000, 1, NOT NEW.cram, NOT NEW.cram AND NEW.rating > 1)
        ON CONFLICT(bucket) DO UPDATE SET reviews = reviews + 1,
            graded = graded + excluded.graded, passed = passed + excluded.passed;
    INSERT INTO stats_cards
        SELECT NEW.card_id, 1, NEW.rating > 1, NEW.duration_ms WHERE NOT NEW.cram
        ON CONFLICT(card_id) DO UPDATE SET reviews = reviews + 1,
            passed = passed + excluded.passed,
            duration_ms = duration_ms + excluded.duration_ms;
END""",
    """CREATE TRIGGER stats_review_removed AFTER DELETE ON reviews BEGIN
    UPDATE stats_buckets SET reviews = reviews - 1, graded = graded - (NOT OLD.cram),
            passed = passed - (NOT OLD.cram AND OLD.rating > 1)
        WHERE bucket = OLD.reviewed_at / 900000;
    UPDATE stats_cards SET reviews = reviews - 1, passed = passed - (OLD.rating > 1),
            duration_ms = duration_ms - OLD.duration_ms
        WHERE card_id = OLD.card_id AND NOT OLD.cram;
END""",
)


STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: _v1_to_v2,
    3: _v2_to_v3,
    4: _v3_to_v4,
    5: _v4_to_v5,
}
"""The step that upgrades a database to each version from the one before."""


class MigrationError(Exception):
    """An upgrade step failed; the file is left at the last version it completed."""


def migrate(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Upgrade the database open on ``conn`` (an autocommit connection to ``path``) from
    ``version`` to :data:`SCHEMA_VERSION`, backing it up first."""
    from quizzer.store.backup import backup_file

    if version >= SCHEMA_VERSION:
        return
    try:
        backup_file(conn, path, label=f"before-v{SCHEMA_VERSION}")
    except (OSError, sqlite3.Error) as exc:
        raise MigrationError(f"could not back up {path} before upgrading it: {exc}") from None
    for target in range(version + 1, SCHEMA_VERSION + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                STEPS[target](conn)
                conn.execute(f"PRAGMA user_version = {target}")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise MigrationError(
                f"could not upgrade {path} to schema v{target} ({exc}); it is unchanged "
                f"at v{target - 1}"
            ) from None
