"""A broken bank file names file:line and never stops the other files from drilling; the
history of a question survives its removal from the bank and changes to its text."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from helpers import run_quizzer

GOOD = """\
- id: g.one
  topic: Good
  prompt: First good question?
  answer: {kind: recall}

- id: g.two
  topic: Good
  prompt: Second good question?
  answer: {kind: recall}
"""
BAD_YAML = """\
- id: y.one
  topic: Broken
  prompt: "an unclosed quote
  answer: {kind: recall}
"""
BAD_SCHEMA = """\
- id: s.one
  topic: Schema
  prompt: Fine so far?
  answer: {kind: recall}

- id: s.two
  topic: Schema
  prompt: Which kind?
  answer:
    kind: numeric
    valeu: "1"
"""
DUPLICATE = """\
- id: d.one
  topic: Dup
  prompt: Unique question?
  answer: {kind: recall}

- id: g.one
  topic: Dup
  prompt: Same id as in good.yaml
  answer: {kind: recall}
"""


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "bank"
    directory.mkdir()
    for name, text in {
        "a_good.yaml": GOOD,
        "b_bad_yaml.yaml": BAD_YAML,
        "c_bad_schema.yaml": BAD_SCHEMA,
        "d_duplicate.yaml": DUPLICATE,
    }.items():
        (directory / name).write_text(text)
    monkeypatch.setenv("QUIZZER_BANK", str(directory))
    return directory


def _problems(bank: Path) -> list[str]:
    return [
        f"{bank / 'b_bad_yaml.yaml'}:5: bad YAML: found unexpected end of stream (while "
        "scanning a quoted scalar at line 3)",
        f"{bank / 'c_bad_schema.yaml'}:9: s.two: answer.value: required field is missing",
        f"{bank / 'c_bad_schema.yaml'}:11: s.two: answer.valeu: unknown field",
        f"{bank / 'd_duplicate.yaml'}:6: duplicate id 'g.one' (first defined at "
        f"{bank / 'a_good.yaml'}:1)",
    ]


def test_bank_check_names_file_and_line_of_every_problem(bank: Path) -> None:
    out = run_quizzer("bank", "check")
    assert out.returncode == 1
    for problem in _problems(bank):
        assert problem in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_the_good_files_still_load_and_drill(bank: Path, isolated: Path) -> None:
    out = run_quizzer("drill", "--plain", input="\n4\n" * 10)
    assert out.returncode == 0, out.stderr
    for problem in _problems(bank):
        assert f"warning: {problem}" in out.stderr, out.stderr
    asked = re.findall(r"^\[\d+ new · .*\] .* · (\S+)$", out.stdout, flags=re.M)
    assert asked == ["g.one", "g.two", "s.one", "d.one"]
    assert "Session over: 4 reviews saved." in out.stdout


def _card(db: Path, qid: str) -> tuple:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT state, stability, difficulty, due, reps FROM cards WHERE question_id = ?",
            (qid,),
        ).fetchone()
    finally:
        conn.close()


def test_a_removed_question_keeps_its_history_and_an_edited_one_its_schedule(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "bank"
    directory.mkdir()
    monkeypatch.setenv("QUIZZER_BANK", str(directory))
    (directory / "good.yaml").write_text(GOOD)
    db = isolated / "quizzer.db"
    assert run_quizzer("drill", "--plain", input="\n4\n" * 2).returncode == 0
    two = _card(db, "g.two")
    one = _card(db, "g.one")
    assert two[0] != 0 and one[0] != 0

    (directory / "good.yaml").write_text(GOOD.split("\n\n")[0] + "\n")  # g.two removed
    stats = run_quizzer("stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["reviews_total"] == 2
    assert _card(db, "g.two") == two

    edited = GOOD.replace("First good question?", "The first question, reworded?")
    (directory / "good.yaml").write_text(edited)  # g.two back, g.one reworded
    later = {"QUIZZER_NOW": "2026-03-02T12:00:00+00:00"}
    out = run_quizzer("drill", "--plain", input="\n4\n" * 2, env=later)
    assert out.returncode == 0, out.stderr
    assert "Nothing is due" in out.stdout  # both keep their schedule: due in days, not new
    assert _card(db, "g.one") == one
    assert _card(db, "g.two") == two
