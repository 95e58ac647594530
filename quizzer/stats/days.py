"""Study days: their boundaries (rollover hour, local time), review counts and streaks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from quizzer.clock import day_start, to_ms


def study_date(instant: datetime, rollover_hour: int) -> date:
    """The calendar date (local) of the study day that contains ``instant``."""
    return day_start(instant, rollover_hour).astimezone().date()


def day_boundaries(first: date, last: date, rollover_hour: int) -> list[int]:
    """Epoch-ms starts of every study day from ``first`` to ``last``, plus the end of ``last``.

    Each start is built from the local calendar date, so days stay aligned across DST."""
    days = (last - first).days + 1
    return [
        to_ms(datetime.combine(first + timedelta(days=i), time(rollover_hour)).astimezone(UTC))
        for i in range(days + 1)
    ]


def streaks(counts: list[int]) -> tuple[int, int]:
    """(current, longest) runs of days with at least one review; ``counts`` ends today.

    A streak is still current when today has no review yet but yesterday had: the day is
    not over."""
    longest = run = 0
    for n in counts:
        run = run + 1 if n else 0
        longest = max(longest, run)
    if counts and not counts[-1]:
        counts = counts[:-1]
    current = 0
    for n in reversed(counts):
        if not n:
            break
        current += 1
    return current, longest
