"""Settings, read from a TOML file in the platform config dir (``quizzer config`` shows them)."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from quizzer.errors import QuizzerError


class ConfigError(QuizzerError, ValueError):
    """The config file cannot be read or holds a bad value."""


@dataclass(frozen=True)
class Settings:
    """What a person can tune. Defaults follow Anki and FSRS."""

    desired_retention: float = 0.9
    new_per_day: int = 20
    max_reviews_per_day: int = 200
    rollover_hour: int = 4
    learn_ahead_minutes: int = 20
    backups_keep: int = 7
    fuzz: bool = True
    fsrs_parameters: list[float] = field(default_factory=list)

    def validate(self) -> Settings:
        """Raise ConfigError naming the first value that is out of range."""
        checks = {
            "desired_retention": 0.7 <= self.desired_retention <= 0.99,
            "new_per_day": self.new_per_day >= 0,
            "max_reviews_per_day": self.max_reviews_per_day >= 1,
            "rollover_hour": 0 <= self.rollover_hour <= 23,
            "learn_ahead_minutes": 0 <= self.learn_ahead_minutes <= 24 * 60,
            "backups_keep": self.backups_keep >= 0,
            "fsrs_parameters": len(self.fsrs_parameters) in (0, 21),
        }
        for name, ok in checks.items():
            if not ok:
                raise ConfigError(f"setting {name} = {getattr(self, name)!r} is out of range")
        return self

    def to_dict(self) -> dict[str, object]:
        """The settings as a plain mapping (for TOML and JSON)."""
        return asdict(self)

    def with_value(self, key: str, text: str) -> Settings:
        """A copy with setting ``key`` read from ``text`` (as typed on a command line);
        ConfigError names the key or value that is wrong."""
        if key not in DESCRIPTIONS:
            raise ConfigError(f"unknown setting {key!r} (one of {', '.join(DESCRIPTIONS)})")
        current = getattr(self, key)
        text = text.strip()
        try:
            value: object
            if isinstance(current, bool):
                if text.lower() not in _BOOLS:
                    raise ValueError
                value = _BOOLS[text.lower()]
            elif isinstance(current, list):
                items = text.strip("[]").replace(",", " ").split()
                value = [float(item) for item in items]
            else:
                value = type(current)(text)
        except ValueError:
            raise ConfigError(f"setting {key}: {text!r} is not a valid value") from None
        changes: dict[str, Any] = {key: value}
        return replace(self, **changes).validate()


_BOOLS = {"true": True, "yes": True, "on": True, "1": True}
_BOOLS |= {"false": False, "no": False, "off": False, "0": False}

DESCRIPTIONS = {
    "desired_retention": "share of reviews you aim to recall (0.7-0.99)",
    "new_per_day": "new questions introduced per study day",
    "max_reviews_per_day": "most reviews of seen questions per study day",
    "rollover_hour": "local hour (0-23) at which a study day starts",
    "learn_ahead_minutes": "learning steps due within this many minutes are asked now",
    "backups_keep": "database backups kept",
    "fuzz": "spread intervals a little so reviews do not bunch up",
    "fsrs_parameters": "21 fitted FSRS weights (empty: the defaults); see `quizzer optimize`",
}
"""What each setting means, in the order they are shown."""


def load_settings(path: Path) -> Settings:
    """Read settings from ``path``; a missing file gives the defaults."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r}")
    try:
        return Settings(**data).validate()
    except (TypeError, ConfigError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def save_settings(path: Path, settings: Settings) -> None:
    """Write settings to ``path`` atomically."""
    import tomli_w

    settings.validate()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(settings.to_dict()), encoding="utf-8")
    tmp.replace(path)
