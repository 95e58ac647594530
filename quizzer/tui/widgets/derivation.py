"""The answer area of a derivation: lines typed on the left, how each is read on the right.

Enter adds a line; Ctrl+Enter (where the terminal reports it) or Ctrl+S submits. While
typing, the column beside the lines shows each line's reading (or why it cannot be read);
after grading it shows ✓ or ✗ before each line.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static, TextArea

from quizzer.check.verdict import LineMark
from quizzer.safe_text import clean


class DerivationLines(TextArea):
    """The lines themselves. ``?`` stays the help key: it is never part of an answer."""

    BINDINGS = [
        Binding("ctrl+enter", "submit", "Check", show=False),
        Binding("ctrl+s", "submit", "Check", key_display="^s"),
    ]

    class Submitted(Message):
        """The person asked to check the derivation."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """Let ``?`` through to the app's help binding."""
        return character != "?" and super().check_consume_key(key, character)

    def action_submit(self) -> None:
        """Post the text for checking."""
        self.post_message(self.Submitted(self.text))


class DerivationInput(Horizontal):
    """The lines and, beside them, one reading (or mark) per line."""

    def compose(self) -> ComposeResult:
        yield DerivationLines(
            id="derivation-lines",
            soft_wrap=False,
            show_line_numbers=True,
            placeholder="one step per line; Enter adds a line, Ctrl+S checks",
        )
        yield Static("", id="derivation-marks")

    @property
    def lines(self) -> DerivationLines:
        """The text area."""
        return self.query_one(DerivationLines)

    def reset(self) -> None:
        """Empty and editable, for a new question."""
        self.lines.disabled = False
        self.lines.text = ""
        self.show_marks(())

    def show_marks(self, marks: tuple[LineMark, ...] | list[LineMark]) -> None:
        """One row per typed line: ✓/✗ once graded, then the reading or why it is unreadable."""
        by_number = {m.number: m for m in marks}
        rows = Text(no_wrap=True, overflow="ellipsis")
        count = max([self.lines.document.line_count, *by_number]) if by_number else 0
        for number in range(1, count + 1):
            mark = by_number.get(number)
            if number > 1:
                rows.append("\n")
            if mark is None:
                continue
            if mark.follows is True:
                rows.append("✓ ", style="bold green")
            elif mark.follows is False:
                rows.append("✗ ", style="bold red")
            if mark.note:
                rows.append(clean(mark.note), style="red")
            else:
                style = "dim" if mark.follows is None else ""
                rows.append(clean(mark.shown or mark.text), style=style)
        self.query_one("#derivation-marks", Static).update(rows)
