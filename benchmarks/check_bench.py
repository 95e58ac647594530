"""Latency of ``quizzer.check.check`` on representative answers, warm, through the worker.

Prints JSON lines (median and p99 in milliseconds). ``run(quick)`` returns the same
records for a benchmark runner.
"""

from __future__ import annotations

import json
import statistics
import time

from quizzer.check import check, warm_up

RELU = {"kind": "expression", "value": "Heaviside(x)"}
SIGMOID = {"kind": "expression", "value": "sigmoid(x)*(1 - sigmoid(x))"}
ADAMW = {
    "kind": "expression",
    "value": "theta - lr*(m/(sqrt(v)+eps) + wd*theta)",
    "variables": ["theta", "lr", "m", "v", "eps", "wd"],
    "domain": {"v": [0.01, 1]},
}
CROSS_ENTROPY = {"kind": "numeric", "value": "-ln(p)", "rtol": 0.005}
MISTAKES = [{"answer": "-log10(p)", "feedback": "That is log base 10."}]
CASES: list[tuple[dict, str, dict[str, float] | None, list[dict] | None]] = [
    (CROSS_ENTROPY, "1.204", {"p": 0.3}, MISTAKES),
    (CROSS_ENTROPY, "0.5229", {"p": 0.3}, MISTAKES),
    (CROSS_ENTROPY, "ln(0.3)", {"p": 0.3}, MISTAKES),
    ({"kind": "numeric", "value": "exp(L)"}, "20.09", {"L": 3.0}, None),
    (RELU, "1 if x > 0 else 0", None, None),
    (RELU, "(abs(x)/x + 1)/2", None, None),
    (RELU, "x > 0", None, None),
    (SIGMOID, "σ(x)(1−σ(x))", None, None),
    (SIGMOID, "e^-x/(1+e^-x)^2", None, None),
    (SIGMOID, "-σ(x)(1−σ(x))", None, None),
    ({"kind": "expression", "value": "x*Phi(x)"}, "xΦ(x)", None, None),
    ({"kind": "expression", "value": "exp(L)"}, "e^L", None, None),
    (ADAMW, "theta - lr*(m/(sqrt(v)+eps) + wd*theta)", None, None),
    (ADAMW, "theta - lr*m/(sqrt(v)+eps)", None, None),
    ({"kind": "vector", "value": ["0.09", "0.2447", "0.6652"]}, "[0.09, 0.245, 0.665]", None, None),
    ({"kind": "choice", "options": ["L1", "L2", "dropout"], "correct": "L2"}, "b", None, None),
    (RELU, "foo(x)", None, None),
]


def run(quick: bool) -> list[dict]:
    """Time every case (after a warm-up pass) and return the median and p99 records."""
    warm_up()
    for spec, answer, params, mistakes in CASES:
        check(spec, answer, params, mistakes=mistakes)
    rounds = 5 if quick else 40
    timings: list[float] = []
    for _ in range(rounds):
        for spec, answer, params, mistakes in CASES:
            started = time.perf_counter()
            check(spec, answer, params, mistakes=mistakes)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    return [
        _record("check_median", statistics.median(timings)),
        _record("check_p99", p99),
    ]


def _record(name: str, value: float) -> dict:
    return {"name": name, "value": round(value, 3), "unit": "ms", "baseline": None, "ratio": None}


if __name__ == "__main__":
    import sys

    for record in run(quick="--quick" in sys.argv):
        print(json.dumps(record))
