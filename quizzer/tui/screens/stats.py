"""The stats screen: the same page as ``quizzer stats``, computed off the UI thread."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from quizzer.context import Context
from quizzer.stats.render import stats_page
from quizzer.stats.summary import Stats, compute


class StatsScreen(Screen[None]):
    """Heatmap, streaks, retention by topic, forecast, card states, weakest questions."""

    BINDINGS = [
        Binding("escape,q,s", "app.pop_screen", "Back", key_display="Esc"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-body"):
            yield Static("[dim]computing…[/]", id="stats-page")
        yield Footer()

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
