"""Run a question's PyTorch snippet in a subprocess and stream what it prints.

torch never loads into the calling process: the snippet runs as ``python -u snippet.py
--device D --question ID --params JSON --expected JSON``, where ``expected`` is the bank's
answer for the drawn params, so a snippet whose tensors disagree with the bank exits non-zero
with a ``MISMATCH:`` line. ``python`` is this interpreter, or the ``demo_python`` setting (one
that has PyTorch, say a conda env with CUDA; it need not have quizzer). The child finds the
shared ``demo_harness`` module on its ``PYTHONPATH``. With ``warm_seconds`` the run goes to a
PyTorch process kept ready between demos instead (:mod:`quizzer.demos.warm`), with the same
output and exit status. Nothing here imports torch or textual.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from quizzer.bank.loader import DemoOutsideBank, demo_file
from quizzer.bank.schema import Question
from quizzer.check.spec import ExpressionSpec
from quizzer.demos.trust import is_trusted, review
from quizzer.errors import ExitCode, QuizzerError
from quizzer.paths import default_bank_dir

DEVICES = ("auto", "cpu", "cuda", "mps")
INSTALL_HINT = (
    "PyTorch is not installed, so demos cannot run; install them with: "
    "pip install 'quizzer[demos]' (or set demo_python to an interpreter that has PyTorch)"
)
SAMPLE_FRACTIONS = (0.13, 0.29, 0.52, 0.71, 0.93)
"""Where expression answers are sampled, as fractions of each variable's domain (off-centre, so
a symmetric domain never puts a point on a kink such as ReLU's at 0)."""
DEFAULT_DOMAIN = (-3.0, 3.0)


class DemoUnavailable(QuizzerError):
    """The demo cannot start: no snippet for the question, file missing, or no torch."""

    exit_code = ExitCode.UNAVAILABLE


class DemoUntrusted(DemoUnavailable):
    """The snippet at ``path`` comes from a bank other than the shipped one and the person
    has not allowed it (as it is now) yet: show ``source`` and ask, then
    :func:`quizzer.demos.trust.allow` ``sha256``, the digest of exactly what ``source``
    shows. Callers that do not ask just refuse to run it."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"not run: {path} is from a bank other than the shipped one and has not been "
            "allowed; `quizzer demo ID` shows it and asks"
        )
        self.path = path
        self.source, self.sha256 = review(path)


HARNESS_DIR = default_bank_dir() / "snippets"
"""The folder of ``demo_harness.py``, the module every snippet imports (shipped with the
default bank); it is put on each demo's ``PYTHONPATH``."""


def interpreter(python: str | None = None) -> str:
    """The interpreter demos run with: ``python`` (the ``demo_python`` setting), else this one."""
    return python or sys.executable


def torch_available(python: str | None = None) -> bool:
    """Whether torch can be imported by ``python`` (default: this interpreter), checked
    without importing it here. Raises DemoUnavailable when ``python`` cannot be run."""
    if interpreter(python) == sys.executable:
        return importlib.util.find_spec("torch") is not None
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"
    try:
        done = subprocess.run(
            [interpreter(python), "-c", probe],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DemoUnavailable(f"demo_python {python!r} cannot be run: {exc}") from None
    return done.returncode == 0


def install_hint(python: str | None = None) -> str:
    """What to do when ``python`` has no PyTorch."""
    if interpreter(python) == sys.executable:
        return INSTALL_HINT
    return f"PyTorch is not installed for demo_python {python!r}; install it there, or unset it"


def demo_env() -> dict[str, str]:
    """The environment of a demo: unbuffered UTF-8 output, the harness on ``PYTHONPATH``."""
    path = os.pathsep.join(p for p in (str(HARNESS_DIR), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8", "PYTHONPATH": path}


def snippet_path(question: Question, bank_dir: Path) -> Path:
    """The question's snippet file; raises DemoUnavailable when it has none or it is missing."""
    if question.demo is None:
        raise DemoUnavailable(f"question {question.id!r} has no demo")
    try:
        path = demo_file(bank_dir, question.demo)
    except (DemoOutsideBank, OSError, RuntimeError) as exc:
        raise DemoUnavailable(str(exc)) from None
    if not path.is_file():
        raise DemoUnavailable(f"demo file {path} for {question.id!r} does not exist")
    return path


def sample_points(question: Question) -> dict[str, list[float]]:
    """Points where an expression answer is compared: five per variable inside its domain.

    Each variable walks the fractions in a different rotation, so multi-variable points do
    not all lie on one line."""
    spec = question.answer
    names = list(getattr(spec, "variables", None) or getattr(spec, "domain", {}) or ["x"])
    domain = getattr(spec, "domain", {}) or {}
    points: dict[str, list[float]] = {}
    for shift, name in enumerate(names):
        lo, hi = (float(v) for v in domain.get(name, DEFAULT_DOMAIN))
        rotated = SAMPLE_FRACTIONS[shift:] + SAMPLE_FRACTIONS[:shift]
        points[name] = [round(lo + f * (hi - lo), 12) for f in rotated]
    return points


def expected_for(question: Question, params: Mapping[str, float]) -> Any:
    """The bank's answer for these params as the JSON the snippet compares against.

    A number for numeric answers, a list for vector answers, and for expression answers
    ``{"at": {var: [points]}, "values": [reference at each point]}`` (points where the
    reference is undefined are left out). None for choice and recall questions."""
    from quizzer.check import CheckError, evaluate_at, reference_value

    spec = question.answer
    if question.kind in ("numeric", "vector"):
        return reference_value(spec, dict(params))
    if not isinstance(spec, ExpressionSpec):
        return None
    points = sample_points(question)
    names = list(points)
    at: dict[str, list[float]] = {name: [] for name in names}
    values: list[float] = []
    for i in range(len(SAMPLE_FRACTIONS)):
        point = {**params, **{name: points[name][i] for name in names}}
        try:
            value = evaluate_at(spec.value, point, [*names, *params])
        except CheckError:
            continue
        for name in names:
            at[name].append(point[name])
        values.append(float(value))
    return {"at": at, "values": values}


def build_command(
    question: Question,
    bank_dir: Path,
    params: Mapping[str, float],
    device: str = "auto",
    python: str | None = None,
) -> list[str]:
    """The command line that runs the question's snippet on ``device`` with these params,
    with ``python`` (default: this interpreter).

    Raises :class:`DemoUntrusted` for a snippet the person has not allowed."""
    if device not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    path = snippet_path(question, bank_dir)
    if not is_trusted(path):  # every way of running a snippet comes through here
        raise DemoUntrusted(path)
    command = [interpreter(python), "-u", str(path), "--device", device]
    command += ["--question", question.id, "--params", json.dumps(dict(params))]
    expected = expected_for(question, params)
    if expected is not None:
        command += ["--expected", json.dumps(expected)]
    return command


class Run(ABC):
    """A running snippet: iterate :meth:`lines` as they are printed, :meth:`stop` or
    :meth:`cancel` it. Usable as a context manager; leaving the block stops a snippet that
    is still running."""

    @abstractmethod
    def lines(self) -> Iterator[str]:
        """Each output line (stdout and stderr together) as soon as the snippet prints it;
        the iteration ends once it has exited."""

    @abstractmethod
    def stop(self) -> None:
        """Ask the snippet to stop, returning at once."""

    @abstractmethod
    def cancel(self) -> None:
        """Stop the snippet if it is still running and wait until it has ended."""

    @property
    @abstractmethod
    def returncode(self) -> int | None:
        """The exit status once finished (negative: stopped by that signal), else None."""

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cancel()


class DemoRun(Run):
    """A snippet running cold: ``command`` in a subprocess of its own."""

    def __init__(self, command: list[str], cwd: Path | None = None) -> None:
        env = demo_env()
        self.command = command
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            cwd=cwd,
            env=env,
        )

    def lines(self) -> Iterator[str]:
        """Each output line (stdout and stderr together) as soon as the snippet prints it."""
        assert self._process.stdout is not None
        for line in self._process.stdout:
            yield line.rstrip("\n")
        self._process.wait()

    def stop(self) -> None:
        """Send the snippet SIGTERM if it is still running; at once."""
        if self._process.poll() is None:
            self._process.terminate()

    def cancel(self) -> None:
        """Stop the snippet if it is still running (terminate, then kill after 2 s)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    @property
    def returncode(self) -> int | None:
        """The exit status once finished (negative: stopped by that signal), else None."""
        return self._process.poll()


def launch(command: list[str], cwd: Path | None = None, warm_seconds: float = 0) -> Run:
    """Run ``command`` from :func:`build_command` (so already trusted) in ``cwd``: in the
    warm PyTorch process of its interpreter when ``warm_seconds`` > 0 (the process then
    stays ready that long after the last run), else in a fresh subprocess."""
    from quizzer.demos import warm

    if warm_seconds > 0 and warm.supported():
        return warm.server_for(command[0], warm_seconds).submit(command, cwd)
    return DemoRun(command, cwd)


async def lines_async(run: Run) -> AsyncIterator[str]:
    """:meth:`Run.lines` for an asyncio loop: read in a daemon thread (quitting never waits
    for it), each line handed to the loop as it comes."""
    import asyncio

    loop = asyncio.get_running_loop()
    received: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            try:
                for line in run.lines():
                    loop.call_soon_threadsafe(received.put_nowait, line)
            finally:
                loop.call_soon_threadsafe(received.put_nowait, None)
        except RuntimeError:
            pass  # the loop has closed (the app quit): nobody is left to read the rest

    threading.Thread(target=pump, name="demo-output", daemon=True).start()
    while (line := await received.get()) is not None:
        yield line


def start(
    question: Question,
    bank_dir: Path,
    params: Mapping[str, float],
    device: str = "auto",
    python: str | None = None,
    warm_seconds: float = 0,
) -> Run:
    """Start the question's snippet with ``python`` (warm when ``warm_seconds`` > 0, see
    :func:`launch`); raises DemoUnavailable (with a one-line reason) if it cannot run, e.g.
    when torch is missing, and :class:`DemoUntrusted` before anything runs."""
    if not torch_available(python):
        raise DemoUnavailable(install_hint(python))
    command = build_command(question, bank_dir, params, device, python)
    return launch(command, snippet_path(question, bank_dir).parent, warm_seconds)


def stream(
    question: Question,
    bank_dir: Path,
    params: Mapping[str, float],
    on_line: Callable[[str], None],
    device: str = "auto",
    python: str | None = None,
) -> int:
    """Run the snippet to the end, calling ``on_line`` for each output line; return its exit
    status (0: it agreed with the bank). Raises DemoUnavailable if it cannot start."""
    with start(question, bank_dir, params, device, python) as run:
        for line in run.lines():
            on_line(line)
        code = run.returncode
    return 1 if code is None else code
