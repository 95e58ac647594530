"""A PyTorch process kept ready between demos, so a demo after the first only runs its snippet.

The first warm demo starts ``python -u demo_server.py`` (shipped next to ``demo_harness.py``,
standard library only) with the interpreter demos run with; it imports torch and the harness
once, then forks a child per snippet (see that file for the JSON-lines protocol). A
:class:`WarmRun` behaves as a cold :class:`~quizzer.demos.runner.DemoRun` does: the same
lines, exit status and ``MISMATCH:`` lines, and stopping it stops that snippet at once.

The process goes when nothing has run for ``idle_seconds`` (quizzer closes its stdin), when
quizzer quits or dies (its stdin closes with quizzer's process), or on :func:`shutdown`.
Should it be gone before a run starts, that run falls back to a cold subprocess: the warm
path never fails a demo the cold one would have run. Nothing here imports torch.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from quizzer.demos.runner import HARNESS_DIR, DemoRun, Run, demo_env

SERVER = HARNESS_DIR / "demo_server.py"
STOP_GRACE_S = 3.0
"""How long :meth:`WarmRun.cancel` waits after SIGTERM (the server sends SIGKILL at 2 s)."""
KILL_WAIT_S = 5.0
"""How long it waits after SIGKILL before giving up on hearing back."""

_servers: dict[str, WarmServer] = {}
_servers_lock = threading.Lock()


def supported() -> bool:
    """Whether runs can be forked from a warm process here (POSIX; not Windows)."""
    return hasattr(os, "fork")


def server_for(python: str, idle_seconds: float) -> WarmServer:
    """The warm process of interpreter ``python``, started if there is none (or it has
    gone); it now goes after ``idle_seconds`` without a run."""
    with _servers_lock:
        server = _servers.get(python)
        if server is None or server.gone:
            server = _servers[python] = WarmServer(python, idle_seconds)
        server.idle_seconds = idle_seconds
        return server


def shutdown() -> None:
    """Let every warm process go now (their running snippets are killed)."""
    with _servers_lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.close()


class WarmServer:
    """One warm process: submits runs to it and hands each run its events."""

    def __init__(self, python: str, idle_seconds: float) -> None:
        self.python = python
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._runs: dict[int, WarmRun] = {}
        self._counter = 0
        self._timer: threading.Timer | None = None
        self._gone = False
        self._ready = threading.Event()
        self._pid: int | None = None
        self._process = subprocess.Popen(
            [python, "-u", str(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=SERVER.parent,
            env=demo_env(),
        )
        threading.Thread(target=self._read, name="demo-warm-events", daemon=True).start()

    @property
    def gone(self) -> bool:
        """Whether the process has exited or been let go (a new one is needed)."""
        with self._lock:
            return self._gone

    def pid(self, timeout: float | None = None) -> int | None:
        """The process's own pid once torch is imported (None if it went first, or after
        ``timeout`` seconds)."""
        self._ready.wait(timeout)
        return self._pid

    def submit(self, command: list[str], cwd: Path | None) -> WarmRun:
        """Run ``command`` (``[python, "-u", snippet, *args]``, as
        :func:`~quizzer.demos.runner.build_command` makes it) in a forked child."""
        snippet, args = command[2], command[3:]
        with self._lock:
            self._counter += 1
            run = WarmRun(self, self._counter, command, cwd)
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            request = {"run": run.id, "path": snippet, "argv": args, "cwd": str(cwd or ".")}
            if self._gone or not self._send(request):
                run.lost()
            else:
                self._runs[run.id] = run
        return run

    def signal(self, run: WarmRun, sig: int) -> None:
        """Send ``sig`` to ``run``'s child if it is still running."""
        with self._lock:
            if run.id in self._runs:
                self._send({"kill": run.id, "signal": int(sig)})

    def close(self) -> None:
        """Let the process go: it kills its children and exits once its stdin closes."""
        with self._lock:
            self._retire()

    def _send(self, request: dict[str, Any]) -> bool:
        """Write one request (the lock is held); False when the process has gone."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write((json.dumps(request) + "\n").encode())
            stdin.flush()
        except (OSError, ValueError):  # gone, or its pipe already closed
            return False
        return True

    def _retire(self) -> None:
        """Close the process's stdin so that it exits (the lock is held)."""
        self._gone = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        stdin = self._process.stdin
        if stdin is not None and not stdin.closed:
            with contextlib.suppress(OSError):
                stdin.close()

    def _idle(self, timer: threading.Timer) -> None:
        """The idle time is up: let the process go unless a run started meanwhile."""
        with self._lock:
            if self._timer is timer and not self._runs:
                self._retire()

    def _arm_idle_timer(self) -> None:
        """Start the idle countdown (the lock is held and nothing runs)."""
        timer = threading.Timer(self.idle_seconds, lambda: self._idle(timer))
        timer.daemon = True  # quitting never waits for it
        self._timer = timer
        timer.start()

    def _read(self) -> None:
        """The events thread: route each event to its run until the process has gone."""
        stdout = self._process.stdout
        assert stdout is not None
        for raw in stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue  # a wrapper interpreter talking before the server starts
            if isinstance(event, dict):
                self._dispatch(event)
        self._process.wait()
        with self._lock:
            self._gone = True
            runs = list(self._runs.values())
            self._runs.clear()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        self._ready.set()
        for run in runs:
            run.lost()

    def _dispatch(self, event: dict[str, Any]) -> None:
        """Hand one event to the run it is about."""
        if "ready" in event:
            self._pid = int(event["ready"])
            self._ready.set()
            return
        with self._lock:
            run = self._runs.get(event.get("id", -1))
            if run is None:
                return
            if "exit" in event:
                del self._runs[run.id]
                if not self._runs and not self._gone:
                    self._arm_idle_timer()
        if "pid" in event:
            run.started()
        elif "line" in event:
            run.line(str(event["line"]))
        elif "exit" in event:
            run.finished(int(event["exit"]))


class WarmRun(Run):
    """A snippet running in a child of the warm process (or, if that process went before
    the run started, in a cold subprocess of its own)."""

    def __init__(self, server: WarmServer, run_id: int, command: list[str], cwd: Path | None):
        self.server = server
        self.id = run_id
        self.command = command
        self._cwd = cwd
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._stopped = False
        self._code: int | None = None
        self._done = threading.Event()
        self._cold: DemoRun | None = None

    # -- events, from the server's thread ---------------------------------------------------

    def started(self) -> None:
        """The child has been forked."""
        with self._lock:
            self._started = True

    def line(self, line: str) -> None:
        """The child printed ``line``."""
        self._lines.put(line)

    def finished(self, code: int) -> None:
        """The child exited with ``code``."""
        with self._lock:
            self._code = code
        self._lines.put(None)
        self._done.set()

    def lost(self) -> None:
        """The warm process went: a run that had not started runs cold instead (unless it
        was stopped first); one that had started counts as killed."""
        with self._lock:
            if self._started or self._stopped:
                self._code = -signal.SIGKILL
            else:
                try:
                    self._cold = DemoRun(self.command, cwd=self._cwd)
                except OSError:
                    self._code = -signal.SIGKILL
        self._lines.put(None)
        self._done.set()

    # -- the Run interface --------------------------------------------------------------------

    def lines(self) -> Iterator[str]:
        """Each output line (stdout and stderr together) as soon as the snippet prints it."""
        while (line := self._lines.get()) is not None:
            yield line
        if self._cold is not None:
            yield from self._cold.lines()

    def stop(self) -> None:
        """Ask the snippet to stop (SIGTERM; SIGKILL 2 s later if it lingers); at once."""
        with self._lock:
            self._stopped = True
            cold = self._cold
        if cold is not None:
            cold.stop()
        else:
            self.server.signal(self, signal.SIGTERM)

    def cancel(self) -> None:
        """Stop the snippet if it is still running and wait until it has ended."""
        if self.returncode is not None:
            return
        self.stop()
        if not self._done.wait(STOP_GRACE_S):
            self.server.signal(self, signal.SIGKILL)
            self._done.wait(KILL_WAIT_S)
        if self._cold is not None:
            self._cold.cancel()

    @property
    def returncode(self) -> int | None:
        """The exit status once finished (negative: stopped by that signal), else None."""
        with self._lock:
            cold, code = self._cold, self._code
        return cold.returncode if cold is not None else code
