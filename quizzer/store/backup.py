"""Backups of the review database, taken with SQLite's online backup API.

Copies live in a ``backups`` folder next to the database, named
``<db stem>-<YYYYmmdd-HHMMSS>-<label>.db`` (UTC), each a self-contained file (journal mode
DELETE). A session start takes a ``daily`` copy at most once per calendar day, in a
background thread so the first question is not delayed, and keeps the newest
``Settings.backups_keep`` daily copies. Manual copies (``quizzer backup``) and the safety
copies taken before an upgrade or a restore are never pruned.

A copy is taken only of a database that passes ``PRAGMA quick_check`` and is checked again
after copying, so a damaged database never rotates the good copies out. Pruning never
deletes the newest good daily copy, and a copy dated in the future (a wrong clock,
``QUIZZER_NOW``) counts as the oldest, so it rotates out instead of pinning the rotation.
When the live database fails the check, the person is told once (:func:`pending_notice`),
with the newest good backup named. Temporary files of a copy or restore that was killed
are removed at the next start (:func:`clean_stale`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from quizzer.clock import now
from quizzer.safe_text import clip
from quizzer.store import lock
from quizzer.store.db import SQLITE_HEADER, StoreError
from quizzer.store.migrations import SCHEMA_VERSION

DAILY = "daily"
STAMP = "%Y%m%d-%H%M%S"
NOTICE = ".{stem}.damaged"
_started: set[tuple[Path, str]] = set()  # (database, day) backups this process started
_threads: dict[Path, threading.Thread] = {}


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


def quick_check(conn: sqlite3.Connection) -> str:
    """``ok``, or the first problem ``PRAGMA quick_check`` finds on ``conn``'s database."""
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    lines = [ln for row in rows for ln in str(row[0]).splitlines() if not ln.startswith("***")]
    return clip("; ".join(lines) or "ok", 160)


class DamagedDatabase(StoreError):
    """The database to copy fails ``quick_check``: no backup is made of it."""

    def __init__(self, db_path: Path, problem: str) -> None:
        super().__init__(
            f"{db_path} fails SQLite's integrity check ({problem}); no backup was made of it"
        )
        self.problem = problem


def backup_file(conn: sqlite3.Connection, db_path: Path, label: str = "manual") -> Path:
    """Copy the database open on ``conn`` (the file ``db_path``) into its backups folder.

    Refuses (:class:`DamagedDatabase`) a database that fails ``quick_check``; the copy is
    written to a temporary name, checked, and renamed only when it is sound, so a crash or a
    bad copy never leaves a partial backup under a backup's name. Returns the new file."""
    problem = quick_check(conn)
    if problem != "ok":
        raise DamagedDatabase(db_path, problem)
    dest = _new_name(db_path, label, now())
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            problem = quick_check(copy)
        finally:
            copy.close()
        if problem != "ok":
            raise StoreError(f"the backup copy of {db_path} did not verify ({problem})")
        tmp.replace(dest)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}-journal").unlink(missing_ok=True)
    return dest


def _stamp(path: Path, pattern: re.Pattern[str]) -> datetime | None:
    match = pattern.fullmatch(path.name)
    return None if match is None else datetime.strptime(match[1], STAMP).replace(tzinfo=UTC)


def is_good(path: Path) -> bool:
    """Whether the backup file opens read-only and passes ``quick_check``."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return quick_check(conn) == "ok"
    finally:
        conn.close()


def newest_good(db_path: Path, label: str | None = None) -> Path | None:
    """The newest backup (with ``label`` when given) that passes ``quick_check``; one dated
    in the future is tried after all the others."""
    pattern, when = _pattern(db_path), now()
    found = backups(db_path, label)
    past = [p for p in found if (_stamp(p, pattern) or when) <= when]
    for path in [*reversed(past), *reversed([p for p in found if p not in past])]:
        if is_good(path):
            return path
    return None


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
    """Delete all but the newest ``keep`` daily backups; returns what was deleted.

    A backup dated after now counts as older than every other, so it is deleted first
    instead of staying forever; the newest daily backup that passes ``quick_check`` is
    never deleted, even when damaged copies are newer."""
    pattern, when = _pattern(db_path), now()
    daily = backups(db_path, DAILY)
    future = [p for p in daily if (_stamp(p, pattern) or when) > when]
    ordered = future + [p for p in daily if p not in future]  # oldest first
    doomed = ordered[: max(0, len(ordered) - keep)]
    if not doomed:
        return []
    keep_good = newest_good(db_path, DAILY)
    removed = [p for p in doomed if p != keep_good]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def clean_stale(db_path: Path) -> list[Path]:
    """Remove what a backup or restore killed midway left behind (its temporary copy and
    that copy's journal), recognised by the process id in the name no longer running."""
    found: list[Path] = []
    folder = backup_dir(db_path)
    if folder.is_dir():
        found += folder.glob(f".{glob.escape(db_path.stem)}-*.tmp*")
    found += db_path.parent.glob(f".{glob.escape(db_path.name)}.*.restore.tmp*")
    removed = []
    for path in found:
        match = re.search(r"\.(\d+)(?:\.restore)?\.tmp(?:-journal|-wal|-shm)?$", path.name)
        if match is None or _alive(int(match[1])):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, run by someone else
    return True


def _notice_path(db_path: Path, shown: bool = False) -> Path:
    name = NOTICE.format(stem=db_path.stem) + (".shown" if shown else "")
    return backup_dir(db_path) / name


def _report_damage(db_path: Path, problem: str) -> None:
    """Leave a notice for the person, unless they were already told about this damage."""
    if _notice_path(db_path, shown=True).exists():
        return
    good = newest_good(db_path)
    advice = (
        f"the newest good backup is {good}; restore it with `quizzer restore {good}` (the "
        "damaged file is saved first)"
        if good
        else "there is no good backup to restore"
    )
    message = (
        f"{db_path} fails SQLite's integrity check ({problem}). No automatic backup was "
        f"made of it, so the good ones are kept; {advice}."
    )
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    _notice_path(db_path).write_text(message, encoding="utf-8")


def pending_notice(db_path: Path) -> str | None:
    """The damage notice not shown yet, if any; reading it marks it shown, so the person is
    told once (until a good backup is taken again)."""
    path = _notice_path(db_path)
    try:
        message = path.read_text(encoding="utf-8")
        path.replace(_notice_path(db_path, shown=True))
    except OSError:
        return None
    return message


def wait_daily(db_path: Path, timeout: float | None = None) -> None:
    """Wait for this process's automatic backup of ``db_path`` (if one runs) to finish."""
    thread = _threads.get(db_path)
    if thread is not None:
        thread.join(timeout)


def finish() -> list[str]:
    """Wait for every automatic backup this process started; the damage notices they left
    that were not shown yet (each returned once)."""
    notices = []
    for db_path, thread in list(_threads.items()):
        thread.join()
        if (notice := pending_notice(db_path)) is not None:
            notices.append(notice)
    return notices


def _daily(db_path: Path, keep: int) -> None:
    try:
        conn = sqlite3.connect(db_path, timeout=15, isolation_level=None)
        try:
            if conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0:
                return
            backup_file(conn, db_path, DAILY)
        finally:
            conn.close()
        for name in (_notice_path(db_path), _notice_path(db_path, shown=True)):
            name.unlink(missing_ok=True)  # sound again: a later damage is told again
        prune(db_path, keep)
    except DamagedDatabase as exc:
        with contextlib.suppress(OSError):  # a read-only folder: nowhere to leave it
            _report_damage(db_path, exc.problem)
    except (OSError, sqlite3.Error, StoreError):
        pass  # a missed automatic backup must never stop a session; the next start retries


def start_daily(db_path: Path, keep: int) -> threading.Thread | None:
    """Start today's automatic backup of ``db_path`` in a background thread, unless one
    exists, ``keep`` is 0 or there is nothing to back up. The thread is not a daemon:
    the process finishes the copy before it exits."""
    today = (db_path, f"{now():%Y%m%d}")
    if keep <= 0 or today in _started or not daily_due(db_path):
        return None
    _started.add(today)
    thread = threading.Thread(target=_daily, args=(db_path, keep), name="quizzer-backup")
    _threads[db_path] = thread
    thread.start()
    return thread


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
    there was no database). Refused while another quizzer has the database open (it would
    keep writing to the replaced file); opening waits until the restore is done."""
    _check_restorable(source)
    try:
        hold = lock.try_exclusive(db_path) if db_path.parent.is_dir() else None
    except BlockingIOError:
        raise StoreError(
            f"{db_path} is open in another quizzer (a TUI or a running command); close it "
            "and run the restore again. Nothing was restored."
        ) from None
    try:
        return _restore(db_path, source)
    finally:
        lock.release(hold)


def _restore(db_path: Path, source: Path) -> Path | None:
    safety = None
    if db_path.exists():
        try:
            conn = sqlite3.connect(db_path, timeout=15, isolation_level=None)
            try:
                safety = backup_file(conn, db_path, "before-restore")
            finally:
                conn.close()
        except (sqlite3.Error, StoreError):
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
        Path(f"{tmp}-journal").unlink(missing_ok=True)
    return safety
