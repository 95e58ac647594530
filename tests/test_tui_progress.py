"""Anki-style progress in the TUI, read off the screen: the new / learning / review counts in
the header, the end-of-session summary and its actions, undo bringing back the same exercise,
and the topic picker in the command palette."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import FIXTURES
from test_tui import SIZE, _settle, screen_text

from quizzer.context import DrillOptions
from quizzer.tui.app import QuizzerApp
from quizzer.workspace import Workspace

pytestmark = pytest.mark.usefixtures("sample_bank")
RELU = "What is the derivative of ReLU for x > 0?"
BF16 = "How many exponent bits does bfloat16 have?"


def _set_config(isolated: Path, line: str) -> None:
    with (isolated / "config.toml").open("a") as f:
        f.write(line + "\n")


def _colours(app: QuizzerApp) -> dict[str, str]:
    """The colour each piece of text is drawn in on the screen."""
    svg = app.export_screenshot()
    fills = dict(re.findall(r"\.(terminal-\d+-r\d+) \{ fill: (#[0-9a-f]{6})", svg))
    texts = re.findall(r'<text class="([^"]+)"[^>]*>([^<]*)</text>', svg)
    return {html.unescape(t).replace("\xa0", " "): fills.get(c, "") for c, t in texts}


def _header(app: QuizzerApp) -> str:
    return screen_text(app).splitlines()[0]


async def test_the_header_counts_new_learning_and_review_in_anki_colours() -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "2 new · 0 learning · 0 review" in _header(app)
        colours = _colours(app)
        assert colours["2 new"] == "#4a9eff"  # blue, underlined: the question in hand is new
        assert colours["0 learning"] == "#ef5350"  # red
        assert colours["0 review"] == "#4caf50"  # green
        await pilot.press("x", "enter")
        await _settle(pilot)
        await pilot.press("1")  # Again: the question moves from new to learning
        await _settle(pilot)
        assert "1 new · 1 learning · 0 review" in _header(app)
        await pilot.press("1", "enter")
        await _settle(pilot)
        await pilot.press("4")  # Easy: done for today
        await _settle(pilot)
        assert "0 new · 1 learning · 0 review" in _header(app)
        await pilot.press("ctrl+z")
        await _settle(pilot)
        assert "1 new · 1 learning · 0 review" in _header(app)


async def test_the_summary_shows_accuracy_time_topics_and_what_is_next() -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")  # ReLU, right
        await _settle(pilot)
        await pilot.press("4")
        await _settle(pilot)
        await pilot.press("5", "enter")  # bf16, wrong
        await _settle(pilot)
        await pilot.press("4")  # rated Easy all the same: still a wrong answer
        await _settle(pilot)
        text = screen_text(app)
        assert "Session complete: 2 reviewed, all saved." in text
        assert re.search(r"Accuracy 50% \(1/2\) · 0 Again · time \d+ s", text)
        assert "Sample choice: 1/2 right" in text
        assert "Next review due" in text
        assert "Every question of these topics has been introduced." in text
        assert "unlock" not in text
        assert "more new" not in text  # nothing left to introduce: no such action


async def test_study_more_new_goes_past_the_daily_limit(isolated: Path) -> None:
    _set_config(isolated, "new_per_day = 1")
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "1 new · 0 learning · 0 review" in _header(app)
        await pilot.press("1", "enter")
        await _settle(pilot)
        await pilot.press("4")
        await _settle(pilot)
        text = screen_text(app)
        assert "New questions unlock" in text
        assert "n study 1 more new today" in text
        await pilot.press("n")
        await _settle(pilot)
        assert BF16 in screen_text(app)
        assert "1 new · 0 learning · 0 review" in _header(app)


async def test_no_unlock_message_without_a_daily_allowance(isolated: Path) -> None:
    _set_config(isolated, "new_per_day = 0")
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Nothing is due right now." in text
        assert "unlock" not in text
        assert "n study 2 more new today" in text  # the way to learn some anyway


async def test_undo_brings_back_the_same_numbers_and_keeps_the_answer_in_hand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUIZZER_BANK", str(FIXTURES / "numeric_bank"))
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Numeric"))  # random seeds
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        asked = re.search(r"probability (0\.\d)\.", screen_text(app))
        assert asked is not None
        await pilot.press("enter")  # reveal
        await _settle(pilot)
        await pilot.press("4")
        await _settle(pilot)
        await pilot.press(*"x>0", "enter")  # n.relu, graded, not rated
        await _settle(pilot)
        assert "Correct." in screen_text(app)
        await pilot.press("ctrl+z")
        await _settle(pilot)
        text = screen_text(app)
        assert f"probability {asked.group(1)}." in text  # the same numbers
        assert "Correct." not in text
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("4")
        await _settle(pilot)
        text = screen_text(app)
        assert "Derivative of ReLU" in text
        assert "Correct." in text  # the kept answer, still graded, waiting for its rating
        assert app.screen.query_one("#answer").value == "x>0"  # type: ignore[attr-defined]


async def test_the_palette_picks_the_topics_to_study() -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "6 new · 0 learning · 0 review" in _header(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Topics")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Sample recall (4)" in text and "Sample choice (2)" in text
        await pilot.press("space")  # untick Sample recall, the first in study order
        await pilot.press("enter")
        await _settle(pilot)
        text = screen_text(app)
        assert "2 new · 0 learning · 0 review" in text
        assert RELU in text
