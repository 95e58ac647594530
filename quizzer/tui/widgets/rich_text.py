"""Markdown shown without Textual's Markdown widget when the text is simple enough.

Most prompts are paragraphs with inline code; the Markdown widget (markdown-it, one widget per
block) costs about a third of a second on the first paint. :class:`MarkdownView` shows simple
text as a single Static and falls back to the full widget for block syntax (lists, tables,
code fences, headings, quotes), so what a person sees is the same either way.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from quizzer.safe_text import clean

_BLOCK = re.compile(r"(?m)^ {0,3}(#|[-*+] |\d+[.)] |>|```|~~~|\|)|^ {4,}\S")
_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w*])\*(?!\s)(?P<em>.+?)(?<!\s)\*(?![\w*])"
    r"|(?<!\w)_(?!\s)(?P<em2>.+?)(?<!\s)_(?!\w)"
)


def inline_markdown(text: str) -> Text | None:
    """Paragraphs with inline code, bold and italic as styled text; None for block syntax."""
    if _BLOCK.search(text):
        return None
    out = Text()
    paragraphs = re.split(r"\n\s*\n", text.strip())
    for index, paragraph in enumerate(paragraphs):
        if index:
            out.append("\n\n")
        line = " ".join(part.strip() for part in paragraph.splitlines())
        position = 0
        for match in _INLINE.finditer(line):
            out.append(line[position : match.start()])
            if match["code"] is not None:
                out.append(match["code"], style="bold")
            elif match["bold"] is not None:
                out.append(match["bold"], style="bold")
            else:
                out.append(match["em"] or match["em2"], style="italic")
            position = match.end()
        out.append(line[position:])
    return out


class MarkdownView(Vertical):
    """Shows Markdown: a Static for simple text, Textual's Markdown widget otherwise."""

    DEFAULT_CSS = "MarkdownView { height: auto; }"

    def compose(self) -> ComposeResult:
        yield Static("", classes="simple")

    def show(self, markdown: str) -> None:
        """Replace what is shown with ``markdown`` (bank text: control characters are shown
        escaped, and Rich markup is never interpreted)."""
        markdown = clean(markdown)
        simple = self.query_one(".simple", Static)
        text = inline_markdown(markdown)
        full = self.query(".full")
        if text is not None:
            simple.update(text)
            simple.display = True
            full.remove()
            return
        from textual.widgets import Markdown

        simple.display = False
        if full:
            full.first(Markdown).update(markdown)
        else:
            self.mount(Markdown(markdown, classes="full"))
