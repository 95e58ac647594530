"""Quitting: immediate, whatever is still running, and nothing rated is lost.

The TUI runs in a subprocess through the real entry point (``python -m quizzer``), headless,
driven by Textual's auto-pilot, so the process's own exit path is what is tested.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES
from helpers import ROOT, wait_gone

from quizzer.tui.background import Latest

pytestmark = pytest.mark.usefixtures("sample_bank")

DRIVE = """
import sys
import quizzer.tui.app as tui
{setup}

async def script(pilot):
    app = pilot.app
    while not app.screen.query("#answer"):
        await pilot.pause(0.01)
{steps}
    await pilot.press("ctrl+q")

run = tui.QuizzerApp.run
tui.QuizzerApp.run = lambda self, **kw: run(self, headless=True, auto_pilot=script)
sys.argv = ["quizzer", *{argv!r}]
from quizzer.launcher import main
main()
"""


CHOICES = ("drill", "--topic", "Sample choice")
NUMERIC = ("--bank", str(FIXTURES / "tui_bank"), "drill", "--topic", "Cross-entropy")
"""A numeric question: unlike a choice, its check needs the checker process."""


def _drive(
    steps: str, setup: str = "", argv: tuple[str, ...] = CHOICES
) -> subprocess.CompletedProcess[str]:
    """Run the TUI with ``argv`` (the sample bank's choice questions), do ``steps``, press
    Ctrl+Q."""
    code = DRIVE.format(
        setup=setup, steps=textwrap.indent(textwrap.dedent(steps), "    "), argv=list(argv)
    )
    # The timeout only turns a hang into a failure; it measures nothing.
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _reviews(db: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT c.question_id, r.rating FROM reviews r JOIN cards c ON c.id = r.card_id"
        ).fetchall()
    finally:
        conn.close()


def test_a_review_rated_just_before_quitting_is_on_disk(isolated: Path) -> None:
    done = _drive(
        """
        await pilot.press("b", "enter")
        while app.screen.mode != "rating":
            await pilot.pause(0.01)
        await pilot.press("3")
        """
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert _reviews(isolated / "quizzer.db") == [("s.choice.relu", 3)]


def test_quitting_while_an_answer_waits_for_the_checker_does_not_hang(isolated: Path) -> None:
    # A checker that never finishes starting: the answer's check waits for it for ever.
    never = """
import threading
import quizzer.check.worker as worker
def never_ready():
    threading.Event().wait()
worker.warm_up = never_ready
worker._started = never_ready
"""
    done = _drive(
        """
        await pilot.press(*"1.4", "enter")
        await pilot.pause(0.2)
        assert app.screen.mode == "checking"
        """,
        setup=never,
        argv=NUMERIC,
    )
    assert done.returncode == 0, done.stderr
    assert _reviews(isolated / "quizzer.db") == []


def test_latest_handles_only_the_newest_value_submitted_while_busy() -> None:
    release, seen, started = threading.Event(), [], threading.Event()

    def work(value: int) -> None:
        started.set()
        if value == 0:
            release.wait()
        seen.append(value)

    latest: Latest[int] = Latest("test-latest", work)
    latest.submit(0)
    started.wait()
    for value in (1, 2, 3):  # while 0 is being handled
        latest.submit(value)
    release.set()
    from quizzer.tui import background

    while background.pending():
        threading.Event().wait(0.01)
    assert seen == [0, 3]


def test_latest_keeps_working_after_its_work_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """A value whose work raised (say a screen gone before its preview came back) is
    reported, and later values are still handled: a dead loop made every later value, and
    every test waiting for background work, wait forever."""
    from quizzer.tui import background

    reported: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: reported.append(args.exc_value))
    seen: list[int] = []

    def work(value: int) -> None:
        if value == 0:
            raise LookupError("the screen has gone")
        seen.append(value)

    latest: Latest[int] = Latest("test-latest-raises", work)
    latest.submit(0)
    deadline = threading.Event()
    for _ in range(500):
        if not background.pending():
            break
        deadline.wait(0.01)
    latest.submit(1)
    for _ in range(500):
        if not background.pending():
            break
        deadline.wait(0.01)
    assert seen == [1]
    assert background.pending() == 0
    assert [type(e) for e in reported] == [LookupError]


def test_quitting_after_a_warm_demo_takes_the_warm_process_with_it(isolated: Path) -> None:
    """A demo ran, so a PyTorch process waits for the next one: quitting neither waits for
    it nor leaves it behind."""
    pytest.importorskip("torch")
    from test_demos import fake_bank

    fake_bank(isolated, "import os\nprint('warm under', os.getppid())\n")  # allowed
    setup = f"""
import os
from pathlib import Path
from quizzer.bank.schema import Question
from quizzer.session import Exercise
from quizzer.tui.screens.demo import DemoScreen
QUESTION = Question(
    id="t.fake", topic="Test", prompt="Twice?", answer={{"kind": "numeric", "value": "1"}},
    demo="fake.py",
)
BANK = Path({str(isolated)!r})
"""
    done = _drive(
        """
        demo = DemoScreen(Exercise(QUESTION, {}, 1, "Twice?"), BANK, warm_seconds=600)
        await app.push_screen(demo)
        while "agrees with the bank" not in str(demo.query_one("#demo-status").render()):
            await pilot.pause(0.05)
        log = "\\n".join(line.text for line in demo.query_one("#demo-log").lines)
        print(os.getpid(), log.split("warm under ")[1].split()[0], flush=True)
        """,
        setup=setup,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    quizzer, server = (int(pid) for pid in done.stdout.split()[-2:])
    assert server != quizzer  # the snippet ran in the warm process
    assert wait_gone(server)
