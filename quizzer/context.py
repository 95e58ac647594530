"""What a command or the TUI works with, built once: the open store, the loaded bank, the
settings and the clock, plus the options a drill was started with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from quizzer.bank.loader import Bank
from quizzer.clock import now
from quizzer.config import Settings
from quizzer.store.db import Store


@dataclass(frozen=True)
class DrillOptions:
    """How a drill was asked for (``quizzer drill`` options, a cram from the browser)."""

    topic: str | tuple[str, ...] | None = None
    """Only questions of this topic, or of these topics (a prefix is enough)."""
    limit: int | None = None
    """Stop after this many questions."""
    seed: int | None = None
    """Seed for the drawn parameters: the same seed asks the same numbers."""
    cram: bool = False
    """Drill regardless of due dates; the schedule is not moved."""
    fuzz: bool | None = None
    """Override the ``fuzz`` setting (tests turn it off for exact intervals)."""
    more_new: int = 0
    """Introduce this many new questions beyond today's ``new_per_day``."""


@dataclass
class Context:
    """The open database, the bank, the settings and the clock of one run.

    ``settings`` is replaced when the settings screen saves new values, so sessions started
    afterwards use them. Closing the context closes the store."""

    store: Store
    bank: Bank
    settings: Settings
    config_path: Path
    clock: Callable[[], datetime] = field(default=now)

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
