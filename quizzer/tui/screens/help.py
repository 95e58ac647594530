"""The help screen: every key, in one place."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# quizzer keys

| key | what it does |
|---|---|
| type, then **Enter** | check your answer (empty = show the solution) |
| **Enter** · **Ctrl+S** | in a derivation: add a line · check all lines |
| **1 2 3 4** | rate: Again · Hard · Good · Easy |
| **Enter** (after checking) | accept the suggested rating |
| **Ctrl+T** | show a hint (a correct answer after a hint suggests Hard) |
| **Ctrl+Z** | undo the last review exactly |
| **d** | after checking: run the PyTorch demo (Esc cancels) |
| **a** | study ahead when nothing is due |
| **s** · **b** · **,** | stats · browse and cram · settings (when not typing an answer) |
| **?** or **F1** | this help |
| **Ctrl+Q** | quit (every rated review is already saved) |

Answers: `^` is power, `2x` is 2·x, `ln`/`log` are natural logs, `σ(x)`, `Φ(x)`,
`1 if x > 0 else 0`, `x > 0` (0/1), `d/dx x^2` or `diff(x^2, x)`. Choices: a letter, a
number, or `a, c`. Derivations: one step per line, each equal to the line before.
"""


class HelpScreen(ModalScreen[None]):
    """Modal help; any of Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", key_display="Esc"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Markdown(HELP)
