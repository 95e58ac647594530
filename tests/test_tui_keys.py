"""Keys are declared once: every binding has an id and a description, and the README's key
table is the one the bindings give."""

from __future__ import annotations

from pathlib import Path

from quizzer.tui.keys import README_END, README_START, declared_bindings, readme_table, sections

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_binding_has_an_id_a_description_and_a_help_text() -> None:
    for title, cls in sections():
        for binding in declared_bindings(cls):
            assert binding.id, f"{title}: {binding.key} has no id"
            assert binding.description and binding.tooltip, f"{title}: {binding.id}"


def test_binding_ids_are_unique_within_a_screen_and_the_app() -> None:
    app_ids = {b.id for b in declared_bindings(sections()[0][1])}
    for title, cls in sections()[1:]:
        ids = [b.id for b in declared_bindings(cls)]
        assert len(ids) == len(set(ids)), title
        assert not app_ids & set(ids), title


def test_the_readme_key_table_matches_the_bindings() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    assert text[start:end] == readme_table(), (
        "the README's key table is out of date: paste `python -m quizzer.tui.keys` over it"
    )


def test_the_readme_table_follows_a_remapped_key() -> None:
    assert "| Drill | `u` | Undo the last review exactly | `undo` |" in readme_table({"undo": "u"})
