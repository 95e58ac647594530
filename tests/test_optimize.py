"""quizzer optimize: refuses a short history, fits a long one and saves only when asked."""

from __future__ import annotations

import random
import shutil
import tomllib
from pathlib import Path

import pytest
from helpers import finish, run_quizzer, start_quizzer

from quizzer.model import CardState, ReviewInput, State
from quizzer.workspace import Workspace

DAY_MS = 86_400_000
START_MS = 1_760_000_000_000


def _history(cards: int, reviews_per_card: int) -> None:
    """Cards reviewed at growing intervals; recall fails more often after long gaps."""
    rng = random.Random(3)
    with Workspace.resolve().store() as store:
        for c in range(cards):
            at, gap, before = START_MS + c * 60_000, 1.0, None
            for _ in range(reviews_per_card):
                rating = 1 if rng.random() < min(0.6, 0.04 * gap) else rng.choice((2, 3, 3, 4))
                after = CardState(
                    f"gen.{c}", state=State.REVIEW, stability=gap, difficulty=5.0, due=at
                )
                store.record(before, after, ReviewInput(at, rating, "correct", seed=1))
                before = after
                gap = 1.0 if rating == 1 else gap * rng.uniform(1.8, 3.0)
                at += int(gap * DAY_MS)


def test_too_few_reviews_is_refused_with_the_count() -> None:
    _history(cards=10, reviews_per_card=3)
    result = run_quizzer("optimize", "--yes")
    assert result.returncode == 1
    assert "too few reviews to fit: 20 came a day or more after" in result.stderr
    assert "at least 512" in result.stderr


@pytest.mark.slow
def test_fit_shows_both_losses_and_saves_only_when_confirmed(isolated: Path) -> None:
    pytest.importorskip("pandas", reason="the fsrs optimizer extra is not installed")
    _history(cards=150, reviews_per_card=5)
    # The two runs fit the same history independently, so they run side by side, each on
    # its own copy of the database and config (the fit is the slow part, ~15 s each).
    declined_dir = isolated / "declined"
    declined_dir.mkdir()
    config = isolated / "config.toml"
    declined_config = declined_dir / "config.toml"
    shutil.copy(config, declined_config)
    shutil.copy(isolated / "quizzer.db", declined_dir / "quizzer.db")  # closed: no WAL left
    one_thread = {"OMP_NUM_THREADS": "1"}
    declined_run = start_quizzer(
        "optimize",
        env={
            **one_thread,
            "QUIZZER_DB": str(declined_dir / "quizzer.db"),
            "QUIZZER_CONFIG": str(declined_config),
        },
    )
    accepted_run = start_quizzer("optimize", "--yes", env=one_thread)
    declined = finish(declined_run, input="n\n", timeout=300)
    accepted = finish(accepted_run, timeout=300)

    assert declined.returncode == 0, declined.stderr
    assert "log-loss:" in declined.stdout
    assert "Not saved." in declined.stdout
    assert tomllib.loads(declined_config.read_text()).get("fsrs_parameters", []) == []
    assert accepted.returncode == 0, accepted.stderr
    before, after = (
        float(x)
        for x in accepted.stdout.split("log-loss: ")[1]
        .split(" fitted")[0]
        .split(" with the current parameters, ")
    )
    assert after < before
    saved = tomllib.loads(config.read_text())["fsrs_parameters"]
    assert len(saved) == 21
    assert tomllib.loads(config.read_text())["fuzz"] is False  # other settings are kept
