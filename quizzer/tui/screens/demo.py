"""The demo panel: a question's PyTorch snippet, its source shown (highlighted) at once, then
run in a subprocess (the warm PyTorch process after the first run) with a spinner and the
elapsed time while it runs and its output streamed under a label. torch never loads into
the TUI process; Esc cancels a run.
``r`` runs it again, ``e`` opens the snippet in ``$EDITOR``."""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.syntax import Syntax
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import RichLog, Static

from quizzer.safe_text import clean, text
from quizzer.session import Exercise

if TYPE_CHECKING:
    from quizzer.demos.runner import Run
from quizzer.tui.widgets.footer import CoalescingFooter

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class DemoScreen(ModalScreen[None]):
    """Source above, output below; Esc cancels a run or closes the panel."""

    DEFAULT_CSS = """
    DemoScreen { align: center middle; }
    DemoScreen #demo { width: 96%; height: 94%; border: thick $primary; background: $surface; }
    DemoScreen #demo-title { padding: 0 1; background: $panel; height: 1; }
    DemoScreen #demo-source { height: 1fr; min-height: 4; }
    DemoScreen #demo-output-title { padding: 0 1; background: $panel; height: 1; }
    DemoScreen #demo-log { height: 1fr; min-height: 4; padding: 0 1; }
    DemoScreen #demo-status { padding: 0 1; height: 1; }
    """
    BINDINGS = [
        Binding(
            "escape",
            "close",
            "Close",
            id="demo.close",
            tooltip="Cancel a running demo; close the panel",
        ),
        Binding("r", "rerun", "Run again", id="demo.rerun", tooltip="Run the snippet again"),
        Binding(
            "y",
            "allow",
            "Allow and run",
            id="demo.allow",
            tooltip="Trust this bank's snippet (as it is now) and run it",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="demo.edit",
            tooltip="Open the snippet in $EDITOR (then r runs your version)",
        ),
    ]

    def __init__(
        self,
        exercise: Exercise,
        bank_dir: Path,
        device: str = "auto",
        python: str | None = None,
        warm_seconds: float = 0,
    ) -> None:
        super().__init__()
        self.exercise = exercise
        self.bank_dir = bank_dir
        self.device = device
        self.python = python
        """The interpreter the snippet runs with (the ``demo_python`` setting), else quizzer's."""
        self.warm_seconds = warm_seconds
        """How long the warm PyTorch process waits for the next run (the
        ``demo_warm_seconds`` setting); 0 runs each snippet in a fresh subprocess."""
        self.demo_run: Run | None = None
        self._started = 0.0
        self._ticker: Timer | None = None
        self._frame = 0
        self.untrusted: tuple[Path, str] | None = None  # shown, waiting for a yes: (path, sha)

    def compose(self) -> ComposeResult:
        q = self.exercise.question
        with Vertical(id="demo"):
            yield Static(f"[b]PyTorch demo[/b] · {q.demo} · device {self.device}", id="demo-title")
            with VerticalScroll(id="demo-source"):
                yield Static("", id="demo-code")
            yield Static("[b]Output[/b]", id="demo-output-title")
            yield RichLog(id="demo-log", wrap=True, markup=False, highlight=False)
            yield Static("", id="demo-status")
        yield CoalescingFooter()

    def on_mount(self) -> None:
        self.show_source()
        self.run_demo()

    # -- the source -----------------------------------------------------------------------

    def snippet(self) -> Path | None:
        """The snippet file, or None when the question has none on disk."""
        from quizzer.demos.runner import DemoUnavailable, snippet_path

        try:
            return snippet_path(self.exercise.question, self.bank_dir)
        except DemoUnavailable:
            return None

    def show_source(self) -> None:
        """Show the snippet's source, highlighted, with line numbers."""
        path = self.snippet()
        code = self.query_one("#demo-code", Static)
        if path is None:
            code.update(Text("(no snippet file)", style="dim"))
            return
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            code.update(text(f"cannot read {path}: {exc}", "red"))
            return
        code.update(
            Syntax(clean(source), "python", line_numbers=True, theme="monokai", word_wrap=False)
        )

    # -- running --------------------------------------------------------------------------

    def _status(self, content: str | Text) -> None:
        self.query_one("#demo-status", Static).update(content)

    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(SPINNER)
        elapsed = time.monotonic() - self._started
        self._status(f"[yellow]{SPINNER[self._frame]} running… {elapsed:.1f} s[/] (Esc cancels)")

    def _stop_ticker(self) -> float:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        return time.monotonic() - self._started

    @work(exclusive=True, group="demo")
    async def run_demo(self) -> None:
        """Start the snippet and stream its output under the labels."""
        from quizzer.demos.runner import (
            DemoUnavailable,
            DemoUntrusted,
            build_command,
            install_hint,
            launch,
            lines_async,
            snippet_path,
            torch_available,
        )

        log = self.query_one("#demo-log", RichLog)
        log.clear()
        params = self.exercise.params
        if params:
            numbers = ", ".join(f"{k} = {v:g}" for k, v in params.items())
            log.write(Text.assemble(("parameters  ", "bold"), text(numbers)))
        # another interpreter may be asked about torch: in a thread
        if not await asyncio.to_thread(torch_available, self.python):
            self._status(text(install_hint(self.python), "red"))
            return
        self._started = time.monotonic()
        self._ticker = self.set_interval(0.1, self._tick)
        self._tick()
        try:
            # In a thread: the expected value is computed with sympy, which may still be
            # loading. An unallowed snippet stops here, before anything runs it.
            command = await asyncio.to_thread(
                build_command,
                self.exercise.question,
                self.bank_dir,
                self.exercise.params,
                self.device,
                self.python,
            )
        except DemoUntrusted as exc:
            self._stop_ticker()
            self._ask(exc.path, exc.source, exc.sha256)
            return
        except DemoUnavailable as exc:
            self._stop_ticker()
            self._status(text(exc, "red"))
            return
        snippet = snippet_path(self.exercise.question, self.bank_dir)
        try:
            # stdin closed (the snippet must not read the TUI's keys), its own folder as cwd;
            # in the warm PyTorch process unless the demo_warm_seconds setting is 0.
            self.demo_run = await asyncio.to_thread(
                launch, command, snippet.parent, self.warm_seconds
            )
        except OSError as exc:
            self._stop_ticker()
            self._status(Text.assemble(("could not start the demo: ", "red"), text(exc)))
            return
        run = self.demo_run
        log.write(Text("snippet prints", style="bold"))
        async for line in lines_async(run):
            log.write(text("  " + line))
        code = run.returncode
        self.demo_run = None
        took = self._stop_ticker()
        if code == 0:
            self._status(
                f"[green]done in {took:.1f} s[/]: the snippet agrees with the bank. "
                "r runs it again, e edits it."
            )
        elif code is not None and code < 0:
            self._status("[yellow]cancelled[/]. r runs it again.")
        else:
            self._status(f"[red]the snippet failed (exit {code})[/]: see the output above.")

    def _ask(self, path: Path, source: str, sha256: str) -> None:
        """An unallowed snippet: show exactly the source that ``sha256`` is the digest of
        and wait for y (or Escape)."""
        self.untrusted = (path, sha256)
        self.query_one("#demo-code", Static).update(
            Syntax(clean(source), "python", line_numbers=True, theme="monokai")
        )
        log = self.query_one("#demo-log", RichLog)
        log.write(text("This snippet is from a bank other than the shipped one:"))
        log.write(text(path, "bold"))
        log.write(text("Running it runs this Python program (shown above) as you."))
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
        if self.demo_run is not None and self.demo_run.returncode is None:
            self.demo_run.stop()
            return True
        return False

    def action_close(self) -> None:
        """Cancel a running demo; close the panel when nothing runs."""
        if not self._cancel():
            self.dismiss()

    def action_rerun(self) -> None:
        """Run the snippet again (its source is read again first)."""
        self._cancel()
        self.show_source()
        self.run_demo()

    def action_edit(self) -> None:
        """Open the snippet in ``$EDITOR`` (``$VISUAL`` first), then show what was saved."""
        path = self.snippet()
        if path is None:
            self.notify("This question has no snippet file.", severity="warning")
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.notify("Set $EDITOR to edit the snippet.", severity="warning")
            return
        command = [*shlex.split(editor), str(path)]
        try:
            if self.app.is_headless:
                subprocess.run(command, check=False)
            else:
                with self.app.suspend():
                    subprocess.run(command, check=False)
        except OSError as exc:
            self.notify(clean(f"could not start {editor}: {exc}"), severity="error", markup=False)
            return
        self.show_source()

    def on_unmount(self) -> None:
        self._cancel()
        self._stop_ticker()
