"""A footer that redraws once per burst of binding changes, in the same frame as them.

Textual's Footer recomposes on every ``bindings_updated`` signal, each time after the next
refresh. Showing a question changes focus, enabled keys and visibility several times in one
go (7 recomposes before the first paint, ~30 ms each), and waiting for a refresh means the
screen is painted first with the old keys: an empty footer on the first paint, the previous
question's keys beside a new verdict. Here the signals of one burst are coalesced into one
recompose that runs before the screen is painted again.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

COMPACT_BELOW = 100
"""Narrower than this many columns, the keys are drawn without padding, so more fit."""


class CoalescingFooter(Footer):
    """Textual's Footer, recomposed at most once per refresh; compact on narrow terminals."""

    _pending = False

    def on_resize(self) -> None:
        self.compact = self.size.width < COMPACT_BELOW

    def bindings_changed(self, screen: Screen) -> None:
        """Note the change; the footer is rebuilt once, after the current burst."""
        self._bindings_ready = True  # Footer composes nothing until the first signal
        if not self._pending:
            self._pending = True
            self.call_later(self._apply, screen)

    async def _apply(self, screen: Screen) -> None:
        self._pending = False
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            await self.recompose()
