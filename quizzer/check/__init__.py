"""Answer checking: a safe parser, numeric and symbolic comparison, and feedback.

``check`` grades an answer, and ``preview`` reads one for live display, in a reused worker
process under a time limit. Importing this package does not import sympy: the worker does,
and ``reference_value``/``evaluate_at`` do on first use.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from quizzer.check.verdict import CheckError, Verdict

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["CheckError", "Verdict", "check", "evaluate_at", "preview", "reference_value", "warm_up"]


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
    from quizzer.check import worker
    from quizzer.check.spec import load_spec

    arguments = (
        _plain(load_spec(spec)),
        answer if isinstance(answer, str) else str(answer),
        {k: float(v) for k, v in (params or {}).items()},
        [_mistake(m) for m in mistakes or ()],
    )
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

    Returns status ``ungraded`` with ``interpreted`` set, or ``invalid`` with the message.
    Read in the checker's process, so sympy stays out of this one.
    """
    from quizzer.check import worker
    from quizzer.check.spec import load_spec

    arguments = (
        _plain(load_spec(spec)),
        answer if isinstance(answer, str) else str(answer),
        {k: float(v) for k, v in (params or {}).items()},
    )
    try:
        return worker.call("quizzer.check.grade", "preview", *arguments, timeout=timeout)
    except (TimeoutError, worker.WorkerDied):
        return Verdict("invalid", "This answer could not be read in time; try a simpler form.")
    except worker.WorkerUnavailable:
        from quizzer.check import grade

        return grade.preview(*arguments)


def reference_value(
    spec: Mapping[str, Any] | BaseModel, params: Mapping[str, float] | None = None
) -> float | list[float]:
    """The numeric (or vector) reference value evaluated with ``params``.

    Raises CheckError for unreadable reference text or a kind without a numeric value.
    """
    from quizzer.check import grade

    return grade.reference_value(spec, params)


def evaluate_at(
    expr_text: str, values: Mapping[str, float], variables: Sequence[str] | None = None
) -> float:
    """Evaluate a reference expression at a point, e.g. ``evaluate_at("x*Phi(x)", {"x": 1})``.

    ``variables`` declares multi-letter names that must not be split (default: every
    name in ``values``). Raises CheckError if unreadable or undefined at that point.
    """
    from quizzer.check import grade

    return grade.evaluate_at(expr_text, values, variables)


def warm_up() -> None:
    """Start the checking worker now (it imports sympy), so the first check is fast."""
    from quizzer.check import spec, worker  # noqa: F401 - spec: pay for pydantic's schema now

    # if it cannot start, check() grades in this process instead
    with contextlib.suppress(worker.WorkerUnavailable):
        worker.warm_up()


def _plain(model: BaseModel) -> dict[str, Any]:
    """The spec as the mapping the worker validates again: a plain dict pickles cheaply and
    needs no serializer built in this process."""
    return dict(model)


def _mistake(mistake: Any) -> tuple[str, str]:
    if isinstance(mistake, Mapping):
        return str(mistake["answer"]), str(mistake["feedback"])
    return str(mistake.answer), str(mistake.feedback)
