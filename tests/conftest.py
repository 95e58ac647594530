"""Shared fixtures: every test runs against its own database, config, cache and clock."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizzer.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_BANK = FIXTURES / "sample_bank"
FIXED_NOW = "2026-03-02T10:00:00+00:00"
SETTLE_TIMEOUT_S = 60
"""How long :func:`settle` waits for background work before failing the test."""


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point quizzer at throwaway files and a fixed clock; scheduling fuzz off."""
    config = tmp_path / "config.toml"
    config.write_text("fuzz = false\n")
    monkeypatch.setenv("QUIZZER_DB", str(tmp_path / "quizzer.db"))
    monkeypatch.setenv("QUIZZER_CONFIG", str(config))
    monkeypatch.setenv("QUIZZER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("QUIZZER_NOW", FIXED_NOW)
    monkeypatch.delenv("QUIZZER_BANK", raising=False)
    yield tmp_path
    warm = sys.modules.get("quizzer.demos.warm")
    if warm is not None:  # a warm demo process started by the test goes with it
        warm.shutdown()


@pytest.fixture
def sample_bank(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the small sample bank (recall and choice questions)."""
    monkeypatch.setenv("QUIZZER_BANK", str(SAMPLE_BANK))
    return SAMPLE_BANK


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so study days are 04:00-04:00 UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def history(sample_bank: object, utc: None) -> Workspace:
    """The sample bank with the hand-computed review history of ``test_stats_history``,
    in UTC so that days and the 4 am rollover are the ones the figures were checked for."""
    from test_stats_history import OLD, REVIEWS, record

    ws = Workspace.resolve()
    with ws.store() as store:
        record(store, [OLD, *REVIEWS])
    return ws


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app's background work (Textual workers, and the checks and previews
    that run in daemon threads) has finished and the screen has caught up."""
    from quizzer.tui import background

    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while background.pending():
        assert time.monotonic() < deadline, (
            f"{background.pending()} background jobs still running after {SETTLE_TIMEOUT_S} s"
        )
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
