"""Schema migrations: a database written by every earlier schema opens, upgraded in place,
with its history intact, a backup taken first, and undo still exact afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import rows

from quizzer.model import State
from quizzer.store.backup import backups
from quizzer.store.db import Store, StoreError
from quizzer.store.migrations import SCHEMA_VERSION, STEPS

# The schema exactly as each released version created it (frozen: never edit these).
SCHEMAS = {
    1: """
CREATE TABLE cards (
    id INTEGER NOT NULL, question_id VARCHAR NOT NULL, state INTEGER NOT NULL, step INTEGER,
    stability FLOAT, difficulty FLOAT, due INTEGER NOT NULL, last_review INTEGER,
    reps INTEGER NOT NULL, lapses INTEGER NOT NULL, PRIMARY KEY (id), UNIQUE (question_id));
CREATE INDEX ix_cards_due ON cards (due);
CREATE TABLE meta ("key" VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE reviews (
    id INTEGER NOT NULL, card_id INTEGER NOT NULL, reviewed_at INTEGER NOT NULL,
    rating INTEGER NOT NULL, status VARCHAR NOT NULL, answer VARCHAR NOT NULL, seed INTEGER,
    duration_ms INTEGER NOT NULL, cram BOOLEAN NOT NULL, before_state INTEGER NOT NULL,
    before_step INTEGER, before_stability FLOAT, before_difficulty FLOAT, before_due INTEGER,
    before_last_review INTEGER, after_state INTEGER NOT NULL, after_step INTEGER,
    after_stability FLOAT, after_difficulty FLOAT, after_due INTEGER, PRIMARY KEY (id),
    FOREIGN KEY(card_id) REFERENCES cards (id));
CREATE INDEX ix_reviews_card_id ON reviews (card_id);
CREATE INDEX ix_reviews_reviewed_at ON reviews (reviewed_at);
""",
    2: """
CREATE TABLE cards (
    id INTEGER NOT NULL, question_id VARCHAR NOT NULL, state INTEGER NOT NULL, step INTEGER,
    stability FLOAT, difficulty FLOAT, due INTEGER NOT NULL, last_review INTEGER,
    reps INTEGER NOT NULL, lapses INTEGER NOT NULL, PRIMARY KEY (id), UNIQUE (question_id));
CREATE INDEX ix_cards_due ON cards (due);
CREATE TABLE meta ("key" VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE reviews (
    id INTEGER NOT NULL, card_id INTEGER NOT NULL, reviewed_at INTEGER NOT NULL,
    rating INTEGER NOT NULL, status VARCHAR NOT NULL, answer VARCHAR NOT NULL, seed INTEGER,
    duration_ms INTEGER NOT NULL, cram BOOLEAN NOT NULL, before_state INTEGER NOT NULL,
    after_state INTEGER NOT NULL, after_step INTEGER, after_stability FLOAT,
    after_difficulty FLOAT, after_due INTEGER, PRIMARY KEY (id),
    FOREIGN KEY(card_id) REFERENCES cards (id));
CREATE INDEX ix_reviews_card_id ON reviews (card_id);
CREATE INDEX ix_reviews_reviewed_at ON reviews (reviewed_at);
""",
}
SCHEMAS[3] = SCHEMAS[2].replace(
    "CREATE INDEX ix_cards_due ON cards (due);",
    "CREATE INDEX ix_cards_state_due ON cards (state, due);",
)
# v4: the stats aggregates in the schema, buckets counting every review only.
SCHEMAS[4] = (
    SCHEMAS[3].replace(
        'CREATE TABLE meta ("key" VARCHAR NOT NULL, value VARCHAR NOT NULL, '
        'PRIMARY KEY ("key"));\n',
        "",
    )
    + """
CREATE TABLE stats_buckets (bucket INTEGER NOT NULL, reviews INTEGER NOT NULL,
    PRIMARY KEY (bucket));
CREATE TABLE stats_cards (card_id INTEGER NOT NULL, reviews INTEGER NOT NULL,
    passed INTEGER NOT NULL, duration_ms INTEGER NOT NULL, PRIMARY KEY (card_id));
CREATE TRIGGER stats_review_added AFTER INSERT ON reviews BEGIN
    INSERT INTO stats_buckets VALUES (NEW.reviewed_at / 900000, 1)
        ON CONFLICT(bucket) DO UPDATE SET reviews = reviews + 1;
    INSERT INTO stats_cards
        SELECT NEW.card_id, 1, NEW.rating > 1, NEW.duration_ms WHERE NOT NEW.cram
        ON CONFLICT(card_id) DO UPDATE SET reviews = reviews + 1,
            passed = passed + excluded.passed,
            duration_ms = duration_ms + excluded.duration_ms;
END;
CREATE TRIGGER stats_review_removed AFTER DELETE ON reviews BEGIN
    UPDATE stats_buckets SET reviews = reviews - 1
        WHERE bucket = OLD.reviewed_at / 900000;
    UPDATE stats_cards SET reviews = reviews - 1, passed = passed - (OLD.rating > 1),
            duration_ms = duration_ms - OLD.duration_ms
        WHERE card_id = OLD.card_id AND NOT OLD.cram;
END;
"""
)
# v3 created the stats aggregates on the first stats read, outside the schema version.
V3_LAZY_STATS = """
CREATE TABLE stats_buckets (bucket INTEGER PRIMARY KEY, reviews INTEGER NOT NULL);
CREATE TABLE stats_cards (card_id INTEGER PRIMARY KEY, reviews INTEGER NOT NULL,
    passed INTEGER NOT NULL, duration_ms INTEGER NOT NULL);
INSERT INTO stats_buckets VALUES (0, 99);
CREATE TRIGGER stats_review_added AFTER INSERT ON reviews BEGIN
    INSERT INTO stats_buckets VALUES (NEW.reviewed_at / 900000, 1)
        ON CONFLICT(bucket) DO UPDATE SET reviews = reviews + 1;
END;
"""

# Two reviews of card "q" (Good, then Again) and one of "r", as v1 wrote them.
V1_DATA = """
INSERT INTO cards VALUES (1, 'q', 3, 0, 1.5, 7.1, 2000, 1500, 2, 1);
INSERT INTO cards VALUES (2, 'r', 1, 0, 2.3, 5.0, 900, 800, 1, 0);
INSERT INTO reviews VALUES (1, 1, 1000, 3, 'correct', '0.357', 7, 4200, 0,
    0, NULL, NULL, NULL, NULL, NULL, 2, NULL, 3.25, 6.5, 1000 + 3 * 86400000);
INSERT INTO reviews VALUES (2, 2, 800, 3, 'ungraded', '', 9, 3100, 0,
    0, NULL, NULL, NULL, NULL, NULL, 1, 0, 2.3, 5.0, 900);
INSERT INTO reviews VALUES (3, 1, 1500, 1, 'incorrect', 'x', 8, 5100, 0,
    2, NULL, 3.25, 6.5, 1000 + 3 * 86400000, 1000, 3, 0, 1.5, 7.1, 2000);
"""


# The same history as v2 (and later) writes it: no before_* copies but before_state.
V2_DATA = """
INSERT INTO cards VALUES (1, 'q', 3, 0, 1.5, 7.1, 2000, 1500, 2, 1);
INSERT INTO cards VALUES (2, 'r', 1, 0, 2.3, 5.0, 900, 800, 1, 0);
INSERT INTO reviews VALUES (1, 1, 1000, 3, 'correct', '0.357', 7, 4200, 0,
    0, 2, NULL, 3.25, 6.5, 1000 + 3 * 86400000);
INSERT INTO reviews VALUES (2, 2, 800, 3, 'ungraded', '', 9, 3100, 0, 0, 1, 0, 2.3, 5.0, 900);
INSERT INTO reviews VALUES (3, 1, 1500, 1, 'incorrect', 'x', 8, 5100, 0,
    2, 3, 0, 1.5, 7.1, 2000);
"""
DATA = {1: V1_DATA, 2: V2_DATA, 3: V2_DATA, 4: V2_DATA}


def _write(path: Path, version: int, extra: str = "") -> None:
    conn = sqlite3.connect(path)
    conn.executescript(
        SCHEMAS[version] + DATA[version] + extra + f"PRAGMA user_version = {version};"
    )
    conn.close()


def _shape(path: Path) -> dict[str, object]:
    """Everything that defines a schema, read back from SQLite: each table's columns
    (name, type, not null, default, primary key), foreign keys and indexes with their
    columns, and each trigger's SQL with whitespace normalised."""
    conn = sqlite3.connect(path)
    try:
        shape: dict[str, object] = {}
        for name, kind, sql in conn.execute(
            "SELECT name, type, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ):
            if kind == "table":
                indexes = {
                    index: (unique, [c[2] for c in conn.execute(f"PRAGMA index_info({index})")])
                    for _, index, unique, *_ in conn.execute(f"PRAGMA index_list({name})")
                }
                shape[name] = (
                    conn.execute(f"PRAGMA table_xinfo({name})").fetchall(),
                    conn.execute(f"PRAGMA foreign_key_list({name})").fetchall(),
                    {k if not k.startswith("sqlite_") else "auto": v for k, v in indexes.items()},
                )
            elif kind == "trigger":
                shape[name] = " ".join(sql.split())
        return shape
    finally:
        conn.close()


def _schema(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT sql FROM sqlite_master ORDER BY name")]
    finally:
        conn.close()


def test_the_declared_schema_is_the_one_new_databases_get() -> None:
    pytest.importorskip("sqlmodel", reason="the schema is declared with SQLModel (test extra)")
    from quizzer.store import ddl
    from quizzer.store.models import schema_sql

    assert tuple(schema_sql()) == ddl.SCHEMA, "run: python -m quizzer.store.models"


@pytest.mark.parametrize(
    ("version", "extra"),
    [(v, "") for v in sorted(SCHEMAS)] + [(3, V3_LAZY_STATS)],
    ids=[f"v{v}" for v in sorted(SCHEMAS)] + ["v3-with-lazy-stats"],
)
def test_every_upgrade_path_ends_at_exactly_the_fresh_schema(
    tmp_path: Path, version: int, extra: str
) -> None:
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    Store.open(fresh).close()
    _write(old, version, extra)
    with Store.open(old) as store:
        # The aggregates are rebuilt from the history, whatever a lazy copy held.
        assert store.first_bucket_and_total() == (0, 3)
        assert sorted(store.card_totals()) == [(1, 2, 1, 9300), (2, 1, 1, 3100)]
        store.undo(3)  # the triggers are there: an undo is reflected at once
        assert sorted(store.card_totals()) == [(1, 1, 1, 4200), (2, 1, 1, 3100)]
    assert _shape(old) == _shape(fresh)
    assert "meta" not in _shape(fresh)


def test_every_version_has_a_step_and_a_frozen_schema() -> None:
    assert sorted(STEPS) == list(range(2, SCHEMA_VERSION + 1))
    assert sorted(SCHEMAS) == list(range(1, SCHEMA_VERSION))


@pytest.mark.parametrize("version", sorted(SCHEMAS))
def test_upgrade_keeps_history_and_undo_stays_exact(tmp_path: Path, version: int) -> None:
    db = tmp_path / "old.db"
    _write(db, version)
    with Store.open(db) as store:
        assert store.pragma("user_version") == SCHEMA_VERSION
        assert store.pragma("integrity_check") == "ok"
        assert store.reviews_total() == 3
        assert rows(
            db,
            "SELECT id, card_id, reviewed_at, rating, status, answer, after_stability "
            "FROM reviews ORDER BY id",
        ) == [
            (1, 1, 1000, 3, "correct", "0.357", 3.25),
            (2, 2, 800, 3, "ungraded", "", 2.3),
            (3, 1, 1500, 1, "incorrect", "x", 1.5),
        ]
        # Undoing the lapse puts "q" back exactly as review 1 left it.
        restored = store.undo(3)
        assert restored is not None
        assert (restored.state, restored.stability, restored.difficulty) == (2, 3.25, 6.5)
        assert (restored.due, restored.last_review, restored.reps, restored.lapses) == (
            1000 + 3 * 86400000,
            1000,
            1,
            0,
        )
        assert store.undo(1) is None
        assert store.card("q").state == State.NEW
    saved = backups(db)
    assert [p.name.split("-")[-1] for p in saved] == [f"v{SCHEMA_VERSION}.db"]
    conn = sqlite3.connect(saved[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    conn.close()


@pytest.mark.parametrize("version", sorted(SCHEMAS))
def test_a_failed_step_names_the_file_and_leaves_the_old_version_intact(
    tmp_path: Path, version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "old.db"
    _write(db, version)
    schema_before = _schema(db)
    real_step = STEPS[SCHEMA_VERSION]

    def half_done(conn: sqlite3.Connection) -> None:
        real_step(conn)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setitem(STEPS, SCHEMA_VERSION, half_done)
    with pytest.raises(StoreError, match=rf"old\.db to schema v{SCHEMA_VERSION}.*disk is full"):
        Store.open(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    conn.close()
    if version == SCHEMA_VERSION - 1:
        assert _schema(db) == schema_before  # the half-done step was rolled back


def test_v5_buckets_count_graded_and_passed_reviews_rebuilt_from_the_history(
    tmp_path: Path,
) -> None:
    """The weekly retention reads the buckets: upgrading fills their new counts from every
    review (a cram review counts as a review, not as graded), and an undo is reflected."""
    db = tmp_path / "old.db"
    cram = (
        "INSERT INTO reviews VALUES (4, 2, 900, 1, 'incorrect', 'y', 1, 700, 1, 1, 1, 0, "
        "2.3, 5.0, 900);"
    )
    _write(db, 4, cram)
    totals = "SELECT sum(reviews), sum(graded), sum(passed) FROM stats_buckets"
    with Store.open(db) as store:
        assert rows(db, totals) == [(4, 3, 2)]
        assert rows(db, "SELECT bucket, reviews, graded, passed FROM stats_buckets") == [
            (0, 4, 3, 2)
        ]
        store.undo(1)
        assert rows(db, totals) == [(3, 2, 1)]
        store.undo(4)
        assert rows(db, totals) == [(2, 2, 1)]
