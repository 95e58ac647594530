"""The domain vocabulary every layer speaks: ratings, card states, answer statuses, the
scheduling state of a card and what is stored about one review.

Plain dataclasses and enums with no dependencies: the checker, the scheduler, the store, the
drill session and both user interfaces import them from here. The enums are ``int``/``str``
subclasses, so a stored ``3`` or ``"correct"`` compares equal to its member.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Rating(IntEnum):
    """How well the person recalled the answer, FSRS's four grades."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        """``Again``, ``Hard``, ``Good`` or ``Easy``."""
        return self.name.capitalize()


class State(IntEnum):
    """Where a card is in its life: never reviewed, or FSRS's learning/review/relearning."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3

    @property
    def label(self) -> str:
        """``new``, ``learning``, ``review`` or ``relearning``."""
        return self.name.lower()


class Status(StrEnum):
    """What became of one answer. The checker gives the first five; ``REVEALED`` is the
    drill's own: the person asked for the solution instead of answering."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    INVALID = "invalid"
    TIMEOUT = "timeout"
    UNGRADED = "ungraded"
    REVEALED = "revealed"


def state_label(value: int) -> str:
    """The name of a stored state number; an unknown number is shown as itself."""
    try:
        return State(value).label
    except ValueError:
        return str(value)


def rating_label(value: int) -> str:
    """The name of a stored rating number (``Good`` for 3); empty for an unknown number."""
    try:
        return Rating(value).label
    except ValueError:
        return ""


def option_letter(index: int) -> str:
    """The letter a choice option is shown and typed with: 0 -> ``a``, 1 -> ``b``."""
    return chr(ord("a") + index)


@dataclass(frozen=True)
class CardState:
    """A question's scheduling state. ``due`` and ``last_review`` are epoch milliseconds."""

    question_id: str
    state: State = State.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: int = 0
    last_review: int | None = None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class ReviewInput:
    """What is stored about one graded answer besides the card states."""

    reviewed_at: int
    rating: Rating
    status: Status
    answer: str = ""
    seed: int | None = None
    duration_ms: int = 0
    cram: bool = False
