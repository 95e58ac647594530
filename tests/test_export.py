"""Export: every review with its context, streamed; checked against the hand-made history."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from helpers import run_quizzer

from quizzer.stats.export import COLUMNS, export
from quizzer.workspace import Workspace


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_every_review_with_due_before_and_after(history: Workspace) -> None:
    result = run_quizzer("export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # silent in a pipe
    rows = _csv(result.stdout)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 12
    first = rows[0]
    assert first["question_id"] == "s.recall.ce"
    assert first["topic"] == "Sample recall"
    assert first["reviewed_at"] == "2024-01-10T12:00:00.000Z"
    assert (first["rating"], first["status"], first["duration_ms"], first["seed"]) == (
        "4",
        "correct",
        "2000",
        "7",
    )
    assert first["answer"] == "answer 2024-01-10T12:00"
    assert first["due_before"] == ""  # a first review has no due date before it
    lapse = next(r for r in rows if r["reviewed_at"] == "2026-02-23T12:00:00.000Z")
    assert lapse["due_before"] == "2026-04-01T10:00:00.000Z"  # set by the 02-22 review
    assert lapse["due_after"] == "2026-02-25T10:00:00.000Z"
    assert (lapse["state_before"], lapse["state_after"]) == ("review", "relearning")
    cram = rows[-1]
    assert cram["cram"] == "True"
    assert cram["due_before"] == cram["due_after"] == "2026-03-05T10:00:00.000Z"


def test_since_keeps_the_due_before_of_earlier_history(history: Workspace) -> None:
    result = run_quizzer("export", "--format", "csv", "--since", "2026-03-01")
    rows = _csv(result.stdout)
    assert [r["reviewed_at"] for r in rows] == [
        "2026-03-02T03:30:00.000Z",
        "2026-03-02T09:00:00.000Z",
        "2026-03-02T09:30:00.000Z",
    ]
    assert rows[0]["due_before"] == "2026-04-01T10:00:00.000Z"
    assert rows[1]["due_before"] == "2026-04-01T10:00:00.000Z"


def test_json_to_a_file_carries_card_states(history: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run_quizzer("export", "--format", "json", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "12 reviews written" in result.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data["reviews"]) == 12
    assert data["reviews"][1]["rating"] == 1
    assert data["reviews"][-1]["cram"] is True
    cards = {c["question_id"]: c for c in data["cards"]}
    assert set(cards) == {
        "s.recall.ce",
        "s.choice.relu",
        "s.recall.kl",
        "s.choice.bf16",
        "s.recall.chain",
    }
    assert cards["s.choice.bf16"]["state"] == "learning"
    assert cards["s.choice.bf16"]["lapses"] == 2
    assert cards["s.choice.bf16"]["due"] == "2026-03-02T05:00:00.000Z"


def test_unknown_format_is_one_clear_line(history: Workspace) -> None:
    result = run_quizzer("export", "--format", "xml")
    assert result.returncode == 2
    assert result.stderr.strip() == "quizzer: error: unknown format 'xml': use one of csv, json"


def _peak_bytes(ws: Workspace, fmt: str) -> int:
    class Sink(io.TextIOBase):
        def write(self, text: str) -> int:
            return len(text)

    with ws.store() as store:
        tracemalloc.start()
        export(store, ws.bank(), Sink(), fmt)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_memory_stays_flat_as_reviews_grow(
    history: Workspace, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nine times the reviews take no more memory: only one batch is held at a time."""
    monkeypatch.setattr("quizzer.stats.export.BATCH", 500)

    def add(n: int) -> None:
        with sqlite3.connect(history.db_path) as conn:  # a bulk insert behind quizzer's back
            conn.executemany(
                "INSERT INTO reviews (card_id, reviewed_at, rating, status, answer, duration_ms, "
                "cram, before_state, after_state, after_due) VALUES (1, ?, 3, 'correct', "
                "'some answer text', 1500, 0, 2, 2, ?)",
                [(1_700_000_000_000 + i, 1_800_000_000_000 + i) for i in range(n)],
            )
        conn.close()

    add(2_000)
    small = _peak_bytes(history, fmt)
    add(18_000)
    large = _peak_bytes(history, fmt)
    assert large < small * 1.5, (small, large)


def test_csv_fields_with_commas_quotes_and_line_breaks_read_back_exactly(
    isolated: Path, tmp_path: Path
) -> None:
    from quizzer.bank.loader import load_bank
    from quizzer.model import CardState, ReviewInput
    from quizzer.store.db import Store

    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    (bank_dir / "t.yaml").write_text(
        "- id: t.one\n  topic: 'Loss, \"cross\" entropy'\n  prompt: P\n  answer: {kind: recall}\n",
        encoding="utf-8",
    )
    bank = load_bank([bank_dir])
    answers = ["a, c", 'say "hi"', "two\nlines", "cr\rhere", "ünïcødé", "", '"', ","]
    with Store.open(isolated / "quizzer.db") as store:
        for i, answer in enumerate(answers):
            at = 1_772_445_600_000 + i * 1000
            store.record(
                None, CardState("t.one", state=1, due=at), ReviewInput(at, 3, "correct", answer)
            )
        out = io.StringIO()
        assert export(store, bank, out, "csv") == len(answers)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert [r["answer"] for r in rows] == answers
    assert {r["topic"] for r in rows} == {'Loss, "cross" entropy'}
    assert rows[1]["due_before"] == rows[0]["due_after"] == "2026-03-02T10:00:00.000Z"
