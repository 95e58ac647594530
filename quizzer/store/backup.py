"""Backups of the review database, taken with SQLite's online backup API.

Copies live in a ``backups`` folder next to the database, named
``<db stem>-<YYYYmmdd-HHMMSS>-<label>.db`` (UTC), each a self-contained file (journal mode
DELETE). A session start takes a ``daily`` copy at most once per calendar day, in a
background thread so the first question is not delayed, and keeps the newest
``Settings.backups_keep`` daily copies. Manual copies (``quizzer backup``) and the safety
copies taken before an upgrade or a restore are never pruned.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

from quizzer.clock import now
from quizzer.store.db import SQLITE_HEADER, StoreError
from quizzer.store.migrations import SCHEMA_VERSION

DAILY = "daily"
STAMP = "%Y%m%d-%H%M%S"
STALE_TMP_S = 3600
STEP_PAGES = 256  # the automatic backup copies this many pages at a time, so it can stop
EXIT_GRACE_S = 0.5  # how long exiting waits for a running automatic backup before stopping it
_started: set[tuple[Path, str]] = set()  # (database, day) backups this process started
_running: list[threading.Thread] = []
_stopping = threading.Event()


class _Stopped(Exception):
    """The process is exiting: the automatic backup gives way (the next start retries)."""


def backup_dir(db_path: Path) -> Path:
    """The folder that holds the backups of ``db_path``."""
    return db_path.parent / "backups"


def _new_name(db_path: Path, label: str, at: datetime) -> Path:
    folder = backup_dir(db_path)
    base = f"{db_path.stem}-{at:{STAMP}}-{label}"
    path, n = folder / f"{base}.db", 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.db"
    return path


def backup_file(
    conn: sqlite3.Connection, db_path: Path, label: str = "manual", *, stoppable: bool = False
) -> Path:
    """Copy the database open on ``conn`` (the file ``db_path``) into its backups folder.

    The copy is written to a temporary name and renamed when complete, so a crash never
    leaves a partial backup under a backup's name. Returns the new file. A ``stoppable``
    copy goes a few pages at a time and is abandoned (no file left) when the process
    exits."""
    dest = _new_name(db_path, label, now())
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            if stoppable:
                conn.backup(copy, pages=STEP_PAGES, progress=_give_way)
            else:
                conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        tmp.replace(dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _give_way(status: int, remaining: int, total: int) -> None:
    if _stopping.is_set():
        raise _Stopped


def _pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(db_path.stem)}-(\d{{8}}-\d{{6}})-(.+?)(?:-(\d+))?\.db")


def backups(db_path: Path, label: str | None = None) -> list[Path]:
    """The backups of ``db_path`` (only those with ``label`` when given), oldest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    pattern = _pattern(db_path)
    found = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match and (label is None or match[2] == label):
            found.append((match[1], int(match[3] or 1), path))
    return [path for *_, path in sorted(found)]


def daily_due(db_path: Path, at: datetime | None = None) -> bool:
    """Whether no daily backup of ``db_path`` was taken yet on the (UTC) day of ``at``."""
    day = f"{db_path.stem}-{(at or now()):%Y%m%d}-"
    return not any(p.name.startswith(day) for p in backups(db_path, DAILY))


def prune(db_path: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` daily backups and stale temporary files; returns
    what was deleted."""
    daily = backups(db_path, DAILY)
    removed = daily[: max(0, len(daily) - keep)]
    for path in removed:
        path.unlink(missing_ok=True)
    folder = backup_dir(db_path)
    for tmp in folder.glob(f".{db_path.stem}-*.tmp") if folder.is_dir() else ():
        try:
            if time.time() - tmp.stat().st_mtime > STALE_TMP_S:
                tmp.unlink()
                removed.append(tmp)
        except OSError:
            pass
    return removed


def _daily(db_path: Path, keep: int) -> None:
    try:
        conn = sqlite3.connect(db_path, timeout=15, isolation_level=None)
        try:
            if conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0:
                return
            backup_file(conn, db_path, DAILY, stoppable=True)
        finally:
            conn.close()
        prune(db_path, keep)
    except (OSError, sqlite3.Error, _Stopped):
        pass  # a missed automatic backup must never stop a session; the next start retries


def start_daily(db_path: Path, keep: int) -> threading.Thread | None:
    """Start today's automatic backup of ``db_path`` in a background thread, unless one
    exists, ``keep`` is 0 or there is nothing to back up. Exiting waits for it at most
    ``EXIT_GRACE_S``: a copy still running then (a large database, quit at once) is
    abandoned and its temporary file removed, and the next start takes the backup."""
    today = (db_path, f"{now():%Y%m%d}")
    if keep <= 0 or today in _started or not daily_due(db_path):
        return None
    _started.add(today)
    thread = threading.Thread(
        target=_daily, args=(db_path, keep), name="quizzer-backup", daemon=True
    )
    _running.append(thread)
    thread.start()
    return thread


@atexit.register
def _stop_daily() -> None:
    """Let a running automatic backup finish within the grace time, else make it give way
    (it removes its temporary file)."""
    deadline = time.monotonic() + EXIT_GRACE_S
    for thread in _running:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    _stopping.set()
    for thread in _running:
        thread.join(timeout=2.0)


def _check_restorable(source: Path) -> None:
    try:
        with source.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read {source}: {exc.strerror}") from None
    if header != SQLITE_HEADER:
        raise StoreError(f"{source} is not a quizzer database (not SQLite); nothing restored")
    try:
        conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{source} is damaged ({exc}); nothing restored") from None
    if check != "ok" or not {"cards", "reviews"} <= tables or version < 1:
        raise StoreError(f"{source} is damaged or not a quizzer database; nothing restored")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{source} was written by a newer quizzer (schema v{version}); upgrade quizzer "
            "to restore it"
        )


def restore_file(db_path: Path, source: Path) -> Path | None:
    """Replace the database at ``db_path`` with the backup ``source``.

    ``source`` is checked first (SQLite, intact, a quizzer schema this version can open).
    The database it replaces is saved as a ``before-restore`` backup, returned (None when
    there was no database). Close other quizzer windows first: they would keep writing to
    the replaced file."""
    _check_restorable(source)
    safety = None
    if db_path.exists():
        try:
            conn = sqlite3.connect(db_path, timeout=15, isolation_level=None)
            try:
                safety = backup_file(conn, db_path, "before-restore")
            finally:
                conn.close()
        except sqlite3.Error:
            # The current file is damaged (often why one restores): keep its bytes as they are.
            safety = _new_name(db_path, "before-restore", now())
            safety.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(db_path, safety)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.restore.tmp")
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            src.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
            src.close()
        for suffix in ("-wal", "-shm"):  # they belong to the replaced file
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        tmp.replace(db_path)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"could not restore {source} into {db_path}: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return safety
