"""A footer that redraws once per burst of binding changes.

Textual's Footer recomposes on every ``bindings_updated`` signal. Showing a question changes
focus, enabled keys and visibility several times in one go (7 recomposes before the first
paint, ~30 ms each), so the signals are coalesced into one recompose per refresh.
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
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._apply, screen)

    def _apply(self, screen: Screen) -> None:
        self._pending = False
        super().bindings_changed(screen)
