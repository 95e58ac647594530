"""Database benchmarks on 100k cards and 1M reviews: committing a graded review, building
the due queue, and bytes per review on disk."""

from __future__ import annotations

import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import NOW_MS, question_id
from quizzer.clock import from_ms
from quizzer.config import Settings
from quizzer.model import ReviewInput
from quizzer.schedule.queue import build_queue
from quizzer.schedule.scheduler import apply_rating, make_scheduler
from quizzer.store.db import Store


def review_commit(db: Path, n: int) -> tuple[float, float]:
    """Median and p99 ms of the work after a grade: the FSRS step, the review row, the card
    state and the commit, on a copy of ``db``."""
    scheduler = make_scheduler(Settings(), fuzz=True)
    rng = random.Random(1)
    times = []
    with tempfile.TemporaryDirectory(prefix="quizzer-commit-") as tmp:
        copy = Path(tmp) / "quizzer.db"
        shutil.copyfile(db, copy)
        with Store.open(copy) as store:
            cards = len(store.card_question_ids())
            at_ms = NOW_MS
            for _ in range(n):
                qid = question_id(rng.randrange(cards))
                before = store.card(qid)
                at_ms += 7_000
                start = time.perf_counter()
                after = apply_rating(scheduler, before, qid, 3, from_ms(at_ms))
                store.record(before, after, ReviewInput(at_ms, 3, "correct", "0.357", 7, 6000))
                times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def due_queue(db: Path, runs: int) -> float:
    """Median ms to build the due queue over a bank holding every card's question."""
    ids = dict.fromkeys(question_id(i) for i in range(100_000)).keys()  # like bank.questions
    now = from_ms(NOW_MS)
    settings = Settings()
    times = []
    with Store.open(db) as store:
        build_queue(store, ids, now, settings)  # warm the page cache
        for _ in range(runs):
            start = time.perf_counter()
            build_queue(store, ids, now, settings)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bytes_per_review(db: Path) -> float:
    """File size / reviews of ``db`` (the stats aggregates included: they are schema v4)."""
    with Store.open(db) as store:
        reviews = store.reviews_total()
    return db.stat().st_size / reviews


def run(quick: bool, big_db: Path) -> list[dict]:
    """``review_commit``, ``due_queue_1m_reviews`` and ``db_bytes_per_review``."""
    median, p99 = review_commit(big_db, 300 if quick else 2000)
    per_review = bytes_per_review(big_db)
    return [
        {"name": "review_commit", "value": round(median, 3), "unit": "ms", "p99": round(p99, 3)},
        {
            "name": "due_queue_1m_reviews",
            "value": round(due_queue(big_db, 5 if quick else 21), 2),
            "unit": "ms",
        },
        {
            "name": "db_bytes_per_review",
            "value": round(per_review, 1),
            "unit": "bytes",
        },
    ]
