"""The parsed-bank cache must never hand back models of another quizzer's schema."""

from __future__ import annotations

import pickle
from pathlib import Path

from quizzer.bank import loader
from quizzer.bank.loader import load_bank

BANK = """\
- id: c.choice
  topic: T
  prompt: Pick one.
  answer:
    kind: choice
    options: [first option, second option]
    correct: first option
"""


def _bank(tmp_path: Path) -> Path:
    directory = tmp_path / "bank"
    directory.mkdir()
    (directory / "t.yaml").write_text(BANK)
    return directory


def test_a_cached_file_is_read_back_unchanged(tmp_path: Path) -> None:
    bank_dir, cache = _bank(tmp_path), tmp_path / "cache"
    first = load_bank([bank_dir], cache)
    assert list(cache.glob("*.pickle")), "the parsed file was not cached"
    again = load_bank([bank_dir], cache)
    assert again.questions["c.choice"] == first.questions["c.choice"]


def test_a_cache_written_under_another_schema_is_not_read(tmp_path: Path, monkeypatch) -> None:
    # An entry written by an older quizzer whose ChoiceSpec had no `shuffle` field: reading
    # it back gave models missing a field (pydantic serializer warnings on every bank check).
    bank_dir, cache = _bank(tmp_path), tmp_path / "cache"
    monkeypatch.setattr(loader, "_schema_fingerprint", lambda: "an-older-schema")
    load_bank([bank_dir], cache)
    (entry,) = cache.glob("*.pickle")
    questions, errors = pickle.loads(entry.read_bytes())
    del questions[0][0].answer.__dict__["shuffle"]
    entry.write_bytes(pickle.dumps((questions, errors)))
    monkeypatch.undo()

    question = load_bank([bank_dir], cache).questions["c.choice"]
    assert question.answer.shuffle is True
    assert "shuffle" in question.answer.model_dump()
