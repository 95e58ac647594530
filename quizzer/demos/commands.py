"""What ``quizzer demo`` and ``quizzer plots`` do, as plain functions the CLI wraps thinly.

Both print to the given streams and return an exit status, so they are tested without a
terminal; problems are one line on ``err`` (``quizzer: error: ...``), never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from quizzer.bank.loader import Bank
from quizzer.bank.params import draw
from quizzer.demos.runner import DemoUnavailable, DemoUntrusted, stream
from quizzer.demos.trust import allow
from quizzer.errors import ExitCode, format_error
from quizzer.safe_text import clean


def run_demo(
    bank: Bank,
    question_id: str,
    device: str = "auto",
    seed: int = 0,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    ask: Callable[[str], bool] | None = None,
    python: str | None = None,
) -> int:
    """Run the question's snippet with the params drawn for ``seed``, streaming its output.

    A snippet from a bank other than the shipped one that is not allowed yet is shown (path
    and source, on ``err``) and runs only when ``ask`` says yes; the yes is remembered for
    that content. ``python`` is the interpreter to run it with (the ``demo_python``
    setting; default: this one). Returns the snippet's exit status (non-zero when its
    tensors disagree with the bank), 2 for an unknown id and 3 when the demo cannot start
    (no demo, torch not installed, or not allowed)."""
    question = bank.questions.get(question_id)
    if question is None:
        print(
            format_error(f"no question with id {question_id!r} (see `quizzer bank list`)"), file=err
        )
        return ExitCode.USAGE
    params = draw(question, seed)
    if params:
        print("params: " + ", ".join(f"{k} = {v:g}" for k, v in params.items()), file=out)

    def echo(line: str) -> None:
        print(clean(line), file=out, flush=True)

    bank_dir = bank.source(question_id).bank_dir
    try:
        try:
            return stream(question, bank_dir, params, echo, device=device, python=python)
        except DemoUntrusted as untrusted:
            if ask is None or not _confirm(untrusted, err, ask):
                raise
            allow(untrusted.path, untrusted.sha256)
            return stream(question, bank_dir, params, echo, device=device, python=python)
    except DemoUnavailable as exc:
        print(format_error(exc), file=err)
        return exc.exit_code


def _confirm(untrusted: DemoUntrusted, err: TextIO, ask: Callable[[str], bool]) -> bool:
    """Show the snippet's path and source, then ask whether to allow it."""
    rule = "-" * 72
    print(
        clean(
            f"{untrusted.path} is from a bank other than the shipped one.\n"
            "Running it runs this Python program as you:\n"
            f"{rule}\n{untrusted.source.rstrip()}\n{rule}"
        ),
        file=err,
    )
    return ask(f"Allow and run {clean(untrusted.path)} (asked again if it changes)?")


def write_plots(out_dir: Path, out: TextIO = sys.stdout) -> list[Path]:
    """Write the seven figures into ``out_dir``: a progress bar on a terminal, else one line
    per file. Returns the paths written."""
    from quizzer.demos.plots import FIGURES, write_all

    if not out.isatty():
        return write_all(
            out_dir,
            lambda done, total, path: print(f"[{done}/{total}] {path}", file=out, flush=True),
        )
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=out)) as progress:
        task = progress.add_task("Drawing figures", total=len(FIGURES))
        paths = write_all(out_dir, lambda done, total, path: progress.update(task, completed=done))
    for path in paths:
        print(path, file=out)
    return paths
