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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from quizzer.bank.loader import Bank
from quizzer.bank.params import draw, fill
from quizzer.bank.schema import Question
from quizzer.check.verdict import LineMark, Verdict
from quizzer.clock import from_ms, next_day_start, to_ms
from quizzer.config import Settings
from quizzer.context import Context, DrillOptions
from quizzer.model import CardState, Rating, ReviewInput, Status
from quizzer.schedule.queue import ahead_queue, build_queue
from quizzer.schedule.scheduler import (
    apply_rating,
    format_interval,
    interval,
    make_scheduler,
    outcomes,
)
from quizzer.store.db import Store

if TYPE_CHECKING:
    import fsrs


@dataclass(frozen=True)
class Exercise:
    """A question as asked this time: its drawn parameters and the prompt with them filled."""

    question: Question
    params: dict[str, float]
    seed: int
    prompt: str


def solution(exercise: Exercise) -> str | None:
    """The reference answer of an exercise, rendered for display (None for recall).

    Evaluated in the checking worker under its time limit, like every check.
    """
    from quizzer.check import CheckError, render_reference

    try:
        return render_reference(exercise.question.answer, exercise.params)
    except CheckError as error:
        return f"(the reference answer cannot be shown: {error})"


def model_derivation(exercise: Exercise) -> str | None:
    """The model derivation of a derivation question, one step per line (None otherwise)."""
    spec = exercise.question.answer
    return "\n".join(spec.steps) if spec.kind == "derivation" else None


@dataclass(frozen=True)
class Result:
    """What grading an answer gave: the checker's verdict, the suggested rating and, for each
    rating, the card state it leads to and the interval until the question returns."""

    verdict: Verdict
    suggested: Rating
    outcomes: dict[Rating, CardState]
    intervals: dict[Rating, str]

    @property
    def status(self) -> Status:
        """The verdict's status."""
        return self.verdict.status

    @property
    def feedback(self) -> str:
        """The verdict's feedback."""
        return self.verdict.feedback

    @property
    def interpreted(self) -> str | None:
        """How the answer was read."""
        return self.verdict.interpreted

    @property
    def expected(self) -> str | None:
        """The reference answer, rendered for display."""
        return self.verdict.expected

    @property
    def lines(self) -> tuple[LineMark, ...]:
        """Each line of a derivation, read and marked."""
        return self.verdict.lines

    @property
    def retry(self) -> bool:
        """The answer could not be read: nothing is recorded and the person may try again."""
        return self.status is Status.INVALID


@dataclass(frozen=True)
class _Done:
    review_id: int
    exercise: Exercise
    requeued: bool


@dataclass
class DrillSession:
    """One sitting: a queue of due questions, graded and rated one by one."""

    context: Context
    options: DrillOptions = field(default_factory=DrillOptions)
    queue: list[str] = field(default_factory=list)
    limit: int | None = field(init=False)
    done: int = 0
    current: Exercise | None = None
    result: Result | None = None
    hints_used: int = 0
    _history: list[_Done] = field(default_factory=list)
    _drawn: int = 0
    _shown_at: float = 0.0
    _answer: str = ""
    _graded_at: datetime | None = None
    _graded_card: CardState | None = None

    def __post_init__(self) -> None:
        self.limit = self.options.limit
        self._rng = random.Random(self.options.seed)
        topic = self.options.topic
        if self.cram:
            self.queue = [q.id for q in self.bank.select(topic)]
            self._rng.shuffle(self.queue)
        else:
            # a derivation is the hardest kind to answer: new ones come after the others
            ids = sorted(
                (q.id for q in self.bank.select(topic)),
                key=lambda qid: self.bank.questions[qid].kind == "derivation",
            )
            self.queue = build_queue(self.store, ids, self.clock(), self.settings)
        if self.limit is not None:
            self.queue = self.queue[: self.limit]

    @property
    def store(self) -> Store:
        """The database reviews are committed to."""
        return self.context.store

    @property
    def bank(self) -> Bank:
        """The questions."""
        return self.context.bank

    @property
    def settings(self) -> Settings:
        """The settings in effect when the session started."""
        return self.context.settings

    @property
    def cram(self) -> bool:
        """Whether this drill leaves the schedule alone."""
        return self.options.cram

    def clock(self) -> datetime:
        """The current instant."""
        return self.context.clock()

    @functools.cached_property
    def scheduler(self) -> fsrs.Scheduler:
        """The FSRS scheduler, built on the first grade: importing fsrs is not free, and the
        first question should be on screen before anything is graded."""
        return make_scheduler(self.settings, self.options.fuzz)

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
        ids = [q.id for q in self.bank.select(self.options.topic)]
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
            if self.options.seed is None
            else (self.options.seed * 1_000_003 + self._drawn) % 2**31
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
        verdict = self._check(exercise, answer)
        if verdict.status is Status.INVALID:
            return Result(verdict, Rating.AGAIN, {}, {})
        suggested = {
            Status.CORRECT: Rating.HARD if self.hints_used else Rating.GOOD,
            Status.INCORRECT: Rating.AGAIN,
            Status.REVEALED: Rating.AGAIN,
            Status.TIMEOUT: Rating.HARD,
        }.get(verdict.status, Rating.GOOD)
        at = self.clock()
        card = self.store.card(question.id)
        after: dict[Rating, CardState]
        if self.cram:
            same = card or CardState(question.id, due=to_ms(at))
            after = dict.fromkeys(Rating, same)
            shown = dict.fromkeys(Rating, "cram")
        else:
            after = outcomes(self.scheduler, card, question.id, at)
            shown = {r: format_interval(interval(c, at)) for r, c in after.items()}
        self._answer = answer
        self._graded_at = at
        self._graded_card = card
        self.result = Result(verdict, suggested, after, shown)
        return self.result

    def _check(self, exercise: Exercise, answer: str) -> Verdict:
        question = exercise.question
        if question.kind == "recall":
            return Verdict(Status.UNGRADED)
        if not answer.strip():
            return Verdict(
                Status.REVEALED,
                "Not answered: here is the solution.",
                expected=solution(exercise),
            )
        from quizzer.check import CheckError, check

        try:
            return check(question.answer, answer, exercise.params, mistakes=question.mistakes)
        except CheckError as exc:  # a fault in the bank, not in the answer: let the person grade
            return Verdict(
                Status.UNGRADED, f"This question's checker failed ({exc}); grade yourself."
            )

    # -- rating --------------------------------------------------------------------------

    def rate(self, rating: Rating | int | None = None) -> int:
        """Commit the review of the question in hand with ``rating`` (default: the suggested
        one). The review is on disk when this returns; returns its id."""
        exercise, result, at = self.current, self.result, self._graded_at
        if exercise is None or result is None or at is None or result.retry:
            raise RuntimeError("grade an answer before rating it")
        if rating is None:
            rating = result.suggested
        elif rating not in result.outcomes:
            raise ValueError(f"rating must be 1-4, not {rating}")
        rating = Rating(rating)
        qid, graded = exercise.question.id, self._graded_card

        def next_state(stored: CardState | None) -> CardState:
            # Another instance may have rated this card since it was graded here: then the
            # state shown is out of date, and the rating applies to what is stored now.
            if stored == graded:
                return result.outcomes[rating]
            if self.cram:
                return stored or CardState(qid, due=to_ms(at))
            return apply_rating(self.scheduler, stored, qid, rating, at)

        review_id, after = self.store.record_next(
            qid,
            next_state,
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
