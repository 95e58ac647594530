"""Formulas under a label, laid out so that sympy's multi-row output keeps its shape."""

from __future__ import annotations

from rich.markup import escape

INDENT = "  "


def labelled(label: str, block: str) -> str:
    """Markup for ``label`` followed by ``block``: on one line when the block is one row,
    else the label on its own line and every row of the block indented the same, so a
    fraction's bar, numerator and denominator stay aligned."""
    rows = block.rstrip("\n").split("\n")
    if len(rows) == 1:
        return f"[dim]{escape(label)}[/] {escape(block.strip())}"
    return f"[dim]{escape(label)}[/]\n" + "\n".join(INDENT + escape(row) for row in rows)
