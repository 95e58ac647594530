"""A full disk or a read-only database: the review in hand is never silently lost. Plain
mode prints one clear line and exits non-zero; the TUI keeps the answer on screen."""

from __future__ import annotations

import hashlib
import html
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, run_quizzer

from quizzer.context import DrillOptions
from quizzer.store.db import Store, StoreError
from quizzer.tui.app import QuizzerApp
from quizzer.workspace import Workspace

pytestmark = pytest.mark.usefixtures("sample_bank")


def _reviews(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        conn.close()


def _one_error_line(stderr: str, db: Path) -> str:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("quizzer: error: ")
    assert str(db) in lines[0]
    return lines[0]


def test_disk_full_in_plain_mode_is_one_clear_line_and_keeps_earlier_reviews(
    isolated: Path,
) -> None:
    db = isolated / "quizzer.db"
    assert run_quizzer("drill", "--plain", "--limit", "1", input="\n4\n").returncode == 0
    shutil.rmtree(isolated / "backups", ignore_errors=True)
    size = db.stat().st_size
    limit = size + 48 * 1024  # room for the -shm index and a few WAL frames, then "disk full"

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "quizzer", "drill", "--plain"],
        input="\n4\n" * 5,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QUIZZER_CACHE": str(isolated / "c2")},
        cwd=ROOT,
        preexec_fn=small_disk,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    line = _one_error_line(proc.stderr, db)
    assert "could not save the review" in line
    assert "full" in line or "disk I/O" in line
    # The answer in hand was shown (verdict and solution) before the failed save.
    blocks = proc.stdout.split("answer> ")
    assert "rating [" in blocks[-1]
    saved = proc.stdout.count("rating [") - 1
    assert saved >= 1  # at least one review fitted before the disk filled up
    assert _reviews(db) == 1 + saved


@pytest.fixture
def read_only(isolated: Path) -> Iterator[Path]:
    """The database, made read-only even for root (chattr +i) where chmod is not enough."""
    db = isolated / "quizzer.db"
    assert run_quizzer("drill", "--plain", "--limit", "1", input="\n4\n").returncode == 0
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(db)]).returncode:
            pytest.skip("running as root without chattr: cannot make a file read-only")
        yield db
        subprocess.run(["chattr", "-i", str(db)], check=True)
    else:
        db.chmod(0o444)
        yield db
        db.chmod(0o644)


def test_read_only_database_in_plain_mode_is_one_clear_line_and_untouched(
    read_only: Path,
) -> None:
    before = hashlib.sha256(read_only.read_bytes()).hexdigest()
    out = run_quizzer("drill", "--plain", "--cram", input="\n4\n" * 3)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "readonly" in _one_error_line(out.stderr, read_only)
    assert hashlib.sha256(read_only.read_bytes()).hexdigest() == before
    assert _reviews(read_only) == 1


def _screen(app: QuizzerApp) -> str:
    rows = re.findall(r"<text[^>]*>(.*?)</text>", app.export_screenshot(), flags=re.S)
    return html.unescape("".join(rows)).replace("\xa0", " ")


async def test_tui_keeps_the_answer_on_screen_when_the_save_fails(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_record = Store.record_next

    def full_disk(self: Store, *args: object) -> int:
        raise StoreError(f"could not save the review to {self.path}: database or disk is full")

    monkeypatch.setattr(Store, "record_next", full_disk)
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")  # the right option's text
        from conftest import settle

        await settle(pilot)
        await pilot.press("3")
        await pilot.pause()
        assert [(n.title, n.severity) for n in app._notifications] == [("Not saved", "error")]
        assert "database or disk is full" in next(iter(app._notifications)).message
        text = _screen(app)
        assert "Correct." in text  # the verdict of the answer in hand is still there
        assert "What is the derivative of ReLU for x > 0?" in text
        assert _reviews(isolated / "quizzer.db") == 0
        monkeypatch.setattr(Store, "record_next", real_record)  # space freed: rate again
        await pilot.press("3")
        await pilot.pause()
        assert "How many exponent bits does bfloat16 have?" in _screen(app)
    assert _reviews(isolated / "quizzer.db") == 1
