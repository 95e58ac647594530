"""Latency of checking the shipped derivations, warm, through the worker.

    python benchmarks/derivation_bench.py [--quick]

For every question of ``question_bank/derivations.yaml`` it checks the model derivation, the
same with one wrong middle line, and the model without its last line; the baseline (same
run) checks the question's target alone as an ``expression`` answer, so ``ratio`` is what a
whole derivation costs against one formula. Prints JSON lines (median and p99 in ms).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from quizzer.bank.loader import load_bank  # noqa: E402
from quizzer.check import check, warm_up  # noqa: E402

BANK = ROOT / "question_bank"


def _cases() -> tuple[list[tuple[object, str]], list[tuple[dict, str]]]:
    bank = load_bank([BANK])
    derivations, baselines = [], []
    for question in bank.questions.values():
        spec = question.answer
        if spec.kind != "derivation" or bank.source(question.id).path.name != "derivations.yaml":
            continue
        steps = list(spec.steps)
        wrong = list(steps)
        wrong[len(wrong) // 2] = f"({wrong[len(wrong) // 2]}) + 1/7"
        for lines in (steps, wrong, steps[:-1]):
            derivations.append((question, "\n".join(lines)))
        expression = {
            "kind": "expression",
            "value": spec.steps[-1],
            "variables": list(spec.variables or []) + list(spec.define),
            "domain": dict(spec.domain),
        }
        if not spec.define:  # a defined name has no value as a plain expression
            baselines.append((expression, spec.steps[-1]))
    return derivations, baselines


def _time(calls: list, rounds: int) -> list[float]:  # type: ignore[type-arg]
    timings = []
    for _ in range(rounds):
        for call in calls:
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


def _p99(timings: list[float]) -> float:
    return timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]


def run(quick: bool) -> list[dict]:
    """Time every case after a warm-up pass; return median and p99 records."""
    warm_up()
    derivations, baselines = _cases()
    derivation_calls = [
        lambda q=q, a=a: check(q.answer, a, mistakes=q.mistakes, timeout=10) for q, a in derivations
    ]
    baseline_calls = [lambda s=s, a=a: check(s, a, timeout=10) for s, a in baselines]
    for call in derivation_calls + baseline_calls:
        call()
    rounds = 3 if quick else 20
    derivation = _time(derivation_calls, rounds)
    baseline = _time(baseline_calls, rounds)
    base_median = statistics.median(baseline)
    median = statistics.median(derivation)
    return [
        {
            "name": "derivation_check_median",
            "value": round(median, 3),
            "unit": "ms",
            "baseline": round(base_median, 3),
            "ratio": round(median / base_median, 2),
        },
        {
            "name": "derivation_check_p99",
            "value": round(_p99(derivation), 3),
            "unit": "ms",
            "baseline": round(_p99(baseline), 3),
            "ratio": round(_p99(derivation) / _p99(baseline), 2),
        },
    ]


if __name__ == "__main__":
    for record in run(quick="--quick" in sys.argv):
        print(json.dumps(record))
