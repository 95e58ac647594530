"""Undo while an answer is being checked: the check is cancelled, nothing is stored against
the wrong question (a slowed checker makes the race certain)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from test_tui import SIZE, _settle, screen_text

import quizzer.check
from quizzer.context import DrillOptions
from quizzer.tui.app import QuizzerApp
from quizzer.workspace import Workspace

pytestmark = pytest.mark.usefixtures("sample_bank")


@pytest.fixture
def slow_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every check takes at least 0.4 s longer, as the first one does while sympy loads."""
    real = quizzer.check.check

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.4)
        return real(*args, **kwargs)

    monkeypatch.setattr(quizzer.check, "check", slow)


def _reviews(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT c.question_id, r.rating, r.status, r.answer FROM reviews r "
            "JOIN cards c ON c.id = r.card_id ORDER BY r.id"
        ).fetchall()
    finally:
        conn.close()


RELU = "What is the derivative of ReLU for x > 0?"
BF16 = "How many exponent bits does bfloat16 have?"


@pytest.mark.usefixtures("slow_check")
async def test_ctrl_z_while_checking_cancels_the_check(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")  # "1" is the text of the right ReLU option
        await _settle(pilot)
        await pilot.press("3")
        await _settle(pilot)
        assert BF16 in screen_text(app)
        await pilot.press("8", "enter", "ctrl+z")  # undo before the check comes back
        await _settle(pilot)
        text = screen_text(app)
        assert RELU in text
        assert BF16 not in text
        assert "Correct." not in text  # asking again, not rating the cancelled verdict
        assert _reviews(db) == []
        await pilot.press("1")  # typed into the answer box, not a rating
        await _settle(pilot)
        assert _reviews(db) == []
        await pilot.press("enter")
        await _settle(pilot)
        assert "Correct." in screen_text(app)
        await pilot.press("3")
        await _settle(pilot)
    assert _reviews(db) == [("s.choice.relu", 3, "correct", "1")]
