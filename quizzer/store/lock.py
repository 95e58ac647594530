"""Who has a database open: every open store holds a shared lock on ``<db>.lock`` beside it,
and a restore takes it exclusively, so a database is never replaced under a running quizzer
(whose reviews would go to the replaced file and be lost).

The lock is ``flock`` on a file of its own, so it never meets SQLite's own locks on the
database. The file is left in place (removing it would let two holders miss each other).
Where ``fcntl`` does not exist (Windows) there is no lock and restore cannot tell.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_path(db_path: Path) -> Path:
    """The lock file of ``db_path``."""
    return db_path.with_name(f"{db_path.name}.lock")


def _open(db_path: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        return os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return None  # a read-only folder: the database cannot be replaced there either


def _hold(db_path: Path, operation: int, busy: str) -> int | None:
    fd = _open(db_path)
    if fd is None:
        return None
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise BlockingIOError(f"{db_path} {busy}") from None
    return fd


def try_shared(db_path: Path) -> int | None:
    """A shared hold on ``db_path`` (a file descriptor to close to let go), or None when
    locking is not possible here. Raises ``BlockingIOError`` while a restore holds it."""
    return _hold(db_path, fcntl.LOCK_SH, "is being restored")


def try_exclusive(db_path: Path) -> int | None:
    """The only hold on ``db_path`` (close the descriptor to let go), or None when locking
    is not possible here. Raises ``BlockingIOError`` while any store has it open."""
    return _hold(db_path, fcntl.LOCK_EX, "is open in another quizzer")


def release(fd: int | None) -> None:
    """Let go of a hold from :func:`try_shared` or :func:`try_exclusive`."""
    if fd is not None:
        os.close(fd)
