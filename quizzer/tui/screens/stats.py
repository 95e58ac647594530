"""The stats mode: headline figures, then coloured charts that fill the width (the review
heatmap, the forecast, reviews per day, retention week by week, cards per state) and the
topics and weakest questions, all on one screen at 120×36. Computed off the UI thread."""

from __future__ import annotations

from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from quizzer.context import Context
from quizzer.safe_text import text
from quizzer.stats.summary import WINDOWS, Stats, compute
from quizzer.tui.screens.mode import ModeScreen
from quizzer.tui.widgets.charts import (
    STATE_COLOURS,
    Bars,
    Heatmap,
    StackedBar,
    retention_colour,
)
from quizzer.tui.widgets.footer import CoalescingFooter

PER_DAY = 30
NARROW_BELOW = 110
"""Narrower than this, the charts stack in one column instead of two."""


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _title(text: str) -> Text:
    return Text(text, style="bold #5fafff")


def headline(stats: Stats, target: float) -> Text:
    """The figures a person looks for first, in one line of coloured tiles."""
    tiles = [
        ("reviews", str(stats.reviews_total), "#5fafff"),
        ("due today", str(stats.due_today), "#ff8700" if stats.due_today else "#39d353"),
        ("streak", f"{stats.streak_days} d (best {stats.longest_streak_days})", "#d7af00"),
        ("cards seen", str(stats.cards_seen), "#5fafff"),
    ]
    text = Text()
    for name, value, colour in tiles:
        text.append(f" {value} ", style=f"bold {colour} reverse")
        text.append(f" {name}   ")
    text.append("retention  ")
    for i, w in enumerate(WINDOWS):
        rate = stats.retention.get(f"{w}d")
        colour = "dim" if rate is None else retention_colour(rate, target)
        text.append(_percent(rate), style=f"bold {colour}")
        text.append(f" {w} d" + ("  " if i < len(WINDOWS) - 1 else ""), style="dim")
    return text


def topics_table(stats: Stats, target: float) -> Table:
    """Retention per topic and window, coloured against the target, with answer times."""
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    table.add_column("topic", ratio=3, no_wrap=True, overflow="ellipsis", min_width=28)
    for w in WINDOWS:
        table.add_column(f"{w} d", justify="right")
    table.add_column("reviews", justify="right")
    table.add_column("avg", justify="right")
    for t in stats.by_topic:
        cells: list[RenderableType] = [text(t.topic)]
        for w in WINDOWS:
            value = t.retention.get(f"{w}d")
            colour = "dim" if value is None else retention_colour(value, target)
            cells.append(Text(_percent(value), style=colour))
        cells += [str(t.reviews.get(f"{WINDOWS[-1]}d", 0)), f"{t.avg_answer_s or 0:.1f} s"]
        table.add_row(*cells)
    if not stats.by_topic:
        table.add_row(Text("no reviews yet", style="dim"), *[""] * (len(WINDOWS) + 2))
    return table


def weakest_table(stats: Stats) -> Table:
    """The questions lapsed most often."""
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    table.add_column("question", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("lapses", justify="right")
    for w in stats.weakest:
        table.add_row(text(w.question_id), Text(str(w.lapses), style="#ff5f5f" if w.lapses else ""))
    if not stats.weakest:
        table.add_row(Text("no lapses", style="dim"), "")
    return table


def _short(day: str) -> str:
    return date.fromisoformat(day).strftime("%d")


class StatsScreen(ModeScreen):
    """Every figure of ``quizzer stats``, drawn as charts."""

    DEFAULT_CSS = """
    StatsScreen #stats-body { padding: 0 1; }
    StatsScreen #stats-head { height: auto; margin-bottom: 1; }
    StatsScreen .stats-row { height: auto; }
    StatsScreen .stats-row > Static { width: 1fr; height: auto; margin-right: 2; }
    StatsScreen #heatmap { width: 62; }
    StatsScreen.-narrow .stats-row { layout: vertical; }
    StatsScreen.-narrow .stats-row > Static { width: 1fr; margin: 0 0 1 0; }
    """
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="stats.refresh", tooltip="Recompute every figure"),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-body"):
            yield Static("[dim]computing…[/]", id="stats-head")
            with Horizontal(classes="stats-row"):
                yield Static("", id="heatmap")
                yield Static("", id="forecast")
            with Horizontal(classes="stats-row"):
                yield Static("", id="per-day")
                yield Static("", id="retention")
            with Horizontal(classes="stats-row"):
                yield Static("", id="topics")
                yield Static("", id="states")
        yield CoalescingFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.load()  # reviews may have been added in the drill meanwhile

    def action_refresh(self) -> None:
        """Recompute every figure."""
        self.load()

    @work(thread=True, exclusive=True, group="stats")
    def load(self) -> None:
        """Compute the stats in a thread: a long history takes a moment."""
        c = self.context
        with c.store.reading() as store:
            stats = compute(store, c.bank, c.clock(), c.settings)
        self.app.call_from_thread(self._show, stats)

    def _show(self, stats: Stats) -> None:
        target = self.context.settings.desired_retention
        self.query_one("#stats-head", Static).update(
            Group(Text(f"Stats for {stats.today}", style="bold"), headline(stats, target))
        )
        days = [(date.fromisoformat(str(d["date"])), int(str(d["reviews"]))) for d in stats.daily]
        self.query_one("#heatmap", Static).update(
            Group(_title("Reviews, last 26 weeks"), Heatmap(days))
        )
        forecast = [int(str(f["due"])) for f in stats.forecast]
        labels = ["now"] + [_short(str(f["date"])) for f in stats.forecast[1:]]
        self.query_one("#forecast", Static).update(
            Group(
                _title(f"Due in the next {len(forecast)} days ({sum(forecast)} in all)"),
                Bars(forecast, labels, height=7, colour="#ff8700", show_values=True),
            )
        )
        recent = days[-PER_DAY:]
        self.query_one("#per-day", Static).update(
            Group(
                _title(f"Reviews per day, last {PER_DAY} days"),
                Bars(
                    [n for _, n in recent],
                    [d.strftime("%d") for d, _ in recent],
                    height=6,
                    colour="#5fafff",
                ),
            )
        )
        weeks = stats.weekly
        self.query_one("#retention", Static).update(
            Group(
                _title(f"Retention week by week (target {target:.0%})"),
                Bars(
                    [w["retention"] for w in weeks],  # type: ignore[misc]
                    [date.fromisoformat(str(w["week"])).strftime("%b %d") for w in weeks],
                    height=6,
                    top=1.0,
                    colour=lambda v: retention_colour(v, target),
                    fmt=lambda v: f"{v:.0%}",
                ),
            )
        )
        self.query_one("#topics", Static).update(
            Group(_title("Retention by topic"), topics_table(stats, target))
        )
        self.query_one("#states", Static).update(
            Group(
                _title("Cards by state"),
                StackedBar(stats.states, STATE_COLOURS),
                Text(""),
                _title("Most lapses"),
                weakest_table(stats),
            )
        )
