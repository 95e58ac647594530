"""Run the STACK answer-test conformance corpus through ``quizzer.check.check``.

    python benchmarks/stack_conformance.py [--list]

The corpus (``tests/fixtures/stack/corpus.json``) holds answer-test cases from STACK, the
Moodle question type for mathematics (AlgEquiv, Diff, NumRelative, NumAbsolute, NumSigFigs),
translated to quizzer's input language, each with STACK's verdict. Prints how many agree,
the false acceptances (STACK says incorrect, quizzer correct), false rejections, invalid
answers that STACK grades, and the median and p99 check latency. ``--list`` prints every
disagreement with its documented reason (see ``DELIBERATE``).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "fixtures" / "stack" / "corpus.json"

# Cases where quizzer deliberately grades differently from STACK, keyed by
# (STACK test, source line of the row in STACK's test file, answer). The reasons are
# explained case by case in docs/checking.md.
DELIBERATE: dict[tuple[str, int, str], str] = {}


@dataclass(frozen=True)
class Outcome:
    """One corpus case as graded by quizzer."""

    case: dict
    status: str
    feedback: str
    milliseconds: float

    @property
    def key(self) -> tuple[str, int, str]:
        """How the case is named in ``DELIBERATE``."""
        return self.case["test"], self.case["source_line"], self.case["answer"]

    @property
    def agrees(self) -> bool:
        """Whether quizzer's status is STACK's verdict."""
        return self.status == self.case["expected"]


def load(path: Path = CORPUS) -> list[dict]:
    """The corpus cases."""
    return json.loads(path.read_text(encoding="utf-8"))


def run(cases: list[dict]) -> list[Outcome]:
    """Grade every case through the worker (after one warm-up pass) and time each check."""
    from quizzer.check import warm_up

    warm_up()
    for case in cases:
        _grade(case)
    outcomes = []
    for case in cases:
        started = time.perf_counter()
        status, feedback = _grade(case)
        elapsed = (time.perf_counter() - started) * 1000
        outcomes.append(Outcome(case, status, feedback, elapsed))
    return outcomes


def _grade(case: dict) -> tuple[str, str]:
    from quizzer.check import CheckError, check

    try:
        verdict = check(case["spec"], case["answer"])
    except CheckError as error:  # the reference itself is refused
        return "invalid", f"reference refused: {error}"
    return str(verdict.status), verdict.feedback


def summary(outcomes: list[Outcome]) -> dict[str, float]:
    """Agreement counts and latency figures."""
    timings = sorted(o.milliseconds for o in outcomes)
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    return {
        "cases": len(outcomes),
        "agree": sum(o.agrees for o in outcomes),
        "false_accept": sum(
            o.status == "correct" and o.case["expected"] != "correct" for o in outcomes
        ),
        "false_reject": sum(
            o.status == "incorrect" and o.case["expected"] == "correct" for o in outcomes
        ),
        "invalid": sum(o.status == "invalid" and o.case["expected"] != "invalid" for o in outcomes),
        "timeout": sum(o.status == "timeout" for o in outcomes),
        "undocumented": sum(not o.agrees and o.key not in DELIBERATE for o in outcomes),
        "median_ms": round(statistics.median(timings), 3),
        "p99_ms": round(p99, 3),
    }


def main(argv: list[str]) -> int:
    """Print the summary (and with ``--list`` every disagreement)."""
    outcomes = run(load())
    figures = summary(outcomes)
    print(
        f"STACK conformance: {figures['agree']}/{figures['cases']} agree; "
        f"{figures['false_accept']} false acceptances, {figures['false_reject']} false "
        f"rejections, {figures['invalid']} invalid, {figures['timeout']} timeouts; "
        f"{figures['undocumented']} disagreements not documented"
    )
    print(f"check latency: median {figures['median_ms']} ms, p99 {figures['p99_ms']} ms")
    if "--list" in argv:
        for outcome in outcomes:
            if not outcome.agrees:
                case = outcome.case
                reason = DELIBERATE.get(outcome.key, "NOT DOCUMENTED")
                print(
                    f"{case['test']} line {case['source_line']}: {case['spec']['value']!r} vs "
                    f"{case['answer']!r}: STACK {case['expected']}, quizzer {outcome.status} "
                    f"({outcome.feedback}) -- {reason}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
