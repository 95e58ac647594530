"""Every bad value in a bank, the config, the clock or the database is one line when it is
read (file:line or the setting's name), never a hang, a huge message or "internal error"."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, run_quizzer

from quizzer.bank.loader import load_bank
from quizzer.config import FSRS_BOUNDS, ConfigError, Settings, load_settings
from quizzer.store import db
from quizzer.store.db import Store, StoreError

RECALL = "  topic: t\n  prompt: p\n  answer: {kind: recall}\n"


def alias_bomb() -> str:
    """A 420-byte "billion laughs": 9**9 strings once expanded, used as an id."""
    lines = ['- tags: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join([*lines, "  id: *i", RECALL])


# An exit handler, not ``finally``: quizzer ends its process with os._exit once the exit
# handlers have run (no module teardown), so code after the command never runs.
PEAK_RSS = """
import atexit, resource, runpy, sys
sys.argv = ["quizzer", "bank", "check", sys.argv[1]]
def peak():
    # VmHWM, not ru_maxrss: Linux keeps the forking parent's peak in ru_maxrss after exec.
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")]
    return int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
atexit.register(lambda: print("peak-rss-kb", peak(), file=sys.stderr))
runpy.run_module("quizzer", run_name="__main__")
"""


def test_bank_check_reports_an_alias_bomb_in_one_line_within_200_mb(tmp_path: Path) -> None:
    """The time (well under 5 s) is measured by ``benchmarks/hostile_bench.py``: no timed
    assertion here."""
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "bomb.yaml").write_text(alias_bomb())
    proc = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(bank)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **_quizzer_env()},
        cwd=ROOT,
    )
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0] == (
        f"{bank}/bomb.yaml:6: bad YAML: aliases expand to more than 100,000 values (a YAML "
        "alias bomb?); write the values out instead"
    )
    assert lines[1] == "quizzer: error: 1 problem found"
    peak_mb = int(lines[-1].split()[1]) / 1024
    assert peak_mb < 200


def _quizzer_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k.startswith("QUIZZER_")}


def test_deep_nesting_is_one_problem_and_the_rest_of_the_bank_loads(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("- id: deep\n" + RECALL + "  tags: " + "[" * 500 + "]" * 500)
    (tmp_path / "b.yaml").write_text("- id: fine\n" + RECALL)
    bank = load_bank([tmp_path])
    assert list(bank.questions) == ["fine"]
    assert [str(e) for e in bank.errors] == [
        f"{tmp_path}/a.yaml:5: bad YAML: nested deeper than 32 levels"
    ]


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("{range: [0, .inf], step: 1}", "finite numbers within"),
        ("{range: [0, 1], step: .nan}", "step: Input should be greater than 0"),
        ("{choices: [1e300]}", "finite numbers within"),
        ("{range: [0, 1e11], step: 0.001}", "more than 10,000,000 steps"),
    ],
)
def test_params_must_be_finite_and_bounded(tmp_path: Path, param: str, message: str) -> None:
    (tmp_path / "p.yaml").write_text(
        f"- id: p\n  topic: t\n  prompt: '{{x}}?'\n  params:\n    x: {param}\n"
        "  answer: {kind: numeric, value: x}\n"
    )
    bank = load_bank([tmp_path])
    assert not bank.questions
    (error,) = bank.errors
    assert str(error).startswith(f"{tmp_path}/p.yaml:5: p: params.x")
    assert message in str(error)


def test_a_huge_id_is_one_short_line(tmp_path: Path) -> None:
    (tmp_path / "i.yaml").write_text("- id: '" + "X" * 1_000_000 + "'\n" + RECALL)
    (error,) = load_bank([tmp_path]).errors
    assert len(str(error)) < 500 and f"{tmp_path}/i.yaml:1:" in str(error)


def test_an_id_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    (tmp_path / "n.yaml").write_text('- id: "ok\\n"\n' + RECALL)
    assert not load_bank([tmp_path]).questions


# -- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('fuzz = "yes"', "setting fuzz must be true or false, not 'yes'"),
        ('desired_retention = "0.9"', "setting desired_retention must be a number, not '0.9'"),
        ("new_per_day = true", "setting new_per_day must be a whole number, not True"),
        ("new_per_day = 99999999999999999", "new_per_day = 99999999999999999 is out of range"),
        ("desired_retention = nan", "desired_retention = nan is out of range"),
        ("fsrs_parameters = [1.0, 2.0]", "must be empty or 21 numbers"),
        ("fsrs_parameters = [" + ", ".join(["nan"] * 21) + "]", "weight 0 = nan"),
        ("fsrs_parameters = [" + ", ".join(["1e300"] * 21) + "]", "weight 0 = 1e+300"),
    ],
)
def test_every_bad_setting_is_named_at_load(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml + "\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_config_set_refuses_a_huge_number_and_saves_nothing(isolated: Path) -> None:
    out = run_quizzer("config", "set", "new_per_day", "99999999999999999999999")
    assert out.returncode == 1
    assert out.stderr.startswith("quizzer: error: setting new_per_day = 999")
    assert "new_per_day" not in (isolated / "config.toml").read_text()
    assert run_quizzer("stats", "--json").returncode == 0


def test_config_set_takes_a_negative_value_as_a_value() -> None:
    out = run_quizzer("config", "set", "backups_keep", "-1")
    assert out.returncode == 1
    assert "setting backups_keep = -1 is out of range (0-1000)" in out.stderr


def test_the_fsrs_bounds_are_those_of_the_installed_fsrs() -> None:
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    assert [lo for lo, _ in FSRS_BOUNDS] == list(LOWER_BOUNDS_PARAMETERS)
    assert [hi for _, hi in FSRS_BOUNDS] == list(UPPER_BOUNDS_PARAMETERS)


def test_fitted_defaults_are_valid() -> None:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    Settings(fsrs_parameters=list(DEFAULT_PARAMETERS)).validate()


# -- clock, command line, database ---------------------------------------------------------


@pytest.mark.parametrize("when", ["9999-12-31", "0001-01-01T00:00", "1970-01-01"])
def test_an_extreme_quizzer_now_is_one_line(when: str) -> None:
    out = run_quizzer("stats", "--json", env={"QUIZZER_NOW": when})
    assert out.returncode == 1
    assert out.stderr.startswith(f"quizzer: error: QUIZZER_NOW: '{when}' is outside the years")


@pytest.mark.parametrize("args", [["-1/q"], ["--", "-1/q"], ["-1/q", "--seed", "3"]])
def test_check_reads_an_answer_starting_with_minus(args: list[str]) -> None:
    out = run_quizzer("check", "q25.ce.numeric", *args)
    assert out.returncode in (1, 2), out.stderr
    assert "No such option" not in out.stderr
    assert "read as" in out.stdout or "invalid" in out.stdout


def test_check_after_double_dash_reads_an_option_name_as_the_answer() -> None:
    out = run_quizzer("check", "q25.ce.numeric", "--", "--seed")
    assert out.returncode == 2 and out.stdout.startswith("params:")


def _make_db(path: Path) -> None:
    Store.open(path).close()


@pytest.mark.parametrize("version", [-1, -2147483648])
def test_a_negative_user_version_is_refused_untouched(tmp_path: Path, version: int) -> None:
    path = tmp_path / "q.db"
    _make_db(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=f"schema version {version}, which no quizzer writes"):
        Store.open(path)
    assert path.read_bytes() == before


def test_a_read_only_database_is_named_as_such_not_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "q.db"
    _make_db(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")  # as a copied backup is: opening writes WAL
    conn.close()

    def read_only(p: Path) -> sqlite3.Connection:  # what a read-only folder or mount gives
        return sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)

    monkeypatch.setattr(db, "_connect", read_only)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    message = str(caught.value)
    assert "read-only" in message and "not damaged" in message
    assert "restore" not in message.lower()


def test_a_full_disk_is_named_as_such_not_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = db._connect

    def full(p: Path) -> sqlite3.Connection:  # no page can be added: SQLite's SQLITE_FULL
        conn = real(p)
        conn.execute("PRAGMA max_page_count = 1")
        return conn

    monkeypatch.setattr(db, "_connect", full)
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path / "new.db")
    assert "the disk is full" in str(caught.value)
    assert "damaged" not in str(caught.value)
