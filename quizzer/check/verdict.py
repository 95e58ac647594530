"""The result of checking an answer, and the errors the checker raises or reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["correct", "incorrect", "invalid", "timeout", "ungraded"]


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


@dataclass(frozen=True)
class Verdict:
    """What the checker concluded about one answer.

    ``interpreted`` is how the answer was read (a Unicode rendering), ``expected`` the
    reference answer rendered for display. ``invalid`` costs the user nothing: the text
    could not be read or is not allowed here, and they may try again. ``lines`` marks each
    line of a derivation.
    """

    status: Status
    feedback: str = ""
    interpreted: str | None = None
    expected: str | None = None
    lines: tuple[LineMark, ...] = ()
    correct: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "correct", self.status == "correct")


class CheckError(ValueError):
    """A question's answer spec or reference value cannot be used (a bank error, not user text)."""


class AnswerError(ValueError):
    """User text that cannot be read or is not allowed; the message says what and where.

    ``interpreted`` is set when the text was read but is not allowed here (an expression
    where a number is expected), so the user still sees how it was understood.
    """

    def __init__(self, message: str, interpreted: str | None = None) -> None:
        super().__init__(message)
        self.interpreted = interpreted
