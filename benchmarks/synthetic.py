"""Realistic synthetic data for benchmarks: a review database and a large question bank.

``make_db`` writes a database with the real schema (created by :class:`quizzer.store.db.Store`)
holding ``cards`` reviewed questions and ``reviews`` reviews. Each card's history is a chain
of reviews taken when the card fell due, with intervals that grow on success and reset on a
lapse, ending so that a few percent of the cards are due "now" (as for a person who keeps
up); each day's reviews fall in one study hour. Reviews are inserted in time order, as a
real history is. ``cached_db`` builds such a database once per parameter set, generator and
schema version, and reuses it.

``write_bank`` writes a question bank of ``n`` questions in the shipped bank's style.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
from pathlib import Path

from quizzer.store.db import Store
from quizzer.store.migrations import SCHEMA_VERSION

DAY_MS = 86_400_000
NOW_MS = 1_772_445_600_000  # 2026-03-02T10:00:00Z, the tests' fixed clock
MAX_IVL_DAYS = 730.0
SESSION_START_MS = 6 * 3_600_000  # everyone studies 06:00-07:00 UTC in this data set
GENERATOR_VERSION = 2  # part of the cache key: bump when the data set changes
ANSWERS = ["", "", "", "0.357", "1.204", "x(1-x)", "b", "a, c", "-ln(p)", "2.5e-3", "3/4", "e^x"]
CARD_SQL = (
    "INSERT INTO cards (id, question_id, state, step, stability, difficulty, due, "
    "last_review, reps, lapses) VALUES (?,?,?,?,?,?,?,?,?,?)"
)
REVIEW_SQL = (
    "INSERT INTO reviews (card_id, reviewed_at, rating, status, answer, seed, duration_ms, "
    "cram, before_state, after_state, after_step, after_stability, after_difficulty, after_due) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def question_id(index: int) -> str:
    """The bank id of synthetic question ``index`` (shared by ``make_db`` and ``write_bank``)."""
    return f"gen{index // 100:04d}.q{index:06d}"


def _in_session(at: int) -> int:
    """Move a review into its day's study hour, keeping the order: real histories come in
    sessions, not spread evenly around the clock."""
    day = at - at % DAY_MS
    return day + SESSION_START_MS + (at - day) * 3_600_000 // DAY_MS


def _chain(
    rng: random.Random, card_id: int, count: int
) -> tuple[tuple[object, ...], list[tuple[object, ...]]]:
    """One card's final row and its ``count`` review rows, oldest first."""
    ratings, intervals = [], []
    ivl = 0.0
    for n in range(count):
        roll = rng.random()
        rating = 1 if roll < 0.1 else 2 if roll < 0.18 else 4 if roll > 0.9 else 3
        if n == count - 1 and rating == 1:
            rating = 3  # a person who keeps up has passed the card since its last lapse
        if n == 0:
            ivl = {1: 0.007, 2: 0.2, 3: 1.0, 4: 3.0}[rating]
        elif rating == 1:
            ivl = 0.007
        else:
            grow = {2: 1.2, 3: 2.5, 4: 3.5}[rating] * (0.9 + 0.2 * rng.random())
            ivl = min(MAX_IVL_DAYS, max(1.0, ivl) * grow)
        ratings.append(rating)
        intervals.append(ivl)
    # The last review happened some fraction of its interval ago; ~2% of cards are overdue.
    last = NOW_MS - int(intervals[-1] * DAY_MS * rng.random() * 1.02)
    times = [last]
    for ivl in reversed(intervals[:-1]):
        times.append(times[-1] - int(ivl * DAY_MS * (1.0 + 0.3 * rng.random())) - 60_000)
    times.reverse()
    times = [_in_session(t) for t in times]

    rows: list[tuple[object, ...]] = []
    state, step, stab, diff, due, last_review, lapses = 0, None, None, None, None, None, 0
    for at, rating, ivl in zip(times, ratings, intervals, strict=True):
        new_stab = round((stab or 1.0) * (0.4 if rating == 1 else 1.0 + ivl / 10), 6) + 0.1
        new_diff = round(min(10.0, max(1.0, (diff or 5.0) + (2.5 - rating) * 0.6)), 6)
        new_state = 3 if rating == 1 and state == 2 else (1 if ivl < 1 else 2)
        new_step = 0 if new_state in (1, 3) else None
        new_due = at + int(ivl * DAY_MS)
        lapses += rating == 1 and state == 2
        answer = ANSWERS[int(rng.random() * len(ANSWERS))]
        status = "ungraded" if not answer else ("incorrect" if rating == 1 else "correct")
        rows.append(
            (
                card_id,
                at,
                rating,
                status,
                answer,
                rng.getrandbits(31),
                2_000 + int(rng.random() * 88_000),
                0,
                state,
                new_state,
                new_step,
                new_stab,
                new_diff,
                new_due,
            )
        )
        state, step, stab, diff, due, last_review = (
            new_state,
            new_step,
            new_stab,
            new_diff,
            new_due,
            at,
        )
    card = (card_id, question_id(card_id - 1), state, step, stab, diff, due, last_review)
    return (*card, count, lapses), rows


def make_db(
    path: Path | str, cards: int = 100_000, reviews: int = 1_000_000, seed: int = 0
) -> Path:
    """Write a database of ``cards`` reviewed questions and ``reviews`` reviews to ``path``.

    The file is created with the real schema and opened the way quizzer opens it; an existing
    file at ``path`` is replaced. Returns the path.
    """
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    Store.open(path).close()
    rng = random.Random(seed)
    per_card, extra = divmod(reviews, cards) if cards else (0, 0)
    card_rows, review_rows = [], []
    for index in range(cards):
        card, rows = _chain(rng, index + 1, per_card + (index < extra))
        if rows:
            card_rows.append(card)
            review_rows.extend(rows)
    review_rows.sort(key=lambda row: row[1])  # type: ignore[arg-type, return-value]
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MiB: keep index pages in memory
        conn.execute("BEGIN")
        conn.executemany(CARD_SQL, card_rows)
        conn.executemany(REVIEW_SQL, review_rows)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return path


def cached_db(cards: int = 100_000, reviews: int = 1_000_000, seed: int = 0) -> Path:
    """A database from :func:`make_db`, built once per parameters and schema version.

    Kept in ``QUIZZER_BENCH_DIR`` (default: a ``quizzer-bench`` folder in the temp dir).
    Benchmarks that write to it must work on a copy.
    """
    root = Path(
        os.environ.get("QUIZZER_BENCH_DIR") or Path(tempfile.gettempdir()) / "quizzer-bench"
    )
    root.mkdir(parents=True, exist_ok=True)
    name = f"synthetic-g{GENERATOR_VERSION}-v{SCHEMA_VERSION}-{cards}-{reviews}-{seed}.db"
    path = root / name
    if not path.exists():
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        make_db(tmp, cards, reviews, seed)
        tmp.replace(path)
    return path


_QUESTION = """\
- id: {id}
  topic: Generated topic {topic}
  prompt: |
    A model gives the correct token probability {{p}}. What is the cross-entropy loss
    (natural log)? Question {index} of the generated bank.
  params:
    p: {{choices: [0.3, 0.7, 0.9, 0.01]}}
  answer:
    kind: numeric
    value: "-ln(p)"
    rtol: 0.005
  hints: ["Loss is -log of the probability of the correct class.", "Use the natural log."]
  mistakes:
    - answer: "-log10(p)"
      feedback: "That is log base 10; cross-entropy uses the natural log."
  explanation: |
    Cross-entropy with a one-hot target is $-\\ln p$ of the correct class, so the loss
    falls to zero as $p \\to 1$ and grows without bound as $p \\to 0$; perplexity is $e^{{H}}$.
  tags: [loss, numeric, generated]

"""


def write_bank(directory: Path | str, n: int = 10_000, files: int = 20) -> Path:
    """Write a bank of ``n`` numeric questions (about 0.7 KB each, 7 MB for 10k, the size
    the issue's YAML timing refers to) in ``files`` YAML files."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    per_file = -(-n // files)
    for f in range(files):
        chunk = range(f * per_file, min(n, (f + 1) * per_file))
        text = "".join(_QUESTION.format(id=question_id(i), topic=i // 100, index=i) for i in chunk)
        (directory / f"generated_{f:02d}.yaml").write_text(text, encoding="utf-8")
    return directory


_SMALL_QUESTION = """\
- id: {id}
  topic: Generated topic {topic}
  prompt: "Question {index}: the loss at p = {{p}}?"
  params: {{p: {{choices: [0.3, 0.7]}}}}
  answer: {{kind: numeric, value: "-ln(p)", rtol: 0.005}}
  tags: [generated]

"""


def cached_bank(n: int = 238_000, files: int = 100) -> Path:
    """A bank of ``n`` short numeric questions (about 210 bytes each: 50 MB for 238,000, the
    size of the largest bank reported), written once into the benchmark folder."""
    root = Path(
        os.environ.get("QUIZZER_BENCH_DIR") or Path(tempfile.gettempdir()) / "quizzer-bench"
    )
    directory = root / f"bank-g{GENERATOR_VERSION}-{n}"
    done = directory / ".complete"
    if not done.exists():
        directory.mkdir(parents=True, exist_ok=True)
        per_file = -(-n // files)
        for f in range(files):
            chunk = range(f * per_file, min(n, (f + 1) * per_file))
            text = "".join(
                _SMALL_QUESTION.format(id=question_id(i), topic=i // 100, index=i) for i in chunk
            )
            (directory / f"generated_{f:03d}.yaml").write_text(text, encoding="utf-8")
        done.touch()
    return directory
