"""Getting around the TUI: modes one key away, Esc out of a text box then back to the drill,
the command palette runs every action, Space accepts, and keys can be remapped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_tui import review_rows, screen_text

from quizzer.context import DrillOptions
from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.browse import BrowseScreen
from quizzer.tui.screens.drill import DrillScreen
from quizzer.tui.screens.settings import SettingsScreen
from quizzer.tui.screens.stats import StatsScreen
from quizzer.workspace import Workspace

pytestmark = pytest.mark.usefixtures("sample_bank")
SIZE = (100, 30)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from conftest import settle

    await settle(pilot)
    await settle(pilot)


def _right_letter(app: QuizzerApp) -> str:
    """The letter of the right option (the order is shuffled per review)."""
    exercise = _drill(app).session.current
    assert exercise is not None
    return "abcd"[list(exercise.options).index("1")]


def _drill(app: QuizzerApp) -> DrillScreen:
    screen = app.screen
    assert isinstance(screen, DrillScreen), screen
    return screen


async def test_esc_leaves_the_answer_box_then_s_opens_stats_and_esc_returns() -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("s")
        assert _drill(app).query_one("#answer").value == "s"  # type: ignore[attr-defined]
        await pilot.press("backspace", "escape", "s")
        await _settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert app.current_mode == "stats"
        await pilot.press("escape")
        await _settle(pilot)
        assert app.current_mode == "drill"


async def test_modes_are_one_key_apart_and_one_esc_from_the_drill() -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("escape")
        for key, screen in [
            ("s", StatsScreen),
            ("b", BrowseScreen),
            ("s", StatsScreen),
            ("comma", SettingsScreen),
            ("b", BrowseScreen),
        ]:
            await pilot.press(key)
            await _settle(pilot)
            assert isinstance(app.screen, screen)
        await pilot.press("escape")  # once, however many modes were visited
        await _settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert len(app.screen_stack) == 1


async def test_switching_modes_and_back_keeps_the_drill_exactly_where_it_was() -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        drill = _drill(app)
        await pilot.press(*"half", "escape", "b")
        await _settle(pilot)
        await pilot.press("escape")
        await _settle(pilot)
        assert app.screen is drill
        assert drill.query_one("#answer").value == "half"  # type: ignore[attr-defined]
        await pilot.press("i")  # back into the box, where the typing was left
        await pilot.press("ctrl+u", _right_letter(app), "enter")
        await _settle(pilot)
        graded = screen_text(app)
        assert "Correct." in graded
        await pilot.press("s")
        await _settle(pilot)
        await pilot.press("comma")
        await _settle(pilot)
        await pilot.press("escape")
        await _settle(pilot)
        assert app.screen is drill
        assert "Correct." in screen_text(app)
        assert re.search(r"1 Again 1m · 2 Hard \S+ · 3 Good", screen_text(app))
        assert drill.session.current is not None
        assert drill.session.current.question.id == "s.choice.relu"


async def test_space_accepts_the_suggested_rating(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press(_right_letter(app), "enter")
        await _settle(pilot)
        await pilot.press("space")
        await _settle(pilot)
    assert review_rows(isolated / "quizzer.db") == [("s.choice.relu", 3, "correct")]


async def test_the_command_palette_runs_undo_and_shows_its_key(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("b", "enter")
        await _settle(pilot)
        await pilot.press("3")
        await _settle(pilot)
        assert len(review_rows(isolated / "quizzer.db")) == 1
        await pilot.press("ctrl+p")
        await _settle(pilot)
        await pilot.press(*"undo")
        await pilot.pause(0.5)
        assert "Ctrl+Z" in screen_text(app)
        await pilot.press("enter")
        await _settle(pilot)
        assert review_rows(isolated / "quizzer.db") == []
        assert "What is the derivative of ReLU for x > 0?" in screen_text(app)


async def test_the_palette_offers_hint_while_answering() -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+p")
        await _settle(pilot)
        await pilot.press(*"hint")
        await pilot.pause(0.5)
        assert "Ctrl+T" in screen_text(app)


async def test_keymap_in_the_config_remaps_a_key_everywhere(isolated: Path) -> None:
    (isolated / "config.toml").write_text('fuzz = false\n[keymap]\nundo = "f6"\nstats = "f5"\n')
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice", seed=3))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("b", "enter")
        await _settle(pilot)
        await pilot.press("3")
        await _settle(pilot)
        await pilot.press("ctrl+z")
        await _settle(pilot)
        assert len(review_rows(isolated / "quizzer.db")) == 1  # the old key does nothing
        await pilot.press("escape")
        assert "f6 Undo" in screen_text(app).splitlines()[-1]  # the footer shows the new key
        await pilot.press("f6")
        await _settle(pilot)
        assert review_rows(isolated / "quizzer.db") == []
        await pilot.press("escape", "f5")
        await _settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("question_mark")
        await _settle(pilot)
        assert re.search(r"F5\s+Stats", screen_text(app))


async def test_a_keymap_naming_no_binding_is_reported_not_fatal(isolated: Path) -> None:
    (isolated / "config.toml").write_text('[keymap]\nfrobnicate = "x"\n')
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _settle(pilot)
        assert "no binding frobnicate" in screen_text(app)
        assert isinstance(app.screen, DrillScreen)
