"""Anchors from Anki's own library (PyPI ``anki``), measured in the same run as quizzer.

Optional: without ``anki`` installed every record says so and carries no value. The first
run builds, through Anki's API, a collection like the synthetic quizzer database (100,000
cards with 10 reviews each, 1,000,000 revlog rows, a few percent due today) and caches it in
the benchmark folder (minutes, once). Every figure is the wall time of a whole process,
median of several runs interleaved with quizzer's:

* ``anki_first_due_card``: import anki, open the collection, take the first due card, against
  ``quizzer drill --plain`` to its first question on the 1M-review database;
* ``anki_graphs_365d``: Anki's graph data over 365 days, against ``quizzer stats --json``;
* ``anki_revlog_csv``: a bare ``sqlite3`` + ``csv`` loop over Anki's revlog, against
  ``quizzer export --format csv`` (both 1M rows, to /dev/null).
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.records import compared
from benchmarks.startup import NOW
from benchmarks.synthetic import NOW_MS

ROOT = Path(__file__).resolve().parent.parent
CARDS, REVIEWS = 100_000, 1_000_000
NAMES = ["anki_first_due_card", "anki_graphs_365d", "anki_revlog_csv"]

FIRST_DUE = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
card = col.sched.getCard()
print(card.id if card else None)
"""
GRAPHS = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
# what Anki's Stats screen asks its backend for (Collection has no public wrapper)
print(col._backend.graphs(search="", days=365).ByteSize())
"""
REVLOG_CSV = """
import csv, os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
with open(os.devnull, "w", newline="") as out:
    writer = csv.writer(out)
    cursor = conn.execute("SELECT * FROM revlog ORDER BY id")
    while rows := cursor.fetchmany(20000):
        writer.writerows(rows)
"""


def available() -> bool:
    """Whether Anki's library can be imported."""
    return importlib.util.find_spec("anki") is not None


def cached_collection() -> Path:
    """The benchmark collection, built once through Anki's API."""
    root = Path(
        os.environ.get("QUIZZER_BENCH_DIR") or Path(tempfile.gettempdir()) / "quizzer-bench"
    )
    path = root / f"anki-{CARDS}-{REVIEWS}.anki2"
    if not path.exists():
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f"anki-build-{os.getpid()}"
        tmp.mkdir()
        try:
            _build(tmp / "collection.anki2")
            (tmp / "collection.anki2").replace(path)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return path


def _build(path: Path) -> None:
    from anki.collection import AddNoteRequest, Collection

    rng = random.Random(0)
    col = Collection(str(path))
    try:
        model = col.models.by_name("Basic")
        deck = col.decks.id("Default")
        assert model is not None and deck is not None
        for start in range(0, CARDS, 5000):
            requests = []
            for i in range(start, min(CARDS, start + 5000)):
                note = col.new_note(model)
                note["Front"], note["Back"] = f"Question {i}", f"Answer {i}"
                requests.append(AddNoteRequest(note, deck))
            col.add_notes(requests)
        today = col.sched.today
        card_ids = col.db.list("SELECT id FROM cards ORDER BY id")
        per_card = REVIEWS // CARDS
        revlog, cards, used = [], [], set()
        for n, cid in enumerate(card_ids):
            at, ivl = NOW_MS - 400 * 86_400_000 + rng.randrange(86_400_000), 1
            for _ in range(per_card):
                ease = 1 if rng.random() < 0.1 else 3
                last, ivl = ivl, 1 if ease == 1 else min(365, max(1, round(ivl * 2.2)))
                while at in used:  # a revlog id is the review's time in ms, and unique
                    at += 1
                used.add(at)
                revlog.append((at, cid, -1, ease, ivl, last, 2500, 8000, 1))
                at += ivl * 86_400_000 // 3
            due = today + (rng.randrange(-3, 60) if n % 20 else 0)
            cards.append((ivl, due, cid))
        col.db.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", revlog)
        col.db.executemany(
            "UPDATE cards SET type=2, queue=2, ivl=?, due=?, reps=10 WHERE id=?", cards
        )
    finally:
        col.close()


def _wall(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        subprocess.run(
            command, env=env, stdin=subprocess.DEVNULL, stdout=sink, check=True, timeout=600
        )
    return time.perf_counter() - start


def run(quick: bool, big_db: Path) -> list[dict]:
    """The three Anki anchors against quizzer on the 1M-review database."""
    if not available():
        reason = "anki is not installed (pip install anki to measure against it)"
        return [{"name": n, "value": None, "unit": "s", "skipped": reason} for n in NAMES]
    collection = cached_collection()
    runs = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="quizzer-anki-") as tmp:
        work = Path(tmp)
        db = work / "quizzer.db"
        shutil.copyfile(big_db, db)
        anki_copy = work / "collection.anki2"
        shutil.copyfile(collection, anki_copy)
        (work / "config.toml").write_text("backups_keep = 0\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZZER_")}
        env.update(
            PYTHONPATH=str(ROOT),
            QUIZZER_DB=str(db),
            QUIZZER_CACHE=str(work / "cache"),
            QUIZZER_CONFIG=str(work / "config.toml"),
            QUIZZER_NOW=NOW,
        )
        quizzer = [sys.executable, "-m", "quizzer"]
        pairs = {
            "anki_first_due_card": (
                [*quizzer, "drill", "--plain"],
                [sys.executable, "-c", FIRST_DUE, str(anki_copy)],
                "quizzer drill --plain to its first question",
            ),
            "anki_graphs_365d": (
                [*quizzer, "stats", "--json"],
                [sys.executable, "-c", GRAPHS, str(anki_copy)],
                "quizzer stats --json",
            ),
            "anki_revlog_csv": (
                [*quizzer, "export", "--format", "csv"],
                [sys.executable, "-c", REVLOG_CSV, str(anki_copy)],
                "quizzer export --format csv",
            ),
        }
        records = []
        for name, (ours_cmd, anki_cmd, what) in pairs.items():
            _wall(ours_cmd, env)  # bank cache, OS file cache
            _wall(anki_cmd)
            ours, anchor = [], []
            for _ in range(runs):
                ours.append(_wall(ours_cmd, env))
                anchor.append(_wall(anki_cmd))
            records.append(
                compared(name, statistics.median(ours), statistics.median(anchor), quizzer=what)
            )
    return records


if __name__ == "__main__":
    import json

    from benchmarks.synthetic import cached_db

    for record in run("--quick" in sys.argv, cached_db(100_000, 1_000_000)):
        print(json.dumps(record))
