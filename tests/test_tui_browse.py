"""Browse, try, cram and settings screens, driven with keys as a person would."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

from test_tui_stats import screen_lines

from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.browse import BrowseScreen, CramScreen, QuestionScreen
from quizzer.tui.screens.settings import SettingsScreen
from quizzer.workspace import Workspace

SIZE = (110, 32)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from conftest import settle

    await settle(pilot)


async def _open_browse(pilot) -> None:  # type: ignore[no-untyped-def]
    await _settle(pilot)
    await pilot.press("enter")  # reveal the first question: the answer box lets go of keys
    await _settle(pilot)
    await pilot.press("b")
    await _settle(pilot)
    assert isinstance(pilot.app.screen, BrowseScreen)


async def test_browse_lists_search_and_topic_filter(history: Workspace) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await _open_browse(pilot)
        text = "\n".join(screen_lines(app))
        assert "s.choice.bf16" in text and "learning" in text and "2026-03-02" in text
        assert "s.recall.adamw" in text and "new" in text
        await pilot.press("slash", *"symmetric")
        await _settle(pilot)
        rows = app.screen.rows  # type: ignore[attr-defined]
        assert [r.question_id for r in rows] == ["s.recall.kl"]  # matched in the prompt
        app.screen.query_one("#search").value = ""  # type: ignore[attr-defined]
        app.screen.query_one("#topic-filter").value = "Sample choice"  # type: ignore[attr-defined]
        await _settle(pilot)
        assert {r.question_id for r in app.screen.rows} == {  # type: ignore[attr-defined]
            "s.choice.relu",
            "s.choice.bf16",
        }


async def test_open_a_question_shows_history_and_trying_leaves_the_schedule(
    history: Workspace,
) -> None:
    with history.store() as store:
        due_before = store.card("s.recall.kl").due  # type: ignore[union-attr]
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await _open_browse(pilot)
        await pilot.press("slash", *"s.recall.kl", "enter", "enter")
        await _settle(pilot)
        assert isinstance(app.screen, QuestionScreen)
        text = "\n".join(screen_lines(app))
        assert "state relearning" in text and "lapses 1" in text
        assert "2026-02-22 12:00" in text and "2 Hard" in text
        assert "answer 2026-02-23T12:00" in text
        await pilot.press("t")
        await _settle(pilot)
        assert isinstance(app.screen, CramScreen)
        assert "Is KL divergence symmetric?" in "\n".join(screen_lines(app))
        await pilot.press("enter")  # recall: reveal
        await _settle(pilot)
        await pilot.press("1")
        await _settle(pilot)
        await pilot.press("escape")
        await _settle(pilot)
        assert isinstance(app.screen, QuestionScreen)
        assert "cram" in "\n".join(screen_lines(app))
    conn = sqlite3.connect(history.db_path)
    try:
        last = conn.execute("SELECT rating, cram FROM reviews ORDER BY id DESC LIMIT 1").fetchone()
        due_after = conn.execute(
            "SELECT due FROM cards WHERE question_id = 's.recall.kl'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert last == (1, 1)
    assert due_after == due_before


async def test_c_crams_the_highlighted_topic(history: Workspace) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await _open_browse(pilot)
        await pilot.press("c")  # the cursor is on the first question, of Sample recall
        await _settle(pilot)
        assert isinstance(app.screen, CramScreen)
        session = app.screen.session
        assert session.cram
        counts = session.counts()  # every Sample recall question, due or not
        assert counts.new + counts.learning + counts.review == 4


async def test_settings_screen_saves_checked_values(history: Workspace, isolated: Path) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.action_settings()
        await _settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        box = app.screen.query_one("#set-new_per_day")
        box.value = "7"  # type: ignore[attr-defined]
        box.focus()
        await pilot.press("enter")
        await _settle(pilot)
        assert tomllib.loads((isolated / "config.toml").read_text())["new_per_day"] == 7
        box = app.screen.query_one("#set-desired_retention")
        box.value = "2"  # type: ignore[attr-defined]
        box.focus()
        await pilot.press("enter")
        await _settle(pilot)
        assert tomllib.loads((isolated / "config.toml").read_text())["desired_retention"] == 0.9
