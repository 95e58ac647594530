"""The clock: real time, or ``QUIZZER_NOW`` so tests and users can simulate days.

All instants are timezone-aware UTC. A study "day" starts at the rollover hour in local time
(4 am by default, like Anki), so a late-night session still counts for the evening before.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from quizzer.errors import QuizzerError
from quizzer.safe_text import clip

EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""Instants quizzer accepts: FSRS schedules up to a century ahead, and day arithmetic near
year 1 or 9999 would overflow ``datetime``."""


class ClockError(QuizzerError, ValueError):
    """``QUIZZER_NOW`` is not an ISO 8601 timestamp."""


def now() -> datetime:
    """The current instant (UTC), or ``QUIZZER_NOW`` when it is set."""
    if text := os.environ.get("QUIZZER_NOW"):
        return parse_instant(text, "QUIZZER_NOW")
    return datetime.now(UTC)


def parse_instant(text: str, where: str = "timestamp") -> datetime:
    """Read an ISO 8601 timestamp; one without an offset is local time."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ClockError(
            f"{where}: {clip(text, 60)!r} is not an ISO 8601 timestamp (e.g. 2026-01-31T09:00)"
        ) from None
    if not EARLIEST.year <= value.year <= LATEST.year - 1:
        raise ClockError(
            f"{where}: {clip(text, 60)!r} is outside the years quizzer can schedule in "
            f"({EARLIEST.year}-{LATEST.year - 1})"
        )
    try:
        if value.tzinfo is None:
            value = value.astimezone()
        return value.astimezone(UTC)
    except (OverflowError, OSError, ValueError):
        raise ClockError(f"{where}: {clip(text, 60)!r} cannot be read as a local time") from None


def day_start(instant: datetime, rollover_hour: int = 4) -> datetime:
    """The start (UTC) of the study day that contains ``instant``."""
    local = instant.astimezone()
    start = local.replace(hour=rollover_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(UTC)


def next_day_start(instant: datetime, rollover_hour: int = 4) -> datetime:
    """The start (UTC) of the study day after the one that contains ``instant``."""
    start = day_start(instant, rollover_hour).astimezone()
    return (start + timedelta(days=1)).replace(hour=rollover_hour).astimezone(UTC)


def to_ms(instant: datetime) -> int:
    """Milliseconds since the Unix epoch (the storage format)."""
    return int(instant.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """The UTC instant for milliseconds since the Unix epoch."""
    return datetime.fromtimestamp(ms / 1000, UTC)
