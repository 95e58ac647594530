"""Everything a command needs, resolved once: database, bank directories and settings."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from quizzer import paths
from quizzer.bank.loader import Bank, load_bank
from quizzer.config import Settings, load_settings
from quizzer.errors import QuizzerError
from quizzer.safe_text import clean
from quizzer.store.db import Store

if TYPE_CHECKING:
    from quizzer.context import Context


class BankUnavailable(QuizzerError):
    """No question could be loaded from the bank directories."""


@dataclass
class Workspace:
    """The paths in effect for this run (options, then environment, then defaults)."""

    db_path: Path
    bank_dirs: list[Path]
    config_path: Path
    _bank: Bank | None = field(default=None, repr=False)
    _settings: Settings | None = field(default=None, repr=False)

    @classmethod
    def resolve(cls, db: Path | None = None, banks: Sequence[str] | None = None) -> Workspace:
        """Resolve ``--db`` and ``--bank`` against the environment and platform defaults."""
        return cls(paths.resolve_db(db), paths.resolve_banks(banks), paths.config_path())

    def settings(self) -> Settings:
        """The settings from the config file (defaults when there is none)."""
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings

    def bank(self, warn: TextIO | None = sys.stderr) -> Bank:
        """The loaded bank; problems in single files are reported to ``warn`` and skipped."""
        if self._bank is None:
            bank = load_bank(self.bank_dirs, cache=paths.cache_dir())
            if warn is not None:
                for error in bank.errors:
                    print(f"warning: {error}", file=warn)
            if not bank.questions:
                where = ", ".join(str(d) for d in self.bank_dirs)
                raise BankUnavailable(f"no questions could be loaded from {where}")
            self._bank = bank
        return self._bank

    def store(self, warn: TextIO | None = sys.stderr) -> Store:
        """Open the database (created on first use), remove what a killed backup or restore
        left behind, start today's automatic backup, and tell ``warn`` (once) when an earlier
        automatic backup found the database damaged."""
        from quizzer.store.backup import clean_stale, pending_notice, start_daily

        store = Store.open(self.db_path)
        clean_stale(store.path)
        start_daily(store.path, self.settings().backups_keep)
        if warn is not None and (notice := pending_notice(store.path)):
            print(f"warning: {clean(notice)}", file=warn)
        return store

    def open(self, warn: TextIO | None = sys.stderr) -> Context:
        """Everything a drill or a screen needs, built once: the open store, the bank and the
        settings. The caller closes it (it is a context manager)."""
        from quizzer.context import Context

        settings, bank = self.settings(), self.bank(warn)
        return Context(self.store(warn), bank, settings, self.config_path)
