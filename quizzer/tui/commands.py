"""The command palette's provider: every key of the screen in hand, and the app's, by name.

What the palette offers is read from the same bindings as the footer and the help, with the
key shown next to each, so "undo" or "hint" finds the action and teaches its key. Only the
actions that would do something now are listed (the screen's ``check_action`` decides).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from quizzer.tui.keys import declared_bindings, rows


class KeyCommands(Provider):
    """Commands for every binding of the current screen and of the app."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        keymap = getattr(app, "keymap", {})
        found: list[tuple[str, str, Callable[[], object]]] = []
        seen: set[str] = set()
        for node in (self.screen, app):
            bindings = {b.id: b for b in declared_bindings(type(node))}
            for row in rows(type(node), keymap):
                binding = bindings.get(row.binding_id)
                if binding is None or row.binding_id in seen:
                    continue
                seen.add(row.binding_id)
                target, name, params = parse(binding.action)
                owner: DOMNode = app if target == "app" else node
                if owner.check_action(name, params) is False:
                    continue
                help_text = f"{row.keys}  ·  {row.help}" if row.help else row.keys
                found.append((row.description, help_text, partial(_run, node, binding.action)))
        return found

    async def discover(self) -> Hits:
        """Everything, before anything is typed."""
        for text, help_text, command in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands whose name or help matches ``query``."""
        matcher = self.matcher(query)
        for text, help_text, command in self._commands():
            score = max(matcher.match(text), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)


async def _run(node: DOMNode, action: str) -> None:
    await node.app.run_action(action, node)
