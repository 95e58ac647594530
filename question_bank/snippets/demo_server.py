"""A warm process for quizzer's demos: torch and the harness are imported once, then each
snippet runs in a forked child, so a demo after the first pays only for the snippet itself.

quizzer starts it as ``python -u demo_server.py`` with the harness folder on ``PYTHONPATH``
and talks to it in JSON lines: requests on stdin, events on stdout.

    -> {"run": N, "path": "/bank/snippets/x.py", "argv": ["--device", ...], "cwd": "/bank"}
    -> {"kill": N, "signal": 15}
    <- {"ready": PID}                  once torch is imported
    <- {"error": "..."}                the imports failed (then it exits)
    <- {"id": N, "pid": CHILD}         run N started
    <- {"id": N, "line": "..."}        each line it printed (stdout and stderr together)
    <- {"id": N, "exit": STATUS}       its exit status (negative: killed by that signal)

Each run is a fresh fork of this process as it was after the imports, before any snippet:
its own module state, ``sys.argv``, working directory, stdout and exit status, exactly as
``python -u snippet.py ARGS`` would have. Nothing here touches CUDA or runs a tensor
operation, so every child can still pick its device. When stdin closes (quizzer quit, was
killed, or let the process go after its idle time) the running children are killed and the
process exits.

Only the standard library is imported here (torch through ``demo_harness``): quizzer need
not be installed in the interpreter that runs it.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import ctypes
import gc
import importlib
import io
import json
import os
import runpy
import selectors
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

KILL_AFTER_S = 2.0
"""A child still alive this long after SIGTERM gets SIGKILL (as quizzer's cold runs do)."""
REAP_POLL_S = 0.05
"""How often a child whose output has ended is looked for until it has exited."""
PR_SET_PDEATHSIG = 1
LATER: tuple[str, ...] = ("torch._dynamo",)
"""Imported after the first run, once nothing runs or waits: torch.optim and
torch.utils.checkpoint import them on first use (about 2 s, sympy included), which every
fork would pay again; before the first run they would make it that much slower."""
NVML_CHECK = "PYTORCH_NVML_BASED_CUDA_CHECK"
"""Set in this process so that nothing imported here initialises CUDA when it asks whether
CUDA is there (torch's "poison fork"): each child still picks and initialises its own
device. The children get the value quizzer started this process with."""


@dataclass
class Child:
    """A snippet running in a forked child: its pipe, the output not yet ended by a newline."""

    run: int
    pid: int
    fd: int
    decoder: io.IncrementalNewlineDecoder = field(
        default_factory=lambda: io.IncrementalNewlineDecoder(
            codecs.getincrementaldecoder("utf-8")(errors="replace"), translate=True
        )
    )
    pending: str = ""
    output_done: bool = False
    kill_at: float | None = None


def send(fd: int, event: dict[str, object]) -> None:
    """Write one event line to quizzer."""
    data = (json.dumps(event) + "\n").encode()
    while data:
        data = data[os.write(fd, data) :]


def signal_child(pid: int, sig: int) -> None:
    """Send ``sig`` to a child not reaped yet (so ``pid`` is still ours)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def exit_status(code: object) -> int:
    """The process exit status for ``SystemExit(code)``, printing a message as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def run_child(
    path: str,
    argv: list[str],
    cwd: str,
    out: int,
    keep_closed: list[int],
    nvml_check: str | None,
) -> None:
    """In the forked child: become ``python -u path ARGV`` run in ``cwd`` with stdout and
    stderr on ``out`` and the environment quizzer gave this process (``nvml_check`` is its
    :data:`NVML_CHECK`), then exit with the snippet's status as Python would. Never returns."""
    status = 1
    try:
        parent = os.getppid()
        if sys.platform == "linux":  # the snippet goes if this process goes
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:
                os._exit(status)  # it went before that took effect
        for fd in keep_closed:
            os.close(fd)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(out)
        os.chdir(cwd)
        if nvml_check is None:
            os.environ.pop(NVML_CHECK, None)
        else:
            os.environ[NVML_CHECK] = nvml_check
        sys.argv = [path, *argv]
        sys.path[0] = os.path.dirname(os.path.abspath(path))
        status = run_script(path)
        # What the interpreter does at exit: wait for the snippet's threads, run its
        # exit handlers (and those of the modules imported before the fork, as a cold
        # process would); then flush in the finally.
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(status)


def run_script(path: str) -> int:
    """Run the file at ``path`` as ``__main__``; its exit status, a traceback printed as
    ``python path`` prints it (without this server's frames) when it raised."""
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exc:
        return exit_status(exc.code)
    except BaseException as exc:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != path:
            tb = tb.tb_next  # runpy's and this file's frames
        traceback.print_exception(type(exc), exc, tb)
        return 1
    return 0


class Server:
    """The loop: read requests, fork children, relay their output and exit status."""

    def __init__(self, requests: int, events: int, nvml_check: str | None) -> None:
        self.requests = requests
        self.nvml_check = nvml_check
        self.events = events
        self.selector = selectors.DefaultSelector()
        self.selector.register(requests, selectors.EVENT_READ)
        self.children: dict[int, Child] = {}
        self.buffer = b""
        self.later = LATER

    def serve(self) -> None:
        """Handle requests until stdin closes."""
        while True:
            for key, _ in self.selector.select(self.timeout()):
                if key.fd == self.requests:
                    chunk = os.read(self.requests, 65536)
                    if not chunk:
                        return
                    self.buffer += chunk
                    *lines, self.buffer = self.buffer.split(b"\n")
                    for line in lines:
                        if line.strip():
                            self.handle(json.loads(line))
                else:
                    self.read_output(key.data)
            self.tend()
            if self.later and not self.children and not self.selector.select(0):
                self.import_later()

    def import_later(self) -> None:
        """Import :data:`LATER` now that nothing runs or waits (a request that comes
        meanwhile waits for it, once)."""
        for name in self.later:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
        self.later = ()
        gc.freeze()

    def timeout(self) -> float | None:
        """How long to wait for input: until a kill is due or an ended child is looked for."""
        waits = [REAP_POLL_S for c in self.children.values() if c.output_done]
        waits += [
            max(0.0, c.kill_at - time.monotonic()) for c in self.children.values() if c.kill_at
        ]
        return min(waits) if waits else None

    def handle(self, request: dict[str, Any]) -> None:
        """Start a run, or signal one."""
        if "run" in request:
            argv = [str(a) for a in request["argv"]]
            self.start(int(request["run"]), str(request["path"]), argv, str(request["cwd"]))
        elif "kill" in request:
            child = self.children.get(int(request["kill"]))
            if child is not None:
                sig = int(request["signal"])
                signal_child(child.pid, sig)
                if sig != signal.SIGKILL and child.kill_at is None:
                    child.kill_at = time.monotonic() + KILL_AFTER_S

    def start(self, run: int, path: str, argv: list[str], cwd: str) -> None:
        """Fork a child that runs the snippet; tell quizzer its pid."""
        read_end, write_end = os.pipe()
        others = [c.fd for c in self.children.values() if not c.output_done]  # still open
        pid = os.fork()
        if pid == 0:
            keep_closed = [self.requests, self.events, read_end, *others]
            run_child(path, argv, cwd, write_end, keep_closed, self.nvml_check)
        os.close(write_end)
        child = Child(run, pid, read_end)
        self.children[run] = child
        self.selector.register(read_end, selectors.EVENT_READ, child)
        send(self.events, {"id": run, "pid": pid})

    def read_output(self, child: Child) -> None:
        """Relay what the child printed, line by line; at its end, look for its exit."""
        chunk = os.read(child.fd, 65536)
        text = child.decoder.decode(chunk, final=not chunk)
        *lines, child.pending = (child.pending + text).split("\n")
        for line in lines:
            send(self.events, {"id": child.run, "line": line})
        if not chunk:
            if child.pending:
                send(self.events, {"id": child.run, "line": child.pending})
            self.selector.unregister(child.fd)
            os.close(child.fd)
            child.output_done = True

    def tend(self) -> None:
        """Report children that have exited; SIGKILL those past their SIGTERM grace."""
        now = time.monotonic()
        for child in list(self.children.values()):
            if child.kill_at is not None and now >= child.kill_at:
                signal_child(child.pid, signal.SIGKILL)
                child.kill_at = None
            if not child.output_done:
                continue
            pid, status = os.waitpid(child.pid, os.WNOHANG)
            if pid:
                del self.children[child.run]
                send(self.events, {"id": child.run, "exit": os.waitstatus_to_exitcode(status)})

    def close(self) -> None:
        """Kill every running child (quizzer has gone, or let this process go)."""
        for child in self.children.values():
            try:
                os.kill(child.pid, signal.SIGKILL)
                os.waitpid(child.pid, 0)
            except OSError:
                pass


def main() -> None:
    """Import torch and the harness, then serve until stdin closes."""
    # The protocol keeps its own copies of stdin and stdout; whatever the imports print goes
    # nowhere instead of into the event stream.
    requests, events = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(null, fd)
    os.close(null)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl+C is quizzer's, not ours
    nvml_check = os.environ.get(NVML_CHECK)
    os.environ[NVML_CHECK] = "1"
    try:
        import demo_harness  # noqa: F401 - imports torch and numpy for every child
    except BaseException as exc:
        send(events, {"error": f"{type(exc).__name__}: {exc}"})
        raise SystemExit(1) from None
    # What is imported stays out of every child's garbage collections, which would otherwise
    # touch (and so copy) each of its pages.
    gc.freeze()
    send(events, {"ready": os.getpid()})
    server = Server(requests, events, nvml_check)
    try:
        server.serve()
    finally:
        server.close()


if __name__ == "__main__":
    main()
