"""The stats screen as a person reaches it: the key s (when no answer is being typed) or the
command palette; its figures are the hand-computed ones of test_stats_history.py."""

from __future__ import annotations

import html
import re

from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.stats import StatsScreen
from quizzer.workspace import Workspace

SIZE = (110, 32)


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
    await settle(pilot)

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
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        app.action_mode("stats")
        await _settle(pilot)
        lines = screen_lines(app)
        text = "\n".join(lines)
        print(text)  # the screenshot-as-text (pytest -s shows it)
        # 12 reviews; the drill shows bf16, kl, ce (due) and adamw (new): 4 due today.
        assert re.search(r"12\s+reviews\s+4\s+due today\s+3 d \(best 6\)\s+streak", text)
        assert re.search(r"5\s+cards seen\s+retention\s+80% 7 d\s+78% 30 d\s+70% 365 d", text)
        assert re.search(r"Sample recall\s+100%\s+75%\s+60%\s+5\s+5.6 s", text)
        assert re.search(r"Sample choice\s+67%\s+80%\s+80%\s+5\s+2.0 s", text)
        assert "Due in the next 14 days (4 in all)" in text
        assert re.search(r"■ new 1\s+■ learning 1\s+■ review 3\s+■ relearning 1", text)
        assert re.search(r"s.choice.bf16\s+2", text)
        # everything is on the one screen: the last section's last row is above the footer
        assert "s.recall.ce" in "\n".join(lines[-12:-1])
        # The heatmap is week-aligned: Monday's row ends with today (03-02, two reviews,
        # the busiest day), one column right of every other weekday's row.
        grid = [line[:64].rstrip() for line in lines]  # the heatmap's columns only
        monday = next(i for i, line in enumerate(grid) if line.lstrip().startswith("Mon"))
        assert grid[monday].endswith("■")
        assert len(grid[monday]) == len(grid[monday + 1]) + 2


def test_the_heatmap_legend_is_drawn_in_the_cells_colours() -> None:
    from datetime import date, timedelta

    from rich.console import Console

    from quizzer.tui.widgets.charts import HEAT_COLOURS, Heatmap

    today = date(2026, 3, 4)  # a Wednesday
    days = [(today - timedelta(days=i), i % 5) for i in range(181, -1, -1)]
    console = Console(width=70, color_system="truecolor")
    lines = console.render_lines(Heatmap(days), console.options, pad=False)

    def colours(line: list) -> set[str]:  # type: ignore[type-arg]
        return {str(seg.style.color.name) for seg in line if "■" in seg.text and seg.style}

    grid, legend = lines[1:8], lines[8]
    assert set().union(*(colours(row) for row in grid)) == {c.lower() for c in HEAT_COLOURS}
    assert colours(legend) == {c.lower() for c in HEAT_COLOURS}
    cells = [sum(seg.text.count("■") for seg in row) for row in grid]
    assert cells[:3] == [cells[0]] * 3  # Monday to Wednesday: every week
    assert cells[3:] == [cells[0] - 1] * 4  # Thursday to Sunday: not this week yet
