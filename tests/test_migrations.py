"""Schema migrations: a database written by every earlier schema opens, upgraded in place,
with its history intact, a backup taken first, and undo still exact afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

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
DATA = {1: V1_DATA, 2: V2_DATA}


def _write(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMAS[version] + DATA[version] + f"PRAGMA user_version = {version};")
    conn.close()


def _schema(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT sql FROM sqlite_master ORDER BY name")]
    finally:
        conn.close()


def test_every_version_has_a_step_and_a_frozen_schema() -> None:
    assert sorted(STEPS) == list(range(2, SCHEMA_VERSION + 1))
    assert sorted(SCHEMAS) == list(range(1, SCHEMA_VERSION))


@pytest.mark.parametrize("version", sorted(SCHEMAS))
def test_upgrade_keeps_history_and_undo_stays_exact(tmp_path: Path, version: int) -> None:
    db = tmp_path / "old.db"
    _write(db, version)
    with Store.open(db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.reviews_total() == 3
        rows = store.conn.execute(
            "SELECT id, card_id, reviewed_at, rating, status, answer, after_stability "
            "FROM reviews ORDER BY id"
        ).fetchall()
        assert [tuple(r) for r in rows] == [
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
