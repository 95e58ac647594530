"""Backups to rely on, and one writer at a time: a damaged database never rotates the good
copies out, a future-dated copy never pins the rotation, restore never replaces a database
another quizzer is writing to, and two instances never overwrite each other's schedule."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_quizzer

from quizzer.context import DrillOptions
from quizzer.model import CardState, Rating, ReviewInput
from quizzer.store.backup import DAILY, backups, prune
from quizzer.store.db import Store
from quizzer.workspace import Workspace

pytestmark = pytest.mark.usefixtures("sample_bank")


def _fill(db: Path, n: int = 3000) -> None:
    with Store.open(db) as store:
        for i in range(n):
            store.record(
                None,
                CardState(f"q{i % 50}", state=1, due=i),
                ReviewInput(i, 3, "correct", "x" * 20),
            )


def _damage(db: Path) -> None:
    """Break the cell pointers of one b-tree page: the file still opens and reads its first
    rows, but ``PRAGMA quick_check`` fails (what a bad sector or a bad copy leaves)."""
    data = bytearray(db.read_bytes())
    data[2 * 4096 + 8 : 2 * 4096 + 40] = b"\xff" * 32
    db.write_bytes(bytes(data))
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    conn.close()


def _day(n: int) -> dict[str, str]:
    return {"QUIZZER_NOW": f"2026-03-{n:02d}T10:00:00+00:00"}


def test_a_damaged_database_never_rotates_the_good_backups_out(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    _fill(db)
    for day in (1, 2, 3):
        assert run_quizzer("stats", "--json", env=_day(day)).returncode == 0
    good = backups(db, DAILY)
    assert len(good) == 3
    _damage(db)
    warnings = []
    for day in range(4, 14):  # ten days on the damaged file, more than backups_keep (7)
        out = run_quizzer("stats", "--json", env=_day(day))
        warnings += [line for line in out.stderr.splitlines() if "integrity check" in line]
    assert backups(db, DAILY) == good  # no copy of the damaged file, none of the good deleted
    assert len(warnings) == 1  # told once ...
    assert f"the newest good backup is {good[-1]}" in warnings[0]  # ... with what to restore
    assert f"quizzer restore {good[-1]}" in warnings[0]


async def test_the_tui_tells_about_a_damaged_database(isolated: Path) -> None:
    from quizzer.tui.app import QuizzerApp

    db = isolated / "quizzer.db"
    _fill(db)
    run_quizzer("stats", "--json", env=_day(1))
    _damage(db)
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = [n.message for n in app._notifications]
    assert any("fails SQLite's integrity check" in m and "newest good backup" in m for m in shown)


def test_a_future_dated_backup_rotates_out_instead_of_pinning_the_rotation(
    isolated: Path,
) -> None:
    db = isolated / "quizzer.db"
    _fill(db, 10)
    (isolated / "config.toml").write_text("fuzz = false\nbackups_keep = 2\n")
    run_quizzer("stats", "--json", env={"QUIZZER_NOW": "2099-01-01T10:00:00+00:00"})
    future = backups(db, DAILY)
    assert len(future) == 1
    for day in (1, 2, 3):
        run_quizzer("stats", "--json", env=_day(day))
    kept = backups(db, DAILY)
    assert future[0] not in kept
    assert [p.name[8:16] for p in kept] == ["20260302", "20260303"]


def test_pruning_never_deletes_the_newest_good_backup(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    _fill(db, 10)
    run_quizzer("stats", "--json", env=_day(1))
    (good,) = backups(db, DAILY)
    folder = good.parent
    for day in (2, 3):  # damaged copies an older quizzer made of a damaged file
        bad = folder / f"quizzer-202603{day:02d}-100000-daily.db"
        bad.write_bytes(good.read_bytes())
        _damage(bad)
    removed = prune(db, keep=1)
    assert good.exists()
    assert good not in removed


def test_a_manual_backup_of_a_damaged_database_is_refused_in_one_line(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    _fill(db)
    _damage(db)
    out = run_quizzer("backup")
    assert out.returncode == 1
    error = out.stderr.splitlines()[-1]
    assert error.startswith("quizzer: error: ") and "fails SQLite's integrity check" in error
    assert backups(db) == []


# -- one writer --------------------------------------------------------------------------


def test_restore_refuses_while_another_quizzer_has_the_database_open(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    _fill(db, 5)
    backup = run_quizzer("backup")
    assert backup.returncode == 0
    source = backups(db)[-1]
    store = Store.open(db)  # another instance, e.g. a TUI left open
    try:
        store.record(None, CardState("late", state=1, due=1), ReviewInput(99, 3, "correct"))
        out = run_quizzer("restore", str(source))
        assert out.returncode == 1
        assert "is open in another quizzer" in out.stderr and "Nothing was restored" in out.stderr
        assert store.card("late") is not None
    finally:
        store.close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 6  # the review is on disk
    conn.close()
    assert run_quizzer("restore", str(source)).returncode == 0  # closed: restore goes ahead


async def test_restore_refuses_while_the_tui_is_open(isolated: Path) -> None:
    from quizzer.tui.app import QuizzerApp

    db = isolated / "quizzer.db"
    _fill(db, 5)
    run_quizzer("backup")
    source = backups(db)[-1]
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test() as pilot:
        await pilot.pause()
        out = subprocess.run(
            [sys.executable, "-m", "quizzer", "restore", str(source)],
            capture_output=True,
            text=True,
            env=__import__("os").environ | {"PYTHONPATH": str(Path(__file__).parent.parent)},
        )
    assert out.returncode == 1 and "is open in another quizzer" in out.stderr


def test_two_instances_rating_the_same_new_card_build_on_each_other() -> None:
    from quizzer.schedule.scheduler import apply_rating, make_scheduler

    ws_a, ws_b = Workspace.resolve(), Workspace.resolve()
    from quizzer.session import DrillSession

    with ws_a.open() as a, ws_b.open() as b:
        options = DrillOptions(topic="Sample recall", fuzz=False, seed=1)
        first, second = DrillSession(a, options), DrillSession(b, options)
        qid = first.next().question.id  # type: ignore[union-attr]
        assert second.next().question.id == qid  # type: ignore[union-attr]
        first.grade("")
        second.grade("")  # both graded the card as new
        first.rate(Rating.GOOD)
        second.rate(Rating.GOOD)
        stored = a.store.card(qid)
        at = first.clock()
    scheduler = make_scheduler(a.settings, fuzz=False)
    twice = apply_rating(
        scheduler, apply_rating(scheduler, None, qid, Rating.GOOD, at), qid, Rating.GOOD, at
    )
    assert stored is not None and stored.reps == 2
    assert (stored.state, stored.step, stored.due) == (twice.state, twice.step, twice.due)


# -- leftovers of a killed backup or restore ----------------------------------------------


def test_temp_files_of_a_killed_backup_or_restore_are_removed_at_the_next_start(
    isolated: Path,
) -> None:
    db = isolated / "quizzer.db"
    _fill(db, 5)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = isolated / "backups"
    folder.mkdir(exist_ok=True)
    leftovers = [
        isolated / f".quizzer.db.{dead.pid}.restore.tmp",
        isolated / f".quizzer.db.{dead.pid}.restore.tmp-journal",
        folder / f".quizzer-20260301-100000-daily.db.{dead.pid}.tmp",
        folder / f".quizzer-20260301-100000-daily.db.{dead.pid}.tmp-journal",
    ]
    running = folder / f".quizzer-20260301-100000-manual.db.{__import__('os').getpid()}.tmp"
    for path in [*leftovers, running]:
        path.write_bytes(b"\0" * 100_000)
    assert run_quizzer("stats", "--json").returncode == 0
    assert [p for p in leftovers if p.exists()] == []
    assert running.exists()  # a backup still running in a live process is left alone
