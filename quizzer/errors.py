"""The user-facing error types the command line turns into one-line messages."""

from __future__ import annotations

from quizzer.clock import ClockError
from quizzer.config import ConfigError
from quizzer.store.db import StoreError
from quizzer.workspace import BankUnavailable

USER_ERRORS: tuple[type[Exception], ...] = (ClockError, ConfigError, StoreError, BankUnavailable)
