"""The command line: fast version, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import ROOT, run_quizzer

from quizzer import __version__

HEAVY = ("textual", "sympy", "numpy", "torch", "typer", "sqlalchemy")


def test_version_prints_without_importing_heavy_modules() -> None:
    code = (
        "import sys; sys.argv = ['quizzer', '--version']\n"
        "from quizzer.launcher import main; main()\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.splitlines() == [f"quizzer {__version__}", "[]"]


def test_version_through_the_module_entry_point() -> None:
    out = run_quizzer("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"quizzer {__version__}"


@pytest.mark.usefixtures("sample_bank")
def test_bad_clock_is_one_clear_line() -> None:
    out = run_quizzer("stats", "--json", env={"QUIZZER_NOW": "yesterday"})
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "quizzer: error: QUIZZER_NOW: 'yesterday' is not an ISO 8601 timestamp "
        "(e.g. 2026-01-31T09:00)"
    )


def test_missing_bank_directory_is_one_clear_line(isolated) -> None:  # type: ignore[no-untyped-def]
    missing = isolated / "nope"
    out = run_quizzer("--bank", str(missing), "stats", "--json")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().endswith(
        f"quizzer: error: no questions could be loaded from {missing}"
    )


def test_corrupt_database_is_one_clear_line(isolated, sample_bank) -> None:  # type: ignore[no-untyped-def]
    db = isolated / "quizzer.db"
    db.write_bytes(b"not a database at all" * 100)
    out = run_quizzer("stats", "--json")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"quizzer: error: {db} is not a quizzer database")
    assert db.read_bytes() == b"not a database at all" * 100


@pytest.mark.usefixtures("sample_bank")
def test_check_exit_codes_follow_the_verdict() -> None:
    assert run_quizzer("check", "s.choice.relu", "b").returncode == 0
    wrong = run_quizzer("check", "s.choice.relu", "a")
    assert wrong.returncode == 1
    assert "incorrect" in wrong.stdout
    assert run_quizzer("check", "s.choice.relu", "z").returncode == 2
    unknown = run_quizzer("check", "no.such.id", "1")
    assert unknown.returncode == 2
    assert "no question with id 'no.such.id'" in unknown.stderr


@pytest.mark.usefixtures("sample_bank")
def test_bank_list_shows_ids_topics_and_kinds() -> None:
    out = run_quizzer("bank", "list", "--topic", "Sample choice")
    assert out.returncode == 0
    assert "s.choice.relu" in out.stdout and "choice" in out.stdout
    assert "s.recall.ce" not in out.stdout


def test_bank_schema_error_names_file_line_and_field(isolated) -> None:  # type: ignore[no-untyped-def]
    bank = isolated / "bank"
    bank.mkdir()
    (bank / "bad.yaml").write_text(
        "- id: ok.one\n  topic: T\n  prompt: P\n  answer: {kind: recall}\n"
        "- id: bad.two\n  topic: T\n  prompt: P\n  answer:\n    kind: numeric\n"
        "    value: '1'\n    rtol: -1\n"
    )
    out = run_quizzer("bank", "check", str(bank))
    assert out.returncode == 1
    assert f"{bank / 'bad.yaml'}:11: bad.two: answer.rtol: " in out.stderr


def test_a_broken_reference_answer_is_a_user_error_not_an_internal_one(isolated) -> None:  # type: ignore[no-untyped-def]
    bank = isolated / "bank"
    bank.mkdir()
    (bank / "broken.yaml").write_text(
        "- id: b.q\n  topic: T\n  prompt: P\n  answer: {kind: numeric, value: 'foo(2)'}\n"
    )
    out = run_quizzer("--bank", str(bank), "check", "b.q", "1")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("quizzer: error: ")
    assert "internal error" not in out.stderr


def test_help_names_the_environment_variables_and_keeps_sentences_whole() -> None:
    """Rich markup read "[env: QUIZZER_DB; …]" as a tag and dropped it ("Database file ."),
    and the docstrings' line breaks cut sentences in the middle of the command list."""
    done = run_quizzer("--help", env={"COLUMNS": "200"})
    assert done.returncode == 0
    assert "[env: QUIZZER_DB" in done.stdout and "[env: QUIZZER_BANK]" in done.stdout
    assert "Database file ." not in done.stdout
    assert "In plain mode an empty answer shows" in done.stdout
