"""The Textual app: opens on the first due question.

The drill, stats, browse and settings are Textual *modes*, not a stack of screens: each keeps
its own state while another is shown, one key switches to any of them, and Esc goes back to
the drill. Each mode's screen is built the first time it is shown.
"""

from __future__ import annotations

import sys
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
from quizzer.tui.commands import KeyCommands
from quizzer.workspace import Workspace

if TYPE_CHECKING:
    from quizzer.session import DrillSession
    from quizzer.tui.screens.drill import DrillScreen

MODE_NAMES = ("drill", "stats", "browse", "settings")


class QuizzerApp(App[None]):
    """quizzer's terminal UI."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "quizzer"
    COMMANDS = App.COMMANDS | {KeyCommands}
    BINDINGS = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="quit",
            priority=True,
            tooltip="Quit (every rated review is already saved)",
        ),
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            id="help",
            priority=True,
            tooltip="Show the keys and how to type answers",
        ),
        # Not priority: while an answer is typed, letters go to the answer box.
        Binding(
            "s", "mode('stats')", "Stats", id="stats", tooltip="Stats: heatmap, retention, forecast"
        ),
        Binding(
            "b",
            "mode('browse')",
            "Browse",
            id="browse",
            tooltip="Browse every question: sort, search, preview, cram",
        ),
        Binding(
            "comma",
            "mode('settings')",
            "Settings",
            id="settings",
            tooltip="Settings: retention, daily limits, keys",
        ),
        Binding(
            "ctrl+o",
            "topics",
            "Topics",
            id="topics",
            show=False,
            tooltip="Choose the topics to study (the drill starts again on them)",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="commands",
            show=False,
            priority=True,
            tooltip="Command palette: every action by name, with its key",
        ),
    ]

    def __init__(self, workspace: Workspace, options: DrillOptions | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.options = options or DrillOptions()
        self.context: Context | None = None
        """Opened on mount; None until then, or when opening failed."""
        self.keymap: dict[str, str] = {}
        self.drill: DrillScreen | None = None
        """The drill screen, once the context is open."""

    def on_mount(self) -> None:
        from rich.text import Text

        from quizzer.safe_text import clean
        from quizzer.session import DrillSession

        try:
            self.context = self.workspace.open(warn=None)
            session = DrillSession(self.context, self.options)
        except QuizzerError as exc:  # a bad database, bank or config: one line, no traceback
            self.exit(return_code=exc.exit_code, message=Text(format_error(exc)))
            return
        self.session: DrillSession = session
        self.add_mode("drill", self._drill_screen)
        self.add_mode("stats", self._stats_screen)
        self.add_mode("browse", self._browse_screen)
        self.add_mode("settings", self._settings_screen)
        self.switch_mode("drill")
        self.backup_notice()
        self.apply_keymap(self.context.settings.keymap)
        for error in self.context.bank.errors:
            self.notify(
                clean(error), title="Bank problem (skipped)", severity="warning", markup=False
            )

    def apply_keymap(self, keymap: dict[str, str]) -> None:
        """Use the ``[keymap]`` of the config (binding id → keys); unknown ids are reported."""
        if not keymap and not self.keymap:
            return  # the usual case: no screen module is imported just to check ids
        from quizzer.tui.keys import binding_ids

        known = binding_ids()
        unknown = sorted(set(keymap) - known)
        if unknown:
            self.notify(
                f"[keymap] has no binding {', '.join(unknown)} (see the help for the ids).",
                title="Config",
                severity="warning",
                markup=False,
            )
        self.keymap = {k: v for k, v in keymap.items() if k in known}
        self.set_keymap(self.keymap)

    # -- modes -----------------------------------------------------------------------------

    def _drill_screen(self) -> Screen:
        from quizzer.tui.screens.drill import DrillScreen

        self.drill = DrillScreen(self.session)
        return self.drill

    def _stats_screen(self) -> Screen:
        from quizzer.tui.screens.stats import StatsScreen

        assert self.context is not None
        return StatsScreen(self.context)

    def _browse_screen(self) -> Screen:
        from quizzer.tui.screens.browse import BrowseScreen

        assert self.context is not None
        return BrowseScreen(self.context)

    def _settings_screen(self) -> Screen:
        from quizzer.tui.screens.settings import SettingsScreen

        assert self.context is not None
        return SettingsScreen(self.context)

    def action_mode(self, mode: str) -> None:
        """Show ``mode`` (drill, stats, browse or settings) as it was left."""
        if mode in MODE_NAMES and mode != self.current_mode:
            self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The key of the mode on screen is not offered (it would do nothing), nor are mode
        keys on screens that cover a mode (help)."""
        if action == "mode" and parameters:
            if not getattr(self.screen, "MODE_KEYS", True):
                return False
            return parameters[0] != self.current_mode and bool(self._modes)
        return True

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
        # A warm PyTorch process (only if a demo ran: importing the runner costs time) goes
        # with the app, not with the process, which may have more to do after it.
        warm = sys.modules.get("quizzer.demos.warm")
        if warm is not None:
            warm.shutdown()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, less those that quizzer's keys already give."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command

    def action_topics(self) -> None:
        """Pick the topics to study; the drill starts again on them."""
        from quizzer.tui.screens.topics import TopicPicker

        if self.context is None or self.drill is None or isinstance(self.screen, TopicPicker):
            return
        self.action_mode("drill")
        drill = self.drill
        chosen = drill.session.topics

        def picked(topics: tuple[str, ...] | None) -> None:
            if topics is not None:
                drill.restart(replace(drill.session.options, topic=topics))

        self.push_screen(TopicPicker(self.context.bank, chosen), picked)

    def action_help(self) -> None:
        """Show the keys (or close the help when it is open)."""
        from quizzer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen())
