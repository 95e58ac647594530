"""Crashes and concurrency, as real machines do them: ``kill -9`` in the middle of a drill,
and two ``drill --plain`` processes on one database at once."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, run_quizzer

pytestmark = pytest.mark.usefixtures("sample_bank")
SAMPLE_IDS = [  # the curriculum: four of the first topic, then the second opens
    "s.recall.ce",
    "s.recall.kl",
    "s.recall.chain",
    "s.recall.adamw",
    "s.choice.relu",
    "s.choice.bf16",
]


class Drill:
    """A ``quizzer drill --plain`` process driven line by line, as a person would."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "quizzer", "drill", "--plain", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )
        self.output = ""

    def until(self, marker: str, timeout: float = 60) -> str:
        """Read output until ``marker`` appears after what was already consumed."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        start = len(self.output)
        while marker not in self.output[start:]:
            left = deadline - time.monotonic()
            assert left > 0, f"no {marker!r} in: {self.output[start:]!r}"
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                assert chunk, f"process ended before {marker!r}: {self.output[start:]!r}"
                self.output += chunk.decode()
        end = self.output.index(marker, start) + len(marker)
        consumed, self.output = self.output[:end], self.output[end:]
        return consumed

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())
        self.proc.stdin.flush()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.returncode == -signal.SIGKILL


def _reviewed(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute(
            "SELECT c.question_id FROM reviews r JOIN cards c ON c.id = r.card_id ORDER BY r.id"
        )
        return [r[0] for r in rows]
    finally:
        conn.close()


def test_kill_9_after_three_ratings_keeps_them_and_the_next_start_resumes(
    isolated: Path,
) -> None:
    drill = Drill()
    for _ in range(3):
        drill.until("answer> ")
        drill.send("")
        drill.until("rating [")
        drill.send("4")  # Easy: not due again today
    drill.until("answer> ")  # the fourth question is on screen: three reviews committed
    drill.send("")
    drill.until("rating [")  # graded but not rated: must not be stored
    drill.kill()
    db = isolated / "quizzer.db"
    assert _reviewed(db) == SAMPLE_IDS[:3]
    resumed = run_quizzer("drill", "--plain", input="\n4\n" * 3)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith(
        f"[3 new · 0 learning · 0 review] Sample recall · {SAMPLE_IDS[3]}"
    )
    assert "Session over: 3 reviews saved." in resumed.stdout
    assert _reviewed(db) == SAMPLE_IDS


@pytest.mark.parametrize("delay", [0.0, 0.005, 0.02])
def test_kill_9_right_after_a_rating_leaves_a_sound_database(isolated: Path, delay: float) -> None:
    drill = Drill()
    for _ in range(2):
        drill.until("answer> ")
        drill.send("")
        drill.until("rating [")
        drill.send("4")
    drill.until("answer> ")
    drill.send("")
    drill.until("rating [")
    drill.send("4")
    time.sleep(delay)  # somewhere inside the third review's transaction, or after it
    drill.kill()
    reviewed = _reviewed(isolated / "quizzer.db")
    assert reviewed in (SAMPLE_IDS[:2], SAMPLE_IDS[:3])
    resumed = run_quizzer("drill", "--plain", input="\n4\n" * 6)
    assert resumed.returncode == 0, resumed.stderr
    assert _reviewed(isolated / "quizzer.db") == SAMPLE_IDS


def _recall_bank(directory: Path, n: int) -> Path:
    directory.mkdir()
    (directory / "many.yaml").write_text(
        "".join(
            f"- id: r{i:03d}\n  topic: Many\n  prompt: Question {i}?\n  answer: {{kind: recall}}\n"
            for i in range(n)
        )
    )
    return directory


@pytest.mark.parametrize("fresh", [True, False], ids=["new-file", "existing-file"])
def test_two_instances_on_one_database_both_finish_and_store_everything(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, fresh: bool
) -> None:
    n = 60
    monkeypatch.setenv("QUIZZER_BANK", str(_recall_bank(isolated / "bank", n)))
    with (isolated / "config.toml").open("a") as f:
        f.write(f"new_per_day = {n}\n")
    db = isolated / "quizzer.db"
    if not fresh:
        assert run_quizzer("stats").returncode == 0  # creates the database
    procs = [
        subprocess.Popen(
            # --cram: each asks all n questions however far the other one has got.
            [sys.executable, "-m", "quizzer", "drill", "--plain", "--cram"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate("\n3\n" * n, timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in out + err
        assert "Traceback" not in err
        assert f"Session over: {n} reviews saved." in out
    assert len(_reviewed(db)) == 2 * n
