"""Coloured charts for the stats mode, drawn with block characters as Rich renderables that
fill whatever width they are given: vertical bars, a week-aligned heatmap, a stacked bar."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

EIGHTHS = " ▁▂▃▄▅▆▇█"
HEAT_COLOURS = ("#2d333b", "#0e4429", "#006d32", "#26a641", "#39d353")
"""Empty to busiest day: GitHub's contribution greens, readable on dark and light themes."""
STATE_COLOURS = {
    "new": "#5fafff",
    "learning": "#ff8700",
    "review": "#39d353",
    "relearning": "#ff5f5f",
}
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def retention_colour(value: float, target: float) -> str:
    """Green at or above the target retention, yellow within 10 points, red below."""
    if value >= target:
        return "#39d353"
    return "#d7af00" if value >= target - 0.1 else "#ff5f5f"


@dataclass
class Bars:
    """A vertical bar chart: one bar per value, as wide as the space allows, with the
    largest value on the axis and a label under every few bars."""

    values: Sequence[float | None]
    labels: Sequence[str]
    height: int = 6
    colour: str | Callable[[float], str] = "#5fafff"
    top: float | None = None
    """The value of a full bar (default: the largest value)."""
    show_values: bool = False
    """Print each bar's value above it (when the bars are wide enough)."""
    fmt: Callable[[float], str] = lambda v: f"{v:g}"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        values = list(self.values)
        top = self.top or max((v for v in values if v), default=0) or 1
        axis = max(len(self.fmt(top)), 1) + 1
        n = max(len(values), 1)
        slot = max(1, (width - axis) // n)
        bar = max(1, slot - 1) if slot >= 3 else slot
        dim = Style(dim=True)
        for row in range(self.height, 0, -1):
            label = self.fmt(top) if row == self.height else "0" if row == 1 else ""
            yield Segment(label.rjust(axis - 1) + ("┤" if label else "│"), dim)
            for v in values:
                cell = " "
                if v:
                    eighths = round(v / top * self.height * 8) - (row - 1) * 8
                    cell = EIGHTHS[max(0, min(8, eighths))]
                    if cell == " " and row == 1:
                        cell = "▁"  # a non-zero value is never invisible
                if callable(self.colour):
                    colour = self.colour(v) if v is not None else "default"
                else:
                    colour = self.colour
                yield Segment(cell * bar, Style(color=colour))
                yield Segment(" " * (slot - bar))
            yield Segment.line()
        if self.show_values and slot >= 3:
            yield Segment(" " * axis)
            for v in values:
                text = "" if v is None else self.fmt(v)
                yield Segment(text[:slot].center(slot), dim)
            yield Segment.line()
        # a label every few bars, with a space between neighbours
        every = max(1, math.ceil((max((len(s) for s in self.labels), default=1) + 1) / slot))
        line = [" "] * (axis + slot * n)
        for i, label in enumerate(self.labels):
            if i % every == 0 and label:
                start = axis + i * slot
                for j, ch in enumerate(label):
                    if start + j < len(line):
                        line[start + j] = ch
        yield Segment("".join(line)[:width].rstrip(), dim)
        yield Segment.line()


def heat_level(n: int, top: int) -> int:
    """0 for no reviews, else 1-4 in proportion to the busiest day."""
    return 0 if not n else max(1, math.ceil(4 * n / max(top, 1)))


@dataclass
class Heatmap:
    """Reviews per day, one column per week from Monday to Sunday (whole weeks only), and a
    legend drawn in the cells' own colours."""

    days: Sequence[tuple[date, int]]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.days:
            return
        today = self.days[-1][0]
        counts = dict(self.days)
        top = max(counts.values(), default=0)
        this_monday = today - timedelta(days=today.weekday())
        first = self.days[0][0]
        first_monday = first + timedelta(days=(7 - first.weekday()) % 7)
        weeks = (this_monday - first_monday).days // 7 + 1
        cell = 2 if (options.max_width - 4) >= weeks * 2 else 1
        weeks = min(weeks, (options.max_width - 4) // cell)
        start = this_monday - timedelta(weeks=weeks - 1)
        months = [" "] * (weeks * cell)
        for w in range(weeks):
            monday = start + timedelta(weeks=w)
            if monday.day <= 7 and w * cell + 3 <= len(months):
                months[w * cell : w * cell + 3] = list(monday.strftime("%b"))
        yield Text("    " + "".join(months), style="dim")
        for weekday in range(7):
            line = Text(f"{WEEKDAYS[weekday]:<4}", style="dim")
            for w in range(weeks):
                day = start + timedelta(weeks=w, days=weekday)
                if day > today:
                    line.append(" " * cell)
                    continue
                colour = HEAT_COLOURS[heat_level(counts.get(day, 0), top)]
                line.append("■" + " " * (cell - 1), style=colour)
            yield line
        legend = Text("    less ", style="dim")
        for colour in HEAT_COLOURS:
            legend.append("■ ", style=colour)
        legend.append(f"more   (busiest day: {top} reviews)", style="dim")
        yield legend


@dataclass
class StackedBar:
    """One full-width bar split in proportion to ``parts``, with a legend of counts."""

    parts: dict[str, int]
    colours: dict[str, str]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        total = sum(self.parts.values()) or 1
        bar = Text()
        used = 0
        items = [(k, v) for k, v in self.parts.items() if v]
        for i, (name, n) in enumerate(items):
            cells = width - used if i == len(items) - 1 else max(1, round(n / total * width))
            bar.append("█" * cells, style=self.colours.get(name, "white"))
            used += cells
        yield bar
        legend = Text()
        for name, n in self.parts.items():
            legend.append("■ ", style=self.colours.get(name, "white"))
            legend.append(f"{name} {n}  ")
        yield legend
