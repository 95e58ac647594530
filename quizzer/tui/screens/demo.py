"""The demo panel: a question's PyTorch snippet running in a subprocess, output streamed.

torch never loads into the TUI process; the app stays responsive and Escape cancels.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Log, Static

from quizzer.session import Exercise


class DemoScreen(ModalScreen[None]):
    """Streams a snippet's output; Escape cancels a run or closes the panel."""

    BINDINGS = [
        Binding("escape", "close", "Cancel / close"),
        Binding("r", "rerun", "Run again"),
    ]

    def __init__(
        self,
        exercise: Exercise,
        bank_dir: Path,
        device: str = "auto",
        python: str | None = None,
    ) -> None:
        super().__init__()
        self.exercise = exercise
        self.bank_dir = bank_dir
        self.device = device
        self.python = python
        """The interpreter the snippet runs with (the ``demo_python`` setting), else quizzer's."""
        self.process: asyncio.subprocess.Process | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="demo"):
            yield Static(
                f"[b]PyTorch demo[/b] · {self.exercise.question.demo} · device {self.device}",
                id="demo-title",
            )
            yield Log(id="demo-log", highlight=False)
            yield Static("", id="demo-status")
        yield Footer()

    def on_mount(self) -> None:
        self.run_demo()

    def _status(self, text: str) -> None:
        self.query_one("#demo-status", Static).update(text)

    @work(exclusive=True, group="demo")
    async def run_demo(self) -> None:
        """Start the snippet and stream its output into the log."""
        from quizzer.demos.runner import (
            DemoUnavailable,
            build_command,
            demo_env,
            install_hint,
            torch_available,
        )

        log = self.query_one("#demo-log", Log)
        log.clear()
        self._status("[yellow]starting…[/] (Esc cancels)")
        try:
            # In threads: another interpreter is asked about torch, and the expected value is
            # computed with sympy, which may still be loading.
            if not await asyncio.to_thread(torch_available, self.python):
                self._status(f"[red]{escape(install_hint(self.python))}[/]")
                return
            command = await asyncio.to_thread(
                build_command,
                self.exercise.question,
                self.bank_dir,
                self.exercise.params,
                self.device,
                self.python,
            )
        except DemoUnavailable as exc:
            self._status(f"[red]{escape(str(exc))}[/]")
            return
        self._status("[yellow]running…[/] (Esc cancels)")
        try:
            self.process = await asyncio.create_subprocess_exec(
                *command,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=demo_env(),
            )
        except OSError as exc:
            self._status(f"[red]could not start the demo:[/] {exc}")
            return
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            log.write_line(raw.decode(errors="replace").rstrip("\n"))
        code = await self.process.wait()
        self.process = None
        if code == 0:
            self._status("[green]done[/]: the snippet agrees with the bank. r runs it again.")
        elif code < 0:
            self._status("[yellow]cancelled[/]. r runs it again.")
        else:
            self._status(f"[red]the snippet failed (exit {code})[/]: see the output above.")

    def _cancel(self) -> bool:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            return True
        return False

    def action_close(self) -> None:
        """Cancel a running demo; close the panel when nothing runs."""
        if not self._cancel():
            self.dismiss()

    def action_rerun(self) -> None:
        """Run the snippet again."""
        self._cancel()
        self.run_demo()

    def on_unmount(self) -> None:
        self._cancel()
