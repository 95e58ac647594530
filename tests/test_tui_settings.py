"""The settings screen: typed fields, an error under every wrong one, Save / Cancel, a question
before unsaved edits are dropped, and saved values used by the running drill at once."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from test_tui import screen_text
from textual.widgets import Input

from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.drill import DrillScreen
from quizzer.tui.screens.settings import ConfirmLeave, SettingsScreen
from quizzer.workspace import Workspace

pytestmark = pytest.mark.usefixtures("sample_bank")
SIZE = (100, 40)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from conftest import settle

    await settle(pilot)
    await settle(pilot)


async def _open(pilot) -> SettingsScreen:  # type: ignore[no-untyped-def]
    await _settle(pilot)
    await pilot.press("escape", "comma")
    await _settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def _saved(isolated: Path) -> dict[str, object]:
    return tomllib.loads((isolated / "config.toml").read_text())


async def test_saves_checked_values_and_the_running_drill_uses_them(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        screen.query_one("#set-new_per_day").value = "7"  # type: ignore[attr-defined]
        screen.query_one("#set-desired_retention").value = "0.8"  # type: ignore[attr-defined]
        screen.query_one("#set-fuzz").value = True  # type: ignore[attr-defined]
        screen.query_one("#set-rollover_hour").value = 6  # type: ignore[attr-defined]
        await _settle(pilot)
        assert "unsaved changes" in screen_text(app)
        await pilot.press("ctrl+s")
        await _settle(pilot)
        saved = _saved(isolated)
        assert (saved["new_per_day"], saved["desired_retention"]) == (7, 0.8)
        assert (saved["fuzz"], saved["rollover_hour"]) == (True, 6)
        assert app.session.scheduler.desired_retention == 0.8
        await pilot.press("escape")  # nothing unsaved: straight back
        await _settle(pilot)
        assert isinstance(app.screen, DrillScreen)


async def test_every_wrong_field_shows_its_error_and_nothing_is_saved(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        screen.query_one("#set-desired_retention").value = "2"  # type: ignore[attr-defined]
        screen.query_one("#set-fsrs_parameters").value = "1, 2, 3"  # type: ignore[attr-defined]
        await _settle(pilot)
        text = screen_text(app)
        assert "desired_retention = 2.0 is out of range" in text
        assert "fsrs_parameters" in text and "is out of range" in text
        assert "2 field(s) to fix before saving" in text
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert _saved(isolated) == {"fuzz": False}


async def test_leaving_with_unsaved_edits_asks_first(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        box = screen.query_one("#set-new_per_day")
        box.focus()
        box.value = "3"  # type: ignore[attr-defined]
        await _settle(pilot)
        await pilot.press("escape", "escape")  # leave the box, then the screen
        await _settle(pilot)
        assert isinstance(app.screen, ConfirmLeave)
        await pilot.press("escape")  # keep editing
        await _settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#set-new_per_day").value == "3"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await _settle(pilot)
        await pilot.click("#discard")
        await _settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert _saved(isolated) == {"fuzz": False}
        await pilot.press("comma")
        await _settle(pilot)
        assert screen.query_one("#set-new_per_day").value == "20"  # type: ignore[attr-defined]


async def test_save_from_the_question_saves_and_leaves(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        box = screen.query_one("#set-backups_keep")
        box.focus()
        box.value = "2"  # type: ignore[attr-defined]
        await _settle(pilot)
        await pilot.press("escape", "escape")
        await _settle(pilot)
        await pilot.click("#save")
        await _settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert _saved(isolated)["backups_keep"] == 2


async def test_an_empty_field_says_what_empty_means_for_that_setting(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        fsrs = screen.query_one("#set-fsrs_parameters", Input)
        python = screen.query_one("#set-demo_python", Input)
        assert (fsrs.value, python.value) == ("", "")
        assert "FSRS defaults" in fsrs.placeholder
        assert "python" in python.placeholder and "FSRS" not in python.placeholder
