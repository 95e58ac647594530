"""The demo runner: the command it builds, the expected values it passes, streaming and
cancelling a snippet, and the one-line errors of ``quizzer demo``."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, run_quizzer, wait_gone

from quizzer.bank.loader import Bank, Source, load_bank
from quizzer.bank.schema import Question
from quizzer.demos import commands, runner, trust, warm
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


# -- the warm runner: torch imported once, each later demo only runs its snippet -------------

needs_torch = pytest.mark.skipif(not runner.torch_available(), reason="torch is not installed")
WARM_S = 60.0
PARENT = "import os\nprint('parent', os.getppid())\n"


def _run(bank: Bank, tmp_path: Path, warm_seconds: float) -> tuple[list[str], int | None]:
    """Run the fake bank's snippet to its end: its lines and exit status."""
    with runner.start(
        bank.questions["t.fake"], tmp_path, {"p": 0.5}, warm_seconds=warm_seconds
    ) as run:
        lines = list(run.lines())
    return lines, run.returncode


@needs_torch
def test_a_second_run_goes_to_the_same_warm_process(tmp_path: Path) -> None:
    bank = fake_bank(tmp_path, PARENT + ECHO_ARGS)
    question = bank.questions["t.fake"]
    with runner.start(question, tmp_path, {"p": 0.5}, warm_seconds=WARM_S) as first:
        first_lines = list(first.lines())
    assert isinstance(first, warm.WarmRun)
    server = first.server.pid(timeout=120)
    assert server is not None and server != os.getpid()
    second_lines, code = _run(bank, tmp_path, WARM_S)
    assert code == 0
    assert first_lines == second_lines
    assert second_lines[0] == f"parent {server}"  # a child of the warm process, not of ours
    cold_lines, _ = _run(bank, tmp_path, 0)
    assert cold_lines[1:] == second_lines[1:]  # the same command line reaches the snippet


WARM_PARITY = {
    "passing": "import sys\nprint('out')\nprint('err', file=sys.stderr)\nprint('OK')\n",
    "mismatching": "print('  bank: 1')\nprint('MISMATCH: t.fake: 2 is not 1')\nexit(1)\n",
    "exit message": "import sys\nprint('before')\nsys.exit('error: device is not available')\n",
    "exception": "print('before')\n\ndef f():\n    raise ValueError('bad')\n\nf()\n",
    "no final newline": "import sys\nsys.stdout.write('a\\r\\nb\\rc')\n",
    "killed": "import os, signal\nprint('going')\nos.kill(os.getpid(), signal.SIGKILL)\n",
    "exit handler": "import atexit\natexit.register(lambda: print('at exit'))\nprint('main')\n",
    "cwd and argv": "import os, sys\nprint(os.getcwd(), sys.argv[0], __name__, sys.path[0])\n",
    "environment": "import os\nprint(os.environ.get('PYTORCH_NVML_BASED_CUDA_CHECK'))\n",
}


@needs_torch
@pytest.mark.parametrize("script", WARM_PARITY.values(), ids=WARM_PARITY.keys())
def test_a_warm_run_prints_and_exits_as_a_cold_one(tmp_path: Path, script: str) -> None:
    """Same lines (MISMATCH ones included), same order, same exit status."""
    bank = fake_bank(tmp_path, script)
    cold = _run(bank, tmp_path, 0)
    warm_run = _run(bank, tmp_path, WARM_S)
    assert warm_run == cold


@needs_torch
def test_cancelling_a_warm_run_kills_it_and_the_next_run_works(tmp_path: Path) -> None:
    script = "import os, time\nprint('started', flush=True)\n"
    script += (
        "if not os.path.exists('slept'):\n    open('slept', 'w').close()\n    time.sleep(600)\n"
    )
    bank = fake_bank(tmp_path, PARENT + script)
    question = bank.questions["t.fake"]
    with runner.start(question, tmp_path, {"p": 0.5}, warm_seconds=WARM_S) as run:
        lines = run.lines()
        assert next(lines).startswith("parent ")
        assert next(lines) == "started"
        run.cancel()
        assert run.returncode == -signal.SIGTERM
        assert list(lines) == []
    assert isinstance(run, warm.WarmRun)
    server = run.server.pid()
    lines_after, code = _run(bank, tmp_path, WARM_S)
    assert code == 0 and lines_after[0] == f"parent {server}"


@needs_torch
def test_a_warm_run_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    script = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    script += "print('started', flush=True)\ntime.sleep(600)\n"
    bank = fake_bank(tmp_path, script)
    with runner.start(bank.questions["t.fake"], tmp_path, {"p": 0.5}, warm_seconds=WARM_S) as run:
        lines = run.lines()
        assert next(lines) == "started"
        run.stop()  # what Esc does: returns at once; the process sends SIGKILL 2 s later
        assert list(lines) == []
        assert run.returncode == -signal.SIGKILL


@needs_torch
def test_the_warm_process_goes_after_its_idle_time_and_a_new_one_comes(tmp_path: Path) -> None:
    bank = fake_bank(tmp_path, PARENT)
    first, _ = _run(bank, tmp_path, 0.2)
    server = int(first[0].split()[1])
    assert wait_gone(server)
    second, code = _run(bank, tmp_path, 0.2)
    assert code == 0 and second[0] != first[0] and second[0] != f"parent {os.getpid()}"


def test_with_the_setting_off_each_run_is_a_fresh_subprocess(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm.WarmServer, "submit", never_submitted)
    bank = fake_bank(tmp_path, PARENT)
    lines, code = _run(bank, tmp_path, 0)
    assert code == 0 and lines == [f"parent {os.getpid()}"]


def never_submitted(*args: object) -> None:
    raise AssertionError("the run reached the warm process")


@needs_torch
def test_an_untrusted_snippet_never_reaches_the_warm_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = fake_bank(tmp_path, PARENT)
    _run(bank, tmp_path, WARM_S)  # the warm process is up
    marker = tmp_path / "ran"
    (tmp_path / "fake.py").write_text(f"open({str(marker)!r}, 'w')\n")  # edited: not allowed
    monkeypatch.setattr(warm.WarmServer, "submit", never_submitted)
    with pytest.raises(runner.DemoUntrusted):
        runner.start(bank.questions["t.fake"], tmp_path, {"p": 0.5}, warm_seconds=WARM_S)
    assert not marker.exists()


@needs_torch
def test_the_warm_process_dies_with_quizzer(tmp_path: Path) -> None:
    """quizzer killed outright (no exit handler runs): the warm process and the snippet
    it was running go too."""
    script = "import time\nprint('running', os.getpid(), flush=True)\ntime.sleep(600)\n"
    bank = fake_bank(tmp_path, PARENT + script)
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from quizzer.bank.schema import Question\n"
        "from quizzer.demos import runner\n"
        f"q = Question.model_validate_json({bank.questions['t.fake'].model_dump_json()!r})\n"
        f"run = runner.start(q, Path({str(tmp_path)!r}), {{'p': 0.5}}, warm_seconds=60)\n"
        "lines = run.lines()\n"
        "print(next(lines).split()[1], next(lines).split()[1], flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    quizzer = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert quizzer.returncode == -signal.SIGKILL, quizzer.stderr
    server, snippet = (int(pid) for pid in quizzer.stdout.split())
    assert wait_gone(server)
    assert wait_gone(snippet)


@needs_torch
def test_demo_python_keeps_working_warm_without_quizzer_there(tmp_path: Path) -> None:
    """The warm process runs under demo_python, which has torch but not quizzer."""
    other = tmp_path / "other-python"
    other.write_text(
        f"#!{sys.executable}\n"
        "import runpy, sys\n"
        "sys.modules['quizzer'] = None  # this interpreter has torch but no quizzer\n"
        "print('(the other interpreter)')\n"
        "args = [a for a in sys.argv[1:] if a != '-u']\n"
        "sys.argv = args\n"
        "runpy.run_path(args[0], run_name='__main__')\n"
    )
    other.chmod(0o755)
    bank = fake_bank(tmp_path, PARENT + "import quizzer\n")
    question = bank.questions["t.fake"]
    command = runner.build_command(question, tmp_path, {"p": 0.5}, python=str(other))
    with runner.launch(command, tmp_path, WARM_S) as run:
        lines = list(run.lines())
    assert isinstance(run, warm.WarmRun)
    assert lines[0] == f"parent {run.server.pid()}"  # warm, under the other interpreter
    assert lines[-1].endswith("import of quizzer halted; None in sys.modules")  # no quizzer


@needs_torch
def test_a_run_starts_while_an_earlier_one_that_closed_its_output_still_runs(
    tmp_path: Path,
) -> None:
    """The earlier child's pipe is closed but the child not yet gone: the new run's pipe
    may reuse its number, and the new child must keep it."""
    script = "import os, sys, time\nif sys.argv[-1] == 'quiet':\n    os.close(1)\n    os.close(2)\n"
    script += "    open('closed', 'w').close()\n    time.sleep(600)\nprint('second run')\n"
    bank = fake_bank(tmp_path, script)
    command = runner.build_command(bank.questions["t.fake"], tmp_path, {"p": 0.5})
    with runner.launch([*command, "quiet"], tmp_path, WARM_S) as quiet:
        for _ in range(1200):  # however busy the machine is
            if (tmp_path / "closed").exists():
                break
            time.sleep(0.05)
        time.sleep(1)  # the warm process has seen that output end (not a measurement)
        with runner.launch(command, tmp_path, WARM_S) as second:
            assert list(second.lines()) == ["second run"]
        assert second.returncode == 0
        assert quiet.returncode is None  # still running
