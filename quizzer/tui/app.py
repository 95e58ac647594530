"""The Textual app: opens on the first due question."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from quizzer.context import Context, DrillOptions
from quizzer.errors import QuizzerError, format_error
from quizzer.workspace import Workspace

if TYPE_CHECKING:
    from quizzer.tui.screens.drill import DrillScreen


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

    def __init__(self, workspace: Workspace, options: DrillOptions | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.options = options or DrillOptions()
        self.context: Context | None = None
        """Opened on mount; None until then, or when opening failed."""
        self.drill: DrillScreen | None = None
        """The drill screen, once the context is open."""

    def on_mount(self) -> None:
        from rich.text import Text

        from quizzer.safe_text import clean
        from quizzer.session import DrillSession
        from quizzer.tui.screens.drill import DrillScreen

        try:
            self.context = self.workspace.open(warn=None)
            session = DrillSession(self.context, self.options)
        except QuizzerError as exc:  # a bad database, bank or config: one line, no traceback
            self.exit(return_code=exc.exit_code, message=Text(format_error(exc)))
            return
        for error in self.context.bank.errors:
            self.notify(
                clean(error), title="Bank problem (skipped)", severity="warning", markup=False
            )
        self.drill = DrillScreen(session)
        self.push_screen(self.drill)
        self.backup_notice()

    @work(thread=True, group="backup-notice")
    def backup_notice(self) -> None:
        """Once today's automatic backup has run, say so if it found the database damaged
        (the notice names the newest good backup; it is shown once)."""
        from quizzer.safe_text import clean
        from quizzer.store.backup import pending_notice, wait_daily

        if self.context is None:
            return
        path = self.context.store.path
        wait_daily(path)
        if (notice := pending_notice(path)) is not None:
            self.call_from_thread(
                self.notify,
                clean(notice),
                title="Database damaged",
                severity="error",
                timeout=60,
                markup=False,
            )

    def on_unmount(self) -> None:
        if self.context is not None:
            self.context.close()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette (Ctrl+P): the app's screens besides Textual's own commands."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Stats", "Heatmap, streaks, retention, forecast (s)", self.action_stats)
        yield SystemCommand(
            "Browse", "All questions; history, try, cram a topic (b)", self.action_browse
        )
        yield SystemCommand("Topics", "Choose the topics to study", self.action_topics)
        yield SystemCommand(
            "Settings", "Retention, daily limits, rollover hour (,)", self.action_settings
        )

    def action_stats(self) -> None:
        """Show the stats screen."""
        from quizzer.tui.screens.stats import StatsScreen

        if self.context is not None and not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen(self.context))

    def action_browse(self) -> None:
        """Show the browse screen."""
        from quizzer.tui.screens.browse import BrowseScreen

        if self.context is not None and not isinstance(self.screen, BrowseScreen):
            self.push_screen(BrowseScreen(self.context))

    def action_settings(self) -> None:
        """Show the settings screen."""
        from quizzer.tui.screens.settings import SettingsScreen

        if self.context is not None and not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self.context))

    def action_topics(self) -> None:
        """Pick the topics to study; the drill starts again on them."""
        from quizzer.tui.screens.topics import TopicPicker

        if self.context is None or self.drill is None or isinstance(self.screen, TopicPicker):
            return
        drill = self.drill
        chosen = drill.session.topics

        def picked(topics: tuple[str, ...] | None) -> None:
            if topics is not None:
                drill.restart(replace(drill.session.options, topic=topics))

        self.push_screen(TopicPicker(self.context.bank, chosen, first_run=False), picked)

    def action_help(self) -> None:
        """Show the keys (or close the help when it is open)."""
        from quizzer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen())
