"""The stats screen as a person reaches it: the key s (when no answer is being typed) or the
command palette; its figures are the hand-computed ones of test_stats_history.py."""

from __future__ import annotations

import html
import re

from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.stats import StatsScreen
from quizzer.workspace import Workspace

SIZE = (110, 32)
TALL = (110, 72)  # the whole page, for the screenshot-as-text


def screen_lines(app: QuizzerApp) -> list[str]:
    """The screen as text, one string per terminal row, each span at its column."""
    svg = app.export_screenshot()
    cells = 12.2  # the SVG's pixels per character
    rows: dict[int, list[str]] = {}
    spans = re.findall(
        r'<text[^>]*\bx="([\d.]+)"[^>]*line-(\d+)\)"[^>]*>(.*?)</text>', svg, flags=re.S
    )
    for x, row, text in spans:
        line = rows.setdefault(int(row), [" "] * app.size.width)
        for i, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            col = round(float(x) / cells) + i
            if col < len(line):
                line[col] = char
    return ["".join(rows.get(r, [])).rstrip() for r in range(app.size.height)]


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from conftest import settle

    await settle(pilot)


async def test_s_while_typing_an_answer_types_it(history: Workspace) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("s")
        await _settle(pilot)
        assert not isinstance(app.screen, StatsScreen)
        assert app.screen.query_one("#answer").value == "s"  # type: ignore[attr-defined]


async def test_s_after_grading_opens_stats_and_escape_returns(history: Workspace) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("enter")  # empty answer: the solution is shown, the input let go
        await _settle(pilot)
        await pilot.press("s")
        await _settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        text = "\n".join(screen_lines(app))
        assert "Stats for 2026-03-02" in text
        await pilot.press("escape")
        await _settle(pilot)
        assert not isinstance(app.screen, StatsScreen)


async def test_command_palette_opens_stats(history: Workspace) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("ctrl+p")
        await _settle(pilot)
        await pilot.press(*"stats")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, StatsScreen)


async def test_stats_screen_shows_the_hand_computed_figures(history: Workspace) -> None:
    app = QuizzerApp(history)
    async with app.run_test(size=TALL) as pilot:
        await _settle(pilot)
        app.action_stats()
        await _settle(pilot)
        lines = screen_lines(app)
        text = "\n".join(lines)
        print(text)  # the screenshot-as-text (pytest -s shows it)
        # 12 reviews; the drill shows bf16, kl, ce (due) and adamw (new): 4 due today.
        assert re.search(r"Reviews\s+12\s+Due today\s+4", text)
        assert re.search(r"Streak\s+3 d\s+Longest streak\s+6 d", text)
        assert re.search(r"Cards seen\s+5\s+Retention 7/30/365 d\s+80% / 78% / 70%", text)
        assert re.search(r"Sample recall\s+100%\s+75%\s+60%\s+5\s+5.6 s", text)
        assert re.search(r"Sample choice\s+67%\s+80%\s+80%\s+5\s+2.0 s", text)
        assert re.search(r"today\s+█+\s+3", text)
        assert re.search(r"Thu 05\s+█+\s+1", text)
        assert re.search(r"new\s+1\s+s.choice.bf16\s+2", text)
        assert re.search(r"relearning\s+1", text)
        # The busiest day (03-02, two reviews) is the darkest block, on Monday's row.
        monday = next(line for line in lines if line.lstrip("│ ").startswith("Mon"))
        assert monday.rstrip(" │").endswith("█")
