"""The command line every quizzer demo snippet shares: pick the device, run the general demo
or check one bank question, and compare the results with the bank's answer.

A snippet defines ``demo(device)``, the general demo, and one check per bank question: a
function of the drawn params and the device returning ``{label: value}``, filed under the
question's id with a decorator::

    CHECKS: dict[str, demo_harness.Check] = {}
    check = demo_harness.registry(CHECKS)

    @check("my.question-id")
    def check_it(p: dict[str, float], device: torch.device) -> dict[str, object]:
        return {"from scratch": ..., "torch API": ...}

    if __name__ == "__main__":
        demo_harness.main(__doc__, demo, CHECKS)

quizzer runs it as ``python -u snippet.py --device D --question ID --params JSON
--expected JSON``, with this module's folder on ``PYTHONPATH`` (so a snippet of any bank,
run by any interpreter that has PyTorch, finds it). Each check's values are printed next to
the bank's; one that disagrees prints a ``MISMATCH:`` line and the snippet exits 1.

Only the standard library, numpy and torch are imported: quizzer itself need not be installed
in the interpreter that runs the demos.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

import numpy as np
import torch

RTOL, ATOL = 1e-3, 1e-6
"""How close a snippet's value must be to the bank's answer."""

DEVICES = ("auto", "cpu", "cuda", "mps")

Check = Callable[[dict[str, Any], torch.device], Mapping[str, object]]
"""A question's check: drawn params (and the sample points of expression answers) and the
device in, ``{label: value}`` out (typically "from scratch" and "torch API")."""
CheckT = TypeVar("CheckT", bound=Check)


def registry(checks: dict[str, Check]) -> Callable[[str], Callable[[CheckT], CheckT]]:
    """A decorator factory: ``@check(question_id)`` files the function in ``checks``."""

    def check(question_id: str) -> Callable[[CheckT], CheckT]:
        def add(function: CheckT) -> CheckT:
            if question_id in checks:
                raise ValueError(f"two checks for {question_id!r}")
            checks[question_id] = function
            return function

        return add

    return check


def pick_device(name: str) -> torch.device:
    """'auto' picks cuda, then mps, then cpu; a named device must be available."""
    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    if name == "auto":
        name = "cuda" if cuda else "mps" if mps else "cpu"
    if (name == "cuda" and not cuda) or (name == "mps" and not mps):
        sys.exit(f"error: device {name!r} is not available here; try --device auto")
    return torch.device(name)


def fmt(value: object) -> str:
    """A number or list of numbers with 6 significant digits."""
    arr = np.asarray(value, dtype=float)
    return f"{float(arr):.6g}" if arr.ndim == 0 else np.array2string(arr, precision=6)


def verify(question: str, results: Mapping[str, object], expected: object) -> int:
    """Print each result; print a MISMATCH line for each that disagrees with ``expected``
    (the bank's answer: a number, a list, or ``{"values": [...]}`` at sample points).
    Returns the exit status: 0 when every result agrees."""
    want = expected["values"] if isinstance(expected, dict) else expected
    for label, value in results.items():
        print(f"  {label:>12}: {fmt(value)}")
    if want is None:
        print("  (no --expected given: nothing to compare against)")
        return 0
    print(f"  {'bank':>12}: {fmt(want)}")
    failures = 0
    for label, value in results.items():
        got, exp = np.asarray(value, dtype=float), np.asarray(want, dtype=float)
        if got.shape != exp.shape or not np.allclose(got, exp, rtol=RTOL, atol=ATOL):
            print(f"MISMATCH: {question}: {label} gives {fmt(value)}, the bank says {fmt(want)}")
            failures += 1
    if not failures:
        print("OK: from scratch and the PyTorch API agree with the bank")
    return 1 if failures else 0


def run(
    doc: str | None,
    demo: Callable[[torch.device], None],
    checks: Mapping[str, Check],
    argv: list[str] | None = None,
) -> int:
    """Parse the command line, then run the general demo or the check of ``--question``;
    the exit status."""
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    parser.add_argument("--device", default="auto", choices=DEVICES)
    parser.add_argument("--question", help="bank question id to check")
    parser.add_argument("--params", type=json.loads, default={}, help="drawn params (JSON)")
    parser.add_argument("--expected", type=json.loads, help="the bank's answer (JSON)")
    args = parser.parse_args(argv)
    device = pick_device(args.device)
    print(f"device: {device}")
    check = checks.get(args.question) if args.question else None
    if check is None:
        if args.question:
            print(f"(no specific check for {args.question}; showing the general demo)")
        demo(device)
        return 0
    print(f"{args.question} with {json.dumps(args.params)}:")
    at = args.expected.get("at", {}) if isinstance(args.expected, dict) else {}
    return verify(args.question, check({**args.params, **at}, device), args.expected)


def main(
    doc: str | None, demo: Callable[[torch.device], None], checks: Mapping[str, Check]
) -> NoReturn:
    """:func:`run` with ``sys.argv``, then exit with its status."""
    sys.exit(run(doc, demo, checks))
