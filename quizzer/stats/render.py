"""The stats page as rich renderables: shared by ``quizzer stats`` and the TUI stats screen."""

from __future__ import annotations

import math
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizzer.safe_text import text
from quizzer.stats.summary import WINDOWS, Stats

HEAT_LEVELS = ("·", "░", "▒", "▓", "█")
HEAT_STYLES = ("grey42", "green4", "green3", "green1", "bold bright_green")
SPARK = "▁▂▃▄▅▆▇█"
SPARK_DAYS = 30
BAR_WIDTH = 30
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def heatmap(daily: list[dict[str, object]]) -> Text:
    """A GitHub-style grid: one column per week (Monday on top), darker = more reviews."""
    days = [(date.fromisoformat(str(d["date"])), int(str(d["reviews"]))) for d in daily]
    top = max((n for _, n in days), default=0)
    first = days[0][0]
    offset = first.weekday()
    weeks = math.ceil((offset + len(days)) / 7)
    grid = [[" "] * weeks for _ in range(7)]
    styles = [[""] * weeks for _ in range(7)]
    for i, (_, n) in enumerate(days):
        col, row = divmod(offset + i, 7)
        level = 0 if not n else max(1, math.ceil(4 * n / top))
        grid[row][col] = HEAT_LEVELS[level]
        styles[row][col] = HEAT_STYLES[level]
    text = Text()
    months = [" "] * weeks
    for col in range(weeks):
        monday = first.toordinal() - offset + 7 * col
        day = date.fromordinal(monday)
        if day.day <= 7 and col + 3 <= weeks:
            months[col : col + 3] = list(day.strftime("%b"))
    text.append("    " + "".join(months) + "\n", style="dim")
    for row in range(7):
        text.append(f"{WEEKDAYS[row]:<4}", style="dim")
        for col in range(weeks):
            text.append(grid[row][col], style=styles[row][col])
        text.append("\n")
    text.append(f"    less {''.join(HEAT_LEVELS)} more (max {top}/day)", style="dim")
    return text


def sparkline(values: list[int]) -> str:
    """One character per value, ▁ (zero) to █ (the largest)."""
    top = max(values, default=0)
    if not top:
        return SPARK[0] * len(values)
    steps = len(SPARK) - 1
    return "".join(SPARK[min(steps, math.ceil(steps * v / top))] for v in values)


def forecast_chart(forecast: list[dict[str, object]]) -> Table:
    """Reviews due on each coming day as horizontal bars (today includes overdue)."""
    top = max((int(str(f["due"])) for f in forecast), default=0)
    table = Table(box=None, show_header=False, pad_edge=False)
    for i, f in enumerate(forecast):
        n = int(str(f["due"]))
        day = date.fromisoformat(str(f["date"]))
        label = "today" if i == 0 else day.strftime("%a %d")
        bar = "█" * (round(BAR_WIDTH * n / top) if top else 0)
        table.add_row(label, Text(bar, style="cyan"), str(n))
    return table


def headline(stats: Stats) -> Table:
    """Totals, streaks and overall retention."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_row("Reviews", f"{stats.reviews_total}", "Due today", f"{stats.due_today}")
    table.add_row(
        "Streak", f"{stats.streak_days} d", "Longest streak", f"{stats.longest_streak_days} d"
    )
    table.add_row(
        "Cards seen",
        f"{stats.cards_seen}",
        "Retention 7/30/365 d",
        " / ".join(_percent(stats.retention[f"{d}d"]) for d in WINDOWS),
    )
    return table


def topics_table(stats: Stats) -> Table:
    """Retention per topic over each window, and the average answer time."""
    table = Table("Topic", *(f"{d} d" for d in WINDOWS), "reviews", "avg time", box=None)
    for t in stats.by_topic:
        table.add_row(
            text(t.topic),
            *(_percent(t.retention[f"{d}d"]) for d in WINDOWS),
            str(t.reviews[f"{WINDOWS[-1]}d"]),
            "—" if t.avg_answer_s is None else f"{t.avg_answer_s:.1f} s",
        )
    return table


def states_and_weakest(stats: Stats) -> Table:
    """Cards per state, and the questions that lapsed most."""
    states = Table("State", "cards", box=None)
    for name, n in stats.states.items():
        states.add_row(name, str(n))
    weakest = Table("Weakest question", "lapses", box=None)
    for w in stats.weakest:
        weakest.add_row(text(w.question_id), str(w.lapses))
    if not stats.weakest:
        weakest.add_row("[dim]no lapses yet[/]", "")
    grid = Table.grid(padding=(0, 4))
    grid.add_row(states, weakest)
    return grid


def stats_page(stats: Stats) -> RenderableType:
    """Every section of the stats page, top to bottom."""
    recent = [int(str(d["reviews"])) for d in stats.daily[-SPARK_DAYS:]]
    return Group(
        Text(f"Stats for {stats.today}", style="bold"),
        headline(stats),
        Text(""),
        Text(f"Reviews, last {len(stats.daily) // 7} weeks", style="bold"),
        heatmap(stats.daily),
        Text(""),
        Text.assemble(
            (f"Reviews per day, last {SPARK_DAYS} days  ", "bold"),
            (sparkline(recent), "green"),
            f"  (today {recent[-1] if recent else 0})",
        ),
        Text(""),
        Text("Retention by topic", style="bold"),
        topics_table(stats),
        Text(""),
        Text(f"Due in the next {len(stats.forecast)} days", style="bold"),
        forecast_chart(stats.forecast),
        Text(""),
        states_and_weakest(stats),
    )
