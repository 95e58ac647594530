"""Quit time and the first grade, each a fresh process driven like a person at the keyboard.

* ``quit``: the first question is painted, a digit is typed (so the live preview is busy)
  and Ctrl+Q pressed 0.1 s later; the figure is the wall time from the key press to the
  process's exit, against a Textual hello-world app quit the same way in the same run.
* ``first_grade``: an answer is typed and submitted the moment the first question is
  painted (the checker is still starting); the figure is the time from Enter (the answer
  box's ``Submitted`` message) to the first paint with the verdict, against a warm grade
  (the next question's, once the checker is ready), timed the same way. Every shipped topic
  starts with a choice, graded without the checker; ``first_grade_numeric`` does the same
  on a bank whose first question is numeric, which waits for the checker to start. The
  answer typed fits the question's kind, so it is graded rather than refused.

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

from benchmarks.records import compared
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
kinds = []
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

ANSWERS = {"choice": "a", "numeric": "0.5", "vector": "[0.5]", "expression": "x"}

async def graded(pilot):
    # an answer of the question's kind, so it is graded (not refused as unreadable)
    question = pilot.app.screen.session.current.question
    kinds.append(question.answer.kind)
    marks.clear()
    await pilot.press(*ANSWERS.get(question.answer.kind, "0.5"), "enter")
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
        report["first"] = await graded(pilot)
        await pilot.press("3")
        while app.screen.mode != "answering":
            await pilot.pause(0.01)
        await pilot.pause(0.5)
        report["warm"] = await graded(pilot)
        report["kinds"] = kinds
    report["quit_at"] = time.time()
    print(json.dumps(report), flush=True)
    await pilot.press("ctrl+q")

run = tui.QuizzerApp.run
tui.QuizzerApp.run = lambda self, **kw: run(self, headless=True, auto_pilot=script)
sys.argv = ["quizzer", *sys.argv[2:]]  # after the scenario: options of quizzer
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


NUMERIC = (
    "--bank",
    str(ROOT / "tests" / "fixtures" / "tui_bank"),
    "drill",
    "--topic",
    "Cross-entropy",
)
"""A bank whose first question is numeric: a shipped topic starts with a choice, which is
graded without the checker, so this one shows the checker's own start."""


def _first_grades(env: dict[str, str], work: Path, *options: str) -> dict:
    """The first and the warm grade of a fresh database's first question (one run)."""
    Path(work, "quizzer.db").unlink(missing_ok=True)
    return _run(QUIZZER, env, "grade", *options)[0]


def run(quick: bool) -> list[dict]:
    """``quit`` (s, against hello world's quit), ``first_grade`` on the shipped bank and
    ``first_grade_numeric`` (s, each against a warm grade of the same run)."""
    runs = 3 if quick else 7
    ours, hello = [], []
    grades: dict[str, list[dict]] = {"first_grade": [], "first_grade_numeric": []}
    with tempfile.TemporaryDirectory(prefix="quizzer-interaction-") as tmp:
        env = _env(Path(tmp))
        _run(QUIZZER, env, "quit")  # creates the database and the bank cache
        for _ in range(runs):
            report, ended = _run(QUIZZER, env, "quit")
            ours.append(ended - report["quit_at"])
            report, ended = _run(HELLO, env)
            hello.append(ended - report["quit_at"])
            grades["first_grade"].append(_first_grades(env, Path(tmp)))
            grades["first_grade_numeric"].append(_first_grades(env, Path(tmp), *NUMERIC))
    records = [
        compared("quit", statistics.median(ours), statistics.median(hello), max=round(max(ours), 3))
    ]
    for name, reports in grades.items():
        first = [r["first"] for r in reports]
        records.append(
            compared(
                name,
                statistics.median(first),
                statistics.median(r["warm"] for r in reports),
                max=round(max(first), 3),
                kinds=reports[-1]["kinds"],  # of the first and the warm question
            )
        )
    return records


if __name__ == "__main__":
    for record in run(quick="--quick" in sys.argv):
        print(json.dumps(record))
