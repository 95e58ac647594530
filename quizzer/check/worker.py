"""A reused worker process that runs functions under a time limit and is killed on overrun.

``signal.alarm`` only works on the main thread and cannot interrupt sympy reliably, so a
check that runs too long is stopped by killing the process; the next call starts a fresh
one. The worker imports sympy and warms its caches once, so the common case costs a pipe
round trip. Requests name a function by module and attribute, so the parent never has to
import what the worker runs.
"""

from __future__ import annotations

import atexit
import importlib
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

STARTUP_TIMEOUT = 60.0
MEMORY_LIMIT = 4 * 1024**3


class WorkerUnavailable(RuntimeError):
    """The worker process could not be started."""


class WorkerDied(RuntimeError):
    """The worker process died while running a request (it is replaced on the next call)."""


class _Process:
    def __init__(self) -> None:
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        root = str(Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        global _starting
        try:
            self.process = _starting = subprocess.Popen(
                [sys.executable, "-m", "quizzer.check.worker", str(to_child), str(from_child)],
                pass_fds=(to_child, from_child),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        finally:
            os.close(to_child)
            os.close(from_child)
        self.requests = Connection(from_parent, readable=False)
        self.replies = Connection(to_parent, writable=False)
        try:
            if not self.replies.poll(STARTUP_TIMEOUT):
                self.stop()
                raise WorkerUnavailable("the checker process did not start in time")
            try:
                self.pid = self.replies.recv()
            except (EOFError, OSError):
                self.stop()
                raise WorkerUnavailable("the checker process failed to start") from None
        finally:
            _starting = None

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.requests.close()
        self.replies.close()


_lock = threading.Lock()
_current: _Process | None = None
_starting: subprocess.Popen[bytes] | None = None  # a worker still importing sympy


def _started() -> _Process:
    global _current
    if _current is None or _current.process.poll() is not None:
        try:
            _current = _Process()
        except (OSError, ValueError) as error:  # ValueError: no pass_fds on this platform
            raise WorkerUnavailable(f"cannot start the checker process: {error}") from None
    return _current


def _discard() -> None:
    global _current
    if _current is not None:
        _current.stop()
        _current = None


def call(module: str, function: str, *args: Any, timeout: float) -> Any:
    """Run ``module.function(*args)`` in the worker and return its result.

    Raises TimeoutError (after killing the worker) when it takes longer than ``timeout``
    seconds, WorkerUnavailable when no worker can be started, WorkerDied when it died
    running this request, and re-raises any exception the function raised.
    """
    with _lock:
        worker = _started()
        try:
            worker.requests.send((module, function, args))
            ready = worker.replies.poll(timeout)
            if ready:
                ok, payload = worker.replies.recv()
        except (EOFError, OSError):
            _discard()
            raise WorkerDied("the checker process stopped unexpectedly") from None
        if not ready:
            _discard()
            raise TimeoutError(f"stopped after {timeout:g} s")
    if ok:
        return payload
    raise payload


def warm_up() -> int:
    """Start the worker now (it imports sympy) and return its process id."""
    with _lock:
        return _started().pid


@atexit.register
def _stop_all() -> None:
    """At exit, stop the worker, even one that is still starting (the lock may be held by
    the thread waiting for it)."""
    if (starting := _starting) is not None:
        starting.kill()
    _discard()


def _serve(requests: Connection, replies: Connection) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, resource.RLIM_INFINITY))
    except (ImportError, ValueError, OSError):
        pass  # the time limit still applies
    from quizzer.check import grade

    grade.warm_up()
    replies.send(os.getpid())
    while True:
        try:
            module, function, args = requests.recv()
        except (EOFError, OSError):
            return
        try:
            result = (True, getattr(importlib.import_module(module), function)(*args))
        except Exception as error:
            result = (False, error)
        try:
            replies.send(result)
        except Exception as error:  # an unpicklable result or exception
            replies.send((False, RuntimeError(f"{type(error).__name__}: {error}")))


if __name__ == "__main__":
    _serve(
        Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
    )
