"""How an answer's status is shown: one line of text and one colour, the same in plain mode
and in the TUI (which renders the colour; plain mode prints the text alone)."""

from __future__ import annotations

from quizzer.model import Status

STATUS_TEXT: dict[Status, str] = {
    Status.CORRECT: "Correct.",
    Status.INCORRECT: "Incorrect.",
    Status.INVALID: "Can't read that answer.",
    Status.TIMEOUT: "The check took too long; grade yourself.",
    Status.UNGRADED: "Compare with the explanation and grade yourself.",
    Status.REVEALED: "Not answered: here is the solution.",
}
"""The verdict line of each status."""

STATUS_COLOUR: dict[Status, str] = {
    Status.CORRECT: "green",
    Status.INCORRECT: "red",
    Status.INVALID: "red",
    Status.TIMEOUT: "yellow",
    Status.UNGRADED: "cyan",
    Status.REVEALED: "yellow",
}
"""The Rich colour of each status's verdict line."""


def status_text(status: Status) -> str:
    """The verdict line shown for ``status``."""
    return STATUS_TEXT[status]


def status_colour(status: Status) -> str:
    """The colour (a Rich style name) of the verdict line for ``status``."""
    return STATUS_COLOUR[status]
