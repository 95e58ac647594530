"""Terminal-safe text: every string from a bank, the database or a user goes through here
before it reaches a terminal.

A bank is shared content, so its text is untrusted. Control characters would let it drive
the terminal (OSC 52 writes the clipboard, OSC 0 sets the window title, ``ESC[2J`` clears
the screen, OSC 8 plants links), and Rich markup in it (``[/b]``) would crash or restyle
the UI. :func:`clean` shows every C0/C1 control character other than newline and tab as a
visible escape (``\\x1b``), and so do the Unicode bidirectional overrides that can reorder
what is shown. :func:`text` wraps the result in a :class:`rich.text.Text`, which Rich and
Textual never read as markup.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.text import Text

# C0 except \t and \n, DEL, C1, and the bidi embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
DEFAULT_LIMIT = 300


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: object) -> str:
    """``value`` as text that is safe to print: control characters shown escaped."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text)


def has_unsafe(text: str) -> str | None:
    """The first unsafe character of ``text``, escaped (``\\x1b``), or None when it is clean."""
    match = _UNSAFE.search(text)
    return None if match is None else _escape(match)


def clip(value: object, limit: int = DEFAULT_LIMIT) -> str:
    """:func:`clean` text cut to ``limit`` characters, saying how long it really was.

    Error messages quote values from untrusted files; this keeps a huge value (an alias
    bomb, a megabyte-long id) from becoming a huge message."""
    text = value if isinstance(value, str) else _bounded_repr(value, limit)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text)} characters)"
    return clean(text)


def _bounded_repr(value: object, limit: int) -> str:
    """repr() of small scalars; a short type description for containers, whose repr can be
    exponentially large when YAML aliases share them."""
    if isinstance(value, int | float | bool) or value is None:
        return repr(value)
    if isinstance(value, list | tuple | dict | set):
        return f"a {type(value).__name__} of {len(value)} items"
    return repr(value)[: limit + 1]


def text(value: object, style: str = "") -> Text:
    """A Rich ``Text`` of :func:`clean` ``value``: shown literally, never parsed as markup."""
    from rich.text import Text

    return Text(clean(value), style=style)


class SafeStream:
    """A text stream that passes everything written to it through :func:`clean` (plain mode,
    export to a terminal); other attributes come from the wrapped stream."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, data: str) -> int:
        """Write ``data`` with its control characters shown escaped."""
        return self._stream.write(clean(data))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)
