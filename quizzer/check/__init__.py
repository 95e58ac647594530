"""Answer checking: a safe parser, numeric and symbolic comparison, and feedback.

``check`` grades an answer in a reused worker process under a time limit; ``preview``
reads an answer for live display without grading; ``reference_value``, ``evaluate_at``
and ``render_reference`` evaluate bank text. Every one of them runs in the worker under
the same time limit, so no answer or bank text can hang the caller. Importing this
package does not import sympy (nor does the worker module).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from quizzer.check.verdict import CheckError, Verdict

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "CheckError",
    "Verdict",
    "check",
    "evaluate_at",
    "preview",
    "reference_value",
    "render_reference",
    "warm_up",
]


def check(
    spec: Mapping[str, Any] | BaseModel,
    answer: str,
    params: Mapping[str, float] | None = None,
    *,
    mistakes: Sequence[Any] | None = None,
    timeout: float = 2.0,
) -> Verdict:
    """Grade ``answer`` against the ``answer:`` spec of a question.

    ``params`` are the drawn parameter values; ``mistakes`` are predicted wrong answers
    (objects with ``.answer``/``.feedback`` or dicts with those keys) whose feedback is
    shown when the answer matches one. Never raises for user text: unreadable input is
    ``invalid`` and a check running past ``timeout`` seconds is stopped and reported as
    ``timeout``. Raises CheckError when the spec itself (bank text) is unusable.
    """
    from quizzer.check import choice, worker
    from quizzer.check.spec import ChoiceSpec, load_spec

    model = load_spec(spec)
    answer = answer if isinstance(answer, str) else str(answer)
    marked = [_mistake(m) for m in mistakes or ()]
    if isinstance(model, ChoiceSpec) and len(answer) <= choice.MAX_ANSWER:
        # plain text rules with no sympy: no need to wait for (or start) the checker
        return choice.grade_here(model, answer, marked)
    arguments = (model.model_dump(), answer, _params(params), marked)
    try:
        return worker.call("quizzer.check.grade", "grade", *arguments, timeout=timeout)
    except TimeoutError:
        return Verdict(
            "timeout",
            f"Checking took longer than {timeout:g} s and was stopped; try a simpler form.",
        )
    except worker.WorkerDied:
        # not retried in this process: whatever killed the worker would take the app with it
        return Verdict("invalid", "The checker stopped on this answer; try writing it differently.")
    except worker.WorkerUnavailable:
        from quizzer.check import grade

        return grade.grade(*arguments)


def preview(
    spec: Mapping[str, Any] | BaseModel,
    answer: str,
    params: Mapping[str, float] | None = None,
    *,
    timeout: float = 2.0,
) -> Verdict:
    """Read ``answer`` without grading (for live display while typing).

    Returns status ``ungraded`` with ``interpreted`` set, ``invalid`` with the message, or
    ``timeout`` when reading takes longer than ``timeout`` seconds (it runs in the worker
    under the same limit as ``check``, so no text can freeze the caller).
    """
    from quizzer.check import choice, worker
    from quizzer.check.spec import ChoiceSpec, load_spec

    model, answer = load_spec(spec), str(answer)
    if isinstance(model, ChoiceSpec) and len(answer) <= choice.MAX_ANSWER:
        return choice.preview_here(model, answer)
    arguments = (model.model_dump(), answer, _params(params))
    try:
        return _bounded("preview", arguments, timeout)
    except TimeoutError:
        return Verdict(
            "timeout", f"Reading this answer took longer than {timeout:g} s; try a simpler form."
        )
    except worker.WorkerDied:
        return Verdict("invalid", "The checker stopped on this answer; try writing it differently.")


def reference_value(
    spec: Mapping[str, Any] | BaseModel,
    params: Mapping[str, float] | None = None,
    *,
    timeout: float = 2.0,
) -> float | list[float]:
    """The numeric (or vector) reference value evaluated with ``params``.

    Raises CheckError for unreadable reference text, a kind without a numeric value, or
    an evaluation that takes longer than ``timeout`` seconds.
    """
    return _reference_call("reference_value", (_spec_data(spec), _params(params)), timeout)


def evaluate_at(
    expr_text: str,
    values: Mapping[str, float],
    variables: Sequence[str] | None = None,
    *,
    timeout: float = 2.0,
) -> float:
    """Evaluate a reference expression at a point, e.g. ``evaluate_at("x*Phi(x)", {"x": 1})``.

    ``variables`` declares multi-letter names that must not be split (default: every
    name in ``values``). Raises CheckError if unreadable, undefined at that point, or
    slower than ``timeout`` seconds.
    """
    names = list(variables) if variables is not None else None
    return _reference_call("evaluate_at", (str(expr_text), _params(values), names), timeout)


def render_reference(
    spec: Mapping[str, Any] | BaseModel,
    params: Mapping[str, float] | None = None,
    *,
    timeout: float = 2.0,
) -> str | None:
    """The reference answer as shown after grading (None for recall), time-limited.

    An expression is rendered as a formula, a number with 6 significant figures, a
    vector as ``[a, b]`` and a choice as its correct options. Raises CheckError when the
    reference cannot be evaluated in ``timeout`` seconds.
    """
    return _reference_call("render_reference", (_spec_data(spec), _params(params)), timeout)


def _reference_call(function: str, arguments: tuple, timeout: float) -> Any:
    from quizzer.check import worker

    try:
        return _bounded(function, arguments, timeout)
    except TimeoutError:
        raise CheckError(f"evaluating the reference took longer than {timeout:g} s") from None
    except worker.WorkerDied:
        raise CheckError("the checker stopped while evaluating the reference") from None


def _bounded(function: str, arguments: tuple, timeout: float) -> Any:
    """``grade.function(*arguments)`` in the worker, or here if no worker can start."""
    from quizzer.check import worker

    try:
        return worker.call("quizzer.check.grade", function, *arguments, timeout=timeout)
    except worker.WorkerUnavailable:
        from quizzer.check import grade

        return getattr(grade, function)(*arguments)


def _spec_data(spec: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
    from quizzer.check.spec import load_spec

    return load_spec(spec).model_dump()


def _params(params: Mapping[str, float] | None) -> dict[str, float]:
    return {k: float(v) for k, v in (params or {}).items()}


def warm_up() -> None:
    """Start the checking worker now (it imports sympy), so the first check is fast."""
    from quizzer.check import spec, worker  # noqa: F401 - spec: pay for pydantic's schema now

    # if it cannot start, check() grades in this process instead
    with contextlib.suppress(worker.WorkerUnavailable):
        worker.warm_up()


def _mistake(mistake: Any) -> tuple[str, str]:
    if isinstance(mistake, Mapping):
        return str(mistake["answer"]), str(mistake["feedback"])
    return str(mistake.answer), str(mistake.feedback)
