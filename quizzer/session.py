"""The drill loop shared by the TUI and ``quizzer drill --plain``: no UI code here.

A session walks a queue of question ids. For each one it draws seeded parameters, grades
the typed answer (with :func:`quizzer.check.check`, imported only when an answer is graded),
suggests a rating, previews the interval each rating gives, and commits the review the
moment it is rated. Undo restores the card exactly and puts the question back in front.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from quizzer.bank.loader import Bank
from quizzer.bank.params import draw, fill
from quizzer.bank.schema import Question
from quizzer.check.verdict import LineMark
from quizzer.clock import from_ms, next_day_start, now, to_ms
from quizzer.config import Settings
from quizzer.schedule.queue import ahead_queue, build_queue
from quizzer.schedule.scheduler import (
    AGAIN,
    GOOD,
    HARD,
    format_interval,
    interval,
    make_scheduler,
    outcomes,
)
from quizzer.store.db import CardState, ReviewInput, Store

if TYPE_CHECKING:
    import fsrs

REVEALED = "revealed"


@dataclass(frozen=True)
class Exercise:
    """A question as asked this time: its drawn parameters and the prompt with them filled."""

    question: Question
    params: dict[str, float]
    seed: int
    prompt: str


def solution(exercise: Exercise) -> str | None:
    """The reference answer of an exercise, rendered for display (None for recall)."""
    spec = exercise.question.answer
    if spec.kind == "choice":
        options = spec.options
        return ", ".join(
            f"{chr(ord('a') + options.index(c))}) {c}"
            for c in sorted(spec.correct_set, key=options.index)
        )
    if spec.kind == "recall":
        return None
    if spec.kind == "derivation":
        return model_derivation(exercise)
    from quizzer.check import preview, reference_value

    if spec.kind == "expression":
        return preview(spec, spec.value, exercise.params).interpreted or spec.value
    value = reference_value(spec, exercise.params)
    return (
        f"{value:.6g}"
        if isinstance(value, float)
        else "[" + ", ".join(f"{v:.6g}" for v in value) + "]"
    )


def model_derivation(exercise: Exercise) -> str | None:
    """The model derivation of a derivation question, one line per step (None otherwise)."""
    spec = exercise.question.answer
    if spec.kind != "derivation":
        return None
    return "\n".join(spec.steps)


@dataclass(frozen=True)
class Result:
    """What grading an answer gave: the status, feedback, the suggested rating and, for each
    rating 1-4, the card state it leads to and the interval until the question returns."""

    status: str
    feedback: str
    interpreted: str | None
    expected: str | None
    suggested: int
    outcomes: dict[int, CardState]
    intervals: dict[int, str]
    lines: tuple[LineMark, ...] = ()

    @property
    def retry(self) -> bool:
        """The answer could not be read: nothing is recorded and the person may try again."""
        return self.status == "invalid"


@dataclass(frozen=True)
class _Done:
    review_id: int
    exercise: Exercise
    requeued: bool


@dataclass
class DrillSession:
    """One sitting: a queue of due questions, graded and rated one by one."""

    store: Store
    bank: Bank
    settings: Settings
    topic: str | None = None
    limit: int | None = None
    seed: int | None = None
    cram: bool = False
    fuzz: bool | None = None
    clock: Callable[[], datetime] = now
    queue: list[str] = field(default_factory=list)
    done: int = 0
    current: Exercise | None = None
    result: Result | None = None
    hints_used: int = 0
    _history: list[_Done] = field(default_factory=list)
    _drawn: int = 0
    _shown_at: float = 0.0
    _answer: str = ""
    _graded_at: datetime | None = None

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        if self.cram:
            self.queue = [q.id for q in self.bank.select(self.topic)]
            self._rng.shuffle(self.queue)
        else:
            ids = (
                self.bank.questions.keys()
                if self.topic is None
                else [q.id for q in self.bank.select(self.topic)]
            )
            self.queue = build_queue(self.store, ids, self.clock(), self.settings)
        if self.limit is not None:
            self.queue = self.queue[: self.limit]

    @functools.cached_property
    def scheduler(self) -> fsrs.Scheduler:
        """The FSRS scheduler, built on the first grade: importing fsrs is not free, and the
        first question should be on screen before anything is graded."""
        return make_scheduler(self.settings, self.fuzz)

    # -- progress ------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Questions done plus those still queued (capped by ``limit``)."""
        total = self.done + len(self.queue) + (1 if self.current else 0)
        return total if self.limit is None else min(total, self.limit)

    @property
    def finished(self) -> bool:
        """Nothing left to ask in this session."""
        return self.current is None and (
            not self.queue or (self.limit is not None and self.done >= self.limit)
        )

    def next_due(self) -> datetime | None:
        """When the next reviewed question falls due (None when nothing was ever reviewed)."""
        card = self.store.next_due()
        return None if card is None else from_ms(card.due)

    def next_day(self) -> datetime:
        """When the next study day starts (new questions unlock then)."""
        return next_day_start(self.clock(), self.settings.rollover_hour)

    def study_ahead(self, count: int = 10) -> int:
        """Queue the ``count`` questions due soonest, for studying before they are due."""
        ids = [q.id for q in self.bank.select(self.topic)]
        self.queue = ahead_queue(self.store, ids, count)
        if self.limit is not None:
            self.limit = self.done + len(self.queue)
        return len(self.queue)

    # -- asking --------------------------------------------------------------------------

    def next(self) -> Exercise | None:
        """Move to the next question (or return the one in hand); None when finished."""
        if self.current is not None:
            return self.current
        if self.finished:
            return None
        qid = self.queue.pop(0)
        question = self.bank.questions[qid]
        self._drawn += 1
        seed = (
            self._rng.randrange(2**31)
            if self.seed is None
            else (self.seed * 1_000_003 + self._drawn) % 2**31
        )
        params = draw(question, seed)
        self.current = Exercise(question, params, seed, fill(question.prompt, params))
        self.result = None
        self.hints_used = 0
        self._shown_at = time.monotonic()
        return self.current

    def hint(self) -> str | None:
        """The next hint for the question in hand (None when there are no more)."""
        if self.current is None or self.hints_used >= len(self.current.question.hints):
            return None
        self.hints_used += 1
        return self.current.question.hints[self.hints_used - 1]

    def grade(self, answer: str) -> Result:
        """Grade ``answer`` for the question in hand. An empty answer reveals the solution
        and counts as not known. An unreadable answer returns a ``retry`` result."""
        exercise = self.current
        if exercise is None:
            raise RuntimeError("no question in hand: call next() first")
        question = exercise.question
        status, feedback, interpreted, expected, lines = self._check(exercise, answer)
        if status == "invalid":
            return Result(status, feedback, interpreted, expected, AGAIN, {}, {}, lines)
        suggested = {
            "correct": HARD if self.hints_used else GOOD,
            "incorrect": AGAIN,
            REVEALED: AGAIN,
            "timeout": HARD,
        }.get(status, GOOD)
        at = self.clock()
        card = self.store.card(question.id)
        if self.cram:
            same = card or CardState(question.id, due=to_ms(at))
            after = dict.fromkeys(range(1, 5), same)
            shown = dict.fromkeys(range(1, 5), "cram")
        else:
            after = outcomes(self.scheduler, card, question.id, at)
            shown = {r: format_interval(interval(c, at)) for r, c in after.items()}
        self._answer = answer
        self._graded_at = at
        self.result = Result(
            status, feedback, interpreted, expected, suggested, after, shown, lines
        )
        return self.result

    def _check(
        self, exercise: Exercise, answer: str
    ) -> tuple[str, str, str | None, str | None, tuple[LineMark, ...]]:
        question = exercise.question
        if question.kind == "recall":
            return "ungraded", "", None, None, ()
        if not answer.strip():
            return REVEALED, "Not answered: here is the solution.", None, solution(exercise), ()
        from quizzer.check import CheckError, check

        try:
            verdict = check(question.answer, answer, exercise.params, mistakes=question.mistakes)
        except CheckError as exc:  # a fault in the bank, not in the answer: let the person grade
            return (
                "ungraded",
                f"This question's checker failed ({exc}); grade yourself.",
                None,
                None,
                (),
            )
        return (
            verdict.status,
            verdict.feedback,
            verdict.interpreted,
            verdict.expected,
            verdict.lines,
        )

    # -- rating --------------------------------------------------------------------------

    def rate(self, rating: int | None = None) -> int:
        """Commit the review of the question in hand with ``rating`` (default: the suggested
        one). The review is on disk when this returns; returns its id."""
        exercise, result, at = self.current, self.result, self._graded_at
        if exercise is None or result is None or at is None or result.retry:
            raise RuntimeError("grade an answer before rating it")
        rating = result.suggested if rating is None else rating
        if rating not in result.outcomes:
            raise ValueError(f"rating must be 1-4, not {rating}")
        before = self.store.card(exercise.question.id)
        after = result.outcomes[rating]
        review_id = self.store.record(
            before,
            after,
            ReviewInput(
                reviewed_at=to_ms(at),
                rating=rating,
                status=result.status,
                answer=self._answer,
                seed=exercise.seed,
                duration_ms=int((time.monotonic() - self._shown_at) * 1000),
                cram=self.cram,
            ),
        )
        requeue = not self.cram and after.due <= to_ms(
            at + timedelta(minutes=self.settings.learn_ahead_minutes)
        )
        if requeue:
            self.queue.append(exercise.question.id)
        self._history.append(_Done(review_id, exercise, requeue))
        self.done += 1
        self.current = None
        self.result = None
        return review_id

    @property
    def can_undo(self) -> bool:
        """Whether a review of this session can be undone."""
        return bool(self._history)

    def undo(self) -> Exercise | None:
        """Undo the last review of this session exactly; its question is asked again."""
        if not self._history:
            return None
        last = self._history.pop()
        self.store.undo(last.review_id)
        if last.requeued:
            for i in range(len(self.queue) - 1, -1, -1):
                if self.queue[i] == last.exercise.question.id:
                    del self.queue[i]
                    break
        if self.current is not None:
            self.queue.insert(0, self.current.question.id)
        self.done -= 1
        self.current = last.exercise
        self.result = None
        self.hints_used = 0
        self._shown_at = time.monotonic()
        return self.current
