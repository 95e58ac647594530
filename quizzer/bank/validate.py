"""Deep checks of a loaded bank, beyond the schema: does every question grade itself right?

``validate_bank`` runs each question's own reference answer through the checker (it must be
graded correct for several seeds), each predicted mistake (it must NOT be graded correct),
and checks demos, parameter names, choice
options, that a numeric prompt states the precision its tolerance grades
(:mod:`quizzer.bank.precision`), and that a matrix declared ``psd`` is positive
semi-definite at every draw. Options whose correct answer is much longer than the
distractors give a *warning*, which does not fail the check. Every problem names
``file:line`` and the question id, so ``quizzer bank check`` can print it as one clear line.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quizzer.bank.params import draw, grid, placeholders
from quizzer.bank.precision import precision_problems
from quizzer.check.spec import AnswerSpec, ChoiceSpec, DerivationSpec
from quizzer.model import option_letter
from quizzer.safe_text import clean, clip, has_unsafe

if TYPE_CHECKING:
    from quizzer.bank.loader import Bank
    from quizzer.bank.schema import Question

__all__ = [
    "DEFAULT_SEEDS",
    "OPTION_LENGTH_RATIO",
    "Problem",
    "option_length_ratio",
    "validate_bank",
    "validate_question",
]

DEFAULT_SEEDS = (0, 1, 2, 3, 4)
# Warn when the correct options are on average this much longer than the distractors: a
# learner who picks the longest option should not score.
OPTION_LENGTH_RATIO = 1.25
# Every parameter combination is checked for a psd matrix when there are at most this many;
# otherwise this many seeded draws.
_PSD_DRAWS = 2000
# An option that is itself a number or one letter collides with choosing by number/letter.
_BARE_CHOICE = re.compile(r"^\s*([+-]?(\d+\.?\d*|\.\d+)|[A-Za-z])\s*$")
_DEFINITE = re.compile(r"positive[ -]definite", re.I)
_CLAIMS_PSD = re.compile(r"covarian|positive[ -](semi-?)?definite|\bpsd\b", re.I)

_IDENT = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)")
# LaTeX groups such as \mathrm{softmax} or D_{KL} are not parameter placeholders.
_MATH_SPAN = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<![\\$])\$[^$\n]+?(?<!\\)\$", re.S)


@dataclass(frozen=True)
class Problem:
    """One problem with one question, located as ``path:line``."""

    path: Path
    line: int
    qid: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        level = "warning: " if self.warning else ""
        return clean(f"{self.path}:{self.line}: {self.qid}: {level}{clip(self.message, 400)}")


def _known_names() -> frozenset[str]:
    from quizzer.check.names import CONSTANTS, FUNCTIONS, KEYWORDS

    return frozenset(FUNCTIONS) | frozenset(CONSTANTS) | KEYWORDS


def _names_in(text: str) -> set[str]:
    return {m.group(1) for m in _IDENT.finditer(text)} - _known_names()


def _number_text(value: float) -> str:
    return repr(float(value))


def _vector_text(values: Iterable[float]) -> str:
    return "[" + ", ".join(_number_text(v) for v in values) + "]"


def _seeds(question: Question, seeds: Iterable[int]) -> list[dict[str, float]]:
    if not question.params:
        return [{}]
    return [draw(question, seed) for seed in seeds]


def validate_question(
    question: Question,
    path: Path,
    line: int,
    bank_dir: Path | None = None,
    seeds: Iterable[int] = DEFAULT_SEEDS,
) -> list[Problem]:
    """Every problem of one question (see module docstring)."""
    problems: list[Problem] = []

    def report(message: str, warning: bool = False) -> None:
        problems.append(Problem(path, line, question.id, message, warning))

    spec = question.answer
    declared = set(question.params)

    for field, character in _control_characters(question.model_dump()):
        report(
            f"field {field} contains the control character {character}: a terminal would "
            "act on it (quizzer shows it escaped); remove it"
        )

    # demo file (the loader already refuses a path that leaves the bank directory)
    if (
        question.demo is not None
        and bank_dir is not None
        and not (bank_dir / question.demo).is_file()
    ):
        report(f"demo file {question.demo} does not exist (relative to {bank_dir})")

    # a matrix the prompt presents as a covariance must be one at every draw
    if question.psd is not None:
        for message in _psd_problems(question):
            report(message)
    elif question.params and _CLAIMS_PSD.search(question.prompt):
        report(
            "the prompt speaks of a covariance or definite matrix built from drawn params: "
            "declare it as psd: [[...]] so every draw is checked"
        )

    # params referenced in the prompt and in the reference answer
    for name in sorted(placeholders(_MATH_SPAN.sub("", question.prompt)) - declared):
        report(f"prompt uses {{{name}}} but no parameter {name!r} is declared")
    if spec.kind in ("numeric", "vector"):
        values = [spec.value] if isinstance(spec.value, str) else list(spec.value)
        for name in sorted(set().union(*(_names_in(v) for v in values)) - declared):
            report(f"reference answer uses {name!r}, which is not a declared parameter")
    elif spec.kind == "expression":
        allowed = declared | set(spec.variables or [])
        if spec.variables is not None:
            for name in sorted(_names_in(spec.value) - allowed):
                report(f"reference answer uses {name!r}, which is not in variables")
        for name in sorted(set(spec.domain) - allowed - _names_in(spec.value)):
            report(f"domain names {name!r}, which the answer does not use")
    elif spec.kind == "derivation":  # unknown names in its texts: the checker reports them
        if spec.variables is not None:
            for name in sorted(set(spec.domain) - declared - set(spec.variables)):
                report(f"domain names {name!r}, which is not in variables")
        for name in sorted(set(spec.define) & (declared | set(spec.variables or ()))):
            report(f"define names {name!r}, which is already a variable or parameter")

    # choice: correct among options (also enforced by the schema for parsed models)
    if spec.kind == "choice":
        for c in sorted(spec.correct_set - set(spec.options)):
            report(f"correct answer {c!r} is not one of the options")
        if len(set(spec.options)) != len(spec.options):
            report("options repeat")
        for option in spec.options:
            if _BARE_CHOICE.match(option):
                report(
                    f"option {option!r} reads as choosing by letter or number; "
                    "write it in words (e.g. 'zero: ...')"
                )
        ratio = option_length_ratio(spec.options, spec.correct_set)
        if ratio > OPTION_LENGTH_RATIO:
            report(
                f"the correct option is {ratio:.1f}x as long as the average distractor; "
                "make the distractors as specific and as long",
                warning=True,
            )

    # numeric and vector: the prompt states the precision the tolerance grades
    if spec.kind in ("numeric", "vector"):
        for message in precision_problems(spec, question.prompt, _references(question, seeds)):
            report(message)

    if spec.kind == "recall":
        if question.mistakes:
            report("a recall question cannot have mistakes (nothing is graded)")
        return problems

    try:
        problems.extend(_check_grading(question, path, line, seeds))
    except Exception as error:  # a CheckError or a bug: report, never crash the whole run
        report(f"checker failed: {type(error).__name__}: {error}")
    return problems


def option_length_ratio(options: list[str], correct: Iterable[str]) -> float:
    """Mean length of the correct options over the mean length of the distractors."""
    chosen = set(correct)
    right = [len(o) for o in options if o in chosen]
    wrong = [len(o) for o in options if o not in chosen]
    if not right or not wrong:
        return 1.0
    return (sum(right) / len(right)) / max(sum(wrong) / len(wrong), 1.0)


def _references(question: Question, seeds: Iterable[int]) -> list[list[float]]:
    """The numeric reference value(s) at each seed's draw; draws that fail are skipped (the
    grading check reports them)."""
    from quizzer.check import CheckError, reference_value

    values: list[list[float]] = []
    for params in _seeds(question, seeds):
        try:
            ref = reference_value(question.answer, params)
        except CheckError:
            continue
        values.append(list(ref) if isinstance(ref, list) else [ref])
    return values


def _all_draws(question: Question) -> Iterable[dict[str, float]]:
    """Every parameter combination when there are few, else many seeded draws."""
    names = sorted(question.params)
    grids = [grid(question.params[name], _PSD_DRAWS) for name in names]
    if any(g is None for g in grids) or math.prod(len(g or ()) for g in grids) > _PSD_DRAWS:
        return (draw(question, seed) for seed in range(_PSD_DRAWS))
    combos = itertools.product(*(g or () for g in grids))
    return (dict(zip(names, combo, strict=True)) for combo in combos)


def _psd_problems(question: Question) -> list[str]:
    """The first draw (if any) at which the declared ``psd`` matrix is not symmetric PSD (or
    not positive definite when the prompt says so)."""
    import numpy as np

    from quizzer.check import CheckError, reference_value

    assert question.psd is not None
    flat = [entry for row in question.psd for entry in row]
    n = len(question.psd)
    definite = bool(_DEFINITE.search(question.prompt))
    for params in _all_draws(question):
        try:
            values = reference_value({"kind": "vector", "value": flat}, params)
        except CheckError as error:
            return [f"psd matrix cannot be evaluated with {params}: {error}"]
        matrix = np.array(values, dtype=float).reshape(n, n)
        scale = max(float(np.abs(matrix).max()), 1e-300)
        if not np.allclose(matrix, matrix.T, rtol=0, atol=1e-12 * scale):
            return [f"psd matrix is not symmetric with {params}: {matrix.tolist()}"]
        lowest = float(np.linalg.eigvalsh(matrix).min())
        if lowest < -1e-12 * scale or (definite and lowest <= 1e-12 * scale):
            what = "positive definite" if definite else "positive semi-definite"
            return [
                f"psd matrix is not {what} with {params}: {matrix.tolist()} has eigenvalue "
                f"{lowest:.4g}"
            ]
    return []


def _control_characters(value: object, where: str = "") -> Iterable[tuple[str, str]]:
    """(field path, first unsafe character) of every string in a dumped question."""
    if isinstance(value, str):
        if (character := has_unsafe(value)) is not None:
            yield where, character
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _control_characters(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _control_characters(item, f"{where}.{index}")


def _check_grading(
    question: Question, path: Path, line: int, seeds: Iterable[int]
) -> list[Problem]:
    from quizzer.check import CheckError, check, reference_value

    problems: list[Problem] = []
    spec = question.answer
    seen: set[str] = set()

    def report(message: str) -> None:
        if message not in seen:
            seen.add(message)
            problems.append(Problem(path, line, question.id, message))

    for params in _seeds(question, seeds):
        where = f" with {params}" if params else ""

        # 1. the reference answer, typed as a user would, is graded correct
        if spec.kind in ("numeric", "vector"):
            try:
                ref = reference_value(spec, params)
            except CheckError as error:
                report(f"reference answer cannot be evaluated{where}: {error}")
                continue
            refs = ref if isinstance(ref, list) else [ref]
            if not all(math.isfinite(r) for r in refs):
                report(f"reference answer is not finite{where}: {ref}")
                continue
            text = _vector_text(refs) if spec.kind == "vector" else _number_text(refs[0])
        elif spec.kind == "expression":
            text = spec.value
        elif isinstance(spec, DerivationSpec):
            text = "\n".join(spec.steps)
        elif isinstance(spec, ChoiceSpec):
            correct = sorted(spec.options.index(c) for c in spec.correct_set)
            text = ", ".join(option_letter(i) for i in correct)
        try:
            verdict = check(spec, text, params, mistakes=question.mistakes)
        except CheckError as error:
            report(f"the checker raised CheckError{where}: {error}")
            continue
        if not verdict.correct:
            report(
                f"its own reference {text!r} is graded {verdict.status}{where}: {verdict.feedback}"
            )
        if spec.kind == "derivation":
            shortened = check(spec, "\n".join(spec.steps[:-1]), params)
            if shortened.correct:
                report(
                    f"its model derivation is already complete without its last line{where}: "
                    "drop that line or make the target the form only the last line has"
                )

        # 2. every predicted mistake is graded NOT correct, and is recognised
        for mistake in question.mistakes:
            typed = _as_typed(spec, mistake.answer, params)
            if typed is None:
                report(f"mistake {mistake.answer!r} cannot be evaluated{where}")
                continue
            try:
                verdict = check(spec, typed, params, mistakes=question.mistakes)
            except CheckError as error:
                report(f"the checker raised CheckError{where}: {error}")
                continue
            if verdict.correct:
                report(f"mistake {mistake.answer!r} is graded correct{where}")
            elif verdict.status == "invalid":
                report(f"mistake {mistake.answer!r} is unreadable{where}: {verdict.feedback}")
            elif mistake.feedback not in verdict.feedback:
                report(f"mistake {mistake.answer!r} is not recognised by the checker{where}")
    return problems


def _as_typed(spec: AnswerSpec, answer: str, params: dict[str, float]) -> str | None:
    """A mistake as the user would type it: numbers for numeric/vector, and for a derivation
    the model derivation with the mistake as its second line; the text otherwise."""
    from quizzer.check import CheckError, reference_value

    if isinstance(spec, DerivationSpec):
        return "\n".join([spec.steps[0], answer, *spec.steps[1:]])
    if spec.kind not in ("numeric", "vector"):
        return answer
    try:
        if spec.kind == "numeric":
            value = reference_value({"kind": "numeric", "value": answer}, params)
            if isinstance(value, list):
                return None
            return _number_text(value) if math.isfinite(value) else None
        from quizzer.check.grade import _split_vector

        parts = _split_vector(answer)
        values = reference_value({"kind": "vector", "value": parts}, params)
        if not isinstance(values, list):
            return None
        return _vector_text(values) if all(math.isfinite(v) for v in values) else None
    except CheckError:
        return None


def validate_bank(
    bank: Bank,
    seeds: Iterable[int] = DEFAULT_SEEDS,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Problem]:
    """Every problem of every question in ``bank``, in bank order.

    ``on_progress(done, total)`` is called after each question (grading takes seconds)."""
    seeds = tuple(seeds)
    problems: list[Problem] = []
    total = len(bank.questions)
    for done, (qid, question) in enumerate(bank.questions.items(), 1):
        source = bank.source(qid)
        problems.extend(
            validate_question(question, source.path, source.line, source.bank_dir, seeds)
        )
        if on_progress is not None:
            on_progress(done, total)
    return problems
