"""The help screen: how to type answers, then every key, made from the bindings themselves."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from quizzer.tui.widgets.footer import CoalescingFooter

ANSWER_SYNTAX = [
    ("x^2, x**2, x²", "power"),
    ("2x, 2·x, 2*x", "product (a number before a name multiplies)"),
    ("ln(x), log(x), log10, log2", "ln and log are natural logs"),
    ("sqrt, √, exp, tanh, erf, abs", "functions; e and pi (π) are constants"),
    ("sigmoid(x), σ(x), relu(x)", "activation functions"),
    ("Phi(x), Φ(x)", "standard normal CDF"),
    ("step(x), Heaviside(x), x > 0", "step function; a comparison is 0 or 1"),
    ("1 if x > 0 else 0, max, min", "piecewise definitions"),
    ("1.204, 3/4, 2.5e-3", "numeric answers: a plain number"),
    ("b  ·  2  ·  a, c  ·  option text", "choices: a letter, a number, several, or the text"),
    ("d/dx x^2, diff(x^2, x)", "derivatives"),
    ("one step per line", "derivations: each line equal to the one before"),
    ("(empty) Enter", "show the solution (counts as not known)"),
]


def help_page(keymap: dict[str, str] | None = None) -> Group:
    """The answer cheat-sheet first, then one table of keys per screen."""
    from quizzer.tui.keys import rows, sections

    syntax = Table.grid(padding=(0, 2))
    syntax.add_column(style="bold", no_wrap=True)
    syntax.add_column()
    for typed, meaning in ANSWER_SYNTAX:
        syntax.add_row(typed, meaning)
    parts: list[object] = [Text("Typing answers", style="bold"), syntax]
    for title, cls in sections():
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", no_wrap=True, min_width=16)
        keys.add_column()
        for row in rows(cls, keymap):
            keys.add_row(row.keys, row.help or row.description)
        parts += [Text(f"\n{title}", style="bold"), keys]
    return Group(*parts)  # type: ignore[arg-type]


class HelpScreen(Screen[None]):
    """Scrolls with the arrows and PgUp/PgDn; Esc, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen #help-body { padding: 1 2; }
    """
    MODE_KEYS = False
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
        Binding("pagedown", "scroll('page_down')", "Page down", id="help.page-down"),
        Binding("pageup", "scroll('page_up')", "Page up", id="help.page-up"),
    ]

    def compose(self) -> ComposeResult:
        keymap = getattr(self.app, "keymap", None)
        with VerticalScroll(id="help-body"):
            yield Static(help_page(keymap), id="help-page")
        yield CoalescingFooter()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_scroll(self, where: str) -> None:
        """Scroll the page."""
        body = self.query_one("#help-body", VerticalScroll)
        if where == "page_down":
            body.scroll_page_down()
        else:
            body.scroll_page_up()
