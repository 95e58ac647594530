"""Export never follows or replaces what is planted at its paths, never hands a spreadsheet a
formula, and every write error is one line."""

from __future__ import annotations

import csv
import os
import threading
from pathlib import Path

import pytest
from helpers import run_quizzer

from quizzer.model import CardState, ReviewInput
from quizzer.stats.export import neutralize
from quizzer.workspace import Workspace

pytestmark = pytest.mark.usefixtures("sample_bank")

ANSWERS = ['=HYPERLINK("http://evil","x")', "+1", "-1/q", "@SUM(A1)", "\tx", "\rx", "0.5"]


def _reviews(answers: list[str] = ANSWERS) -> None:
    with Workspace.resolve().store() as store:
        for i, answer in enumerate(answers):
            store.record(
                None,
                CardState("s.recall.ce", state=1, due=1),
                ReviewInput(
                    reviewed_at=1_700_000_000_000 + i, rating=1, status="ungraded", answer=answer
                ),
            )


def _exported(tmp_path: Path, *args: str) -> list[str]:
    """The answer column of an export written to a file (read back without newline
    translation, so a cell's CR survives)."""
    target = tmp_path / "out.csv"
    out = run_quizzer("export", "--format", "csv", "-o", str(target), *args)
    assert out.returncode == 0, out.stderr
    with target.open(newline="") as f:
        return [row["answer"] for row in csv.DictReader(f)]


def test_csv_cells_a_spreadsheet_would_run_get_a_leading_quote(tmp_path: Path) -> None:
    _reviews()
    assert _exported(tmp_path) == [
        '\'=HYPERLINK("http://evil","x")',
        "'+1",
        "'-1/q",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "0.5",
    ]


def test_raw_writes_the_cells_exactly_as_stored(tmp_path: Path) -> None:
    _reviews()
    assert _exported(tmp_path, "--raw") == ANSWERS


def test_json_is_data_not_a_spreadsheet_and_is_left_as_stored() -> None:
    import json

    _reviews()
    data = json.loads(run_quizzer("export", "--format", "json").stdout)
    assert [r["answer"] for r in data["reviews"]] == ANSWERS


def test_neutralize_leaves_ordinary_text_alone() -> None:
    assert neutralize("ln(2)") == "ln(2)"
    assert neutralize("") == ""
    assert neutralize("-3") == "'-3"


def test_a_symlink_planted_at_the_old_temp_name_is_never_followed(tmp_path: Path) -> None:
    _reviews()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".out.csv.tmp").symlink_to(victim)
    out = run_quizzer("export", "-o", str(tmp_path / "out.csv"))
    assert out.returncode == 0, out.stderr
    assert victim.read_text() == "precious"
    target = tmp_path / "out.csv"
    assert not target.is_symlink() and "review_id" in target.read_text()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv.")) == [
        ".out.csv.tmp"
    ]  # only the planted link: no temp file of ours is left behind


def test_a_symlink_or_directory_target_is_refused_in_one_line(tmp_path: Path) -> None:
    _reviews()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "link.csv").symlink_to(victim)
    (tmp_path / "dir.csv").mkdir()
    for name, what in (("link.csv", "a symbolic link"), ("dir.csv", "not a regular file")):
        out = run_quizzer("export", "-o", str(tmp_path / name))
        assert out.returncode == 1
        assert (
            out.stderr == f"quizzer: error: {tmp_path / name} is {what}; nothing was "
            "written (choose another --output)\n"
        )
    assert victim.read_text() == "precious"
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "dir.csv").is_dir()


def test_a_fifo_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    _reviews()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    out = run_quizzer("export", "-o", str(fifo))
    reader.join(timeout=30)
    assert out.returncode == 0, out.stderr
    assert got and got[0].startswith("review_id,")
    assert fifo.is_fifo()


def test_a_full_disk_on_stdout_is_one_line_not_an_internal_error() -> None:
    import subprocess
    import sys

    from helpers import ROOT

    _reviews()
    with open("/dev/full", "w") as full:  # opened by us, as a shell redirect would
        proc = subprocess.run(
            [sys.executable, "-m", "quizzer", "export"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )
    assert proc.returncode == 1
    assert (
        proc.stderr == "quizzer: error: cannot write to standard output: No space left on device\n"
    )


def test_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    out = run_quizzer("export", "-o", str(tmp_path / "nowhere" / "x.csv"))
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "No such file or directory" in out.stderr


def test_the_export_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    _reviews()
    old = os.umask(0o022)
    try:
        run_quizzer("export", "-o", str(tmp_path / "out.csv"))
    finally:
        os.umask(old)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o644


def test_a_tampered_status_cell_is_quoted_and_neutralised_like_an_answer(tmp_path: Path) -> None:
    """The status is text quizzer writes itself, but a database handed over by someone else
    can hold anything there: it went into the CSV verbatim."""
    import sqlite3

    _reviews(["0.5", "0.7"])
    conn = sqlite3.connect(Workspace.resolve().db_path)
    with conn:
        conn.execute('UPDATE reviews SET status = \'=HYPERLINK("http://evil","x")\' WHERE id = 1')
        conn.execute("UPDATE reviews SET status = 'a,b\nc' WHERE id = 2")
    conn.close()
    target = tmp_path / "out.csv"
    out = run_quizzer("export", "--format", "csv", "-o", str(target))
    assert out.returncode == 0, out.stderr
    with target.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [row["status"] for row in rows] == ['\'=HYPERLINK("http://evil","x")', "a,b\nc"]
    assert [row["answer"] for row in rows] == ["0.5", "0.7"]  # the columns stay in place
