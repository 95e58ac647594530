"""Helpers for tests that run quizzer as a user would: in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_quizzer(
    *args: str, input: str = "", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m quizzer`` in a subprocess with the test's environment."""
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "quizzer", *args],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=ROOT,
    )


def start_quizzer(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``python -m quizzer`` in a subprocess (stdin, stdout and stderr piped); collect
    it with :func:`finish`, so several can run at once."""
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "quizzer", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
        cwd=ROOT,
    )


def finish(
    process: subprocess.Popen[str], input: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Send ``input`` to a process from :func:`start_quizzer` and wait for it to end."""
    try:
        stdout, stderr = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def rows(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    """The rows of ``sql`` read with a connection of the test's own, as plain tuples."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pid: int) -> bool:
    """Wait (however busy the machine) until process ``pid`` has gone."""
    for _ in range(600):
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False
