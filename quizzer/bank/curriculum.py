"""The order in which new questions are introduced.

A bank directory may hold ``topics.txt``: one topic per line, in the order a learner should
meet them (``#`` starts a comment). Topics it does not name follow in bank order. Within a
topic the easier kinds come first (choices, then numbers, vectors, formulas, recall,
derivations). The
first topic is studied alone for a few questions, then the next one opens, and the open
topics take turns, so a first day touches several topics instead of exhausting one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from pathlib import Path

from quizzer.bank.schema import Question

TOPICS_FILE = "topics.txt"

KIND_RANK = {"choice": 0, "numeric": 1, "vector": 2, "expression": 3, "recall": 4, "derivation": 5}
"""Easier kinds first: recognising, computing, writing a formula, explaining, and last a
derivation, the hardest kind to answer."""

OPEN_EVERY = 4
"""A new topic opens after this many questions were introduced since the last one opened."""


def read_topics_file(path: Path) -> tuple[list[tuple[str, int]], list[tuple[int, str]]]:
    """The topics of a ``topics.txt`` as (name, line) pairs, and (line, message) problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [(1, f"cannot read file: {exc}")]
    topics: list[tuple[str, int]] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        name = raw.split("#", 1)[0].strip()
        if not name:
            continue
        if name.casefold() in seen:
            problems.append(
                (number, f"topic {name!r} is listed twice (first at line {seen[name.casefold()]})")
            )
            continue
        seen[name.casefold()] = number
        topics.append((name, number))
    return topics, problems


def ordered_topics(declared: Sequence[str], questions: Iterable[Question]) -> list[str]:
    """Every topic of ``questions`` once: the declared ones first, in declared order, then
    the rest in bank order."""
    present = list(dict.fromkeys(q.topic for q in questions))
    wanted = {t.casefold(): t for t in present}
    first = [wanted[d.casefold()] for d in declared if d.casefold() in wanted]
    return list(dict.fromkeys([*first, *present]))


def introduction_order(questions: Iterable[Question], topic_order: Sequence[str]) -> list[str]:
    """The ids of ``questions`` in the order new questions are introduced.

    ``topic_order`` lists every topic of ``questions`` (see :func:`ordered_topics`). One
    topic opens every :data:`OPEN_EVERY` introductions; the open topics take turns, the
    newest first when it opens."""
    by_topic: dict[str, list[Question]] = {t: [] for t in topic_order}
    for q in questions:
        by_topic.setdefault(q.topic, []).append(q)
    closed = deque(
        deque(sorted(qs, key=lambda q: KIND_RANK.get(q.kind, len(KIND_RANK))))
        for qs in by_topic.values()
        if qs
    )
    opened: list[deque[Question]] = []
    out: list[str] = []
    turn = since_open = 0
    while closed or opened:
        if closed and (not opened or since_open >= OPEN_EVERY):
            opened.append(closed.popleft())
            turn, since_open = len(opened) - 1, 0
        turn %= len(opened)
        out.append(opened[turn].popleft().id)
        since_open += 1
        if opened[turn]:
            turn += 1
        else:
            del opened[turn]  # the next topic in turn now sits at this index
    return out
