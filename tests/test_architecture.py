"""The layering contracts in pyproject.toml hold: the core never imports textual, the checker
is pure, only the store talks to SQLite (SQLModel only declares the schema), and no package
module imports torch."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

from quizzer.store.migrations import SCHEMA_VERSION


def test_import_linter_contracts_are_kept() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    out = subprocess.run([exe], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Contracts: 4 kept, 0 broken." in out.stdout


def test_opening_a_database_and_reading_stats_needs_no_sqlmodel(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['sqlmodel'] = sys.modules['sqlalchemy'] = None  # as in a light install\n"
        "from quizzer.store.db import Store\n"
        f"with Store.open(__import__('pathlib').Path({str(tmp_path / 'q.db')!r})) as s:\n"
        "    print(s.first_bucket_and_total(), s.pragma('user_version'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == f"(None, 0) {SCHEMA_VERSION}"
