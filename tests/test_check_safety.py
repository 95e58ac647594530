"""Hostile input never runs, never hangs, never crashes, and never counts as correct."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzer.check import check, preview, worker

PACKAGE = Path(__file__).resolve().parents[1] / "quizzer" / "check"
EXPRESSION = {"kind": "expression", "value": "x^2"}
NUMERIC = {"kind": "numeric", "value": "-ln(p)", "allow_expression": True}
BOUND_S = 3.0


def hostile_inputs(marker: Path) -> list[str]:
    return [
        f"__import__('os').system('touch {marker}')",
        f'__import__("os").system("touch {marker}")',
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__.__mro__",
        "(lambda: 1)()",
        "lambda x: x",
        f"exec(\"open('{marker}', 'w')\")",
        "eval('1+1')",
        f"open('{marker}', 'w')",
        "9**9**9",
        "9^9^9",
        "factorial(10**9)",
        "x**(10**10)",
        "x^(10^10)",
        "10^(10^5)",
        "(10^30)^(10^3)",
        "1" * 5000,
        "1." + "1" * 5000,
        "(" * 500 + "x" + ")" * 500,
        "x" + "+x" * 30000,
        "-" * 400 + "x",
        "nan",
        "inf",
        "-inf",
        "zoo",
        "oo",
        "1/0",
        "0/0",
        "log(0)",
        "1e999",
        "exp(exp(exp(100)))",
        "x" * 600,
        "__builtins__",
        "[x for x in ()]",
        "{x: 1}",
        "x if x else x",
        "sqrt(-1)",
    ]


@pytest.mark.parametrize("spec", [EXPRESSION, NUMERIC])
def test_hostile_inputs_are_refused_quickly_without_side_effects(
    spec: dict[str, object], tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    check(spec, "1", {"p": 0.3})  # start the worker outside the timed part
    for text in hostile_inputs(marker):
        started = time.monotonic()
        verdict = check(spec, text, {"p": 0.3})
        elapsed = time.monotonic() - started
        assert verdict.status in {"invalid", "incorrect", "timeout"}, (text[:60], verdict)
        assert elapsed < BOUND_S, (text[:60], elapsed)
    assert not marker.exists()


@pytest.mark.parametrize("text", ["nan", "inf", "zoo", "1/0", "0/0", "oo", "1e999", "exp(1000)"])
def test_non_finite_values_are_never_correct(text: str) -> None:
    for spec in (EXPRESSION, NUMERIC, {"kind": "numeric", "value": "1e300"}):
        assert check(spec, text, {"p": 0.3}).status != "correct"


def test_long_input_message_says_the_limit() -> None:
    verdict = check(EXPRESSION, "x" + "+x" * 30000)
    assert verdict.status == "invalid" and "too long" in verdict.feedback


def test_deep_nesting_message() -> None:
    verdict = check(EXPRESSION, "(" * 100 + "x" + ")" * 100)
    assert verdict.status == "invalid" and "nested" in verdict.feedback


def test_huge_float_message() -> None:
    verdict = check(EXPRESSION, "exp(exp(1e300))")
    assert verdict.status == "invalid" and "too large" in verdict.feedback


def test_exponent_cap_message() -> None:
    verdict = check(EXPRESSION, "9**9**9")
    assert verdict.status == "invalid" and "exponent" in verdict.feedback


def test_timeout_stops_a_runaway_and_a_fresh_worker_takes_over() -> None:
    first = worker.warm_up()
    assert worker.warm_up() == first  # the worker is reused between calls
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        worker.call("time", "sleep", 60, timeout=0.5)
    assert time.monotonic() - started < BOUND_S
    assert check(EXPRESSION, "x*x").status == "correct"
    second = worker.warm_up()
    assert second != first
    assert worker.warm_up() == second


def test_check_reports_timeout() -> None:
    check(EXPRESSION, "x")  # warm
    heavy = "+".join(f"sin({k}x)cos({k}x)tanh({k}x)" for k in range(2, 20))
    assert len(heavy) < 500
    verdict = check(EXPRESSION, heavy, timeout=0.001)  # takes tens of milliseconds
    assert verdict.status == "timeout" and not verdict.correct
    assert check(EXPRESSION, "x*x").status == "correct"


def test_killed_worker_is_replaced() -> None:
    pid = worker.warm_up()
    subprocess.run(["kill", "-9", str(pid)], check=True)
    time.sleep(0.2)
    assert check(EXPRESSION, "x^2").status == "correct"


_LANGUAGE = [
    *"x0123456789+-*/^()., e<>=σ√²π_[]'\"|!@#$%&{}:;lnogexpsqrtabHPhi",
    "if ",
    " else ",
    "lambda",
    "__",
    "**",
    "Piecewise",
    "(1, x > 0)",
]
VECTOR = {"kind": "vector", "value": ["1", "2"]}
CHOICE = {"kind": "choice", "options": ["L1", "L2", "dropout"], "correct": ["L1", "L2"]}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.text(max_size=80), st.lists(st.sampled_from(_LANGUAGE), max_size=40).map("".join))
)
def test_random_text_never_raises_or_hangs(text: str) -> None:
    started = time.monotonic()
    verdict = check(EXPRESSION, text)
    assert verdict.status in {"correct", "incorrect", "invalid", "timeout"}
    assert preview(EXPRESSION, text).status in {"ungraded", "invalid"}
    for spec in (NUMERIC, VECTOR, CHOICE):
        graded = check(spec, text, {"p": 0.3}).status
        assert graded in {"correct", "incorrect", "invalid", "timeout"}
    assert time.monotonic() - started < 2 * BOUND_S


def test_no_eval_exec_sympify_or_parse_expr_in_the_checker() -> None:
    builtins = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr"}
    methods = {"eval", "exec", "sympify", "parse_expr", "parse_latex", "S"}  # sympy.S("...")
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                bad = (isinstance(func, ast.Name) and func.id in builtins) or (
                    isinstance(func, ast.Attribute) and func.attr in methods
                )
                assert not bad, f"{path.name}:{node.lineno} calls {ast.unparse(func)}"


def test_importing_the_checker_does_not_import_sympy() -> None:
    code = "import sys, quizzer.check; print('sympy' in sys.modules, 'numpy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_checks_from_several_threads_are_serialised_safely() -> None:
    from concurrent.futures import ThreadPoolExecutor

    answers = ["x*x", "x^2", "x", "foo(x)"] * 5
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda a: check(EXPRESSION, a).status, answers))
    assert statuses == ["correct", "correct", "incorrect", "invalid"] * 5


def test_a_worker_dying_mid_request_is_reported_and_replaced() -> None:
    with pytest.raises(worker.WorkerDied):
        worker.call("os", "_exit", 1, timeout=BOUND_S)
    assert check(EXPRESSION, "x^2").status == "correct"


DERIVATION = {
    "kind": "derivation",
    "start": "diff(x^3, x)",
    "target": "3*x^2",
    "steps": ["d/dx x^3", "3*x^2"],
    "variables": ["x"],
}


def test_hostile_lines_in_a_derivation_are_refused_quickly_without_side_effects(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "pwned"
    check(DERIVATION, "d/dx x^3\n3x^2")  # start the worker outside the timed part
    for text in hostile_inputs(marker):
        for answer in (f"d/dx x^3\n{text}\n3*x^2", f"{text}\n3*x^2", f"d/dx {text}\n3*x^2"):
            started = time.monotonic()
            verdict = check(DERIVATION, answer)
            elapsed = time.monotonic() - started
            assert verdict.status in {"invalid", "incorrect", "timeout"}, (text[:60], verdict)
            assert elapsed < BOUND_S, (text[:60], elapsed)
    assert not marker.exists()


@pytest.mark.parametrize(
    "answer",
    [
        "d/dx x^3\n" + "x" * 600,  # one line over the cap
        "d/dx x^3\n" * 2000,  # the whole answer over the cap
        "x\n" * 100,  # too many lines
        "\n" * 100_000,  # only blank lines, a lot of them
        "d/dx " * 90 + "x",  # derivatives nested past the cap
        "diff(diff(diff(" + "*".join(f"tanh({k}x)" for k in range(1, 40)) + ", x), x), x)",
    ],
)
def test_oversized_derivations_are_invalid_or_stopped_in_time(answer: str) -> None:
    check(DERIVATION, "d/dx x^3\n3x^2")
    started = time.monotonic()
    verdict = check(DERIVATION, answer)
    assert time.monotonic() - started < BOUND_S
    assert verdict.status in {"invalid", "timeout"}, verdict
