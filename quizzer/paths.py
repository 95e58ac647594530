"""Where quizzer keeps things: the database, the bank directories, the config and cache.

Precedence for each: the command-line option, then the environment variable, then the
platform default (platformdirs).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

APP_NAME = "quizzer"
DEFAULT_BANK_WORD = "default"


def _platformdirs():  # imported lazily: `quizzer --version` never pays for it
    import platformdirs

    return platformdirs


def data_dir() -> Path:
    """The platform data directory, e.g. ``~/.local/share/quizzer`` on Linux."""
    return _platformdirs().user_data_path(APP_NAME)


def config_path() -> Path:
    """The settings file: ``QUIZZER_CONFIG`` or ``config.toml`` in the platform config dir."""
    if env := os.environ.get("QUIZZER_CONFIG"):
        return Path(env).expanduser()
    return _platformdirs().user_config_path(APP_NAME) / "config.toml"


def cache_dir() -> Path:
    """The platform cache directory (parsed-bank cache)."""
    if env := os.environ.get("QUIZZER_CACHE"):
        return Path(env).expanduser()
    return _platformdirs().user_cache_path(APP_NAME)


def resolve_db(option: Path | None = None) -> Path:
    """The database file: ``--db``, else ``QUIZZER_DB``, else ``quizzer.db`` in the data dir."""
    if option is not None:
        return option.expanduser()
    if env := os.environ.get("QUIZZER_DB"):
        return Path(env).expanduser()
    return data_dir() / "quizzer.db"


def default_bank_dir() -> Path:
    """The bank shipped with quizzer: inside the wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "question_bank"
    return packaged if packaged.is_dir() else here.parent / "question_bank"


def resolve_banks(options: Sequence[str] | None = None) -> list[Path]:
    """The bank directories: each ``--bank``, else ``QUIZZER_BANK`` (``os.pathsep``-separated),
    else the shipped bank. The word ``default`` names the shipped bank, so a person can drill
    their own directory together with it (``--bank default --bank ~/my-bank``)."""
    words: Sequence[str] = options or []
    if not words and (env := os.environ.get("QUIZZER_BANK")):
        words = [w for w in env.split(os.pathsep) if w]
    if not words:
        return [default_bank_dir()]
    return [default_bank_dir() if w == DEFAULT_BANK_WORD else Path(w).expanduser() for w in words]
