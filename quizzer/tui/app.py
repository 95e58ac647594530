"""The Textual app: opens on the first due question."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from quizzer.workspace import Workspace


class QuizzerApp(App[None]):
    """quizzer's terminal UI."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "quizzer"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark,f1", "help", "Help", key_display="?", priority=True),
        # Not priority: while an answer is typed, letters go to the input.
        Binding("s", "stats", "Stats"),
        Binding("b", "browse", "Browse"),
        Binding("comma", "settings", "Settings", key_display=","),
    ]

    def __init__(
        self,
        workspace: Workspace,
        *,
        topic: str | list[str] | None = None,
        limit: int | None = None,
        seed: int | None = None,
        cram: bool = False,
        fuzz: bool | None = None,
        more_new: int = 0,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.options = {"topic": topic, "limit": limit, "seed": seed, "cram": cram, "fuzz": fuzz}
        self.more_new = more_new

    def on_mount(self) -> None:
        from quizzer.errors import USER_ERRORS
        from quizzer.session import DrillSession
        from quizzer.tui.screens.drill import DrillScreen

        try:
            self.store = self.workspace.store()
            session = DrillSession(
                self.store,
                self.workspace.bank(warn=None),
                self.workspace.settings(),
                **self.options,
            )
        except USER_ERRORS as exc:  # a bad database, bank or config: one line, no traceback
            self.exit(return_code=1, message=f"quizzer: error: {exc}")
            return
        if self.more_new:
            session.study_more_new(self.more_new)
        for error in self.workspace.bank(warn=None).errors:
            self.notify(str(error), title="Bank problem (skipped)", severity="warning")
        self.push_screen(DrillScreen(session))

    def on_unmount(self) -> None:
        if store := getattr(self, "store", None):
            store.close()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette (Ctrl+P): the app's screens besides Textual's own commands."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Stats", "Heatmap, streaks, retention, forecast (s)", self.action_stats)
        yield SystemCommand(
            "Browse", "All questions; history, try, cram a topic (b)", self.action_browse
        )
        yield SystemCommand(
            "Settings", "Retention, daily limits, rollover hour (,)", self.action_settings
        )

    def action_stats(self) -> None:
        """Show the stats screen."""
        from quizzer.tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            ws = self.workspace
            self.push_screen(StatsScreen(self.store, ws.bank(warn=None), ws.settings()))

    def action_browse(self) -> None:
        """Show the browse screen."""
        from quizzer.tui.screens.browse import BrowseScreen

        if not isinstance(self.screen, BrowseScreen):
            ws = self.workspace
            self.push_screen(BrowseScreen(self.store, ws.bank(warn=None), ws.settings()))

    def action_settings(self) -> None:
        """Show the settings screen."""
        from quizzer.tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self.workspace))

    def action_help(self) -> None:
        """Show the keys (or close the help when it is open)."""
        from quizzer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen())
