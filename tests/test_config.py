"""Settings: shown by `quizzer config`, changed by `quizzer config set`, checked on the way in."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from helpers import run_quizzer

from quizzer.config import ConfigError, Settings


def test_config_shows_every_setting_and_the_file(isolated: Path) -> None:
    result = run_quizzer("config")
    assert result.returncode == 0, result.stderr
    assert str(isolated / "config.toml") in result.stdout.replace("\n", "")
    for key in ("desired_retention", "new_per_day", "max_reviews_per_day", "rollover_hour"):
        assert key in result.stdout
    assert "0.9" in result.stdout


def test_config_set_saves_and_keeps_the_other_settings(isolated: Path) -> None:
    result = run_quizzer("config", "set", "new_per_day", "12")
    assert result.returncode == 0, result.stderr
    saved = tomllib.loads((isolated / "config.toml").read_text())
    assert saved["new_per_day"] == 12
    assert saved["fuzz"] is False
    assert "12" in run_quizzer("config").stdout


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("desired_retention", "1.5", "desired_retention = 1.5 is out of range"),
        ("new_per_day", "many", "new_per_day: 'many' is not a valid value"),
        ("colour", "blue", "unknown setting 'colour'"),
    ],
)
def test_bad_values_are_one_line_and_not_saved(
    isolated: Path, key: str, value: str, message: str
) -> None:
    before = (isolated / "config.toml").read_text()
    result = run_quizzer("config", "set", key, value)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (isolated / "config.toml").read_text() == before


def test_values_are_read_as_typed() -> None:
    settings = Settings()
    assert settings.with_value("fuzz", "off").fuzz is False
    assert settings.with_value("rollover_hour", "6").rollover_hour == 6
    from fsrs.scheduler import DEFAULT_PARAMETERS

    weights = ", ".join(str(w) for w in DEFAULT_PARAMETERS)
    fitted = settings.with_value("fsrs_parameters", weights).fsrs_parameters
    assert fitted == list(DEFAULT_PARAMETERS)
    with pytest.raises(ConfigError, match=r"weight 4 = 0\.5 is not a number in FSRS.s range"):
        settings.with_value("fsrs_parameters", ", ".join(["0.5"] * 21))
    with pytest.raises(ConfigError, match="fsrs_parameters"):
        settings.with_value("fsrs_parameters", "1, 2, 3")
