"""The PyTorch snippets: each runs standalone on CPU, each auto-checked bank question that links
one is checked against torch, and a snippet whose tensors disagree with the bank fails."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from helpers import ROOT, run_quizzer

from quizzer.bank.loader import load_bank
from quizzer.bank.params import draw
from quizzer.demos import runner

BANK_DIR = ROOT / "question_bank"
SHARED = {"demo_harness.py", "demo_server.py"}  # imported by or running the snippets
SNIPPETS = sorted(p for p in (BANK_DIR / "snippets").glob("*.py") if p.name not in SHARED)
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
    if str(runner.HARNESS_DIR) not in sys.path:
        sys.path.insert(0, str(runner.HARNESS_DIR))  # as quizzer's PYTHONPATH does for a demo
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


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.stem)
def test_every_snippet_uses_the_shared_harness_and_copies_none_of_it(path: Path) -> None:
    """The command line, device choice and comparison live in demo_harness alone."""
    import ast

    tree = ast.parse(path.read_text())
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    assert not defined & {"pick_device", "fmt", "verify", "main", "run"}
    imported = {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    assert "demo_harness" in imported and "argparse" not in imported
    last = tree.body[-1]
    assert isinstance(last, ast.If)
    assert ast.unparse(last.body[0]) == "demo_harness.main(__doc__, demo, CHECKS)"


@needs_torch
def test_a_user_bank_snippet_imports_the_harness_without_copying_it(tmp_path: Path) -> None:
    """A snippet outside the shipped bank gets the harness from quizzer's PYTHONPATH."""
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "double.py").write_text(
        '"""Doubling, by hand and with torch."""\n'
        "import demo_harness\nimport torch\n\n"
        "CHECKS: dict[str, demo_harness.Check] = {}\n"
        "check = demo_harness.registry(CHECKS)\n\n\n"
        "def demo(device: torch.device) -> None:\n    print('two times three is six')\n\n\n"
        "@check('my.double')\n"
        "@check('my.wrong')\n"
        "def check_double(p, device):\n"
        "    x = torch.tensor(p['x'], device=device)\n"
        "    return {'from scratch': 2 * p['x'], 'torch API': (x + x).item()}\n\n\n"
        "if __name__ == '__main__':\n    demo_harness.main(__doc__, demo, CHECKS)\n"
    )
    (tmp_path / "mine.yaml").write_text(
        "- id: my.double\n  topic: Mine\n  prompt: Twice {x}?\n"
        "  params: {x: {choices: [1.5]}}\n"
        "  answer: {kind: numeric, value: '2*x'}\n  demo: snippets/double.py\n"
        "- id: my.wrong\n  topic: Mine\n  prompt: Twice {x}?\n"
        "  params: {x: {choices: [1.5]}}\n"
        "  answer: {kind: numeric, value: '3*x'}\n  demo: snippets/double.py\n"
    )
    # A snippet from a bank of one's own runs once the person allowed it (asked once).
    right = run_quizzer(
        "--bank", str(tmp_path), "demo", "my.double", "--device", "cpu", input="y\n"
    )
    assert right.returncode == 0, right.stdout + right.stderr
    assert "OK: from scratch and the PyTorch API agree with the bank" in right.stdout
    wrong = run_quizzer("--bank", str(tmp_path), "demo", "my.wrong", "--device", "cpu")
    assert wrong.returncode == 1
    assert "MISMATCH: my.wrong: torch API gives 3, the bank says 4.5" in wrong.stdout


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
    result = run_snippet(path, "--device", "cpu")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("device: cpu\n")
    assert "MISMATCH" not in result.stdout


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
            code = module.demo_harness.verify(
                qid, module.CHECKS[qid]({**params, **at}, torch.device("cpu")), expected
            )
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


def _lines_and_status(command: list[str], warm_seconds: float) -> tuple[list[str], int | None]:
    with runner.launch(command, BANK_DIR / "snippets", warm_seconds) as run:
        lines = list(run.lines())
    return lines, run.returncode


@needs_torch
@pytest.mark.parametrize("expected", [None, "1.5"], ids=["agrees", "mismatch"])
def test_a_real_snippet_prints_the_same_warm_as_cold(expected: str | None) -> None:
    """The warm process (torch imported once, a fork per run) changes nothing a person sees:
    same lines, MISMATCH ones included, same exit status, twice in a row."""
    question = bank().questions["q25.ce.numeric"]
    command = runner.build_command(question, BANK_DIR, {"p": 0.3}, "cpu")
    if expected is not None:
        command[command.index("--expected") + 1] = expected
    cold = _lines_and_status(command, 0)
    assert cold[1] == (0 if expected is None else 1)
    assert any(line.startswith("MISMATCH:") for line in cold[0]) == (expected is not None)
    assert _lines_and_status(command, 60) == cold
    assert _lines_and_status(command, 60) == cold


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
    command = runner.build_command(question, BANK_DIR, {}, "cuda")
    for _ in range(2):  # each fork of the warm process still gets the GPU
        warm_lines, code = _lines_and_status(command, 60)
        assert code == 0 and warm_lines[0] == "device: cuda", warm_lines
    result = run_snippet(BANK_DIR / "snippets" / "bf16.py", "--device", "cuda")
    assert result.returncode == 0, result.stderr
    assert f"Measured on {torch.cuda.get_device_name()}" in result.stdout
    assert "speed-up" in result.stdout
