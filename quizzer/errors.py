"""The one base of every error a person can cause or fix, its one-line format and the exit
codes of the command line.

Exit codes of ``quizzer`` (the same for every subcommand):

====  =========================================================================================
code  meaning
====  =========================================================================================
0     success; ``quizzer check``: the answer is correct
1     a user error (bad database, bank, config file, clock, option value that is not a usage
      error); ``quizzer check``: the answer is incorrect
2     a usage error or an unknown name (bad option, unknown question id, format or device);
      ``quizzer check``: the answer could not be read (invalid) or its check timed out
3     ``quizzer demo``: the demo cannot start (no demo, no PyTorch, missing snippet); a
      demo's own failure is passed through as its exit status
70    an internal error: a bug in quizzer (``QUIZZER_DEBUG=1`` shows the traceback)
130   interrupted (Ctrl+C)
====  =========================================================================================
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """The exit statuses of ``quizzer``; see the table in this module's docstring."""

    OK = 0
    USER_ERROR = 1
    USAGE = 2
    UNAVAILABLE = 3
    INTERNAL = 70
    INTERRUPTED = 130


class QuizzerError(Exception):
    """A problem the person at the keyboard can fix, phrased for them in one line.

    Every such error of the package derives from this class; ``exit_code`` is the status the
    command line exits with when it ends a command."""

    exit_code: ClassVar[int] = ExitCode.USER_ERROR


def format_error(error: BaseException | str) -> str:
    """The one line shown for an error: ``quizzer: error: <message>``, with any control
    character of the message (it may quote a bank or a database) shown escaped."""
    from quizzer.safe_text import clean

    return clean(f"quizzer: error: {error}")
