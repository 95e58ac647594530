"""Loading banks, and listing a very large one.

* ``bank_load_10k``: a generated 10,000-question bank, cold (YAML parsed and validated) and
  warm (the parsed files come from the cache keyed by their content).
* ``bank_list_238k``: ``quizzer bank list`` on a 50 MB, 238,000-question bank, the whole
  process, against a process that only loads the same bank warm (both with a warm cache).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import cached_bank, write_bank
from quizzer.bank.loader import load_bank

ROOT = Path(__file__).resolve().parent.parent
BIG = 238_000
LOAD_ONLY = (
    "import sys\n"
    "from pathlib import Path\n"
    "from quizzer.bank.loader import load_bank\n"
    "bank = load_bank([Path(sys.argv[1])], cache=Path(sys.argv[2]))\n"
    "assert len(bank.questions) == int(sys.argv[3])\n"
)


def _load(bank: Path, cache: Path) -> float:
    start = time.perf_counter()
    loaded = load_bank([bank], cache=cache)
    elapsed = time.perf_counter() - start
    if len(loaded.questions) != 10_000 or loaded.errors:
        raise RuntimeError(f"bank loaded {len(loaded.questions)} questions, {loaded.errors[:3]}")
    return elapsed


def _wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        subprocess.run(command, env=env, stdout=sink, check=True, timeout=900)
    return time.perf_counter() - start


def bank_list(quick: bool) -> dict:
    """``bank_list_238k`` (s) against the warm load of the same bank (s), whole processes."""
    bank = cached_bank(BIG)
    cache = bank.parent / f"{bank.name}-cache"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZZER_CACHE": str(cache)}
    load = [sys.executable, "-c", LOAD_ONLY, str(bank), str(cache), str(BIG)]
    listing = [sys.executable, "-m", "quizzer", "--bank", str(bank), "bank", "list"]
    _wall(load, env)  # fills the cache the first time (YAML: minutes), then warms the OS cache
    ours, anchor = [], []
    for _ in range(1 if quick else 3):
        anchor.append(_wall(load, env))
        ours.append(_wall(listing, env))
    value, baseline = statistics.median(ours), statistics.median(anchor)
    size_mb = sum(p.stat().st_size for p in bank.glob("*.yaml")) / 1e6
    return {
        "name": "bank_list_238k",
        "value": round(value, 3),
        "unit": "s",
        "baseline": round(baseline, 3),
        "ratio": round(value / baseline, 2),
        "bank_mb": round(size_mb, 1),
    }


def run(quick: bool) -> list[dict]:
    """``bank_load_10k`` (warm, median) with the cold figure and the bank's size, and
    ``bank_list_238k``."""
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
        },
        bank_list(quick),
    ]


if __name__ == "__main__":
    import json

    for record in run(quick="--quick" in sys.argv):
        print(json.dumps(record))
