"""The domain vocabulary: labels, option letters, statuses shown the same way everywhere,
and one error base whose exit codes the command line uses."""

from __future__ import annotations

import pytest

from quizzer.check import CheckError
from quizzer.clock import ClockError
from quizzer.config import ConfigError
from quizzer.demos.runner import DemoUnavailable
from quizzer.errors import ExitCode, QuizzerError, format_error
from quizzer.model import Rating, State, Status, option_letter, rating_label, state_label
from quizzer.presentation import STATUS_COLOUR, STATUS_TEXT, status_colour, status_text
from quizzer.schedule.optimize import OptimizeError
from quizzer.store.db import StoreError
from quizzer.workspace import BankUnavailable


def test_enums_compare_equal_to_what_the_database_stores() -> None:
    assert Rating.GOOD == 3 and f"{Rating.GOOD}" == "3"
    assert State(2) is State.REVIEW
    assert Status("revealed") is Status.REVEALED and Status.CORRECT == "correct"


def test_labels_of_stored_numbers_tolerate_unknown_values() -> None:
    assert [r.label for r in Rating] == ["Again", "Hard", "Good", "Easy"]
    assert [s.label for s in State] == ["new", "learning", "review", "relearning"]
    assert rating_label(9) == "" and state_label(9) == "9"


def test_option_letters_run_from_a() -> None:
    assert [option_letter(i) for i in range(4)] == ["a", "b", "c", "d"]


def test_every_status_has_one_text_and_one_colour() -> None:
    assert set(STATUS_TEXT) == set(Status) == set(STATUS_COLOUR)
    assert status_text(Status.REVEALED) == "Not answered: here is the solution."
    assert status_colour(Status.INCORRECT) == "red"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (StoreError, ExitCode.USER_ERROR),
        (ConfigError, ExitCode.USER_ERROR),
        (ClockError, ExitCode.USER_ERROR),
        (BankUnavailable, ExitCode.USER_ERROR),
        (CheckError, ExitCode.USER_ERROR),
        (OptimizeError, ExitCode.USER_ERROR),
        (DemoUnavailable, ExitCode.UNAVAILABLE),
    ],
)
def test_every_user_error_shares_one_base_and_exit_code(
    error: type[QuizzerError], code: ExitCode
) -> None:
    assert issubclass(error, QuizzerError)
    assert error("x").exit_code == code
    assert format_error(error("it broke")) == "quizzer: error: it broke"
