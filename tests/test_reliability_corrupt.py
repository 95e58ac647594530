"""Damaged and foreign database files: one clear line that names the file and what to do,
a non-zero exit, and the file never modified, for every command that opens it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import run_quizzer

from quizzer.model import CardState, ReviewInput
from quizzer.store.db import Store
from quizzer.store.migrations import SCHEMA_VERSION

pytestmark = pytest.mark.usefixtures("sample_bank")


def _history(db: Path, n: int = 300) -> None:
    with Store.open(db) as store:
        for i in range(n):
            store.record(None, CardState(f"q{i}", state=1, due=i), ReviewInput(i, 3, "correct"))


def random_bytes(db: Path) -> None:
    db.write_bytes(bytes((i * 7919) % 251 for i in range(50_000)))


def truncated(db: Path) -> None:
    _history(db)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def truncated_rollback_journal(db: Path) -> None:
    # A copy in rollback-journal mode (as backups are): opening must not switch it to WAL.
    _history(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def newer_schema(db: Path) -> None:
    _history(db, 3)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def other_program(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('cat.jpg')")
    conn.commit()
    conn.close()


def zeroed_page(db: Path) -> None:
    _history(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    data = bytearray(db.read_bytes())
    data[4096 : 3 * 4096] = bytes(2 * 4096)  # the schema's next pages: tables unreadable
    db.write_bytes(bytes(data))


def _db_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(("quizzer.db", "backups")))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "random-bytes": random_bytes,
    "truncated": truncated,
    "truncated-rollback-journal": truncated_rollback_journal,
    "newer-schema": newer_schema,
    "other-program": other_program,
    "zeroed-pages": zeroed_page,
}
ADVICE = ("quizzer restore FILE", "Upgrade quizzer", "Choose another file")


@pytest.mark.parametrize("command", [["drill", "--plain"], ["stats"], ["backup"], []])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_bad_database_is_refused_clearly_and_never_modified(
    isolated: Path, damage: str, command: list[str]
) -> None:
    db = isolated / "quizzer.db"
    DAMAGE[damage](db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    siblings = _db_files(isolated)
    out = run_quizzer(*command, input="\n\n")
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("quizzer: error: ")
    assert str(db) in lines[0]
    assert any(advice in lines[0] for advice in ADVICE), lines[0]
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert _db_files(isolated) == siblings  # no -wal or -shm created, no backups/


def test_stats_on_a_card_with_a_state_no_quizzer_writes_is_not_an_internal_error(
    tmp_path: Path,
) -> None:
    db = tmp_path / "q.db"
    with Store.open(db) as store:
        store.record(None, CardState("s.recall.ce", state=2, due=1), ReviewInput(1, 3, "correct"))
        store.record(None, CardState("s.recall.kl", state=2, due=1), ReviewInput(2, 3, "correct"))
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE cards SET state = 7 WHERE question_id = 's.recall.kl'")
    conn.close()
    done = run_quizzer("--db", str(db), "stats", "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["states"]["review"] == 1  # the tampered card is left out, not a crash
    assert stats["reviews_total"] == 2
