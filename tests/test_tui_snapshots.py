"""Every screen and state of the TUI as SVG snapshots at 120×36 and 80×24.

The baselines under ``__snapshots__/`` were looked at by eye; ``pytest --snapshot-update``
rewrites them after an intended change (look at the new ones before committing). The clock
(``QUIZZER_NOW``), the seeds, the time zone and the sizes are fixed, and every test has its
own database, so the pictures are the same on every run and under xdist.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import FIXTURES
from textual.widgets import Input, Static

from quizzer.context import DrillOptions
from quizzer.session import DrillSession
from quizzer.tui.app import QuizzerApp
from quizzer.workspace import Workspace

SIZES = {"120x36": (120, 36), "80x24": (80, 24)}
TUI_BANK = FIXTURES / "tui_bank"
Steps = Callable[..., Awaitable[None]]


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from conftest import settle

    await settle(pilot)
    await settle(pilot)


def keys(*presses: str) -> Steps:
    """Press each key in turn, waiting for the work it starts (grading, previews)."""

    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await _settle(pilot)
        for key in presses:
            if len(key) > 1 and key.startswith("type:"):
                await pilot.press(*key[5:])
            else:
                await pilot.press(key)
            await _settle(pilot)
        # a blinking cursor would make the picture depend on the moment it is taken
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause(0.1)

    return run


ADAM = "type:theta - lr*m/(sqrt(v) + eps)"
DRILL = {
    "expression-question": ("Adam", keys()),
    "expression-preview": ("Adam", keys(ADAM)),
    "expression-correct": ("Adam", keys(ADAM, "enter")),
    "expression-wrong": ("Adam", keys("type:theta - lr*m/v", "enter")),
    "expression-revealed": ("Adam", keys("enter")),
    "hints": ("Adam", keys("ctrl+t", "ctrl+t")),
    "answer-box-left": ("Adam", keys("type:theta", "escape")),
    "numeric-correct": ("Cross-entropy", keys("type:-ln(0.25)", "enter")),
    "choice-correct": ("Number formats", keys("b", "enter")),
    "recall-revealed": ("Divergences", keys("enter")),
    "session-complete": ("Divergences", keys("enter", "4")),
    "topic-picker": ("Adam", keys("ctrl+o")),
    "help": ("Adam", keys("question_mark")),
    "help-scrolled": ("Adam", keys("question_mark", "pagedown")),
    "palette-undo": ("Number formats", keys("b", "enter", "3", "ctrl+p", "type:undo")),
}


@pytest.fixture
def tui_bank(monkeypatch: pytest.MonkeyPatch, utc: None) -> Path:
    """The snapshot bank, in UTC, with every answer taking 6 s (the summary shows the time)."""
    monkeypatch.setenv("QUIZZER_BANK", str(TUI_BANK))
    ticks = itertools.count(step=6.0)
    monkeypatch.setattr("quizzer.session.time", SimpleNamespace(monotonic=lambda: next(ticks)))
    return TUI_BANK


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", DRILL)
def test_drill(snap_compare, tui_bank: Path, state: str, size: str) -> None:  # type: ignore[no-untyped-def]
    topic, steps = DRILL[state]
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic=topic, seed=7))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps)


def edited_settings(*presses: str, **values: str) -> Steps:
    """Open the settings, type ``values`` into their fields, then press ``presses``."""

    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await keys("escape", "comma")(pilot)
        for name, value in values.items():
            pilot.app.screen.query_one(f"#set-{name}", Input).value = value
        await keys(*presses)(pilot)

    return run


MODES = {
    "stats": keys("escape", "s"),
    "browse": keys("escape", "b"),
    "browse-choice": keys("escape", "b", "slash", "type:bfloat16"),
    "settings": keys("escape", "comma"),
    "settings-errors": edited_settings(desired_retention="2", fsrs_parameters="1, 2, 3"),
    "settings-unsaved": edited_settings("escape", new_per_day="3"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", MODES)
def test_mode(
    snap_compare, history: Workspace, mode: str, size: str, isolated: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOME", str(isolated))  # the config file shows as ~/config.toml
    app = QuizzerApp(history, DrillOptions(seed=7))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=MODES[mode])


def demo_panel(question_id: str) -> Steps:
    """Open the demo panel on ``question_id`` (seed 1's numbers, on the CPU) and wait for the
    snippet to finish."""

    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        from quizzer.tui.screens.demo import DemoScreen

        await _settle(pilot)
        app = pilot.app
        question = app.context.bank.questions[question_id]
        exercise = DrillSession.exercise(question, 1)
        screen = DemoScreen(exercise, app.context.bank.source(question_id).bank_dir, "cpu")
        await app.push_screen(screen)
        status = screen.query_one("#demo-status", Static)
        for _ in range(1200):  # torch's first import, however busy the machine is
            if "done in" in str(status.render()):
                break
            await pilot.pause(0.05)
        await _settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_demo_panel(snap_compare, size: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("torch")
    # the panel's clock: the run takes 2.4 s, whatever it really took
    ticks = itertools.chain([100.0], itertools.repeat(102.4))
    monkeypatch.setattr(
        "quizzer.tui.screens.demo.time", SimpleNamespace(monotonic=lambda: next(ticks))
    )
    app = QuizzerApp(Workspace.resolve(), DrillOptions(seed=7))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=demo_panel("q25.ce.numeric"))
