"""The demo panel: a question's PyTorch snippet running in a subprocess, output streamed.

torch never loads into the TUI process; the app stays responsive and Escape cancels.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Log, Static

from quizzer.safe_text import clean, text
from quizzer.session import Exercise


class DemoScreen(ModalScreen[None]):
    """Streams a snippet's output; Escape cancels a run or closes the panel."""

    BINDINGS = [
        Binding("escape", "close", "Cancel / close"),
        Binding("r", "rerun", "Run again"),
        Binding("y", "allow", "Allow and run"),
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
        self.untrusted: tuple[Path, str] | None = None  # shown, waiting for a yes: (path, sha)

    def compose(self) -> ComposeResult:
        with Vertical(id="demo"):
            yield Static(
                Text.assemble(
                    ("PyTorch demo", "bold"),
                    " · ",
                    text(self.exercise.question.demo),
                    f" · device {self.device}",
                ),
                id="demo-title",
            )
            yield Log(id="demo-log", highlight=False)
            yield Static("", id="demo-status")
        yield Footer()

    def on_mount(self) -> None:
        self.run_demo()

    def _status(self, content: str | Text) -> None:
        self.query_one("#demo-status", Static).update(content)

    @work(exclusive=True, group="demo")
    async def run_demo(self) -> None:
        """Start the snippet and stream its output into the log."""
        from quizzer.demos.runner import (
            DemoUnavailable,
            DemoUntrusted,
            build_command,
            demo_env,
            install_hint,
            snippet_path,
            torch_available,
        )

        log = self.query_one("#demo-log", Log)
        log.clear()
        self._status("[yellow]starting…[/] (Esc cancels)")
        try:
            # In threads: another interpreter is asked about torch, and the expected value is
            # computed with sympy, which may still be loading.
            if not await asyncio.to_thread(torch_available, self.python):
                self._status(text(install_hint(self.python), "red"))
                return
            command = await asyncio.to_thread(
                build_command,
                self.exercise.question,
                self.bank_dir,
                self.exercise.params,
                self.device,
                self.python,
            )
        except DemoUntrusted as exc:
            self._ask(exc.path, exc.source, exc.sha256)
            return
        except DemoUnavailable as exc:
            self._status(text(exc, "red"))
            return
        self._status("[yellow]running…[/] (Esc cancels)")
        snippet = snippet_path(self.exercise.question, self.bank_dir)
        try:
            # stdin closed (the snippet must not read the TUI's keys), its own folder as cwd.
            self.process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                cwd=snippet.parent,
                env=demo_env(),
            )
        except OSError as exc:
            self._status(Text.assemble(("could not start the demo: ", "red"), text(exc)))
            return
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            log.write_line(clean(raw.decode(errors="replace").rstrip("\n")))
        code = await self.process.wait()
        self.process = None
        if code == 0:
            self._status("[green]done[/]: the snippet agrees with the bank. r runs it again.")
        elif code < 0:
            self._status("[yellow]cancelled[/]. r runs it again.")
        else:
            self._status(f"[red]the snippet failed (exit {code})[/]: see the output above.")

    def _ask(self, path: Path, source: str, sha256: str) -> None:
        """Show an unallowed snippet's path and source and wait for y (or Escape)."""
        self.untrusted = (path, sha256)
        log = self.query_one("#demo-log", Log)
        log.write_line("This snippet is from a bank other than the shipped one:")
        log.write_line(clean(path))
        log.write_line("Running it runs this Python program as you:")
        log.write_line("-" * 72)
        log.write_lines(clean(source).splitlines())
        log.write_line("-" * 72)
        self._status(
            Text.assemble(
                ("Not run yet. ", "yellow"),
                "Read it above; ",
                ("y", "bold"),
                " allows this file as it is now and runs it, ",
                ("Esc", "bold"),
                " closes.",
            )
        )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``y`` is offered only while a snippet waits to be allowed."""
        if action == "allow":
            return self.untrusted is not None
        return True

    def action_allow(self) -> None:
        """Remember the shown snippet as allowed (for this content) and run it."""
        from quizzer.demos.trust import allow

        if self.untrusted is None:
            return
        allow(*self.untrusted)
        self.untrusted = None
        self.refresh_bindings()
        self.run_demo()

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
