"""Grade an answer against its spec, in this process (the worker runs this under a time limit)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy
from pydantic import BaseModel

from quizzer.check.build import read, symbol
from quizzer.check.choice import describe_choice, grade_choice, read_choice
from quizzer.check.display import render, render_as_written
from quizzer.check.equivalence import Equivalence, Point, compare_expressions
from quizzer.check.evaluate import FloatFunction, compile_float
from quizzer.check.feedback import (
    distinct,
    figures_for,
    figures_needed,
    format_number,
    format_point,
    relation_note,
)
from quizzer.check.lexer import Names
from quizzer.check.numbers import Literal, close, number_forms, read_literal, round_figures, within
from quizzer.check.parse import from_latex, parse
from quizzer.check.spec import (
    ChoiceSpec,
    DerivationSpec,
    ExpressionSpec,
    NumericSpec,
    RecallSpec,
    VectorSpec,
    load_spec,
)
from quizzer.check.verdict import (
    AnswerError,
    CheckError,
    Verdict,
    join_notes,
    sentence,
    unique_notes,
)
from quizzer.model import option_letter

Mistakes = Sequence[tuple[str, str]]
"""Predicted wrong answers as (answer text, feedback) pairs."""


def warm_up() -> None:
    """Pay sympy's first-use costs (Abs, Piecewise, printing, lambdify) before real checks."""
    heaviside = {"kind": "expression", "value": "Heaviside(x)"}
    for answer in ("(abs(x)/x + 1)/2", "x > 0", "e^-x/(1+e^-x)^2"):
        grade(heaviside, answer)
    grade({"kind": "numeric", "value": "-ln(p)"}, "1.2", {"p": 0.3})


def grade(
    spec: Mapping[str, Any] | BaseModel,
    answer: str,
    params: Mapping[str, float] | None = None,
    mistakes: Mistakes = (),
) -> Verdict:
    """Check ``answer`` against ``spec``; never raises for user text (CheckError: bank errors)."""
    model = load_spec(spec)
    params = dict(params or {})
    if isinstance(model, RecallSpec):
        return Verdict("ungraded", "Compare with the explanation and grade yourself.")
    try:
        if isinstance(model, NumericSpec):
            return _grade_numeric(model, answer, params, mistakes)
        if isinstance(model, VectorSpec):
            return _grade_vector(model, answer, params, mistakes)
        if isinstance(model, ChoiceSpec):
            return grade_choice(model, answer, mistakes)
        if isinstance(model, DerivationSpec):
            from quizzer.check import derivation

            return derivation.grade(model, answer, params, mistakes)
        return _grade_expression(model, answer, params, mistakes)
    except AnswerError as error:
        return Verdict("invalid", sentence(str(error)), error.interpreted)
    except CheckError:
        raise
    except Exception as error:  # a sympy failure on odd but legal input must not crash the app
        return Verdict("invalid", f"Could not check this answer ({type(error).__name__}).")


def preview(
    spec: Mapping[str, Any] | BaseModel, answer: str, params: Mapping[str, float] | None = None
) -> Verdict:
    """Read ``answer`` without grading: ``ungraded`` with ``interpreted``, or ``invalid``."""
    model = load_spec(spec)
    params = dict(params or {})
    try:
        if isinstance(model, RecallSpec):
            return Verdict("ungraded")
        if isinstance(model, DerivationSpec):
            from quizzer.check import derivation

            return derivation.preview(model, answer, params)
        if isinstance(model, NumericSpec):
            interpreted = _read_number(answer, params, model.allow_expression, thousands=True)[1]
        elif isinstance(model, VectorSpec):
            values = _read_vector(answer, params, model.allow_expression)
            interpreted = _format_vector([float(v) for v, _, _ in values], 6)
        elif isinstance(model, ChoiceSpec):
            interpreted = describe_choice(model.options, read_choice(model.options, answer))
        else:
            variables = _expression_reference(model, frozenset(params))[1]
            names = _answer_names(variables, params)
            expr = read(answer, names, keep_derivatives=True)
            interpreted = render_as_written(answer, names, expr)
    except AnswerError as error:
        return Verdict("invalid", sentence(str(error)), error.interpreted)
    except CheckError:
        raise
    except Exception as error:
        return Verdict("invalid", f"Could not read this answer ({type(error).__name__}).")
    return Verdict("ungraded", interpreted=interpreted)


def reference_value(
    spec: Mapping[str, Any] | BaseModel, params: Mapping[str, float] | None = None
) -> float | list[float]:
    """The numeric or vector reference evaluated with ``params``; CheckError otherwise."""
    model = load_spec(spec)
    params = dict(params or {})
    if isinstance(model, NumericSpec):
        return _reference_number(model.value, params)
    if isinstance(model, VectorSpec):
        return [_reference_number(v, params) for v in model.value]
    raise CheckError(f"a {model.kind} answer has no numeric reference value")


def render_reference(
    spec: Mapping[str, Any] | BaseModel, params: Mapping[str, float] | None = None
) -> str | None:
    """The reference answer for display: a formula, a number, a vector or the options."""
    model = load_spec(spec)
    params = dict(params or {})
    if isinstance(model, RecallSpec):
        return None
    if isinstance(model, ChoiceSpec):
        options = model.options
        return ", ".join(
            f"{option_letter(options.index(c))}) {c}"
            for c in sorted(model.correct_set, key=options.index)
        )
    if isinstance(model, ExpressionSpec):
        return preview(model, model.value, params).interpreted or model.value
    if isinstance(model, DerivationSpec):  # the model derivation, as the bank wrote it
        return "\n".join(model.steps)
    value = reference_value(model, params)
    if isinstance(value, list):
        return "[" + ", ".join(f"{v:.6g}" for v in value) + "]"
    return f"{value:.6g}"


def evaluate_at(
    expr_text: str, values: Mapping[str, float], variables: Sequence[str] | None = None
) -> float:
    """Evaluate a reference expression at a point; CheckError if unreadable or undefined there."""
    names = (
        Names(variables=frozenset(variables), params=frozenset(values))
        if variables is not None
        else Names(params=frozenset(values), open_names=True)
    )
    expr = _reference(expr_text, names)
    missing = sorted({s.name for s in expr.free_symbols} - set(values))
    if missing:
        raise CheckError(f"{expr_text!r} needs a value for {', '.join(missing)}")
    arguments = tuple(sorted(values))
    result = _compiled(expr_text, names, arguments)(*(float(values[a]) for a in arguments))
    if result is None:
        raise CheckError(f"{expr_text!r} is undefined at {dict(values)}")
    return result


# --- references (bank text: errors are CheckError) -------------------------------------


@functools.lru_cache(maxsize=512)
def _reference(text: str, names: Names) -> sympy.Expr:
    try:
        return read(text, names)
    except AnswerError as error:
        raise CheckError(f"cannot read the reference {text!r}: {error}") from None


@functools.lru_cache(maxsize=512)
def _compiled(text: str, names: Names, arguments: tuple[str, ...]) -> FloatFunction:
    return compile_float(_reference(text, names), arguments)


class UndefinedReference(CheckError):
    """A reference (or predicted mistake) has no value at the drawn parameters."""


def _reference_number(text: str, params: Mapping[str, float]) -> float:
    names = Names(params=frozenset(params))
    arguments = tuple(sorted(params))
    try:
        function = _compiled(text, names, arguments)
    except CheckError as error:
        if not params:
            raise
        raise CheckError(f"{error} (parameters: {', '.join(sorted(params))})") from None
    value = function(*(float(params[a]) for a in arguments))
    if value is None:
        raise UndefinedReference(f"the reference {text!r} is undefined for {dict(params)}")
    return value


# --- numeric ---------------------------------------------------------------------------


def _grade_numeric(
    spec: NumericSpec, answer: str, params: dict[str, float], mistakes: Mistakes
) -> Verdict:
    reference = _reference_number(spec.value, params)
    needed = spec.sigfigs or figures_needed(reference, spec.rtol, spec.atol)
    expected = format_number(reference, max(needed, figures_for(spec.rtol)))
    value, interpreted, literal = _read_number(
        answer, params, spec.allow_expression, thousands=True
    )
    typed = literal.figures if literal is not None else None
    ok = within(value, reference, spec.rtol, spec.atol)
    if ok and spec.sigfigs:
        if round_figures(value, spec.sigfigs) != round_figures(reference, spec.sigfigs):
            if typed and typed < spec.sigfigs:
                feedback = (
                    f"Right to {typed} significant figures, "
                    f"but the question asks for {spec.sigfigs}."
                )
            else:
                feedback = f"Close, but not right to {spec.sigfigs} significant figures."
            return Verdict("incorrect", feedback, interpreted, expected)
        if typed is not None and typed < spec.sigfigs:
            feedback = f"Correct, but give {spec.sigfigs} significant figures (you gave {typed})."
            return Verdict("correct", feedback, interpreted, expected)
        if typed is not None and typed > spec.sigfigs:
            feedback = f"Correct (the question asks for {spec.sigfigs} significant figures)."
            if round_figures(value, typed) != round_figures(reference, typed):
                feedback = (
                    f"Correct to the {spec.sigfigs} significant figures asked; the figures "
                    f"after those are off (to {typed} it is {format_number(reference, typed)})."
                )
            return Verdict("correct", feedback, interpreted, expected)
    if ok:
        return Verdict("correct", "Correct.", interpreted, expected)
    notes = [
        feedback
        for text, feedback in mistakes
        if _matches_number(text, float(value), params, spec.rtol, spec.atol)
    ]
    if (
        not notes
        and typed is not None
        and typed < needed
        and round_figures(value, typed) == round_figures(reference, typed)
    ):
        notes.append(
            f"Right to {typed} significant figure{'s' if typed > 1 else ''}, but not precise "
            f"enough: give at least {needed}."
        )
    if not notes:
        notes.append(relation_note([(float(value), reference)], spec.rtol, varies=False) or "")
    return Verdict("incorrect", join_notes("Not the expected value.", notes), interpreted, expected)


def _matches_number(
    text: str, value: float, params: Mapping[str, float], rtol: float, atol: float
) -> bool:
    try:
        predicted = _reference_number(text, params)
    except UndefinedReference:
        return False  # a predicted mistake undefined at these params cannot be what was typed
    return within(value, predicted, rtol, atol)


def _read_number(
    answer: str, params: Mapping[str, float], allow_expression: bool, *, thousands: bool
) -> tuple[Fraction | float, str, Literal | None]:
    """(value, interpreted, the literal or None) for a number; AnswerError if not one."""
    answer = from_latex(answer)
    literal = read_literal(answer, thousands=thousands)
    if literal is not None:
        return literal.value, literal.shown, literal
    names = Names(params=frozenset(params))
    try:
        expr = read(answer, names)
    except AnswerError as error:
        if allow_expression:
            raise
        raise AnswerError(f"{error}; {number_forms(thousands)}") from None
    if not allow_expression:
        # no rendering: sympy would evaluate ln(0.3) and show the user the number
        raise AnswerError(
            f"a number is expected here, not an expression: {number_forms(thousands)}"
        )
    interpreted = render(expr)
    arguments = tuple(sorted(params))
    evaluated = compile_float(expr, arguments)(*(float(params[a]) for a in arguments))
    if evaluated is None:
        raise AnswerError("your expression has no finite real value")
    return evaluated, interpreted, None


# --- vector ----------------------------------------------------------------------------


def _grade_vector(
    spec: VectorSpec, answer: str, params: dict[str, float], mistakes: Mistakes
) -> Verdict:
    references = [_reference_number(v, params) for v in spec.value]
    figures = figures_for(spec.rtol)
    expected = _format_vector(references, figures)
    entries = _read_vector(answer, params, spec.allow_expression)
    values = [float(v) for v, _, _ in entries]
    interpreted = _format_vector(values, 6)
    if len(values) != len(references):
        feedback = f"Expected {len(references)} entries, you gave {len(values)}."
        return Verdict("incorrect", feedback, interpreted, expected)
    wrong = [
        i + 1
        for i, (v, r) in enumerate(zip(values, references, strict=True))
        if not within(v, r, spec.rtol, spec.atol)
    ]
    if not wrong:
        return Verdict("correct", "Correct.", interpreted, expected)
    notes = [feedback for text, feedback in mistakes if _matches_vector(text, values, params, spec)]
    if (
        not notes
        and sorted(values) != values
        and _all_close(sorted(values), sorted(references), spec)
    ):
        notes.append("The right numbers, in the wrong order.")
    if not notes:
        varies = len({round(r, 12) for r in references}) > 1
        pairs = list(zip(values, references, strict=True))
        notes.append(relation_note(pairs, spec.rtol, varies=varies) or "")
    which = ", ".join(str(i) for i in wrong)
    head = (
        f"Entr{'y' if len(wrong) == 1 else 'ies'} {which} {'is' if len(wrong) == 1 else 'are'} off."
    )
    return Verdict("incorrect", join_notes(head, notes), interpreted, expected)


def _all_close(values: list[float], references: list[float], spec: VectorSpec) -> bool:
    return all(within(v, r, spec.rtol, spec.atol) for v, r in zip(values, references, strict=True))


def _matches_vector(
    text: str, values: list[float], params: Mapping[str, float], spec: VectorSpec
) -> bool:
    predicted = [_reference_number(part, params) for part in _split_vector(text)]
    return len(predicted) == len(values) and _all_close(values, predicted, spec)


def _split_vector(text: str) -> list[str]:
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] + stripped[-1] in {"[]", "()"}:
        stripped = stripped[1:-1]
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in stripped:
        depth += (ch == "(") - (ch == ")")
        if ch in ",;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    if len(parts) == 1 and all(read_literal(p) is not None for p in stripped.split()):
        parts = stripped.split()
    return parts


def _read_vector(
    answer: str, params: Mapping[str, float], allow_expression: bool
) -> list[tuple[Fraction | float, str, Literal | None]]:
    entries = []
    for index, part in enumerate(_split_vector(answer), start=1):
        try:
            entries.append(_read_number(part, params, allow_expression, thousands=False))
        except AnswerError as error:
            raise AnswerError(f"entry {index}: {error}") from None
    return entries


def _format_vector(values: Sequence[float], figures: int) -> str:
    return "[" + ", ".join(format_number(v, figures) for v in values) + "]"


# --- choice ----------------------------------------------------------------------------


# --- expression ------------------------------------------------------------------------


def _expression_reference(
    spec: ExpressionSpec, params: frozenset[str]
) -> tuple[sympy.Expr, tuple[str, ...]]:
    """The reference expression and the answer's variables (declared, or its free symbols)."""
    if spec.variables is not None:
        names = Names(variables=frozenset(spec.variables), params=params)
    else:
        names = Names(params=params, open_names=True)
    reference = _reference(spec.value, names)
    if spec.variables is not None:
        return reference, tuple(spec.variables)
    return reference, tuple(sorted({s.name for s in reference.free_symbols} - params))


def _answer_names(variables: Sequence[str], params: Mapping[str, float]) -> Names:
    return Names(variables=frozenset(variables), params=frozenset(params))


@functools.lru_cache(maxsize=256)
def _rendered_reference(text: str, names: Names, params: tuple[tuple[str, float], ...]) -> str:
    substitutions = {symbol(k): sympy.Float(v) for k, v in params}
    evaluated = _reference(text, names).subs(substitutions)
    return render_as_written(text, names, evaluated, substitutions)


def _grade_expression(
    spec: ExpressionSpec, answer: str, params: dict[str, float], mistakes: Mistakes
) -> Verdict:
    reference, variables = _expression_reference(spec, frozenset(params))
    names = _answer_names(variables, params)
    expr = read(answer, names)
    interpreted = render_as_written(answer, names, expr)
    ordered = tuple(sorted(params.items()))
    expected = _rendered_reference(spec.value, names, ordered)
    result = compare_expressions(
        expr,
        reference,
        variables,
        domain=spec.domain,
        params=params,
        rtol=spec.rtol,
        samples=spec.samples,
        seed=spec.value,
    )
    if result.equal:
        # sympy has already simplified expr (x^2/x is x), so measure the text as typed
        if spec.simplified and parse(answer, names).size > parse(spec.value, names).size:
            feedback = (
                "Equivalent to the expected answer, but not simplified: "
                "the question asks for a simplified form."
            )
            return Verdict("incorrect", feedback, interpreted, expected)
        return Verdict("correct", "Correct.", interpreted, expected)
    if result.how == "undecided":
        feedback = "Could not confirm that this equals the expected answer."
        return Verdict("incorrect", feedback, interpreted, expected)
    arguments = variables + tuple(name for name, _ in ordered)
    fixed = [value for _, value in ordered]
    notes = unique_notes(
        feedback
        for text, feedback in mistakes
        if _matches_expression(text, expr, names, arguments, result.points, fixed, spec.rtol)
    )
    if notes:
        return Verdict(
            "incorrect",
            join_notes("Not equivalent to the expected answer.", notes),
            interpreted,
            expected,
        )
    return Verdict("incorrect", _difference(result, variables, spec.rtol), interpreted, expected)


def _difference(result: Equivalence, variables: Sequence[str], rtol: float) -> str:
    """Where and how the answer differs from the reference, in one or two sentences."""
    if result.undefined_at is not None:
        where = f" at {format_point(variables, result.undefined_at)}" if variables else ""
        if result.reference_value is not None:
            return f"Your expression is undefined{where}, where the expected one is defined."
    if result.differs_at is not None and result.answer_text and result.reference_value is not None:
        where = f" at {format_point(variables, result.differs_at)}" if variables else ""
        return (
            f"Not equivalent: yours is {result.answer_text}{where}, "
            f"the expected answer is {result.reference_value:.4g}."
        )
    if result.differs_at is None or result.answer_value is None or result.reference_value is None:
        return "Not equivalent to the expected answer."
    mine, theirs = distinct(result.answer_value, result.reference_value)
    if variables:
        head = f"Not equivalent: at {format_point(variables, result.differs_at)} yours is {mine}"
    else:
        head = f"Not equal: yours is {mine}"
    head += f", the expected answer is {theirs}"
    if result.near is not None:
        name, location = result.near
        head += f" (next to the breakpoint {name} = {location:.4g})"
    head += "."
    if result.how == "symbolic":
        return head + (
            " Decimals are read exactly as typed, so a rounded coefficient is a different "
            "formula: give the exact value (1/3, not 0.333)."
        )
    varies = len({round(r, 9) for _, r in result.pairs}) > 1
    note = relation_note(result.pairs, rtol, varies=varies) if result.pairs else None
    return join_notes(head, [note or ""])


def _matches_expression(
    text: str,
    answer: sympy.Expr,
    names: Names,
    arguments: tuple[str, ...],
    points: Sequence[Point],
    fixed: Sequence[float],
    rtol: float,
) -> bool:
    """Whether the answer is the predicted mistake ``text`` (equal at every sample point)."""
    try:
        predicted_expr = read(text, names)
    except AnswerError as error:
        raise CheckError(f"cannot read the predicted mistake {text!r}: {error}") from None
    if predicted_expr == answer:
        return True
    answer_function = compile_float(answer, arguments)
    predicted = compile_float(predicted_expr, arguments)
    compared = 0
    for point in points:
        mine = answer_function(*point.values, *fixed)
        theirs = predicted(*point.values, *fixed)
        if (mine is None) != (theirs is None):
            return False
        if mine is not None and theirs is not None:
            if not close(mine, theirs, rtol):
                return False
            compared += 1
    return compared > 0
