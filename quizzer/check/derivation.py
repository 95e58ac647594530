"""Derivations checked step by step (STACK's "reasoning by equivalence").

An answer is lines. Line 1 must equal the question's ``start`` (and state the derivative
when the start is one), every later line must equal the line before it on the domain, and
the last line must be written as the ``target`` (or a form the bank accepts). Each pair of
lines is compared with the same sampled equivalence test as an ``expression`` answer, with
the earlier line in the role of the reference. Runs in the checking worker, under its time
limit, like every other grade.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy
from sympy.printing.str import StrPrinter

from quizzer.check.build import differentiate, read, symbol
from quizzer.check.equivalence import Equivalence, compare_expressions
from quizzer.check.evaluate import compile_float
from quizzer.check.feedback import distinct, format_point
from quizzer.check.lexer import MAX_LENGTH, Names
from quizzer.check.spec import DerivationSpec
from quizzer.check.verdict import AnswerError, CheckError, LineMark, Verdict

MAX_LINES = 30
"""At most this many non-blank lines in one derivation."""
MAX_ANSWER_LENGTH = 5000
"""At most this many characters in a whole derivation (each line: the lexer's limit)."""

_BARE_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")

Mistakes = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    kept: sympy.Expr  # as typed: derivatives not taken, for display
    value: sympy.Expr  # derivatives taken, for comparison


@dataclass(frozen=True)
class _Step:
    """How a line compares with the one it should follow."""

    follows: bool
    point: tuple[float, ...] | None = None  # where they differ
    before: float | None = None  # the earlier line's value there
    after: float | None = None  # this line's value there (None: undefined)
    unconfirmed: bool = False  # too few defined points and sympy could not decide


def split_lines(answer: str) -> list[tuple[int, str]]:
    """(line number, text) of each non-blank line; a leading ``=`` is dropped.

    Lines keep their leading spaces, so columns in messages count from the line's start.

    Raises AnswerError when the whole answer, a line, or the number of lines is over its cap.
    """
    if len(answer) > MAX_ANSWER_LENGTH:
        raise AnswerError(
            f"the derivation is too long ({len(answer)} characters; at most {MAX_ANSWER_LENGTH})"
        )
    lines = []
    for number, raw in enumerate(answer.splitlines(), start=1):
        # a leading "=" becomes a space, so that columns in messages still match the line
        text = re.sub(r"^(\s*)=(?!=)", r"\1 ", raw).rstrip()
        if not text.strip():
            continue
        if len(text) > MAX_LENGTH:
            raise AnswerError(
                f"line {number} is too long ({len(text)} characters; at most {MAX_LENGTH})"
            )
        lines.append((number, text))
    if len(lines) > MAX_LINES:
        raise AnswerError(f"the derivation has {len(lines)} lines; at most {MAX_LINES}")
    if not lines:
        raise AnswerError("the derivation is empty: write one step per line")
    return lines


def grade(
    spec: DerivationSpec,
    answer: str,
    params: Mapping[str, float] | None = None,
    mistakes: Mistakes = (),
) -> Verdict:
    """Check a derivation line by line; AnswerError for an unreadable line, CheckError for
    unusable bank text. Every line is marked; the feedback names the first that fails."""
    params = dict(params or {})
    context = _context(spec, params)
    start = context.reference(spec.start)
    targets = [context.reference(text) for text in (spec.target, *spec.accept)]
    lines = [context.line(number, text) for number, text in split_lines(answer)]

    # sympy decides only where the start itself is too rarely defined to sample; a line that
    # is rarely defined where the start is was already marked wrong, so it is not simplified
    symbolic = not context.defined_often(start.value, spec.start)
    steps = [context.compare(start.value, spec.start, lines[0].value, symbolic)]
    steps += [
        context.compare(a.value, a.text, b.value, symbolic) for a, b in itertools.pairwise(lines)
    ]
    unstated = start.kept.has(sympy.Derivative) and not lines[0].kept.has(sympy.Derivative)
    marks = tuple(
        LineMark(
            line.number,
            line.text,
            render_line(line.kept),
            step.follows and not (index == 0 and unstated),
        )
        for index, (line, step) in enumerate(zip(lines, steps, strict=True))
    )
    interpreted = "\n".join(f"{m.number}. {m.shown}" for m in marks)
    expected = spec.target  # as the bank wrote it: closer to what people type than sympy's order
    failed = next((i for i, mark in enumerate(marks) if not mark.follows), None)
    if failed is None:
        last = lines[-1]
        if not last.kept.has(sympy.Derivative) and any(
            _same_form(last.kept, target.kept) for target in targets
        ):
            if len(lines) == 1:
                feedback = (
                    f"Line 1 is already the result: show the derivation, starting from "
                    f"{spec.steps[0]} on line 1."
                )
                return Verdict("incorrect", feedback, interpreted, expected, marks)
            return Verdict("correct", "Correct: every step follows.", interpreted, expected, marks)
        return Verdict("incorrect", _incomplete(last, expected), interpreted, expected, marks)

    line, step = lines[failed], steps[failed]
    previous = lines[failed - 1] if failed else None
    notes: list[str] = []
    if step.follows:  # line 1 has the start's value but does not say what is differentiated
        head = (
            f"Line {line.number} should state what is differentiated, as the question does: "
            f"start with {spec.steps[0]}."
        )
    else:
        head = _does_not_follow(line, previous, spec.steps[0], step, context.variables)
        before, seed = (previous.value, previous.text) if previous else (start.value, spec.start)
        notes = [
            feedback
            for text, feedback in mistakes
            if context.matches(context.reference(text).value, line.value, before, seed)
        ]
    return Verdict("incorrect", " ".join([head, *notes]), interpreted, expected, marks)


def preview(
    spec: DerivationSpec, answer: str, params: Mapping[str, float] | None = None
) -> Verdict:
    """How each line is read (derivatives shown, not taken): ``ungraded``, or ``invalid``
    naming the first unreadable line. Every line's mark carries its reading or its error."""
    context = _context(spec, dict(params or {}))
    try:
        numbered = split_lines(answer)
    except AnswerError as error:
        return Verdict("invalid", _sentence(str(error)))
    marks = []
    for number, text in numbered:
        try:
            shown = render_line(context.kept(number, text))
            marks.append(LineMark(number, text.strip(), shown))
        except AnswerError as error:
            note = _sentence(str(error))
            marks.append(LineMark(number, text.strip(), error.interpreted, note=note))
    interpreted = "\n".join(f"{m.number}. {m.shown or '?'}" for m in marks)
    bad = next((m for m in marks if m.note), None)
    if bad is not None:
        return Verdict("invalid", bad.note, interpreted, lines=tuple(marks))
    return Verdict("ungraded", interpreted=interpreted, lines=tuple(marks))


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    kept: sympy.Expr  # as written: derivatives not taken, defined names kept (the form)
    value: sympy.Expr  # defined names replaced and derivatives taken (for comparing)


@dataclass(frozen=True)
class _Context:
    """How one question reads and compares lines at one draw of its parameters."""

    spec: DerivationSpec
    names: Names
    variables: tuple[str, ...]  # sampled
    definitions: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    arguments: tuple[str, ...]  # variables, then parameters
    fixed: tuple[float, ...]  # the parameter values

    def reference(self, text: str) -> _Read:
        """Bank text (start, target, steps, mistakes); CheckError if unreadable."""
        return _reference(text, self.names, self.definitions)

    def kept(self, number: int, text: str) -> sympy.Expr:
        """Line ``number`` as written; AnswerError names the line."""
        equals = _BARE_EQUALS.search(text)
        if equals:
            raise AnswerError(
                f"line {number} has '=' at column {equals.start() + 1}: "
                "put each step on its own line"
            )
        try:
            return read(text, self.names, keep_derivatives=True)
        except AnswerError as error:
            raise AnswerError(f"line {number}: {error}", error.interpreted) from None

    def line(self, number: int, text: str) -> _Line:
        """Line ``number`` read and evaluated; AnswerError names the line."""
        kept = self.kept(number, text)
        try:
            value = _evaluate(kept, self.definitions)
        except AnswerError as error:
            raise AnswerError(f"line {number}: {error}", render_line(kept)) from None
        return _Line(number, text.strip(), kept, value)

    def defined_often(self, expr: sympy.Expr, seed_text: str) -> bool:
        """Whether ``expr`` is finite at enough random points of the domain to be sampled."""
        function = compile_float(expr, self.arguments)
        rng = random.Random(zlib.crc32(seed_text.encode()))
        domain = self.spec.domain
        wanted, found = min(self.spec.samples, 4), 0
        for _ in range(4 * self.spec.samples):
            values = [rng.uniform(*domain.get(name, (-3.0, 3.0))) for name in self.variables]
            found += function(*values, *self.fixed) is not None
            if found >= wanted:
                return True
        return False

    def equivalence(self, answer: sympy.Expr, reference: sympy.Expr, seed: str) -> Equivalence:
        """The expression kind's comparison, ``reference`` in the role of the bank's value."""
        return compare_expressions(
            answer,
            reference,
            self.variables,
            domain=self.spec.domain,
            params=dict(zip(self.arguments[len(self.variables) :], self.fixed, strict=True)),
            rtol=self.spec.rtol,
            samples=self.spec.samples,
            seed=seed,
        )

    def compare(
        self, before: sympy.Expr, seed_text: str, after: sympy.Expr, symbolic: bool
    ) -> _Step:
        """Whether ``after`` equals ``before`` (the line it should follow), by the same test
        as an expression answer against its reference. A ``before`` that is rarely defined
        where the start is (already marked wrong) is not handed to sympy unless ``symbolic``
        says the start itself is that rare; equality is then unconfirmed."""
        if before == after or (after - before) == 0:
            return _Step(True)
        if not symbolic and not self.defined_often(before, seed_text):
            return _Step(False, unconfirmed=True)
        result = self.equivalence(after, before, seed_text)
        if result.equal:
            return _Step(True)
        if result.how == "undecided":
            return _Step(False, unconfirmed=True)
        if result.undefined_at is not None:
            return _Step(False, result.undefined_at, result.reference_value, None)
        point, value = result.differs_at, result.answer_value
        reference = result.reference_value
        if result.near is None and result.points:
            # a random point: show the one where the lines differ most, so the numbers do
            function = compile_float(after, self.arguments)
            candidates = [
                (p, v)
                for p in result.points
                if p.strict and (v := function(*p.values, *self.fixed)) is not None
            ]
            if candidates:
                best, value = max(
                    candidates, key=lambda pair: _relative_difference(pair[0].reference, pair[1])
                )
                point, reference = best.values, best.reference
        return _Step(False, point, reference, value)

    def matches(
        self, predicted: sympy.Expr, line: sympy.Expr, before: sympy.Expr, seed_text: str
    ) -> bool:
        """Whether ``line`` equals a predicted wrong step on the domain (sampled where
        ``before``, the line it should have followed, is)."""
        if not self.defined_often(before, seed_text):
            return False
        return self.equivalence(line, predicted, seed_text).equal


def _context(spec: DerivationSpec, params: Mapping[str, float]) -> _Context:
    ordered = tuple(sorted(params.items()))
    names, variables, definitions = _names(
        spec.start,
        spec.target,
        tuple(spec.variables or ()) if spec.variables is not None else None,
        tuple(spec.define.items()),
        frozenset(params),
    )
    return _Context(
        spec,
        names,
        variables,
        definitions,
        variables + tuple(name for name, _ in ordered),
        tuple(value for _, value in ordered),
    )


@functools.lru_cache(maxsize=128)
def _names(
    start: str,
    target: str,
    declared: tuple[str, ...] | None,
    define: tuple[tuple[str, str], ...],
    params: frozenset[str],
) -> tuple[Names, tuple[str, ...], tuple[tuple[sympy.Symbol, sympy.Expr], ...]]:
    """The names lines may use, the sampled variables, and the defined names' values.

    Without declared variables they are the free symbols of the start and the target. A
    defined name may use the variables and the names defined before it.
    """
    defined = tuple(name for name, _ in define)
    if declared is None:
        open_names = Names(params=params, open_names=True)
        found: set[str] = set()
        for text in (start, target):
            found |= {s.name for s in _reference(text, open_names, ()).value.free_symbols}
        declared = tuple(sorted(found - params - set(defined)))
    definitions: list[tuple[sympy.Symbol, sympy.Expr]] = []
    for index, (name, text) in enumerate(define):
        earlier = Names(variables=frozenset(declared + defined[:index]), params=params)
        value = _reference(text, earlier, tuple(definitions)).value
        definitions.append((symbol(name), value))
    names = Names(variables=frozenset(declared + defined), params=params)
    return names, declared, tuple(definitions)


@functools.lru_cache(maxsize=512)
def _reference(
    text: str, names: Names, definitions: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
) -> _Read:
    try:
        kept = read(text, names, keep_derivatives=True)
        return _Read(kept, _evaluate(kept, definitions))
    except AnswerError as error:
        raise CheckError(f"cannot read {text!r}: {error}") from None


def _evaluate(
    kept: sympy.Expr, definitions: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
) -> sympy.Expr:
    """Defined names replaced by their values, then derivatives taken (so ``d/dz p`` sees
    what ``p`` stands for)."""
    value = kept.xreplace(dict(definitions)) if definitions else kept
    return differentiate(value) if value.has(sympy.Derivative) else value


# --- comparing -------------------------------------------------------------------------


def _relative_difference(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def _same_form(line: sympy.Expr, target: sympy.Expr) -> bool:
    """Whether ``line`` is written as ``target``: equal as sympy writes them, or once
    products are multiplied out (σ(1 − σ) and σ − σ² are one form; e^-x/(1+e^-x)² is not)."""
    return line == target or sympy.expand(line) == sympy.expand(target)


# --- messages --------------------------------------------------------------------------


def _does_not_follow(
    line: _Line, previous: _Line | None, start: str, step: _Step, variables: Sequence[str]
) -> str:
    if previous is None:
        head = f"Line {line.number} is not the expression to start from ({start})"
        before_name, after_name = "the start", f"line {line.number}"
    else:
        head = f"Line {line.number} does not follow from line {previous.number}"
        before_name, after_name = f"line {previous.number}", f"line {line.number}"
    if step.unconfirmed or step.point is None or step.before is None:
        return f"{head}: could not confirm that they are equal."
    where = format_point(variables, step.point) if variables else "these parameters"
    if step.after is None:
        before = _number(step.before)
        return f"{head}: {after_name} is undefined at {where}, where {before_name} is {before}."
    first, second = distinct(step.before, step.after)
    return f"{head}: at {where} {before_name} is {first}, {after_name} is {second}."


def _incomplete(last: _Line, expected: str) -> str:
    if last.kept.has(sympy.Derivative):
        return (
            f"Incomplete: every line follows, but line {last.number} still has a derivative "
            f"to take. Carry on until you reach {expected}."
        )
    return (
        f"Incomplete: every line follows, but the derivation stops at line {last.number}, "
        f"which is not yet written as {expected}. One more step."
    )


def _number(value: float) -> str:
    return f"{value:.4g}"


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


# --- display ---------------------------------------------------------------------------


class _LinePrinter(StrPrinter):
    """One line in the answer language: ``d/dx(…)``, ``^``, ``H(x)``, ``a if c else b``."""

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        text = self._print(expr.expr)
        for variable, count in reversed(expr.variable_count):
            for _ in range(count):
                text = f"d/d{self._print(variable)}({text})"
        return text

    def _print_Heaviside(self, expr: sympy.Heaviside) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        *branches, (last, condition) = expr.args
        text = self._print(last) if condition == sympy.true else "undefined"
        if condition != sympy.true:
            branches.append((last, condition))
        for value, cond in reversed(branches):
            text = f"({self._print(value)} if {self._print(cond)} else {text})"
        return text


def render_line(expr: sympy.Basic) -> str:
    """A one-line rendering of a derivation line, as close to what people type as sympy allows."""
    try:
        text = _LinePrinter({"full_prec": False}).doprint(expr)
    except (ValueError, RecursionError):
        return "(too large to display)"
    return text[1:-1] if isinstance(expr, sympy.Piecewise) else text
