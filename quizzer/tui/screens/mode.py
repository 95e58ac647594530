"""What the stats, browse and settings modes share: Esc leaves a text box, then the mode."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input


class ModeScreen(Screen[None]):
    """A mode's screen. Esc in a text box leaves the box; Esc again goes back to the drill."""

    BINDINGS = [
        Binding(
            "escape",
            "back",
            "Drill",
            id="back",
            tooltip="Back to the drill (in a text box: leave the box first)",
        ),
    ]

    def home_widget(self) -> str | None:
        """The selector of the widget that gets the focus when a text box is left."""
        return None

    def action_back(self) -> None:
        """Leave the text box in focus, or go back to the drill."""
        if isinstance(self.focused, Input):
            home = self.home_widget()
            if home is not None:
                self.query_one(home).focus()
            else:
                self.set_focus(None)
            return
        self.leave()

    def leave(self) -> None:
        """Go back to the drill (a screen with unsaved edits asks first)."""
        self.app.switch_mode("drill")
