"""The settings screen: every setting of the config file with a widget of its type (a switch,
a list of hours, checked number boxes), an error under any field that is wrong, and
Save / Cancel. Saved settings apply at once to the running drill."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, Switch

from quizzer.config import DESCRIPTIONS, ConfigError, Settings, save_settings
from quizzer.context import Context
from quizzer.safe_text import clean, text
from quizzer.tui.screens.mode import ModeScreen
from quizzer.tui.widgets.footer import CoalescingFooter

INTEGER_KEYS = (
    "new_per_day",
    "max_reviews_per_day",
    "learn_ahead_minutes",
    "backups_keep",
    "demo_warm_seconds",
)


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(f"{v:.4g}" for v in value)
    return str(value)


def home_relative(path: Path) -> str:
    """``path`` with the home directory written as ``~``."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


PLACEHOLDERS = {
    "fsrs_parameters": "empty: the FSRS defaults",
    "demo_python": "empty: the python quizzer runs with",
}
"""What an empty text field means, shown in it."""


class ConfirmLeave(ModalScreen[str]):
    """Asks what to do with unsaved edits: save, discard, or keep editing."""

    DEFAULT_CSS = """
    ConfirmLeave { align: center middle; }
    #confirm { width: 60; height: auto; border: thick $warning; background: $surface;
               padding: 1 2; }
    #confirm-buttons { height: auto; margin-top: 1; }
    #confirm-buttons Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding(
            "escape",
            "dismiss('stay')",
            "Keep editing",
            id="confirm.stay",
            tooltip="Go back to the settings",
        ),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static("[b]Unsaved changes[/b]\n\nSave them before leaving the settings?")
            with Horizontal(id="confirm-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Discard", id="discard", variant="error")
                yield Button("Keep editing", id="stay")

    @on(Button.Pressed)
    def _answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "stay")


class SettingsScreen(ModeScreen):
    """One typed field per setting; Ctrl+S or Save checks and writes them."""

    DEFAULT_CSS = """
    #settings-body { padding: 0 1; }
    .setting-row { height: auto; }
    .setting-key { width: 22; padding: 0 1 0 0; }
    .setting-row Input, .setting-row Select { width: 1fr; max-width: 60; }
    .setting-row Switch { border: none; height: 1; padding: 0; }
    .setting-help { padding: 0 0 0 22; color: $text-muted; }
    .setting-error { padding: 0 0 0 22; color: $error; display: none; }
    .setting-error.-shown { display: block; }
    #settings-body { height: 1fr; }
    #settings-bar { height: 1; background: $panel; padding: 0 1; }
    #settings-bar Button { margin-right: 2; }
    #settings-state { width: 1fr; }
    """
    BINDINGS = [
        Binding(
            "ctrl+s", "save", "Save", id="settings.save", tooltip="Check and save the settings"
        ),
        Binding(
            "ctrl+r",
            "revert",
            "Cancel edits",
            id="settings.cancel",
            tooltip="Put every field back to the saved value",
        ),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        saved = self.context.settings
        with VerticalScroll(id="settings-body"):
            yield Static(
                Text.assemble(
                    ("Settings", "bold"), "  ", text(home_relative(self.context.config_path), "dim")
                ),
                id="settings-title",
            )
            for key, meaning in DESCRIPTIONS.items():
                with Horizontal(classes="setting-row"):
                    yield Label(key, classes="setting-key")
                    yield self._field(key, getattr(saved, key))
                yield Static(meaning, classes="setting-help")
                yield Static("", id=f"error-{key}", classes="setting-error")
        with Horizontal(id="settings-bar"):
            yield Button("Save", id="save", variant="primary", compact=True)
            yield Button("Cancel", id="cancel", compact=True)
            yield Static("", id="settings-state")
        yield CoalescingFooter()

    @staticmethod
    def _field(key: str, value: object) -> Input | Select[int] | Switch:
        field_id = f"set-{key}"
        if isinstance(value, bool):
            return Switch(value, id=field_id)
        if key == "rollover_hour" and isinstance(value, int):
            hours = [(f"{h:02d}:00", h) for h in range(24)]
            return Select(hours, value=value, allow_blank=False, id=field_id, compact=True)
        if key in INTEGER_KEYS:
            return Input(str(value), type="integer", id=field_id, compact=True)
        if key == "desired_retention":
            return Input(str(value), type="number", id=field_id, compact=True)
        return Input(
            _shown(value), id=field_id, placeholder=PLACEHOLDERS.get(key, ""), compact=True
        )

    def home_widget(self) -> str:
        """The Save button gets the focus when a text box is left."""
        return "#save"

    # -- reading and checking -------------------------------------------------------------

    def _text(self, key: str) -> str:
        widget = self.query_one(f"#set-{key}")
        if isinstance(widget, Switch):
            return "true" if widget.value else "false"
        if isinstance(widget, Select):
            return str(widget.value)
        assert isinstance(widget, Input)
        return widget.value or ("[]" if key == "fsrs_parameters" else "")

    def edited(self) -> tuple[Settings | None, dict[str, str]]:
        """The settings the fields describe (None if any is wrong) and each field's error."""
        settings = self.context.settings
        errors: dict[str, str] = {}
        for key in DESCRIPTIONS:
            try:
                settings = settings.with_value(key, self._text(key))
            except ConfigError as exc:
                errors[key] = str(exc)
        return (None if errors else settings), errors

    def dirty(self) -> bool:
        """Whether any field differs from the saved settings."""
        saved = self.context.settings
        for key in DESCRIPTIONS:
            try:
                value = saved.with_value(key, self._text(key))
            except ConfigError:
                return True
            if getattr(value, key) != getattr(saved, key):
                return True
        return False

    def _show_errors(self) -> bool:
        _, errors = self.edited()
        for key in DESCRIPTIONS:
            box = self.query_one(f"#error-{key}", Static)
            box.update(text(errors.get(key, "")))
            box.set_class(key in errors, "-shown")
        state = self.query_one("#settings-state", Static)
        if errors:
            state.update(f"[red]{len(errors)} field(s) to fix before saving[/]")
        else:
            state.update("[yellow]unsaved changes[/]" if self.dirty() else "")
        return not errors

    @on(Input.Changed)
    @on(Switch.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._show_errors()

    # -- actions --------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> bool:
        """Check every value and write the config file; the running drill uses them at once."""
        if not self._show_errors():
            self.notify("Fix the fields marked in red.", title="Not saved", severity="error")
            return False
        settings, _ = self.edited()
        assert settings is not None
        try:
            save_settings(self.context.config_path, settings)
        except (ConfigError, OSError) as exc:
            self.notify(clean(exc), title="Not saved", severity="error", markup=False)
            return False
        self.context.settings = settings
        session = getattr(self.app, "session", None)
        if session is not None:
            session.reload_settings()
        self._show_errors()
        self.notify(
            clean(f"Saved to {home_relative(self.context.config_path)}."),
            title="Settings",
            markup=False,
        )
        return True

    @on(Button.Pressed, "#cancel")
    def action_revert(self) -> None:
        """Put every field back to the saved settings."""
        saved = self.context.settings
        for key in DESCRIPTIONS:
            widget = self.query_one(f"#set-{key}")
            value = getattr(saved, key)
            if isinstance(widget, Switch | Select):
                widget.value = value
            elif isinstance(widget, Input):
                widget.value = _shown(value)
        self._show_errors()

    def leave(self) -> None:
        """Back to the drill; with unsaved edits, ask first."""
        if not self.dirty():
            super().leave()
            return

        def decided(choice: str | None) -> None:
            if choice == "save" and self.action_save():
                super(SettingsScreen, self).leave()
            elif choice == "discard":
                self.action_revert()
                super(SettingsScreen, self).leave()

        self.app.push_screen(ConfirmLeave(), decided)
