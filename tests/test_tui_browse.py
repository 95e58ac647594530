"""The browse mode, driven with keys as a person would: the table and its columns, sorting,
the search syntax, the preview of the highlighted question, trying and cramming."""

from __future__ import annotations

import re
import sqlite3

from test_tui_stats import screen_lines

from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.browse import COLUMNS, BrowseScreen, CramScreen, fitting_columns
from quizzer.workspace import Workspace

SIZE = (120, 36)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from conftest import settle

    await settle(pilot)
    await settle(pilot)

    await settle(pilot)


async def _open_browse(pilot) -> BrowseScreen:  # type: ignore[no-untyped-def]
    await _settle(pilot)
    await pilot.press("escape", "b")  # leave the answer box, then b
    await _settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BrowseScreen)
    return screen


async def _try_kl(pilot) -> BrowseScreen:  # type: ignore[no-untyped-def]
    """Open browse, find s.recall.kl and try it (t); the browse screen under the cram drill."""
    screen = await _open_browse(pilot)
    await pilot.press("slash", *"s.recall.kl", "enter")
    await _settle(pilot)
    await pilot.press("t")
    await _settle(pilot)
    return screen


def _ids(screen: BrowseScreen) -> list[str]:
    return [r.question_id for r in screen.rows]


async def test_the_table_shows_every_schedule_column_at_120_columns(history: Workspace) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await _open_browse(pilot)
        header = next(line for line in screen_lines(app) if "question" in line and "due" in line)
        for label in ("topic", "state", "due", "ivl", "laps", "reps", "last", "stab", "diff"):
            assert label in header
        text = "\n".join(screen_lines(app))
        assert "How many exponent bits does" in text  # the prompt, not the id
        assert "relearning" in text and "new" in text


async def test_no_column_is_cut_at_80_columns(history: Workspace) -> None:
    columns, question = fitting_columns(80)
    assert sum(c.width + 2 for c in columns if c.width) + question + 2 <= 80 - 2
    assert [c.key for c in columns][:4] == ["question", "topic", "state", "due"]
    app = QuizzerApp(history)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_browse(pilot)
        header = next(line for line in screen_lines(app) if "question" in line and "due" in line)
        last = columns[-1].label
        assert header.rstrip(" ▲▼▎▊").endswith(last) or last in header
        assert f"{len(COLUMNS) - len(columns)} more columns when wider" in "\n".join(
            screen_lines(app)
        )


async def test_sorting_by_keys_and_reversing(history: Workspace) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_browse(pilot)
        # by due date: the relearning card overdue since 02-25 first, never-seen ones last
        assert _ids(screen)[:2] == ["s.recall.kl", "s.choice.bf16"]
        assert _ids(screen)[-1] == "s.recall.adamw"
        assert "sorted by due (ascending)" in "\n".join(screen_lines(app))
        while screen.sort_key != "lapses":
            await pilot.press("o")
            await _settle(pilot)
        await pilot.press("r")
        await _settle(pilot)
        lapses = [r.lapses for r in screen.rows]
        assert lapses == sorted(lapses, reverse=True) and lapses[0] == 2
        assert "laps ▼" in "\n".join(screen_lines(app))


async def test_search_syntax_filters_by_topic_state_and_words(history: Workspace) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_browse(pilot)
        await pilot.press("slash", *"symmetric")
        await _settle(pilot)
        assert _ids(screen) == ["s.recall.kl"]  # a word of the prompt
        screen.query_one("#search").value = "topic:sample state:relearning"  # type: ignore[attr-defined]
        await _settle(pilot)
        assert _ids(screen) == ["s.recall.kl"]
        screen.query_one("#search").value = 'topic:"sample choice"'  # type: ignore[attr-defined]
        await _settle(pilot)
        assert set(_ids(screen)) == {"s.choice.relu", "s.choice.bf16"}
        screen.query_one("#search").value = "tag:nothing-has-this"  # type: ignore[attr-defined]
        await _settle(pilot)
        assert _ids(screen) == []
        assert "No question matches the search." in "\n".join(screen_lines(app))
        await pilot.press("escape")  # out of the search box, to the table
        await pilot.press("escape")  # and back to the drill
        await _settle(pilot)
        assert app.current_mode == "drill"


async def test_the_preview_shows_prompt_answer_hints_explanation_and_history(
    history: Workspace,
) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=(120, 48)) as pilot:
        screen = await _open_browse(pilot)
        screen.query_one("#search").value = "s.recall.kl"  # type: ignore[attr-defined]
        await _settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "Is KL divergence symmetric?" in text
        assert re.search(r"Hints\s*\n\s*1\. Swap P and Q\.", text)
        assert "D_KL(P‖Q) ≠ D_KL(Q‖P)" in text
        assert "2026-02-23 12:00" in text and "1 Again" in text and "2 Hard" in text
        screen.query_one("#search").value = "bfloat16"  # type: ignore[attr-defined]
        await _settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "Answer" in text and "8" in text.split("Answer")[1].split("Hints")[0]


async def test_trying_a_question_leaves_its_schedule(history: Workspace) -> None:
    with history.store() as store:
        due_before = store.card("s.recall.kl").due  # type: ignore[union-attr]
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _try_kl(pilot)
        assert isinstance(app.screen, CramScreen)
        assert "Is KL divergence symmetric?" in "\n".join(screen_lines(app))
        await pilot.press("enter")  # recall: reveal
        await _settle(pilot)
        await pilot.press("1")
        await _settle(pilot)
        await pilot.press("escape")
        await _settle(pilot)
        assert app.screen is screen
        assert "cram" in "\n".join(screen_lines(app))  # the preview's history has the try
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
        screen = await _open_browse(pilot)
        screen.query_one("#search").value = "topic:sample recall"  # type: ignore[attr-defined]
        await _settle(pilot)
        await pilot.press("c")
        await _settle(pilot)
        assert isinstance(app.screen, CramScreen)
        session = app.screen.session
        assert session.cram
        counts = session.counts()  # every Sample recall question, due or not
        assert counts.new + counts.learning + counts.review == 4


async def test_the_preview_lists_the_options_in_the_drills_order_and_letters_the_answer(
    history: Workspace,
) -> None:
    """The answer's letter was that of the bank's order while a drill shuffles the options:
    the preview showed "b) 8" for options it never listed."""
    from quizzer.session import DrillSession
    from quizzer.tui.screens.browse import PREVIEW_SEED

    app = QuizzerApp(history)
    async with app.run_test(size=(120, 48)) as pilot:
        screen = await _open_browse(pilot)
        question = app.context.bank.questions["s.choice.bf16"]  # type: ignore[union-attr]
        shown = DrillSession.exercise(question, PREVIEW_SEED).options
        assert shown != ["5", "8", "10", "11"]  # the seed shuffles them, so the test can fail
        screen.query_one("#search").value = "bfloat16"  # type: ignore[attr-defined]
        await _settle(pilot)
        text = "\n".join(screen_lines(app))
        listed = re.findall(r"^\s*([a-d])\) (\d+)\s*$", text.split("Answer")[0], flags=re.M)
        assert listed == [("abcd"[i], option) for i, option in enumerate(shown)]
        letter = "abcd"[shown.index("8")]
        assert re.search(rf"Answer\s*\n\s*{letter}\) 8", text)


async def test_results_that_come_back_after_a_cram_drill_closed_are_dropped(
    history: Workspace,
) -> None:
    """A preview read in a thread can come back after its cram drill was closed: showing it
    raised NoMatches in that thread, which killed the preview loop and left every later
    preview (and the tests waiting for them) pending for ever."""
    from rich.text import Text

    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _try_kl(pilot)
        cram = app.screen
        assert isinstance(cram, CramScreen)
        exercise = cram.session.current
        await pilot.press("escape", "escape")  # leave the answer box, then the cram drill
        await _settle(pilot)
        assert app.screen is screen and not cram.is_attached
        cram._show_preview(exercise, "late")  # type: ignore[arg-type]
        cram._show_plot(exercise, Text("late"))  # type: ignore[arg-type]
        cram._show_readings(exercise, "late", ())  # type: ignore[arg-type]
