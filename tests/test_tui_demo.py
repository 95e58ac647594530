"""The demo panel: the snippet's source at once, a spinner with the time while it runs,
labelled output, e opening the snippet in $EDITOR, and r and Esc on the warm process."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from test_tui_stats import screen_lines
from textual.widgets import RichLog

from quizzer.context import DrillOptions
from quizzer.session import Exercise
from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.demo import DemoScreen
from quizzer.workspace import Workspace

SIZE = (120, 40)
BANK = Path(__file__).resolve().parent.parent / "question_bank"


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from conftest import settle

    await settle(pilot)
    await settle(pilot)


@pytest.fixture
def bank_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped bank, so that editing a snippet leaves the real one alone."""
    copy = tmp_path / "bank"
    shutil.copytree(BANK, copy)
    monkeypatch.setenv("QUIZZER_BANK", str(copy))
    return copy


async def _open_demo(pilot, question_id: str = "q25.ce.numeric") -> DemoScreen:  # type: ignore[no-untyped-def]
    """The panel as d opens it after checking ``question_id`` (with seed 1's numbers)."""
    await pilot.pause()
    from quizzer.bank.params import draw, fill
    from quizzer.session import Exercise

    await _settle(pilot)
    context = pilot.app.context
    q = context.bank.questions[question_id]
    params = draw(q, 1)
    exercise = Exercise(q, params, 1, fill(q.prompt, params))
    screen = DemoScreen(exercise, context.bank.source(question_id).bank_dir)
    await pilot.app.push_screen(screen)
    for _ in range(100):  # the first paint of the panel, however busy the machine is
        await pilot.pause(0.05)
        if "parameters" in "\n".join(screen_lines(pilot.app)):
            break
    return screen


async def test_the_source_is_shown_at_once_and_an_unallowed_one_waits(bank_copy: Path) -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        await _open_demo(pilot)
        text = "\n".join(screen_lines(app))
        assert '1 """Cross-entropy' in text  # the snippet's code, numbered, at once
        assert re.search(r"\b\d+ (from|import) \w+", text)  # numbered, highlighted lines
        assert "parameters  p = 0.95" in text
        # a copy of the bank is not the shipped one: nothing runs before y. The prompt comes
        # once the command is built (in a thread: the expected value needs sympy).
        for _ in range(200):
            if "Not run yet" in text:
                break
            await pilot.pause(0.05)
            text = "\n".join(screen_lines(app))
        assert "Not run yet" in text and "y allows this file" in text
        await pilot.press("escape")
        await _settle(pilot)
        assert not isinstance(app.screen, DemoScreen)


async def test_e_opens_the_snippet_in_the_editor_and_shows_the_change(
    bank_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nwith open(sys.argv[1], 'a') as f:\n    f.write('# edited by the test\\n')\n"
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_demo(pilot)
        path = screen.snippet()
        assert path is not None and path.is_relative_to(bank_copy)
        await pilot.press("e")
        for _ in range(200):  # the editor is a subprocess: wait for it, however busy
            await _settle(pilot)
            if path.read_text().endswith("# edited by the test\n"):
                break
        assert path.read_text().endswith("# edited by the test\n")
        for _ in range(60):  # scroll the source to its end: the added line is shown
            screen.query_one("#demo-source").scroll_end(animate=False)
            await pilot.pause(0.05)
        assert "# edited by the test" in "\n".join(screen_lines(app))


async def test_a_run_shows_a_spinner_with_the_time_and_labelled_output() -> None:
    pytest.importorskip("torch")
    app = QuizzerApp(Workspace.resolve())  # the shipped bank: its snippets run at once
    async with app.run_test(size=SIZE) as pilot:
        await _open_demo(pilot)
        text = "\n".join(screen_lines(app))
        assert re.search(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] running… \d+\.\d s \(Esc cancels\)", text)
        for _ in range(600):
            await pilot.pause(0.1)
            text = "\n".join(screen_lines(app))
            if "agrees with the bank" in text or "failed" in text:
                break
        assert re.search(r"done in \d+\.\d s.*agrees with the bank", text)
        assert "snippet prints" in text


async def _wait_status(pilot, screen: DemoScreen, *words: str) -> str:  # type: ignore[no-untyped-def]
    """Wait (however busy the machine) until the panel's status line says one of ``words``."""
    for _ in range(1200):
        status = str(screen.query_one("#demo-status").render())
        if any(word in status for word in words):
            return status
        await pilot.pause(0.05)
    raise AssertionError(f"the status never said {words}: {status!r}")


def _fake_exercise(tmp_path: Path, script: str) -> Exercise:
    """A question of a bank in ``tmp_path`` whose demo is ``script``, allowed as if read."""
    from test_demos import fake_bank

    question = fake_bank(tmp_path, script).questions["t.fake"]
    return Exercise(question, {"p": 0.5}, 1, "Twice 0.5?")


def _log(screen: DemoScreen) -> str:
    return "\n".join(line.text for line in screen.query_one("#demo-log", RichLog).lines)


async def test_r_runs_the_snippet_again_in_the_same_warm_process(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    script = "import os\nwith open('runs', 'a') as f:\n    f.write('.')\n"
    script += "print('run', len(open('runs').read()), 'in', os.getppid())\n"
    exercise = _fake_exercise(tmp_path, script)
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        screen = DemoScreen(exercise, tmp_path, warm_seconds=60)
        await app.push_screen(screen)
        await _wait_status(pilot, screen, "agrees with the bank", "failed")
        first = _log(screen).split("run ")[1].split()
        await pilot.press("r")
        for _ in range(1200):
            if "run 2" in _log(screen):
                break
            await pilot.pause(0.05)
        await _wait_status(pilot, screen, "agrees with the bank", "failed")
        second = _log(screen).split("run ")[1].split()
    assert first[0] == "1" and second[0] == "2"
    assert first[2] == second[2] != str(os.getpid())  # both in the one warm process


async def test_esc_cancels_a_warm_run_and_r_runs_it_again(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    script = "import os, time\nprint('started', flush=True)\n"
    script += (
        "if not os.path.exists('slept'):\n    open('slept', 'w').close()\n    time.sleep(600)\n"
    )
    exercise = _fake_exercise(tmp_path, script)
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        screen = DemoScreen(exercise, tmp_path, warm_seconds=60)
        await app.push_screen(screen)
        for _ in range(1200):
            if "started" in _log(screen):
                break
            await pilot.pause(0.05)
        await pilot.press("escape")
        assert "cancelled" in await _wait_status(pilot, screen, "cancelled", "done", "failed")
        assert isinstance(app.screen, DemoScreen)  # Esc stopped the run; the panel stays
        await pilot.press("r")
        await _wait_status(pilot, screen, "agrees with the bank", "failed")


async def test_with_demo_warm_seconds_0_the_drill_runs_demos_cold(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("torch")
    from test_demos import never_submitted

    from quizzer.demos import warm

    (isolated / "config.toml").write_text("fuzz = false\ndemo_warm_seconds = 0\n")
    monkeypatch.setattr(warm.WarmServer, "submit", never_submitted)
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Q25", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("a", "enter")
        await _settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DemoScreen) and screen.warm_seconds == 0
        assert "agrees with the bank" in await _wait_status(pilot, screen, "agrees", "failed")
