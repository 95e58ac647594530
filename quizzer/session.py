"""The drill loop shared by the TUI and ``quizzer drill --plain``: no UI code here.

A session walks a queue of question ids. For each one it draws seeded parameters (and, for
choices, the order the options are shown in), grades the typed answer, suggests a rating,
previews the interval each rating gives, and commits the review the moment it is rated.
Undo restores the card exactly and asks the same exercise again.

The session is owned by one thread. Grading is split so that the slow part can run on
another: :meth:`DrillSession.submit` hands out a :class:`Check`, the pure :func:`run_check`
grades it anywhere, and :meth:`DrillSession.accept` takes the verdict back only if that
check is still the one in hand (an undo or a new question cancels it).
"""

from __future__ import annotations

import enum
import functools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from quizzer.bank.loader import Bank
from quizzer.bank.params import draw, fill
from quizzer.bank.schema import Question
from quizzer.check.spec import ChoiceSpec, Spec
from quizzer.check.verdict import LineMark, Verdict
from quizzer.clock import from_ms, next_day_start, to_ms
from quizzer.config import Settings
from quizzer.context import Context, DrillOptions
from quizzer.model import CardState, Rating, ReviewInput, State, Status, option_letter
from quizzer.schedule.queue import Due, ahead_queue, due_now, unseen
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


class Mode(enum.StrEnum):
    """Where the question in hand stands; the screens follow it. A ``str`` enum, like the
    model's, so ``Mode.RATING == "rating"``."""

    ANSWERING = "answering"
    CHECKING = "checking"
    RATING = "rating"
    FINISHED = "finished"


class Kind(enum.Enum):
    """Which of Anki's three counts a queued question belongs to."""

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"


def kind_of(state: State) -> Kind:
    """The count a card in ``state`` is shown under."""
    if state is State.NEW:
        return Kind.NEW
    return Kind.LEARNING if state in (State.LEARNING, State.RELEARNING) else Kind.REVIEW


def choice_order(question: Question, seed: int) -> tuple[int, ...]:
    """The order (bank indices) in which a choice question's options are shown for ``seed``:
    shuffled unless the bank says ``shuffle: false``; () for other kinds."""
    spec = question.answer
    if not isinstance(spec, ChoiceSpec):
        return ()
    order = list(range(len(spec.options)))
    if spec.shuffle:
        random.Random(f"options:{seed}").shuffle(order)
    return tuple(order)


@dataclass(frozen=True)
class Exercise:
    """A question as asked this time: its drawn parameters, the prompt with them filled and,
    for a choice, the order its options are shown in."""

    question: Question
    params: dict[str, float]
    seed: int
    prompt: str
    order: tuple[int, ...] = ()

    @property
    def options(self) -> list[str]:
        """The options of a choice as shown (a, b, c … in this order); [] for other kinds."""
        spec = self.question.answer
        return [spec.options[i] for i in self.order] if isinstance(spec, ChoiceSpec) else []

    def shown_spec(self) -> Spec:
        """The answer spec as the person sees it: a choice's options in the shown order, so
        that the letters typed mean the options on screen."""
        spec = self.question.answer
        if isinstance(spec, ChoiceSpec):
            return spec.model_copy(update={"options": self.options})
        return spec

    def shown_mistakes(self) -> list[tuple[str, str]]:
        """The predicted mistakes as (answer, feedback), a choice's letters moved to where
        those options are shown."""
        mistakes = [(m.answer, m.feedback) for m in self.question.mistakes]
        spec = self.question.answer
        if not isinstance(spec, ChoiceSpec):
            return mistakes
        from quizzer.check.choice import read_choice
        from quizzer.check.verdict import AnswerError

        position = {bank_index: shown for shown, bank_index in enumerate(self.order)}
        moved = []
        for answer, feedback in mistakes:
            try:
                picked = read_choice(spec.options, answer)
            except AnswerError:
                moved.append((answer, feedback))  # the checker reports it as a bank fault
                continue
            moved.append((", ".join(sorted(option_letter(position[i]) for i in picked)), feedback))
        return moved


def solution(exercise: Exercise) -> str | None:
    """The reference answer of an exercise, rendered for display (None for recall); a
    choice's letters are those shown.

    Evaluated in the checking worker under its time limit, like every check.
    """
    from quizzer.check import CheckError, render_reference

    try:
        return render_reference(exercise.shown_spec(), exercise.params)
    except CheckError as error:
        return f"(the reference answer cannot be shown: {error})"


def model_derivation(exercise: Exercise) -> str | None:
    """The model derivation of a derivation question, one step per line (None otherwise)."""
    spec = exercise.question.answer
    return "\n".join(spec.steps) if spec.kind == "derivation" else None


@dataclass(frozen=True)
class Check:
    """An answer handed out for checking: which exercise it is for and what was typed."""

    exercise: Exercise
    answer: str


@dataclass(frozen=True)
class Graded:
    """What checking an answer found, before the schedule is consulted: the verdict and,
    for a choice, the texts of the options the answer selected."""

    verdict: Verdict
    picked: tuple[str, ...] = ()


def run_check(check: Check) -> Graded:
    """Grade ``check`` with the pure checker. Safe on any thread: it reads nothing but
    ``check``. An empty answer reveals the solution; recall is graded by the person."""
    exercise, answer = check.exercise, check.answer
    question = exercise.question
    if question.kind == "recall":
        return Graded(Verdict(Status.UNGRADED))
    if not answer.strip():
        return Graded(
            Verdict(
                Status.REVEALED, "Not answered: here is the solution.", expected=solution(exercise)
            )
        )
    import quizzer.check
    from quizzer.check import CheckError

    try:
        verdict = quizzer.check.check(
            exercise.shown_spec(),
            answer,
            exercise.params,
            mistakes=[{"answer": a, "feedback": f} for a, f in exercise.shown_mistakes()],
        )
    except CheckError as exc:  # a fault in the bank, not in the answer: let the person grade
        return Graded(
            Verdict(Status.UNGRADED, f"This question's checker failed ({exc}); grade yourself.")
        )
    picked: tuple[str, ...] = ()
    if exercise.order and verdict.status is not Status.INVALID:
        from quizzer.check.choice import read_choice
        from quizzer.check.verdict import AnswerError

        try:
            chosen = read_choice(exercise.options, answer)
        except AnswerError:
            chosen = set()
        picked = tuple(exercise.options[i] for i in sorted(chosen))
    return Graded(verdict, picked)


@dataclass(frozen=True)
class Result:
    """What grading an answer gave: the checker's verdict, the suggested rating and, for each
    rating, the card state it leads to and the interval until the question returns. For a
    choice, ``picked`` and ``right`` are the option texts chosen and the correct ones."""

    verdict: Verdict
    suggested: Rating
    outcomes: dict[Rating, CardState]
    intervals: dict[Rating, str]
    picked: tuple[str, ...] = ()
    right: frozenset[str] = frozenset()

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
class Counts:
    """Anki's three numbers: questions left in this session by kind (the one in hand too)."""

    new: int = 0
    learning: int = 0
    review: int = 0


@dataclass(frozen=True)
class Tally:
    """Reviews of one topic in this session and how many were answered right."""

    reviewed: int = 0
    correct: int = 0


def answered_right(status: Status, rating: Rating) -> bool:
    """Whether a review counts as answered right: the checker's verdict where it gave one
    (a revealed solution is not right), the person's rating (not Again) where it did not."""
    if status in (Status.CORRECT, Status.INCORRECT, Status.REVEALED):
        return status is Status.CORRECT
    return rating is not Rating.AGAIN


@dataclass(frozen=True)
class Summary:
    """The end-of-session report."""

    reviewed: int
    correct: int
    again: int
    seconds: float
    by_topic: dict[str, Tally]
    next_due: datetime | None
    due_tomorrow: int
    new_left: int
    new_unlock: datetime | None

    @property
    def accuracy(self) -> float | None:
        """Share of reviews answered right (see :func:`answered_right`); None before any."""
        return self.correct / self.reviewed if self.reviewed else None


@dataclass(frozen=True)
class _Done:
    review_id: int
    exercise: Exercise
    requeued: bool
    kind: Kind
    topic: str
    rating: Rating
    status: Status
    duration_ms: int


@dataclass(frozen=True)
class _Kept:
    """An exercise put aside by undo, with what had been typed and graded for it."""

    exercise: Exercise
    answer: str
    graded: Graded | None


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
    answer: str = ""
    """What was typed for the question in hand (graded, being checked, or kept by undo)."""
    _checking: Check | None = field(default=None, init=False)
    _graded: Graded | None = field(default=None, init=False)
    _history: list[_Done] = field(default_factory=list, init=False)
    _kept: dict[str, _Kept] = field(default_factory=dict, init=False)
    _kinds: dict[str, Kind] = field(default_factory=dict, init=False)
    _drawn: int = field(default=0, init=False)
    _shown_at: float = field(default=0.0, init=False)
    _graded_at: datetime | None = field(default=None, init=False)
    _graded_card: CardState | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.limit = self.options.limit
        self._rng = random.Random(self.options.seed)
        topic = self.options.topic
        self.topics = [topic] if isinstance(topic, str) else None if topic is None else list(topic)
        self.curriculum = self.bank.curriculum(self.topics)
        if self.cram:
            self.queue = list(self.curriculum)
            self._rng.shuffle(self.queue)
            seen = self.store.known_ids(self.queue)
            self._kinds = {q: Kind.REVIEW if q in seen else Kind.NEW for q in self.queue}
        else:
            due: Due = due_now(self.store, self.curriculum, self.clock(), self.settings)
            self.queue = due.ids
            for ids, kind in ((due.learning, Kind.LEARNING), (due.review, Kind.REVIEW)):
                self._kinds |= dict.fromkeys(ids, kind)
            self._kinds |= dict.fromkeys(due.new, Kind.NEW)
        if self.limit is not None:
            self.queue = self.queue[: self.limit]
        if self.options.more_new:
            self.study_more_new(self.options.more_new)

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

    def reload_settings(self) -> None:
        """Grade with the context's current settings from the next answer on (the settings
        screen saved new ones)."""
        self.__dict__.pop("scheduler", None)

    @functools.cached_property
    def scheduler(self) -> fsrs.Scheduler:
        """The FSRS scheduler, built on the first grade: importing fsrs is not free, and the
        first question should be on screen before anything is graded."""
        return make_scheduler(self.settings, self.options.fuzz)

    # -- progress ------------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        """Answering, checking, rating, or finished (call :meth:`next` to move on)."""
        if self.current is None:
            return Mode.FINISHED if self.finished else Mode.ANSWERING
        if self._checking is not None:
            return Mode.CHECKING
        return Mode.RATING if self.result is not None else Mode.ANSWERING

    @property
    def finished(self) -> bool:
        """Nothing left to ask in this session."""
        return self.current is None and (
            not self.queue or (self.limit is not None and self.done >= self.limit)
        )

    def counts(self) -> Counts:
        """New, learning and review questions left, the one in hand included."""
        if self.limit is not None and self.done >= self.limit:
            return Counts()
        left = [self.current.question.id] if self.current else []
        tally = Counter(self._kinds.get(q, Kind.NEW) for q in [*left, *self.queue])
        return Counts(tally[Kind.NEW], tally[Kind.LEARNING], tally[Kind.REVIEW])

    @property
    def current_kind(self) -> Kind | None:
        """The count the question in hand belongs to."""
        return None if self.current is None else self._kinds.get(self.current.question.id)

    def next_due(self) -> datetime | None:
        """When the next reviewed question falls due (None when nothing was ever reviewed)."""
        card = self.store.next_due()
        return None if card is None else from_ms(card.due)

    def next_day(self) -> datetime:
        """When the next study day starts (new questions unlock then)."""
        return next_day_start(self.clock(), self.settings.rollover_hour)

    def new_left(self) -> int:
        """Questions of this session's topics never reviewed (queued ones included)."""
        seen = self.store.known_ids(self.curriculum)
        return len(self.curriculum) - len(seen)

    def new_unlock(self) -> datetime | None:
        """When more new questions become available: the next study day, if there is a
        daily allowance and something left to introduce; otherwise None."""
        if self.cram or self.settings.new_per_day <= 0:
            return None
        return self.next_day() if self.new_left() - self.counts().new > 0 else None

    def summary(self) -> Summary:
        """What this session did, and what comes next."""
        by_topic: dict[str, Tally] = {}
        for d in self._history:
            t = by_topic.get(d.topic, Tally())
            by_topic[d.topic] = Tally(
                t.reviewed + 1, t.correct + answered_right(d.status, d.rating)
            )
        tomorrow_ends = next_day_start(self.next_day(), self.settings.rollover_hour)
        return Summary(
            reviewed=len(self._history),
            correct=sum(answered_right(d.status, d.rating) for d in self._history),
            again=sum(d.rating is Rating.AGAIN for d in self._history),
            seconds=sum(d.duration_ms for d in self._history) / 1000,
            by_topic=by_topic,
            next_due=self.next_due(),
            due_tomorrow=sum(1 for _ in self.store.due_cards(to_ms(tomorrow_ends))),
            new_left=self.new_left(),
            new_unlock=self.new_unlock(),
        )

    def study_ahead(self, count: int = 10) -> int:
        """Queue the ``count`` questions due soonest, for studying before they are due."""
        ahead = ahead_queue(self.store, self.curriculum, count)
        for q in ahead:
            card = self.store.card(q)
            self._kinds[q] = kind_of(card.state if card else State.NEW)
        return self._extend(ahead)

    def study_more_new(self, count: int) -> int:
        """Queue up to ``count`` more new questions today, beyond the daily limit (Anki's
        "increase today's new card limit"); returns how many were queued."""
        asked = {*self.queue, *([self.current.question.id] if self.current else [])}
        fresh = unseen(self.store, [q for q in self.curriculum if q not in asked], count)
        self._kinds |= dict.fromkeys(fresh, Kind.NEW)
        return self._extend(fresh)

    def _extend(self, ids: list[str]) -> int:
        self.queue += [q for q in ids if q not in self.queue]
        if self.limit is not None:
            self.limit = self.done + len(self.queue) + (1 if self.current else 0)
        return len(ids)

    # -- asking --------------------------------------------------------------------------

    def next(self) -> Exercise | None:
        """Move to the next question (or return the one in hand); None when finished. A
        question put aside by undo comes back as it was: same numbers, same answer, and a
        graded answer still graded."""
        if self.current is not None:
            return self.current
        if self.finished:
            return None
        qid = self.queue.pop(0)
        self.result, self.hints_used, self.answer = None, 0, ""
        self._shown_at = time.monotonic()
        if (kept := self._kept.pop(qid, None)) is not None:
            self.current, self.answer = kept.exercise, kept.answer
            if kept.graded is not None:
                self.result = self._result(kept.graded)
            return self.current
        question = self.bank.questions[qid]
        self._drawn += 1
        seed = (
            self._rng.randrange(2**31)
            if self.options.seed is None
            else (self.options.seed * 1_000_003 + self._drawn) % 2**31
        )
        self.current = self.exercise(question, seed)
        return self.current

    @staticmethod
    def exercise(question: Question, seed: int) -> Exercise:
        """The exercise ``seed`` draws for ``question``: a stored seed gives back the same
        numbers and the same option order."""
        params = draw(question, seed)
        return Exercise(
            question, params, seed, fill(question.prompt, params), choice_order(question, seed)
        )

    def hint(self) -> str | None:
        """The next hint for the question in hand (None when there are no more)."""
        if self.current is None or self.hints_used >= len(self.current.question.hints):
            return None
        self.hints_used += 1
        return self.current.question.hints[self.hints_used - 1]

    def submit(self, answer: str) -> Check:
        """Hand ``answer`` out for checking (with :func:`run_check`, on any thread); the
        session is checking until :meth:`accept` or :meth:`cancel`."""
        if self.current is None or self.mode is not Mode.ANSWERING:
            raise RuntimeError(f"cannot check an answer while {self.mode.value}")
        self.answer = answer
        self._checking = Check(self.current, answer)
        return self._checking

    def accept(self, check: Check, graded: Graded) -> Result | None:
        """Take the verdict of ``check`` back. None, and nothing changes, when that check
        is no longer the one in hand (cancelled, or the question changed). An unreadable
        answer returns a ``retry`` result and the session is answering again."""
        if check is not self._checking:
            return None
        self._checking = None
        result = self._result(graded)
        if not result.retry:
            self.result = result
        return result

    def cancel(self) -> None:
        """Drop the check in hand, if any: its verdict will not be accepted."""
        self._checking = None

    def grade(self, answer: str) -> Result:
        """Grade ``answer`` for the question in hand, here and now (submit, check, accept).
        An empty answer reveals the solution and counts as not known. An unreadable answer
        returns a ``retry`` result."""
        if self.current is None:
            raise RuntimeError("no question in hand: call next() first")
        check = self.submit(answer)
        result = self.accept(check, run_check(check))
        assert result is not None  # nothing ran in between
        return result

    def _result(self, graded: Graded) -> Result:
        exercise = self.current
        assert exercise is not None
        question = exercise.question
        spec = question.answer
        right = spec.correct_set if isinstance(spec, ChoiceSpec) else frozenset()
        verdict = graded.verdict
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
        self._graded, self._graded_at, self._graded_card = graded, at, card
        return Result(verdict, suggested, after, shown, graded.picked, right)

    # -- rating --------------------------------------------------------------------------

    def rate(self, rating: Rating | int | None = None) -> int:
        """Commit the review of the question in hand with ``rating`` (default: the suggested
        one). The review is on disk when this returns; returns its id. A choice is stored
        as the text of the option(s) picked, not the letter, which depends on the order."""
        exercise, result, at = self.current, self.result, self._graded_at
        if exercise is None or result is None or at is None or result.retry:
            raise RuntimeError("grade an answer before rating it")
        if rating is None:
            rating = result.suggested
        elif rating not in result.outcomes:
            raise ValueError(f"rating must be 1-4, not {rating}")
        rating = Rating(rating)
        qid, graded = exercise.question.id, self._graded_card
        duration_ms = int((time.monotonic() - self._shown_at) * 1000)

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
                answer="; ".join(result.picked) if result.picked else self.answer,
                seed=exercise.seed,
                duration_ms=duration_ms,
                cram=self.cram,
            ),
        )
        requeue = not self.cram and after.due <= to_ms(
            at + timedelta(minutes=self.settings.learn_ahead_minutes)
        )
        kind = self._kinds.get(qid, Kind.NEW)
        if requeue:
            self.queue.append(qid)
            self._kinds[qid] = kind_of(after.state)
        self._history.append(
            _Done(
                review_id,
                exercise,
                requeue,
                kind,
                exercise.question.topic,
                rating,
                result.status,
                duration_ms,
            )
        )
        self.done += 1
        self.current = self.result = None
        self.answer = ""
        return review_id

    @property
    def can_undo(self) -> bool:
        """Whether a review of this session can be undone."""
        return bool(self._history)

    def undo(self) -> Exercise | None:
        """Undo the last review of this session exactly and ask the same exercise again
        (same seed: same numbers, same option order). A check in flight is cancelled first;
        the question in hand is put aside with its answer and comes back next."""
        if not self._history:
            return None
        self.cancel()
        last = self._history[-1]
        self.store.undo(last.review_id)
        self._history.pop()
        qid = last.exercise.question.id
        if last.requeued and qid in self.queue:
            del self.queue[len(self.queue) - 1 - self.queue[::-1].index(qid)]
        if self.current is not None and self.current.question.id != qid:
            graded = self._graded if self.result is not None else None
            self._kept[self.current.question.id] = _Kept(self.current, self.answer, graded)
            self.queue.insert(0, self.current.question.id)
        self._kinds[qid] = last.kind
        self.done -= 1
        self.current = last.exercise
        self.result = None
        self.answer = ""
        self.hints_used = 0
        self._shown_at = time.monotonic()
        return self.current
