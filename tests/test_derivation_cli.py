"""Derivations from the command line as a user runs them: ``quizzer check ID --file F`` (and
``-`` for stdin) and ``quizzer drill --plain``, where lines are read until an empty line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import run_quizzer

SIGMOID = "d/dx 1/(1+e^-x)\n= e^-x/(1+e^-x)^2\n= σ(x)(1-σ(x))\n"
BANK = """\
- id: t.deriv.sigmoid
  topic: Derivations
  prompt: Show that σ′ = σ(1 − σ), one step per line.
  answer:
    kind: derivation
    start: "diff(1/(1 + exp(-x)), x)"
    target: "sigmoid(x)*(1 - sigmoid(x))"
    steps: ["d/dx 1/(1 + exp(-x))", "exp(-x)/(1 + exp(-x))^2", "sigmoid(x)*(1 - sigmoid(x))"]
    variables: [x]
  hints: ["Chain rule on (1 + e^-x)^-1.", "e^-x/(1 + e^-x) = 1 - σ(x)."]
  mistakes:
    - answer: "exp(-x)/(1 + exp(-x))"
      feedback: "The denominator is squared."
  explanation: The derivative of the sigmoid.
"""


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    directory = tmp_path / "bank"
    directory.mkdir()
    (directory / "d.yaml").write_text(BANK, encoding="utf-8")
    return directory


def test_check_reads_a_derivation_from_a_file_and_marks_each_line(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(SIGMOID, encoding="utf-8")
    out = run_quizzer("check", "deriv.sigmoid", "--file", str(answer))
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines() == [
        "  ✓  1  d/dx(1/(1 + exp(-x)))",
        "  ✓  2  exp(-x)/(1 + exp(-x))^2",
        "  ✓  3  (1 - σ(x))*σ(x)",
        "correct: Correct: every step follows.",
    ]


def test_check_reads_stdin_with_a_dash_and_names_the_wrong_line() -> None:
    wrong = "d/dx 1/(1+e^-x)\n= e^-x/(1+e^-x)\n= σ(x)(1-σ(x))\n"
    out = run_quizzer("check", "deriv.sigmoid", "--file", "-", input=wrong)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "  ✗  2  exp(-x)/(1 + exp(-x))" in out.stdout
    assert "incorrect: Line 2 does not follow from line 1: at x = " in out.stdout
    assert "the denominator is squared" in out.stdout


def test_check_needs_exactly_one_of_an_answer_and_a_file(tmp_path: Path) -> None:
    neither = run_quizzer("check", "deriv.sigmoid")
    assert neither.returncode == 2
    assert neither.stderr.strip() == (
        "quizzer: error: give the answer as an argument or with --file F (not both)"
    )
    both = run_quizzer("check", "deriv.sigmoid", "x", "--file", "-")
    assert both.returncode == 2
    missing = run_quizzer("check", "deriv.sigmoid", "--file", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("quizzer: error: cannot read the answer file")
    assert "Traceback" not in missing.stderr


def test_check_refuses_an_answer_file_that_is_not_text(tmp_path: Path) -> None:
    binary = tmp_path / "answer.bin"
    binary.write_bytes(b"\xff\xfe\x00x")
    out = run_quizzer("check", "deriv.sigmoid", "--file", str(binary))
    assert out.returncode == 2
    assert out.stderr.strip().endswith("is not UTF-8 text")


def test_plain_drill_reads_lines_until_an_empty_one_and_stores_the_review(
    bank: Path, isolated: Path
) -> None:
    out = run_quizzer("--bank", str(bank), "drill", "--plain", input=SIGMOID + "\n\n")
    assert out.returncode == 0, out.stderr
    assert "(one step per line; an empty line ends the derivation)" in out.stdout
    assert out.stdout.count("     > ") == 3  # two continuation lines, then the empty one
    assert "Correct." in out.stdout
    assert "  ✓  3  (1 - σ(x))*σ(x)" in out.stdout
    assert "model derivation:\n    d/dx 1/(1 + exp(-x))" in out.stdout
    conn = sqlite3.connect(isolated / "quizzer.db")
    try:
        rows = conn.execute("SELECT r.rating, r.status, r.answer FROM reviews r").fetchall()
    finally:
        conn.close()
    assert rows == [(3, "correct", SIGMOID.rstrip("\n"))]


def test_plain_drill_with_a_hint_suggests_hard(bank: Path) -> None:
    out = run_quizzer("--bank", str(bank), "drill", "--plain", input="?\n" + SIGMOID + "\n\n")
    assert out.returncode == 0, out.stderr
    assert "hint: Chain rule on (1 + e^-x)^-1." in out.stdout
    assert "rating [2]> " in out.stdout


def test_new_derivations_are_asked_after_the_easier_questions_of_the_bank(tmp_path: Path) -> None:
    directory = tmp_path / "mixed"
    directory.mkdir()
    choice = """\
- id: t.choice
  topic: Derivations
  prompt: Is σ increasing?
  answer: {kind: choice, options: ["yes", "no"], correct: "yes"}
"""
    (directory / "a.yaml").write_text(BANK + choice, encoding="utf-8")
    out = run_quizzer("--bank", str(directory), "drill", "--plain", "--limit", "1", input="")
    assert "t.choice" in out.stdout
    assert "t.deriv.sigmoid" not in out.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (
                '    steps: ["d/dx 1/(1 + exp(-x))", "exp(-x)/(1 + exp(-x))^2", '
                '"sigmoid(x)*(1 - sigmoid(x))"]\n',
                "",
            ),
            "steps",
        ),
        (
            ("exp(-x)/(1 + exp(-x))^2", "exp(-x)/(1 + exp(-x))"),
            "Line 2 does not follow from line 1",
        ),
        (
            ('target: "sigmoid(x)*(1 - sigmoid(x))"', 'target: "exp(-x)/(1 + exp(-x))^2"'),
            "already complete without its last line",
        ),
        (
            ("    variables: [x]\n", '    variables: [x]\n    define: {x: "2"}\n'),
            "define names 'x', which is already a variable",
        ),
    ],
)
def test_bank_check_names_a_broken_derivation_question(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    directory = tmp_path / "broken"
    directory.mkdir()
    old, new = change
    assert old in BANK
    (directory / "d.yaml").write_text(BANK.replace(old, new), encoding="utf-8")
    out = run_quizzer("bank", "check", str(directory))
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    report = out.stdout + out.stderr
    assert f"{directory / 'd.yaml'}:" in report  # file:line
    assert message in report, report
