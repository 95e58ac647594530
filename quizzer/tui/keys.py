"""Every key of the TUI, read from the screens' ``BINDINGS``: the help screen, the command
palette and the README's key table are all made here, so they cannot disagree.

A binding is declared once, with an ``id`` (what ``[keymap]`` in the config remaps), a short
``description`` (the footer) and a ``tooltip`` (the longer text of the help and the README).
``python -m quizzer.tui.keys`` prints the README's table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

README_START = "<!-- keys: generated from the bindings by `python -m quizzer.tui.keys` -->"
README_END = "<!-- keys: end -->"


@dataclass(frozen=True)
class KeyRow:
    """One binding as the help shows it: the keys (remapped ones included) and what it does."""

    binding_id: str
    keys: str
    description: str
    help: str


def declared_bindings(node_class: type[DOMNode]) -> list[Binding]:
    """quizzer's bindings of a widget class and its bases (Textual's own are left out), as
    Textual merges them: a subclass's binding for the same id replaces the base's."""
    merged: dict[str, Binding] = {}
    for base in reversed(node_class.__mro__):
        if not base.__module__.startswith("quizzer."):
            continue
        for item in base.__dict__.get("BINDINGS", []):
            binding = item if isinstance(item, Binding) else Binding(*item)
            merged[binding.id or binding.key] = binding
    return list(merged.values())


def key_names(keys: str) -> str:
    """``"question_mark,f1"`` as a person reads it: ``? / F1``."""
    return " / ".join(_key_name(key.strip()) for key in keys.split(","))


_NAMES = {
    "question_mark": "?",
    "comma": ",",
    "slash": "/",
    "escape": "Esc",
    "space": "Space",
    "enter": "Enter",
    "tab": "Tab",
    "pagedown": "PgDn",
    "pageup": "PgUp",
}


def _key_name(key: str) -> str:
    *modifiers, last = key.split("+")
    name = _NAMES.get(last, last.upper() if last.startswith("f") and last[1:].isdigit() else last)
    return "+".join(
        [
            *(m.capitalize() for m in modifiers),
            name.upper() if modifiers and len(name) == 1 else name,
        ]
    )


def rows(node_class: type[DOMNode], keymap: Mapping[str, str] | None = None) -> Iterator[KeyRow]:
    """The help rows of ``node_class``'s bindings, with the keys ``keymap`` gives them."""
    keymap = keymap or {}
    for binding in declared_bindings(node_class):
        if binding.id is None or not binding.description:
            continue
        keys = keymap.get(binding.id, binding.key)
        yield KeyRow(binding.id, key_names(keys), binding.description, binding.tooltip)


def sections() -> list[tuple[str, type[DOMNode]]]:
    """The places keys act, in the order the help lists them."""
    from quizzer.tui.app import QuizzerApp
    from quizzer.tui.screens.browse import BrowseScreen
    from quizzer.tui.screens.demo import DemoScreen
    from quizzer.tui.screens.drill import DrillScreen
    from quizzer.tui.screens.settings import SettingsScreen
    from quizzer.tui.screens.stats import StatsScreen
    from quizzer.tui.screens.topics import TopicPicker
    from quizzer.tui.widgets.derivation import DerivationLines

    return [
        ("Everywhere", QuizzerApp),
        ("Drill", DrillScreen),
        ("Derivation", DerivationLines),
        ("Demo panel", DemoScreen),
        ("Topic picker", TopicPicker),
        ("Browse", BrowseScreen),
        ("Stats", StatsScreen),
        ("Settings", SettingsScreen),
    ]


def binding_ids() -> set[str]:
    """Every id a ``[keymap]`` entry may name."""
    return {row.binding_id for _, cls in sections() for row in rows(cls)}


def readme_table(keymap: Mapping[str, str] | None = None) -> str:
    """The README's key table (between its markers), one row per binding."""
    lines = [README_START, "", "| where | key | action | keymap id |", "|---|---|---|---|"]
    for title, cls in sections():
        for row in rows(cls, keymap):
            keys = " / ".join(f"`{k}`" for k in row.keys.split(" / "))
            lines.append(
                f"| {title} | {keys} | {row.help or row.description} | `{row.binding_id}` |"
            )
    lines += ["", README_END]
    return "\n".join(lines)


if __name__ == "__main__":
    print(readme_table())
