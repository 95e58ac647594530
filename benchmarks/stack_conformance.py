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
_EXACT_DECIMALS = (
    "decimals are read as the exact decimals typed, so a value that equals the reference "
    "exactly is correct; STACK treats any float as different from an exact number"
)
_REAL_POWERS = (
    "powers are compared as real functions where both sides are defined; STACK works with "
    "complex branches, where (a^b)^c and a^(bc) differ"
)
_REAL_DOMAIN = (
    "an answer undefined (not real) at a sampled point where the reference is defined is "
    "wrong; STACK simplifies over the complex numbers or assumes positive variables"
)
_LOG_ABS = (
    "log|x-3| + log|x+3| equals log|x^2-9| wherever both are defined; STACK's verdict "
    "rests on a rule quizzer does not share"
)
_NOT_A_NUMBER = (
    "a numeric answer is a number in one of the listed notations: the name pi is invalid "
    "(try again, free), where STACK grades it incorrect"
)
_FEWER_FIGURES = (
    "the right value with fewer figures than asked (trailing zeros left out) is correct "
    "with a note naming the figures wanted; STACK rejects it"
)
_MORE_FIGURES = (
    "more figures than asked are accepted when the value rounds correctly to the figures "
    "asked, with a note; STACK's strict option rejects them (its [n,-1] option accepts)"
)
_STRICT_ROUNDING = (
    "the answer must round (half up, on its decimal text) to the reference's rounding; "
    "STACK's window accepts values up to half a unit away, and on binary floats"
)

DELIBERATE: dict[tuple[str, int, str], str] = {
    ("AlgEquiv", 107, "452"): _EXACT_DECIMALS,
    ("AlgEquiv", 120, "100.4-80.0"): _EXACT_DECIMALS,
    ("AlgEquiv", 173, "(a^b)^c"): _REAL_POWERS,
    ("AlgEquiv", 370, "(a^b)^c"): _REAL_POWERS,
    ("AlgEquiv", 372, "(n+1)^((n+2)/(n+1))/(n+2)"): _REAL_POWERS,
    ("AlgEquiv", 187, "sqrt(k/m)*sqrt(m/k)"): _REAL_DOMAIN,
    ("AlgEquiv", 227, "(-1)^n*cos(x)^n"): _REAL_DOMAIN,
    ("AlgEquiv", 296, "log(a^x,a)"): _REAL_DOMAIN,
    ("AlgEquiv", 293, "log(abs((x^2-9)))"): _LOG_ABS,
    ("NumSigFigs", 2550, "pi"): _NOT_A_NUMBER,
    ("NumSigFigs", 2551, "0"): _FEWER_FIGURES,
    ("NumSigFigs", 2554, "0.0"): _FEWER_FIGURES,
    ("NumSigFigs", 2555, "0"): _FEWER_FIGURES,
    ("NumSigFigs", 2556, "0.0"): _FEWER_FIGURES,
    ("NumSigFigs", 2601, "1E3"): _FEWER_FIGURES,
    ("NumSigFigs", 2629, "1.5"): _FEWER_FIGURES,
    ("NumSigFigs", 2699, "8.25"): _FEWER_FIGURES,
    ("NumSigFigs", 2565, "10.0"): _MORE_FIGURES,
    ("NumSigFigs", 2585, "3.141"): _MORE_FIGURES,
    ("NumSigFigs", 2612, "0.16667"): _MORE_FIGURES,
    ("NumSigFigs", 2614, "-3.141"): _MORE_FIGURES,
    ("NumSigFigs", 2634, "1.500"): _MORE_FIGURES,
    ("NumSigFigs", 2635, "245.0"): _MORE_FIGURES,
    ("NumSigFigs", 2650, "3.1416"): _MORE_FIGURES,
    ("NumSigFigs", 2654, "33"): _MORE_FIGURES,
    ("NumSigFigs", 2655, "1.500"): _MORE_FIGURES,
    ("NumSigFigs", 2656, "245.0"): _MORE_FIGURES,
    ("NumSigFigs", 2563, "9.8"): _STRICT_ROUNDING,
    ("NumSigFigs", 2723, "0.145"): _STRICT_ROUNDING,
}


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


def records(quick: bool = False) -> list[dict]:
    """The figures as benchmark records for ``benchmarks/run.py`` (quick: the same run)."""
    figures = summary(run(load()))
    return [
        {"name": "stack_agree", "value": figures["agree"], "unit": f"of {figures['cases']}"},
        {"name": "stack_false_accept", "value": figures["false_accept"], "unit": "cases"},
        {"name": "stack_false_reject", "value": figures["false_reject"], "unit": "cases"},
        {"name": "stack_check_median", "value": figures["median_ms"], "unit": "ms"},
        {"name": "stack_check_p99", "value": figures["p99_ms"], "unit": "ms"},
    ]


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
