"""Stats page and export on 100k cards and 1M reviews, each against an anchor measured in
the same run (``quick`` repeats less).

- ``stats_1m_reviews``: seconds of :func:`quizzer.stats.summary.compute`, warm, median of
  the runs. ``baseline`` is one bare SQLite pass summing every review (count, passed,
  answer time) on the same database: what reading the history once costs; ``ratio`` is the
  stats time over it. The goal (README) is 0.5 s.
- ``export_1m_reviews``: reviews per second of ``quizzer export --format csv`` to
  ``/dev/null``. ``baseline`` is a bare Python ``sqlite3`` + ``csv.writer`` loop over the
  same rows (the stored columns as they are: no topics, no ISO times, no due_before);
  ``ratio`` is the export rate over it (above 1: faster than the bare loop). JSON alongside.

The machine may be shared, so every run is interleaved with its anchor, each figure carries
the CPU time of the same runs and the load average around them.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.synthetic import NOW_MS, cached_db, write_bank
from quizzer.bank.loader import load_bank
from quizzer.clock import from_ms
from quizzer.config import Settings
from quizzer.stats.export import export
from quizzer.stats.summary import compute
from quizzer.store.db import Store

STATS_GOAL_S = 0.5
EXPORT_GOAL = 300_000
BANK_SIZE = 10_000
ANCHOR_SQL = (
    "SELECT id, card_id, reviewed_at, rating, status, answer, duration_ms, seed, cram, "
    "before_state, after_state, after_due FROM reviews ORDER BY id"
)


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``run()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def _bare_scan(db: Path) -> None:
    """The stats anchor: one pass over every review, summed by SQLite."""
    conn = sqlite3.connect(db)
    try:
        conn.execute(
            "SELECT count(*), sum(rating > 1), sum(duration_ms) FROM reviews WHERE NOT cram"
        ).fetchone()
    finally:
        conn.close()


def _bare_csv(db: Path) -> None:
    """The export anchor: the stored rows through ``csv.writer`` in batches."""
    conn = sqlite3.connect(db)
    try:
        with open(os.devnull, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            cursor = conn.execute(ANCHOR_SQL)
            while rows := cursor.fetchmany(20_000):
                writer.writerows(rows)
    finally:
        conn.close()


def _median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def run(quick: bool, big_db: Path | None = None) -> list[dict]:
    """``stats_1m_reviews`` (s, warm), ``stats_first_run_1m_reviews`` (s, the first compute
    on a freshly opened database) and ``export_1m_reviews`` (reviews/s, CSV; JSON
    alongside), each with its same-run anchor."""
    cards, reviews = 100_000, 1_000_000
    source = big_db if big_db is not None else cached_db(cards, reviews)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="quizzer-stats-") as tmp:
        db = Path(tmp) / "quizzer.db"
        shutil.copyfile(source, db)
        # A 10k-question bank (100 topics): a tenth of the cards are in it, the rest count
        # as "not in bank"; loading 100k questions would take longer than the benchmark.
        bank = load_bank([write_bank(Path(tmp) / "bank", n=min(cards, BANK_SIZE))])
        now = from_ms(NOW_MS)
        settings = Settings()
        with Store.open(db) as store:
            first, _ = _timed(lambda: compute(store, bank, now, settings))
            stats, scans = [], []
            for _ in range(3 if quick else 7):
                stats.append(_timed(lambda: compute(store, bank, now, settings)))
                scans.append(_timed(lambda: _bare_scan(db)))

            def exporting(fmt: str) -> Callable[[], object]:
                def write() -> None:
                    with open(os.devnull, "w", encoding="utf-8", newline="") as out:
                        assert export(store, bank, out, fmt) == reviews

                return write

            csvs, jsons, bare = [], [], []
            for _ in range(1 if quick else 3):
                csvs.append(_timed(exporting("csv")))
                bare.append(_timed(lambda: _bare_csv(db)))
                jsons.append(_timed(exporting("json")))
    load = f"{load_before:.2f}-{os.getloadavg()[0]:.2f}"
    stats_s, stats_cpu = _median(stats)
    scan_s, scan_cpu = _median(scans)
    (csv_s, csv_cpu), (json_s, json_cpu), (bare_s, bare_cpu) = map(_median, (csvs, jsons, bare))
    return [
        {
            "name": "stats_1m_reviews",
            "value": round(stats_s, 3),
            "unit": "s",
            "baseline": round(scan_s, 3),
            "ratio": round(stats_s / scan_s, 2),
            "anchor": "one bare SQLite pass summing all 1M reviews",
            "cpu_s": round(stats_cpu, 3),
            "anchor_cpu_s": round(scan_cpu, 3),
            "goal_s": STATS_GOAL_S,
            "runs": len(stats),
            "load": load,
        },
        {"name": "stats_first_run_1m_reviews", "value": round(first, 3), "unit": "s"},
        {
            "name": "export_1m_reviews",
            "value": round(reviews / csv_s),
            "unit": "reviews/s",
            "baseline": round(reviews / bare_s),
            "ratio": round(bare_s / csv_s, 2),
            "anchor": "bare sqlite3 + csv.writer over the stored rows",
            "cpu_reviews_per_s": round(reviews / csv_cpu),
            "anchor_cpu_reviews_per_s": round(reviews / bare_cpu),
            "json_reviews_per_s": round(reviews / json_s),
            "json_ratio": round(bare_s / json_s, 2),
            "json_cpu_reviews_per_s": round(reviews / json_cpu),
            "goal": EXPORT_GOAL,
            "runs": len(csvs),
            "load": load,
        },
    ]


if __name__ == "__main__":
    import json
    import sys

    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row))
