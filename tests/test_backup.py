"""Backups: a daily copy at session start (SQLite backup API), the newest N kept, and
``quizzer backup`` / ``quizzer restore FILE``."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from helpers import run_quizzer

from quizzer.model import CardState, ReviewInput
from quizzer.store.backup import DAILY, backups, prune, start_daily
from quizzer.store.db import Store

pytestmark = pytest.mark.usefixtures("sample_bank")


def _count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill(db: Path, n: int, start: int = 0) -> None:
    with Store.open(db) as store:
        for i in range(start, start + n):
            store.record(None, CardState(f"q{i}", state=1, due=i), ReviewInput(i, 3, "correct"))


def test_a_session_start_takes_one_daily_backup_per_day(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    assert run_quizzer("drill", "--plain", "--limit", "2", input="\n\n" * 2).returncode == 0
    assert backups(db) == []  # the database was empty when the first session started
    assert run_quizzer("drill", "--plain", "--limit", "1", input="\n\n").returncode == 0
    assert run_quizzer("drill", "--plain", "--limit", "1", input="\n\n").returncode == 0
    daily = backups(db, DAILY)
    assert len(daily) == 1
    assert _count(daily[0]) == 2  # taken when the second session started
    next_day = {"QUIZZER_NOW": "2026-03-03T10:00:00+00:00"}
    assert (
        run_quizzer("drill", "--plain", "--limit", "1", input="\n\n", env=next_day).returncode == 0
    )
    assert len(backups(db, DAILY)) == 2
    assert _count(db) == 5


def test_only_the_newest_daily_backups_are_kept(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = isolated / "quizzer.db"
    _fill(db, 3)
    with Store.open(db) as store:
        manual = store.backup()
    for day in range(1, 6):
        monkeypatch.setenv("QUIZZER_NOW", f"2026-03-0{day}T10:00:00+00:00")
        thread = start_daily(db, keep=2)
        assert thread is not None
        thread.join()
        assert start_daily(db, keep=2) is None  # at most once a day
    names = [p.name for p in backups(db, DAILY)]
    assert names == ["quizzer-20260304-100000-daily.db", "quizzer-20260305-100000-daily.db"]
    assert manual.exists()  # a backup the person asked for is never pruned
    assert prune(db, keep=2) == []


def test_no_automatic_backup_when_keep_is_zero(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    _fill(db, 1)
    with (isolated / "config.toml").open("a") as f:
        f.write("backups_keep = 0\n")
    assert run_quizzer("drill", "--plain", "--limit", "1", input="\n\n").returncode == 0
    assert backups(db) == []


def test_backup_then_restore_brings_the_history_back(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    _fill(db, 4)
    made = run_quizzer("backup")
    assert made.returncode == 0, made.stderr
    copy = Path(made.stdout.strip().rsplit(" to ", 1)[1])
    assert copy.parent == isolated / "backups"
    assert _count(copy) == 4
    assert not Path(f"{copy}-wal").exists()  # a self-contained file
    _fill(db, 3, start=10)
    assert _count(db) == 7
    restored = run_quizzer("restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert _count(db) == 4
    safety = backups(db, "before-restore")
    assert len(safety) == 1
    assert _count(safety[0]) == 7  # nothing is lost by restoring
    assert str(safety[0]) in restored.stdout
    assert run_quizzer("stats", "--json").returncode == 0


@pytest.mark.parametrize("kind", ["random", "truncated", "newer"])
def test_restore_refuses_a_bad_file_and_changes_nothing(isolated: Path, kind: str) -> None:
    db = isolated / "quizzer.db"
    _fill(db, 2)
    bad = isolated / "bad.db"
    if kind == "random":
        bad.write_bytes(bytes(range(256)) * 64)
    elif kind == "truncated":
        _fill(bad, 300)
        data = bad.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    else:
        _fill(bad, 1)
        conn = sqlite3.connect(bad)
        conn.execute("PRAGMA user_version = 99")
        conn.close()
    db_before, bad_before = _digest(db), _digest(bad)
    out = run_quizzer("restore", str(bad))
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert "bad.db" in out.stderr
    assert "nothing restored" in out.stderr or "upgrade quizzer" in out.stderr
    assert _digest(db) == db_before
    assert _digest(bad) == bad_before


def test_restore_over_a_damaged_database_keeps_the_damaged_bytes(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    _fill(db, 2)
    with Store.open(db) as store:
        good = store.backup()
    damaged = b"garbage" * 1000
    db.write_bytes(damaged)
    out = run_quizzer("restore", str(good))
    assert out.returncode == 0, out.stderr
    assert _count(db) == 2
    assert backups(db, "before-restore")[0].read_bytes() == damaged
