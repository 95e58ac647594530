"""The PyTorch snippets: each runs standalone on CPU, each auto-checked bank question that links
one is checked against torch, and a snippet whose tensors disagree with the bank fails."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import subprocess
import sys
import time
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from helpers import ROOT

from quizzer.bank.loader import load_bank
from quizzer.bank.params import draw
from quizzer.demos import runner

BANK_DIR = ROOT / "question_bank"
SNIPPETS = sorted((BANK_DIR / "snippets").glob("*.py"))
CONTRACT = {
    "q25_cross_entropy.py", "perplexity.py", "q26_embedding_grad.py", "q27_jacobian.py",
    "q28_eigen.py", "q29_kl_divergence.py", "q30_activations.py", "q31_backprop.py",
    "adamw.py", "bf16.py",
}  # fmt: skip

needs_torch = pytest.mark.skipif(not runner.torch_available(), reason="torch is not installed")


def run_snippet(path: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python snippet.py ARGS`` as a user would run it."""
    return subprocess.run(
        [sys.executable, str(path), *args], capture_output=True, text=True, timeout=timeout
    )


@cache
def bank():  # type: ignore[no-untyped-def]
    return load_bank([BANK_DIR])


@cache
def snippet_module(path: Path) -> ModuleType:
    """Import a snippet by path (it is a script, not a package module)."""
    spec = importlib.util.spec_from_file_location(f"snippet_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def linked_computed() -> list[str]:
    """Questions with a demo and a computed answer (numeric, vector, expression)."""
    kinds = ("numeric", "vector", "expression")
    return [q.id for q in bank().questions.values() if q.demo and q.kind in kinds]


def test_the_ten_contract_snippets_exist() -> None:
    assert {p.name for p in SNIPPETS} >= CONTRACT


def test_every_topic_links_a_snippet_and_most_checked_questions_do() -> None:
    questions = list(bank().questions.values())
    for topic in bank().topics():
        assert any(q.demo for q in questions if q.topic == topic), topic
    linked = {q.demo for q in questions if q.demo}
    assert len(linked) >= 10
    for demo in linked:
        assert (BANK_DIR / demo).is_file(), demo
    checked = [q for q in questions if q.auto_checked]
    assert sum(1 for q in checked if q.demo) > len(checked) / 2


@needs_torch
@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.stem)
def test_snippet_runs_standalone_on_cpu(path: Path) -> None:
    start = time.perf_counter()
    result = run_snippet(path, "--device", "cpu")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("device: cpu\n")
    assert "MISMATCH" not in result.stdout
    assert time.perf_counter() - start < 60  # ~3-10 s on an idle machine


@needs_torch
def test_every_linked_computed_question_has_a_specific_check() -> None:
    pytest.importorskip("torch")
    missing = []
    for qid in linked_computed():
        module = snippet_module(bank().demo_path(qid))
        if qid not in module.CHECKS:
            missing.append(qid)
    assert not missing


@needs_torch
@pytest.mark.parametrize("seed", [0, 1])
def test_snippet_checks_agree_with_the_bank(seed: int) -> None:
    """In one process for speed: the same functions the snippet runs for ``--question``."""
    torch = pytest.importorskip("torch")
    failures = []
    for qid in linked_computed():
        question = bank().questions[qid]
        module = snippet_module(bank().demo_path(qid))
        params = draw(question, seed)
        expected = runner.expected_for(question, params)
        at = expected.get("at", {}) if isinstance(expected, dict) else {}
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = module.verify(qid, module.CHECKS[qid]({**params, **at}, torch.device("cpu")),
                                 expected)  # fmt: skip
        if code != 0:
            failures.append(out.getvalue())
    assert not failures, "\n".join(failures)


@needs_torch
def test_a_bank_value_that_disagrees_fails_and_names_the_value() -> None:
    result = run_snippet(
        BANK_DIR / "snippets" / "q25_cross_entropy.py",
        *("--device", "cpu", "--question", "q25.ce.numeric"),
        *("--params", json.dumps({"p": 0.3}), "--expected", "1.5"),
    )
    assert result.returncode == 1
    assert "MISMATCH: q25.ce.numeric: torch API gives 1.20397, the bank says 1.5" in result.stdout
    assert "MISMATCH: q25.ce.numeric: from scratch gives 1.20397" in result.stdout


@needs_torch
def test_a_wrong_reference_answer_in_the_bank_fails_through_the_runner() -> None:
    """A bank whose answer says log10 instead of ln: the demo exits non-zero."""
    question = bank().questions["q25.ce.numeric"]
    wrong = question.model_copy(
        update={"answer": question.answer.model_copy(update={"value": "-log10(p)"})}
    )
    lines: list[str] = []
    code = runner.stream(wrong, BANK_DIR, {"p": 0.3}, lines.append, device="cpu")
    assert code == 1
    assert any(line.startswith("MISMATCH: q25.ce.numeric") and "0.522879" in line for line in lines)


@needs_torch
def test_expression_answers_are_compared_at_the_runner_points() -> None:
    question = bank().questions["q30.gelu.derivative"]
    expected = runner.expected_for(question, {})
    expected["values"][1] += 0.1  # one point of the reference is off
    command = runner.build_command(question, BANK_DIR, {}, "cpu")
    command[command.index("--expected") + 1] = json.dumps(expected)
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "MISMATCH: q30.gelu.derivative: torch API gives" in result.stdout


@needs_torch
def test_an_unknown_question_runs_the_general_demo() -> None:
    result = run_snippet(BANK_DIR / "snippets" / "q28_eigen.py", "--question", "zz.unknown")
    assert result.returncode == 0
    assert "no specific check for zz.unknown" in result.stdout
    assert "torch.linalg.eigh" in result.stdout


@pytest.mark.cuda
@pytest.mark.skipif(
    not runner.torch_available() or not pytest.importorskip("torch").cuda.is_available(),
    reason="needs a CUDA GPU",
)
def test_on_cuda_checks_pass_and_bf16_timings_name_the_gpu() -> None:
    torch = pytest.importorskip("torch")
    lines: list[str] = []
    question = bank().questions["q30.gelu.derivative"]
    assert runner.stream(question, BANK_DIR, {}, lines.append, device="cuda") == 0
    assert lines[0] == "device: cuda"
    result = run_snippet(BANK_DIR / "snippets" / "bf16.py", "--device", "cuda")
    assert result.returncode == 0, result.stderr
    assert f"Measured on {torch.cuda.get_device_name()}" in result.stdout
    assert "speed-up" in result.stdout
