"""Writing an export file without following or replacing what an attacker (or an accident)
put at the path.

The data goes to a temporary file created exclusively (``O_EXCL``: a planted symlink or file
at that name is never opened) with a random name in the target's folder, and is renamed over
the target only when the target is missing or a regular file. A character device or a FIFO
(``/dev/null``, a named pipe) is written in place, never replaced; a symlink, a directory or
anything else is refused. Every failure is one :class:`OutputError` line.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from quizzer.errors import QuizzerError


class OutputError(QuizzerError):
    """The export could not be written where asked."""


def _kind(path: Path) -> str:
    """``missing``, ``regular``, ``stream`` (character device or FIFO) or ``other``."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISREG(mode):
        return "regular"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "stream"
    return "symlink" if stat.S_ISLNK(mode) else "other"


def _refuse(path: Path, kind: str) -> OutputError:
    what = "a symbolic link" if kind == "symlink" else "not a regular file"
    return OutputError(f"{path} is {what}; nothing was written (choose another --output)")


@contextmanager
def output_file(path: Path) -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` when the block ends without an error
    (nothing is changed otherwise). Raises :class:`OutputError` with one line."""
    kind = _kind(path)
    if kind == "stream":
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                yield out
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror}") from None
        return
    if kind not in ("missing", "regular"):
        raise _refuse(path, kind)
    folder = path.parent
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write in {folder or '.'}: {exc.strerror}") from None
    tmp = Path(name)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as a plain open() would, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        kind = _kind(path)  # again: something may have been put there meanwhile
        if kind not in ("missing", "regular"):
            raise _refuse(path, kind)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        tmp.unlink(missing_ok=True)
