"""The database: survives reopen, refuses files it must not touch, never modifies them."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from helpers import rows

from quizzer.model import CardState, ReviewInput
from quizzer.store.db import Store, StoreError
from quizzer.store.migrations import SCHEMA_VERSION


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reviews_survive_reopen_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    with Store.open(db) as store:
        store.record(None, CardState("a", state=1, due=5), ReviewInput(1, 3, "correct", "0.357"))
        mode = store.pragma("journal_mode")
        timeout = store.pragma("busy_timeout")
    assert mode == "wal"
    assert timeout >= 5000
    with Store.open(db) as store:
        assert store.reviews_total() == 1
        assert store.card("a").due == 5
    assert rows(db, "SELECT answer, status, rating FROM reviews") == [("0.357", "correct", 3)]


def test_random_bytes_are_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    db.write_bytes(bytes(range(256)) * 16)
    before = _digest(db)
    with pytest.raises(StoreError, match=r"junk\.db is not a quizzer database"):
        Store.open(db)
    assert _digest(db) == before


def test_truncated_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    with Store.open(db) as store:
        for i in range(200):
            store.record(None, CardState(f"q{i}", state=1, due=i), ReviewInput(i, 3, "correct"))
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    before = _digest(db)
    with pytest.raises(StoreError, match="damaged"), Store.open(db) as store:
        store.cards()
        store.reviews_total()
    assert _digest(db) == before


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE cards (x)")
    conn.commit()
    conn.close()
    before = _digest(db)
    with pytest.raises(StoreError, match="newer quizzer"):
        Store.open(db)
    assert _digest(db) == before


def test_a_worker_thread_reads_through_a_connection_of_its_own(tmp_path: Path) -> None:
    """Stats and browse previews are computed in threads. Sharing the owner's connection
    made stats fail at random ("Error creating function" while the UI thread had a statement
    open); now the owner's store refuses other threads and a worker reads through its own
    read-only store, which sees what was committed."""
    import threading

    db = tmp_path / "q.db"
    results: list[object] = []

    def worker(store: Store) -> None:
        try:
            store.reviews_total()
        except sqlite3.ProgrammingError as exc:
            results.append(exc)
        with store.reading() as reader:
            results.append(reader.reviews_total())
            try:
                reader.record(None, CardState("b", state=1, due=1), ReviewInput(2, 3, "correct"))
            except StoreError as exc:
                results.append(str(exc))

    with Store.open(db) as store:
        store.record(None, CardState("a", state=1, due=5), ReviewInput(1, 3, "correct"))
        thread = threading.Thread(target=worker, args=(store,))
        thread.start()
        thread.join()
        assert store.reviews_total() == 1
    assert [type(r) for r in results] == [sqlite3.ProgrammingError, int, str]
    assert results[1] == 1
    assert "readonly database" in str(results[2])
