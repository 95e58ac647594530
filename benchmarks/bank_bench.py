"""Loading a generated 10,000-question bank: cold (YAML parsed and validated) and warm
(the parsed files come from the cache keyed by their content)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import write_bank
from quizzer.bank.loader import load_bank


def _load(bank: Path, cache: Path) -> float:
    start = time.perf_counter()
    loaded = load_bank([bank], cache=cache)
    elapsed = time.perf_counter() - start
    if len(loaded.questions) != 10_000 or loaded.errors:
        raise RuntimeError(f"bank loaded {len(loaded.questions)} questions, {loaded.errors[:3]}")
    return elapsed


def run(quick: bool) -> list[dict]:
    """``bank_load_10k`` (warm, median) with the cold figure and the bank's size."""
    with tempfile.TemporaryDirectory(prefix="quizzer-bank-") as tmp:
        bank = write_bank(Path(tmp) / "bank", 10_000)
        size_mb = sum(p.stat().st_size for p in bank.iterdir()) / 1e6
        cache = Path(tmp) / "cache"
        cold = _load(bank, cache)
        warm = statistics.median(_load(bank, cache) for _ in range(3 if quick else 9))
    return [
        {
            "name": "bank_load_10k",
            "value": round(warm, 3),
            "unit": "s",
            "cold": round(cold, 3),
            "bank_mb": round(size_mb, 1),
        }
    ]
