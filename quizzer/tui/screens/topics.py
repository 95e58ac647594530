"""The topic picker: which topics this drill takes new and due questions from."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from quizzer.bank.loader import Bank
from quizzer.tui.widgets.footer import CoalescingFooter


class TopicPicker(ModalScreen[tuple[str, ...] | None]):
    """Tick the topics to study, in the order they are introduced; Enter starts."""

    DEFAULT_CSS = """
    TopicPicker { align: center middle; }
    #topic-picker { width: 64; height: auto; max-height: 90%; border: thick $primary;
                    background: $surface; padding: 0 1; }
    #topic-list { height: auto; max-height: 20; }
    """
    BINDINGS = [
        Binding(
            "enter",
            "start",
            "Start",
            priority=True,
            id="topics.start",
            tooltip="Study the ticked topics (Space ticks one); the drill starts again on them",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="topics.cancel",
            tooltip="Close the picker and keep the current topics",
        ),
    ]

    def __init__(self, bank: Bank, chosen: Sequence[str] | None) -> None:
        super().__init__()
        self.bank = bank
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        sizes = {t: len(self.bank.select_topics([t])) for t in self.bank.topics()}
        ticked = set(sizes) if self.chosen is None else self._matching(self.chosen)
        with Vertical(id="topic-picker"):
            yield Label("[b]Topics[/b]")
            yield Static("[dim]New questions come in this order, a few of each topic at a time.[/]")
            yield SelectionList[str](
                *(Selection(f"{escape(t)} ({n})", t, t in ticked) for t, n in sizes.items()),
                id="topic-list",
            )
            yield Static("[dim]Space ticks · Enter starts · Esc keeps the current choice[/]")
        yield CoalescingFooter()

    def _matching(self, names: Sequence[str]) -> set[str]:
        """The bank topics that ``names`` (prefixes allowed, as --topic) select."""
        return {q.topic for q in self.bank.select_topics(names)}

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_start(self) -> None:
        """Study the ticked topics."""
        picked = self.query_one(SelectionList).selected
        if not picked:
            self.notify("Tick at least one topic (Space).", severity="warning")
            return
        self.dismiss(tuple(picked))

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
