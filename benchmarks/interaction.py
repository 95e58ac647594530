"""Quit time and the first grade, each a fresh process driven like a person at the keyboard.

* ``quit``: the first question is painted, a digit is typed (so the live preview is busy)
  and Ctrl+Q pressed 0.1 s later; the figure is the wall time from the key press to the
  process's exit, against a Textual hello-world app quit the same way in the same run.
* ``first_grade``: an answer is typed and submitted the moment the first question is
  painted (the checker is still starting); the figure is the time from Enter (the answer
  box's ``Submitted`` message) to the first paint with the verdict, against a warm grade
  (the next question's, once the checker is ready), timed the same way.

The apps run headless through Textual's own auto-pilot; quizzer through its real entry point
(``quizzer`` with no arguments).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.startup import NOW

ROOT = Path(__file__).resolve().parent.parent

HELLO = """
import sys, time
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, world")

async def script(pilot):
    await pilot.pause(0.1)
    print(time.time(), flush=True)
    await pilot.press("ctrl+q")

Hello().run(headless=True, auto_pilot=script)
"""

QUIZZER = """
import json, sys, time
import quizzer.tui.app as tui
import quizzer.tui.screens.drill as drill

SCENARIO = sys.argv[1]
marks = {}
submitted = drill.DrillScreen.on_input_submitted

def on_input_submitted(self, event):
    marks["enter"] = time.perf_counter()
    submitted(self, event)

drill.DrillScreen.on_input_submitted = on_input_submitted

def painted(app):
    prompt = app.screen.query("#prompt")
    return bool(prompt) and bool(prompt.first().children)

def watch_verdict(app):
    # the first paint with the verdict on screen, seen from inside the app
    if "enter" in marks and "shown" not in marks and app.screen.query_one("#result").display:
        marks["shown"] = True
        app.call_after_refresh(lambda: marks.setdefault("painted", time.perf_counter()))

async def graded(pilot, answer):
    marks.clear()
    await pilot.press(*answer, "enter")
    while "painted" not in marks:
        await pilot.pause(0.002)
    return marks["painted"] - marks["enter"]

async def script(pilot):
    app = pilot.app
    while not painted(app):
        await pilot.pause(0.002)
    report = {}
    if SCENARIO == "quit":
        await pilot.press("1")
        await pilot.pause(0.1)
    else:
        app.set_interval(0.002, lambda: watch_verdict(app))
        report["first"] = await graded(pilot, "0.5")
        await pilot.press("3")
        while app.screen.mode != "answering":
            await pilot.pause(0.01)
        await pilot.pause(0.5)
        report["warm"] = await graded(pilot, "0.5")
    report["quit_at"] = time.time()
    print(json.dumps(report), flush=True)
    await pilot.press("ctrl+q")

run = tui.QuizzerApp.run
tui.QuizzerApp.run = lambda self, **kw: run(self, headless=True, auto_pilot=script)
sys.argv = ["quizzer"]
from quizzer.launcher import main
main()
"""


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZZER_")}
    config = work / "config.toml"
    config.write_text("backups_keep = 0\n")
    return {
        **env,
        "PYTHONPATH": str(ROOT),
        "QUIZZER_DB": str(work / "quizzer.db"),
        "QUIZZER_CACHE": str(work / "cache"),
        "QUIZZER_CONFIG": str(config),
        "QUIZZER_NOW": NOW,
    }


def _run(code: str, env: dict[str, str], *args: str) -> tuple[dict, float]:
    """The probe's last JSON line (or number) and the wall clock time the process ended."""
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120
    )
    ended = time.time()
    if proc.returncode != 0:
        raise RuntimeError(f"probe failed: {proc.stderr.strip()[-2000:]}")
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    return (last if isinstance(last, dict) else {"quit_at": last}), ended


def run(quick: bool) -> list[dict]:
    """``quit`` (s, against hello world's quit) and ``first_grade`` (s, against a warm grade)."""
    runs = 3 if quick else 7
    ours, hello, first, warm = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="quizzer-interaction-") as tmp:
        env = _env(Path(tmp))
        _run(QUIZZER, env, "quit")  # creates the database and the bank cache
        for _ in range(runs):
            report, ended = _run(QUIZZER, env, "quit")
            ours.append(ended - report["quit_at"])
            report, ended = _run(HELLO, env)
            hello.append(ended - report["quit_at"])
            # A fresh database each time, so the first question is the same new one.
            Path(tmp, "quizzer.db").unlink()
            report, _ = _run(QUIZZER, env, "grade")
            first.append(report["first"])
            warm.append(report["warm"])
    quit_s, hello_s = statistics.median(ours), statistics.median(hello)
    first_s, warm_s = statistics.median(first), statistics.median(warm)
    return [
        {
            "name": "quit",
            "value": round(quit_s, 3),
            "unit": "s",
            "baseline": round(hello_s, 3),
            "ratio": round(quit_s / hello_s, 2),
            "max": round(max(ours), 3),
        },
        {
            "name": "first_grade",
            "value": round(first_s, 3),
            "unit": "s",
            "baseline": round(warm_s, 3),
            "ratio": round(first_s / warm_s, 2),
            "max": round(max(first), 3),
        },
    ]


if __name__ == "__main__":
    for record in run(quick="--quick" in sys.argv):
        print(json.dumps(record))
