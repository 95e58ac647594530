"""The result of checking an answer, and the errors the checker raises or reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from quizzer.errors import QuizzerError
from quizzer.model import Status

StatusName = Literal["correct", "incorrect", "invalid", "timeout", "ungraded", "revealed"]
"""A :class:`~quizzer.model.Status` as the checker's code spells it."""


@dataclass(frozen=True)
class LineMark:
    """One line of a multi-line (derivation) answer: how it was read and whether it follows.

    ``follows`` is None before grading; ``note`` says why a line could not be read.
    """

    number: int
    text: str
    shown: str | None = None
    follows: bool | None = None
    note: str = ""


@dataclass(frozen=True, init=False)
class Verdict:
    """What the checker concluded about one answer.

    ``interpreted`` is how the answer was read (a Unicode rendering), ``expected`` the
    reference answer rendered for display. ``invalid`` costs the user nothing: the text
    could not be read or is not allowed here, and they may try again.
    """

    status: Status
    feedback: str
    interpreted: str | None
    expected: str | None
    lines: tuple[LineMark, ...]

    def __init__(
        self,
        status: Status | StatusName,
        feedback: str = "",
        interpreted: str | None = None,
        expected: str | None = None,
        lines: tuple[LineMark, ...] = (),
    ) -> None:
        object.__setattr__(self, "status", Status(status))
        object.__setattr__(self, "feedback", feedback)
        object.__setattr__(self, "interpreted", interpreted)
        object.__setattr__(self, "expected", expected)
        object.__setattr__(self, "lines", lines)

    @property
    def correct(self) -> bool:
        """Whether the answer was graded correct."""
        return self.status is Status.CORRECT


class CheckError(QuizzerError, ValueError):
    """A question's answer spec or reference value cannot be used (a bank error, not user text)."""


class AnswerError(ValueError):
    """User text that cannot be read or is not allowed; the message says what and where.

    ``interpreted`` is set when the text was read but is not allowed here (an expression
    where a number is expected), so the user still sees how it was understood.
    """

    def __init__(self, message: str, interpreted: str | None = None) -> None:
        super().__init__(message)
        self.interpreted = interpreted


def sentence(message: str) -> str:
    """``message`` as a sentence: a capital first letter and a full stop."""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def join_notes(head: str, notes: Iterable[str]) -> str:
    """The head and each distinct note once, in order."""
    return " ".join(unique_notes([head, *notes]))


def unique_notes(notes: Iterable[str]) -> list[str]:
    """The non-empty notes, each once, in order."""
    return list(dict.fromkeys(n for n in notes if n))
