"""The stats screen: the same page as ``quizzer stats``, computed off the UI thread."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from quizzer.context import Context
from quizzer.stats.render import stats_page
from quizzer.stats.summary import Stats, compute
from quizzer.tui.screens.mode import ModeScreen
from quizzer.tui.widgets.footer import CoalescingFooter


class StatsScreen(ModeScreen):
    """Heatmap, streaks, retention by topic, forecast, card states, weakest questions."""

    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="stats.refresh", tooltip="Recompute every figure"),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-body"):
            yield Static("[dim]computing…[/]", id="stats-page")
        yield CoalescingFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        """Recompute every figure."""
        self.load()

    @work(thread=True, exclusive=True, group="stats")
    def load(self) -> None:
        """Compute the stats in a thread: a long history takes a moment."""
        ctx = self.context
        stats = compute(ctx.store, ctx.bank, ctx.clock(), ctx.settings)
        self.app.call_from_thread(self._show, stats)

    def _show(self, stats: Stats) -> None:
        self.query_one("#stats-page", Static).update(stats_page(stats))
