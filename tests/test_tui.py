"""The TUI as a person uses it: keys pressed with Pilot, the screen text asserted."""

from __future__ import annotations

import html
import re
import sqlite3
from pathlib import Path

import pytest

from quizzer.context import DrillOptions
from quizzer.tui.app import QuizzerApp
from quizzer.workspace import Workspace

pytestmark = pytest.mark.usefixtures("sample_bank")
SIZE = (110, 32)


def screen_text(app: QuizzerApp) -> str:
    """The visible text of the screen, one line per terminal row."""
    svg = app.export_screenshot()
    rows = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(rows)).replace("\xa0", " ")


def review_rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT c.question_id, r.rating, r.status FROM reviews r "
            "JOIN cards c ON c.id = r.card_id ORDER BY r.id"
        ).fetchall()
    finally:
        conn.close()


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from conftest import settle

    await settle(pilot)


async def test_first_question_shows_topic_prompt_progress_and_keys() -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Sample recall" in text
        assert "Why is cross-entropy the loss for language modelling?" in text
        assert "6 new · 0 learning · 0 review" in text
        assert "Quit" in text and "Help" in text


async def test_answer_rate_and_undo_are_on_disk(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")  # the text of the right option, wherever it is shown
        await _settle(pilot)
        text = screen_text(app)
        assert "Correct." in text
        assert "For x > 0, ReLU(x) = x" in text
        assert re.search(r"1 Again 1m · 2 Hard \S+ · 3 Good \S+ · 4 Easy \S+", text)
        await pilot.press("3")
        await _settle(pilot)
        assert review_rows(isolated / "quizzer.db") == [("s.choice.relu", 3, "correct")]
        text = screen_text(app)
        assert "How many exponent bits does bfloat16 have?" in text
        # Good on a new card is a 10-minute learning step: it comes back this session.
        assert "1 new · 1 learning · 0 review" in text
        await pilot.press("ctrl+z")
        await _settle(pilot)
        assert review_rows(isolated / "quizzer.db") == []
        text = screen_text(app)
        assert "What is the derivative of ReLU for x > 0?" in text
        assert "2 new · 0 learning · 0 review" in text


async def test_enter_accepts_the_suggested_rating(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "enter")  # a wrong option's text
        await _settle(pilot)
        assert "Incorrect." in screen_text(app)
        await pilot.press("enter")
        await _settle(pilot)
    assert review_rows(isolated / "quizzer.db") == [("s.choice.relu", 1, "incorrect")]


async def test_digits_go_into_the_answer_while_typing(isolated: Path) -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert review_rows(isolated / "quizzer.db") == []
        await pilot.press("enter")
        await _settle(pilot)
        assert "Correct." in screen_text(app)


async def test_recall_reveals_then_self_grades_and_session_ends() -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample recall", limit=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await _settle(pilot)
        text = screen_text(app)
        assert "grade yourself" in text
        assert "Minimising cross-entropy maximises the likelihood" in text
        await pilot.press("4")
        await _settle(pilot)
        text = screen_text(app)
        assert "Session complete: 1 reviewed" in text
        assert "study ahead" in text


async def test_nothing_due_offers_to_study_ahead() -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(2):
            await pilot.press("enter")
            await _settle(pilot)
            await pilot.press("4")
            await _settle(pilot)
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Nothing is due right now." in text
        assert "Next review due" in text
        await pilot.press("a")
        await _settle(pilot)
        assert "What is the derivative of ReLU for x > 0?" in screen_text(app)


async def test_help_opens_scrolls_and_closes_and_ctrl_q_quits() -> None:
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert text.index("Typing answers") < text.index("x^2")  # the cheat-sheet comes first
        assert "Undo the last review exactly" not in text  # below the fold at 80x24
        for _ in range(4):
            await pilot.press("pagedown")
            await pilot.pause()
            if "Undo the last review exactly" in screen_text(app):
                break
        assert "Undo the last review exactly" in screen_text(app)
        assert "ctrl+z".title() in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "Typing answers" not in screen_text(app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_live_preview_reads_the_answer_before_grading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from conftest import FIXTURES

    monkeypatch.setenv("QUIZZER_BANK", str(FIXTURES / "numeric_bank"))
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Numeric", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # reveal the first (numeric) question
        await _settle(pilot)
        await pilot.press("4")
        await _settle(pilot)
        assert "Derivative of ReLU" in screen_text(app)
        await pilot.press(*"foo(x)")
        await _settle(pilot)
        assert "unknown function foo at column 1" in screen_text(app).lower()
        for _ in range(6):
            await pilot.press("backspace")
        await pilot.press(*"x>0")
        await _settle(pilot)
        assert "read as:" in screen_text(app)
        assert "Correct." not in screen_text(app)
        await pilot.press("enter")
        await _settle(pilot)
        assert "Correct." in screen_text(app)


async def test_demo_streams_the_snippet_and_confirms_the_bank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("torch")
    monkeypatch.delenv("QUIZZER_BANK")
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Q25", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "q25.ce.definition" in screen_text(app)
        await pilot.press("a", "enter")
        await _settle(pilot)
        await pilot.press("d")
        for _ in range(600):
            await pilot.pause(0.1)
            text = screen_text(app)
            if "agrees with the bank" in text or "failed" in text:
                break
        assert "PyTorch demo" in text
        assert "agrees with the bank" in text
        assert "device" in text
        await pilot.press("escape")
        await pilot.pause()
        assert "PyTorch demo" not in screen_text(app)


async def test_cross_entropy_answer_shows_the_loss_curve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUIZZER_BANK")
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Q25", seed=1))
    async with app.run_test(size=(110, 60)) as pilot:
        await pilot.pause()
        await pilot.press("a", "enter")
        await _settle(pilot)
        text = screen_text(app)
        assert "Cross-entropy: loss = -ln(p) of the correct token" in text
        assert any(0x2800 < ord(ch) <= 0x28FF for ch in text)  # braille dots of the curve


async def test_bracketed_answers_are_shown_verbatim_not_as_markup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QUIZZER_BANK")
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Q27", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(10):  # choices and numbers come first; reveal each until the vector
            shape = "q27.jac.shape-linear" in screen_text(app)
            await pilot.press("enter")
            await _settle(pilot)
            if shape:
                break
            await pilot.press("4")
            await _settle(pilot)
        assert re.search(r"answer: \[\d+, \d+\]", screen_text(app))  # such as [8, 2]


async def test_a_damaged_database_ends_the_app_with_one_line(isolated: Path) -> None:
    db = isolated / "quizzer.db"
    db.write_bytes(b"garbage" * 500)
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert db.read_bytes() == b"garbage" * 500


async def test_footer_offers_only_the_keys_that_work_now() -> None:
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "Hint" in footer and "Accept" not in footer and "Undo" not in footer
        await pilot.press("1", "enter")
        await _settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Accept" in footer and "Demo" not in footer and "Hint" not in footer
        await pilot.press("3")
        await _settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Undo" in footer and "Accept" not in footer
