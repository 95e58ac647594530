"""Run every benchmark and print one JSON object per line.

    python benchmarks/run.py [--quick]

Each line is ``{"name", "value", "unit", "baseline", "ratio", ...}``; ``baseline`` and
``ratio`` are set where a same-run comparison applies (start-up against a bare Textual app,
demos against ``python -c "import torch"``).
A benchmark that fails prints ``{"name": ..., "error": ...}`` and the others still run.
Figures are measurements, never pass/fail: the goals live in the README's Performance
section. The synthetic 1M-review database is built once and cached (see
``benchmarks/synthetic.py``); the first run pays for it.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import synthetic  # noqa: E402

NAMES = {
    "startup": ["startup_first_question", "startup_first_question_1m", "rss_tui_mb", "cli_version"],
    "interaction": ["quit", "first_grade", "first_grade_numeric"],
    "store": ["review_commit", "due_queue_1m_reviews", "db_bytes_per_review"],
    "bank": ["bank_load_10k", "bank_list_238k"],
    "check": ["check_median", "check_p99"],
    "stack": [
        "stack_agree",
        "stack_false_accept",
        "stack_false_reject",
        "stack_check_median",
        "stack_check_p99",
    ],
    "stats": ["stats_1m_reviews", "export_1m_reviews"],
    "anki": ["anki_first_due_card", "anki_graphs_365d", "anki_revlog_csv"],
    "hostile": ["bank_check_alias_bomb_s", "bank_check_alias_bomb_peak_mb"],
    "demo": ["demo_first_run", "demo_second_run", "demo_warm_idle_rss_mb"],
}


def _emit(record: dict) -> None:
    record.setdefault("baseline", None)
    record.setdefault("ratio", None)
    print(json.dumps(record), flush=True)


def _group(name: str, bench: Callable[[], list[dict]]) -> None:
    started = time.perf_counter()
    try:
        records = bench()
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        records = [
            {"name": m, "value": None, "unit": None, "error": repr(exc)} for m in NAMES[name]
        ]
    for record in records:
        _emit(record)
    print(f"# {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; ``--quick`` uses fewer repetitions."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (< 3 min)")
    parser.add_argument(
        "--only", action="append", choices=sorted(NAMES), help="run only this group (repeatable)"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    started = time.perf_counter()
    print(
        f"# {platform.node()}: {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, quick={quick}",
        file=sys.stderr,
    )
    big_db = synthetic.cached_db(100_000, 1_000_000)

    def startup() -> list[dict]:
        from benchmarks import startup

        with tempfile.TemporaryDirectory(prefix="quizzer-small-") as tmp:
            from quizzer.store.db import Store

            small = Path(tmp) / "quizzer.db"
            Store.open(small).close()
            return startup.run(quick, small, big_db)

    def interaction() -> list[dict]:
        from benchmarks import interaction

        return interaction.run(quick)

    def store() -> list[dict]:
        from benchmarks import store_bench

        return store_bench.run(quick, big_db)

    def bank() -> list[dict]:
        from benchmarks import bank_bench

        return bank_bench.run(quick)

    def check() -> list[dict]:
        from benchmarks import check_bench

        return check_bench.run(quick)

    def stack() -> list[dict]:
        from benchmarks import stack_conformance

        return stack_conformance.records(quick)

    def stats() -> list[dict]:
        from benchmarks import stats_bench

        return stats_bench.run(quick, big_db)

    def anki() -> list[dict]:
        from benchmarks import anki_bench

        return anki_bench.run(quick, big_db)

    def hostile() -> list[dict]:
        from benchmarks import hostile_bench

        return hostile_bench.run(quick)

    def demo() -> list[dict]:
        from benchmarks import demo_bench

        return demo_bench.run(quick)

    for name, bench in [
        ("startup", startup),
        ("interaction", interaction),
        ("store", store),
        ("bank", bank),
        ("check", check),
        ("stack", stack),
        ("stats", stats),
        ("anki", anki),
        ("hostile", hostile),
        ("demo", demo),
    ]:
        if args.only is None or name in args.only:
            _group(name, bench)
    print(f"# done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
