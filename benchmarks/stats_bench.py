"""Stats page and export on 100k cards and 1M reviews (``quick`` repeats less).

``baseline`` is the goal (stats page within 1 s, export at 300k reviews/s) and ``ratio``
the measured value over it: below 1 is better for the stats time, above 1 for export.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import NOW_MS, cached_db, write_bank
from quizzer.bank.loader import load_bank
from quizzer.clock import from_ms
from quizzer.config import Settings
from quizzer.stats.export import export
from quizzer.stats.summary import compute
from quizzer.store.db import Store

STATS_GOAL_S = 1.0
EXPORT_GOAL = 300_000
BANK_SIZE = 10_000


def run(quick: bool, big_db: Path | None = None) -> list[dict]:
    """``stats_1m_reviews`` (s, warm), ``stats_first_run_1m_reviews`` (s, building the
    aggregates of a database that never showed stats) and ``export_1m_reviews`` (reviews/s,
    CSV; JSON alongside)."""
    cards, reviews = 100_000, 1_000_000
    source = big_db if big_db is not None else cached_db(cards, reviews)
    with tempfile.TemporaryDirectory(prefix="quizzer-stats-") as tmp:
        db = Path(tmp) / "quizzer.db"
        shutil.copyfile(source, db)
        # A 10k-question bank (100 topics): a tenth of the cards are in it, the rest count
        # as "not in bank"; loading 100k questions would take longer than the benchmark.
        bank = load_bank([write_bank(Path(tmp) / "bank", n=min(cards, BANK_SIZE))])
        now = from_ms(NOW_MS)
        settings = Settings()
        with Store.open(db) as store:
            start = time.perf_counter()
            compute(store, bank, now, settings)
            first = time.perf_counter() - start
            warm = []
            for _ in range(3 if quick else 5):
                start = time.perf_counter()
                compute(store, bank, now, settings)
                warm.append(time.perf_counter() - start)
            rates = {}
            for fmt in ("csv", "json"):
                with open(os.devnull, "w", encoding="utf-8") as out:
                    start = time.perf_counter()
                    n = export(store, bank, out, fmt)
                    rates[fmt] = n / (time.perf_counter() - start)
    stats_s = statistics.median(warm)
    return [
        {
            "name": "stats_1m_reviews",
            "value": round(stats_s, 3),
            "unit": "s",
            "baseline": STATS_GOAL_S,
            "ratio": round(stats_s / STATS_GOAL_S, 2),
            "reviews": reviews,
        },
        {"name": "stats_first_run_1m_reviews", "value": round(first, 3), "unit": "s"},
        {
            "name": "export_1m_reviews",
            "value": round(rates["csv"]),
            "unit": "reviews/s",
            "baseline": EXPORT_GOAL,
            "ratio": round(rates["csv"] / EXPORT_GOAL, 2),
            "json_reviews_per_s": round(rates["json"]),
        },
    ]


if __name__ == "__main__":
    import json
    import sys

    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row))
