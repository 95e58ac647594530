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


def _numeric_session(tmp_path: Path):  # type: ignore[no-untyped-def]
    from conftest import FIXTURES

    from quizzer.bank.loader import load_bank
    from quizzer.config import Settings
    from quizzer.context import Context
    from quizzer.session import DrillSession
    from quizzer.store.db import Store

    store = Store.open(tmp_path / "q.db")
    bank = load_bank([FIXTURES / "numeric_bank"])
    context = Context(store, bank, Settings(fuzz=False), tmp_path / "c.toml")
    return DrillSession(context, DrillOptions(seed=1)), store


@pytest.mark.usefixtures("slow_check")
def test_a_verdict_that_comes_back_after_undo_is_not_taken(tmp_path: Path) -> None:
    """The session-level race: the check runs on another thread while undo runs here."""
    import threading

    from quizzer.session import Mode, run_check

    session, store = _numeric_session(tmp_path)
    with store:
        first = session.next()
        assert first is not None and first.question.id == "n.ce"
        session.grade("")
        session.rate(4)
        assert session.next() is not None  # n.relu
        check = session.submit("x > 0")
        assert session.mode is Mode.CHECKING
        verdicts = []
        worker = threading.Thread(target=lambda: verdicts.append(run_check(check)))
        worker.start()
        session.undo()  # while the check sleeps
        worker.join()
        assert session.accept(check, verdicts[0]) is None
        assert session.current == first  # the same exercise: same seed, same numbers
        assert session.mode is Mode.ANSWERING
        with pytest.raises(RuntimeError):
            session.rate(1)
        assert store.reviews_total() == 0
        right = {0.3: "1.204", 0.7: "0.357"}[first.params["p"]]
        assert session.grade(right).status == "correct"
        session.rate()
        assert _reviews(store.path) == [("n.ce", 3, "correct", right)]
