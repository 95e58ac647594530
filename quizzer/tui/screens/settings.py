"""The settings screen: every setting of the config file, edited in place."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from quizzer.config import DESCRIPTIONS, ConfigError, Settings, save_settings
from quizzer.context import Context
from quizzer.safe_text import clean, text


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(f"{v:.4g}" for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)


class SettingsScreen(Screen[None]):
    """One input per setting; Enter or Ctrl+S saves (checked first), Escape goes back."""

    DEFAULT_CSS = """
    .setting-row { height: auto; }
    .setting-key { width: 22; padding: 1 1 0 1; }
    .setting-row Input { width: 1fr; }
    .setting-help { padding: 0 0 0 23; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", key_display="Esc"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        settings = self.context.settings
        with VerticalScroll(id="settings-body"):
            yield Static(
                Text.assemble(("Settings", "bold"), "  ", text(self.context.config_path, "dim"))
            )
            for key, meaning in DESCRIPTIONS.items():
                with Horizontal(classes="setting-row"):
                    yield Label(key, classes="setting-key")
                    yield Input(_shown(getattr(settings, key)), id=f"set-{key}")
                yield Static(f"[dim]{meaning}[/]", classes="setting-help")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Check every value and write the config file; the first bad value is reported."""
        settings: Settings = self.context.settings
        try:
            for key in DESCRIPTIONS:
                text = self.query_one(f"#set-{key}", Input).value
                settings = settings.with_value(key, text)
            save_settings(self.context.config_path, settings)
        except (ConfigError, OSError) as exc:
            self.notify(clean(exc), title="Not saved", severity="error", markup=False)
            return
        self.context.settings = settings
        self.notify(
            clean(f"Saved to {self.context.config_path}. New sessions use them."),
            title="Settings",
            markup=False,
        )
