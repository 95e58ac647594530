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
    demo_python: str = ""
    demo_warm_seconds: int = 120
    """How long the PyTorch process of the demos stays ready after a run (0: none)."""
    keymap: dict[str, str] = field(default_factory=dict)
    """TUI keys by binding id (``[keymap]`` table), e.g. ``undo = "ctrl+z,u"``."""

    def validate(self) -> Settings:
        """Raise ConfigError naming the first value of the wrong type or out of range."""
        for name, (kind, lo, hi) in _RANGES.items():
            value = getattr(self, name)
            wrong_kind = kind is int and not isinstance(value, int)
            if isinstance(value, bool) or not isinstance(value, int | float) or wrong_kind:
                wanted = "a whole number" if kind is int else "a number"
                raise ConfigError(f"setting {name} must be {wanted}, not {_shown(value)}")
            if not lo <= value <= hi:  # NaN fails this too
                raise ConfigError(f"setting {name} = {_shown(value)} is out of range ({lo}-{hi})")
        if not isinstance(self.demo_python, str):
            raise ConfigError(
                f"setting demo_python must be the path of a Python interpreter, not "
                f"{_shown(self.demo_python)}"
            )
        if not isinstance(self.fuzz, bool):
            raise ConfigError(f"setting fuzz must be true or false, not {_shown(self.fuzz)}")
        weights = self.fsrs_parameters
        if not isinstance(weights, list) or len(weights) not in (0, len(FSRS_BOUNDS)):
            raise ConfigError(
                f"setting fsrs_parameters must be empty or {len(FSRS_BOUNDS)} numbers, not "
                f"{_shown(weights)}"
            )
        for index, (w, (lo, hi)) in enumerate(zip(weights, FSRS_BOUNDS, strict=False)):
            if isinstance(w, bool) or not isinstance(w, int | float) or not lo <= w <= hi:
                raise ConfigError(
                    f"setting fsrs_parameters: weight {index} = {_shown(w)} is not a number "
                    f"in FSRS's range {lo}-{hi}"
                )
        if not isinstance(self.keymap, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in self.keymap.items()
        ):
            raise ConfigError('[keymap] entries are binding ids set to keys, e.g. undo = "u"')
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
            value: Any  # the type of the setting named by key
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


_RANGES: dict[str, tuple[type, float, float]] = {
    "desired_retention": (float, 0.7, 0.99),
    "new_per_day": (int, 0, 10_000),
    "max_reviews_per_day": (int, 1, 100_000),
    "rollover_hour": (int, 0, 23),
    "learn_ahead_minutes": (int, 0, 24 * 60),
    "backups_keep": (int, 0, 1000),
    "demo_warm_seconds": (int, 0, 24 * 60 * 60),
}
"""Type and inclusive range of each numeric setting (an int is accepted for a float)."""

FSRS_BOUNDS = tuple(
    zip(
        (0.001, 0.001, 0.001, 0.001, 1.0, 0.001, 0.001, 0.001, 0.0, 0.0, 0.001),
        (100.0, 100.0, 100.0, 100.0, 10.0, 4.0, 4.0, 0.75, 4.5, 0.8, 3.5),
        strict=True,
    )
) + tuple(
    zip(
        (0.001, 0.001, 0.001, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.1),
        (5.0, 0.25, 0.9, 4.0, 1.0, 6.0, 2.0, 2.0, 0.8, 0.8),
        strict=True,
    )
)
"""The (lowest, highest) value FSRS-6 allows for each of its 21 weights (``fsrs`` clamps to
these; a value outside, NaN or infinite would break scheduling on the first answer)."""


def _shown(value: object) -> str:
    """A value quoted in an error message, bounded in length."""
    from quizzer.safe_text import clip

    return clip(repr(value) if isinstance(value, str) else value, 60)


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
    "demo_python": "interpreter that runs the PyTorch demos, e.g. a conda env's python with "
    "CUDA (empty: the one quizzer runs with)",
    "demo_warm_seconds": "seconds a loaded PyTorch process waits after a demo, so the next "
    "one starts at once (0: a fresh process for every demo)",
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
