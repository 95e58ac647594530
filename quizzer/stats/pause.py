"""Pausing Python's cyclic garbage collector around work that makes many objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block.

    Reading a million rows makes no reference cycles (reference counting frees each batch),
    but the objects it makes set off collections that walk every tracked object of the
    process: the loaded bank's, the TUI's. On the stats page that was a fifth of the time.
    The collector is turned back on at the end if it was on (another thread pausing it at
    the same time at worst turns it back on early)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
