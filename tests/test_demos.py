"""The demo runner: the command it builds, the expected values it passes, streaming and
cancelling a snippet, and the one-line errors of ``quizzer demo``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, run_quizzer

from quizzer.bank.loader import Bank, Source, load_bank
from quizzer.bank.schema import Question
from quizzer.demos import commands, runner, trust
from quizzer.errors import ExitCode

BANK_DIR = ROOT / "question_bank"


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank([BANK_DIR])


def fake_bank(tmp_path: Path, script: str, answer: str = "2*p") -> Bank:
    """A one-question bank whose demo is ``script`` (plain Python, no torch: fast), allowed
    as if the person had read it and said yes."""
    (tmp_path / "fake.py").write_text(script)
    trust.allow(tmp_path / "fake.py", trust.review(tmp_path / "fake.py")[1])
    question = Question(
        id="t.fake",
        topic="Test",
        prompt="Twice {p}?",
        params={"p": {"choices": [0.5]}},
        answer={"kind": "numeric", "value": answer},
        demo="fake.py",
    )
    return Bank({"t.fake": question}, {"t.fake": Source(tmp_path / "t.yaml", 1, tmp_path)})


ECHO_ARGS = "import sys\nprint('args', *sys.argv[1:])\nprint('done')\n"


def test_build_command_runs_the_snippet_unbuffered_with_params_and_expected(bank: Bank) -> None:
    question = bank.questions["q25.ce.numeric"]
    command = runner.build_command(question, BANK_DIR, {"p": 0.3}, "cpu")
    assert command[:3] == [sys.executable, "-u", str(BANK_DIR / "snippets/q25_cross_entropy.py")]
    options = dict(zip(command[3::2], command[4::2], strict=True))
    assert options["--device"] == "cpu"
    assert options["--question"] == "q25.ce.numeric"
    assert json.loads(options["--params"]) == {"p": 0.3}
    assert json.loads(options["--expected"]) == pytest.approx(1.2039728, rel=1e-6)


def test_build_command_rejects_an_unknown_device(bank: Bank) -> None:
    with pytest.raises(ValueError, match="auto, cpu, cuda, mps"):
        runner.build_command(bank.questions["q25.ce.numeric"], BANK_DIR, {"p": 0.3}, "tpu")


def test_expected_values_by_answer_kind(bank: Bank) -> None:
    vector = runner.expected_for(
        bank.questions["q26.emb.repeated-token"], {"a": 0.5, "b": 0.25, "c": 1.0, "d": -2.0}
    )
    assert vector == pytest.approx([1.5, -1.75])
    assert runner.expected_for(bank.questions["q25.ce.definition"], {}) is None
    assert runner.expected_for(bank.questions["q25.ce.why-lm"], {}) is None


def test_expression_answers_are_sampled_inside_the_domain_off_the_kink(bank: Bank) -> None:
    expected = runner.expected_for(bank.questions["q30.relu.derivative-formula"], {})
    xs = expected["at"]["x"]
    assert len(xs) == 5 and all(-3 <= x <= 3 and x != 0 for x in xs)
    assert expected["values"] == [1.0 if x > 0 else 0.0 for x in xs]


def test_multi_variable_points_do_not_lie_on_one_line(bank: Bank) -> None:
    question = bank.questions["q31.chain.sigmoid-neuron"]
    at = runner.expected_for(question, {})["at"]
    assert set(at) == {"w", "x", "b"}
    assert all(-1 <= b <= 1 for b in at["b"]) and all(-2 <= w <= 2 for w in at["w"])
    ratios = {round(w / x, 6) for w, x in zip(at["w"], at["x"], strict=True)}
    assert len(ratios) > 1


def test_stream_delivers_each_line_and_the_exit_status(tmp_path: Path) -> None:
    bank = fake_bank(tmp_path, ECHO_ARGS)
    lines: list[str] = []
    code = runner.stream(bank.questions["t.fake"], tmp_path, {"p": 0.5}, lines.append)
    assert code == 0
    assert lines[0].startswith("args --device auto --question t.fake --params")
    assert lines[0].endswith("--expected 1.0")
    assert lines[1] == "done"


def test_stream_returns_a_failing_snippets_status(tmp_path: Path) -> None:
    bank = fake_bank(tmp_path, "print('MISMATCH: x')\nraise SystemExit(1)\n")
    lines: list[str] = []
    assert runner.stream(bank.questions["t.fake"], tmp_path, {"p": 0.5}, lines.append) == 1
    assert lines == ["MISMATCH: x"]


def test_cancel_stops_a_running_snippet(tmp_path: Path) -> None:
    script = "import time\nprint('started', flush=True)\ntime.sleep(60)\n"
    bank = fake_bank(tmp_path, script)
    start = time.monotonic()
    with runner.start(bank.questions["t.fake"], tmp_path, {"p": 0.5}) as run:
        assert next(run.lines()) == "started"
        run.cancel()
        assert run.returncode is not None and run.returncode != 0
    assert time.monotonic() - start < 20


def test_a_question_without_a_demo_is_unavailable(bank: Bank) -> None:
    with pytest.raises(runner.DemoUnavailable, match="has no demo"):
        runner.start(bank.questions["ppl.compare-tokenizers"], BANK_DIR, {})


def test_missing_torch_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner.importlib.util, "find_spec", lambda name: None)
    assert not runner.torch_available()
    out, err = io.StringIO(), io.StringIO()
    code = commands.run_demo(fake_bank(tmp_path, ECHO_ARGS), "t.fake", out=out, err=err)
    assert code == ExitCode.UNAVAILABLE
    assert err.getvalue().count("\n") == 1
    assert "pip install 'quizzer[demos]'" in err.getvalue()


def test_run_demo_unknown_id_is_one_line(bank: Bank) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert commands.run_demo(bank, "no.such.id", out=out, err=err) == ExitCode.USAGE
    assert (
        err.getvalue()
        == "quizzer: error: no question with id 'no.such.id' (see `quizzer bank list`)\n"
    )


def test_run_demo_prints_params_then_the_snippet_output(tmp_path: Path) -> None:
    out = io.StringIO()
    assert commands.run_demo(fake_bank(tmp_path, ECHO_ARGS), "t.fake", "cpu", out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "params: p = 0.5"
    assert lines[1].startswith("args --device cpu")


@pytest.mark.skipif(not runner.torch_available(), reason="torch is not installed")
def test_run_demo_on_a_real_snippet_agrees_with_the_bank(bank: Bank) -> None:
    out = io.StringIO()
    assert commands.run_demo(bank, "q28.eig.gd-max-lr", "cpu", seed=2, out=out) == 0
    text = out.getvalue()
    assert "device: cpu" in text
    assert "OK: from scratch and the PyTorch API agree with the bank" in text


def test_the_runner_and_plots_never_import_torch() -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from quizzer.bank.loader import load_bank\n"
        "from quizzer.demos import commands, plots, runner, terminal_plot\n"
        "bank = load_bank([Path('question_bank')])\n"
        "q = bank.questions['q30.gelu.derivative']\n"
        "runner.build_command(q, Path('question_bank'), {}, 'cpu')\n"
        "terminal_plot.terminal_plot(q.plot, 60, 12)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_cli_demo_streams_the_snippet_and_exits_with_its_status() -> None:
    if not runner.torch_available():
        pytest.skip("torch is not installed")
    out = run_quizzer("--bank", str(BANK_DIR), "demo", "q25.ce.numeric", "--device", "cpu")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1] == "device: cpu"
    assert "OK: from scratch and the PyTorch API agree with the bank" in out.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("demo", "no.such.id"), 2, "no question with id 'no.such.id'"),
        (("demo", "ppl.compare-tokenizers"), 3, "has no demo"),
        (("demo", "q25.ce.numeric", "--device", "tpu"), 2, "--device must be one of"),
    ],
)
def test_cli_demo_errors_are_one_line(args: tuple[str, ...], code: int, message: str) -> None:
    out = run_quizzer("--bank", str(BANK_DIR), *args)
    assert out.returncode == code
    assert out.stderr.count("\n") == 1 and message in out.stderr


def test_demo_python_runs_the_snippet_with_an_interpreter_that_lacks_quizzer(
    tmp_path: Path,
) -> None:
    """demo_python names another interpreter (a conda env with CUDA, say) that has PyTorch
    but not quizzer: the snippet runs there and still finds the harness."""
    if not runner.torch_available():
        pytest.skip("torch is not installed")
    other = tmp_path / "other-python"
    other.write_text(
        f"#!{sys.executable}\n"
        "import runpy, sys\n"
        "sys.modules['quizzer'] = None  # this interpreter has torch but no quizzer\n"
        "args = [a for a in sys.argv[1:] if a != '-u']\n"
        "if args[0] == '-c':\n"
        "    sys.argv = ['-c', *args[2:]]\n"
        "    exec(args[1])\n"
        "else:\n"
        "    print('(the other interpreter)')\n"
        "    sys.argv = args\n"
        "    runpy.run_path(args[0], run_name='__main__')\n"
    )
    other.chmod(0o755)
    config = tmp_path / "config.toml"
    config.write_text(f"fuzz = false\ndemo_python = {str(other)!r}\n")
    env = {"QUIZZER_CONFIG": str(config)}
    out = run_quizzer("--bank", str(BANK_DIR), "demo", "q25.ce.numeric", "--device", "cpu", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[1:3] == ["(the other interpreter)", "device: cpu"]
    assert "OK: from scratch and the PyTorch API agree with the bank" in out.stdout


def test_demo_python_that_cannot_run_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"demo_python = {str(tmp_path / 'no-such-python')!r}\n")
    out = run_quizzer(
        "--bank", str(BANK_DIR), "demo", "q25.ce.numeric", env={"QUIZZER_CONFIG": str(config)}
    )
    assert out.returncode == ExitCode.UNAVAILABLE
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith("quizzer: error: demo_python ")
    assert "cannot be run" in out.stderr
