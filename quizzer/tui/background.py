"""Work off the UI thread that quitting never waits for.

Textual's thread workers run in asyncio's default executor, and ``App.run`` returns only
when every executor thread has finished: quitting while a check waited for the checker to
start (sympy loading) took seconds. These helpers use daemon threads instead; nothing they
do writes to the database (reviews are committed on the UI thread when rated), so leaving
them behind at exit loses nothing.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_unfinished = 0


def pending() -> int:
    """How many submitted jobs have not finished (posting their result included)."""
    return _unfinished


def _count(delta: int) -> None:
    global _unfinished
    with _lock:
        _unfinished += delta


def _run(work: Callable[[], object]) -> None:
    try:
        work()
    except RuntimeError:
        pass  # the app has closed, so posting the result back raised: nobody is left to see it
    except Exception:
        # Reported as an uncaught thread exception would be, but the thread lives on: a
        # Latest loop that died would leave every later value (and pending()) waiting forever.
        threading.excepthook(
            threading.ExceptHookArgs((*sys.exc_info(), threading.current_thread()))
        )
    finally:
        _count(-1)


def in_background(name: str, work: Callable[[], object]) -> None:
    """Run ``work()`` in a daemon thread called ``name``."""
    _count(1)
    threading.Thread(target=_run, args=(work,), name=name, daemon=True).start()


class Latest(Generic[T]):
    """Runs ``work(value)`` in one daemon thread for the most recent value submitted; values
    submitted while it is busy replace each other, so only the last one is handled."""

    def __init__(self, name: str, work: Callable[[T], object]) -> None:
        self._name = name
        self._work = work
        self._ready = threading.Condition()
        self._pending: list[T] = []
        self._thread: threading.Thread | None = None

    def submit(self, value: T) -> None:
        """Handle ``value`` next, dropping any value still waiting."""
        with self._ready:
            if not self._pending:
                _count(1)
            self._pending[:] = [value]
            self._ready.notify()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._ready:
                while not self._pending:
                    self._ready.wait()
                value = self._pending.pop()
            _run(lambda: self._work(value))  # noqa: B023 - called before the next iteration
