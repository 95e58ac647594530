"""Formulas under a label, laid out so that sympy's multi-row output keeps its shape."""

from __future__ import annotations

from rich.text import Text

from quizzer.safe_text import clean

INDENT = "  "


def labelled(label: str, block: str) -> Text:
    """``label`` followed by ``block`` (shown literally, never as markup): on one line when
    the block is one row, else the label on its own line and every row of the block
    indented the same, so a fraction's bar, numerator and denominator stay aligned."""
    rows = clean(block).rstrip("\n").split("\n")
    if len(rows) == 1:
        return Text.assemble((label + " ", "dim"), rows[0].strip())
    return Text.assemble((label + "\n", "dim"), "\n".join(INDENT + row for row in rows))
