"""A derivation typed in the TUI: Enter adds lines, Ctrl+S checks, every line gets ✓ or ✗."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_derivation_cli import BANK
from test_tui import screen_text

from quizzer.tui.app import QuizzerApp
from quizzer.tui.widgets.derivation import DerivationInput
from quizzer.workspace import Workspace

SIZE = (110, 50)  # tall enough for the lines, the verdict and the model derivation


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "bank"
    directory.mkdir()
    (directory / "d.yaml").write_text(BANK, encoding="utf-8")
    monkeypatch.setenv("QUIZZER_BANK", str(directory))
    return directory


async def _type(pilot, *lines: str) -> None:  # type: ignore[no-untyped-def]
    for number, line in enumerate(lines):
        if number:
            await pilot.press("enter")
        await pilot.press(*line)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _marks(app: QuizzerApp) -> list[str]:
    rows = str(app.screen.query_one("#derivation-marks").content).splitlines()
    return [row.split(" ", 1)[0] for row in rows if row]


@pytest.mark.usefixtures("bank")
async def test_a_three_line_derivation_is_typed_checked_and_marked_line_by_line(
    isolated: Path,
) -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(DerivationInput).display
        assert not app.screen.query_one("#answer").display
        await _type(pilot, "d/dx 1/(1+e^-x)", "e^-x/(1+e^-x)", "σ(x)(1-σ(x))")
        await _settle(pilot)
        text = screen_text(app)
        assert "d/dx(1/(1 + exp(-x)))" in text  # each line's reading beside it
        assert "exp(-x)/(1 + exp(-x))" in text
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert _marks(app) == ["✓", "✗", "✗"]
        text = " ".join(screen_text(app).split())
        assert "Incorrect." in text
        assert "Line 2 does not follow from line 1: at x = " in text
        assert "The denominator is squared." in text
        assert "model derivation: d/dx 1/(1 + exp(-x)) exp(-x)/(1 + exp(-x))^2" in text
        assert "^s Check" not in text  # the lines are closed while rating
        await pilot.press("1")
        await _settle(pilot)
    conn = sqlite3.connect(isolated / "quizzer.db")
    try:
        rows = conn.execute("SELECT r.rating, r.status, r.answer FROM reviews r").fetchall()
    finally:
        conn.close()
    assert rows == [(1, "incorrect", "d/dx 1/(1+e^-x)\ne^-x/(1+e^-x)\nσ(x)(1-σ(x))")]


@pytest.mark.usefixtures("bank")
async def test_a_right_derivation_gets_every_line_ticked_and_good_suggested() -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _type(pilot, "d/dx 1/(1+e^-x)", "= e^-x/(1+e^-x)^2", "= σ(x)(1-σ(x))")
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert _marks(app) == ["✓", "✓", "✓"]
        text = screen_text(app)
        assert "Correct." in text
        assert "[reverse]" not in text
        assert app.screen.session.result.suggested == 3


@pytest.mark.usefixtures("bank")
async def test_an_unreadable_line_is_shown_beside_it_and_costs_nothing() -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _type(pilot, "d/dx 1/(1+e^-x)", "e^-x/(1+e^-x)^2 +")
        await _settle(pilot)
        assert "Line 2: missing something after '+'" in screen_text(app)
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert app.screen.mode == "answering"  # invalid: try again, nothing recorded
        assert "(try again)" in screen_text(app)
