"""``quizzer drill --plain`` as a user runs it: a subprocess fed lines on stdin."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from helpers import run_quizzer

pytestmark = pytest.mark.usefixtures("sample_bank")


def _reviews(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT c.question_id, r.rating, r.status, r.answer FROM reviews r "
            "JOIN cards c ON c.id = r.card_id ORDER BY r.id"
        ).fetchall()
    finally:
        conn.close()


def test_empty_lines_store_five_reviews_and_stats_count_them(isolated: Path) -> None:
    drill = run_quizzer("drill", "--plain", "--limit", "5", input="\n" * 10)
    assert drill.returncode == 0, drill.stderr
    assert "Session over: 5 reviews saved." in drill.stdout
    assert drill.stdout.count("answer> ") == 5
    stats = run_quizzer("stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["reviews_total"] == 5
    assert len(_reviews(isolated / "quizzer.db")) == 5


def test_choice_answer_is_graded_and_stored_as_the_option_text(isolated: Path) -> None:
    # ReLU first (right option "1"), then bf16 (right option "8"); options may be typed as text.
    out = run_quizzer(
        "drill", "--plain", "--limit", "2", "--topic", "Sample choice", input="1\n\n5\n\n"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("Correct.") == 1  # the verdict, not repeated as feedback
    assert "Incorrect." in out.stdout
    reviews = _reviews(isolated / "quizzer.db")
    assert reviews == [
        ("s.choice.relu", 3, "correct", "1"),
        ("s.choice.bf16", 1, "incorrect", "5"),
    ]


def test_a_letter_means_the_option_shown_under_it(isolated: Path) -> None:
    args = ("drill", "--plain", "--limit", "1", "--topic", "Sample choice", "--seed", "5")
    first = run_quizzer(*args)
    shown = dict(re.findall(r"^  ([a-d])\) (\S+)$", first.stdout, flags=re.M))
    assert sorted(shown.values()) == ["0", "1", "undefined", "x"]
    wrong = next(key for key, text in shown.items() if text == "x")
    out = run_quizzer(*args, input=f"{wrong}\n\n")  # the same seed: the same order
    assert re.search(rf"^  ✗ {wrong}\) x  \(your answer\)$", out.stdout, flags=re.M)
    right = next(key for key, text in shown.items() if text == "1")
    assert re.search(rf"^  ✓ {right}\) 1$", out.stdout, flags=re.M)
    assert _reviews(isolated / "quizzer.db") == [("s.choice.relu", 1, "incorrect", "x")]


def test_ratings_print_intervals_and_explicit_rating_wins(isolated: Path) -> None:
    out = run_quizzer("drill", "--plain", "--limit", "1", input="\n4\n")
    assert out.returncode == 0, out.stderr
    assert "1 Again 1m · 2 Hard" in out.stdout
    assert "4 Easy" in out.stdout
    assert _reviews(isolated / "quizzer.db")[0][1] == 4


def test_end_of_input_mid_question_ends_cleanly_and_keeps_earlier_reviews(
    isolated: Path,
) -> None:
    out = run_quizzer("drill", "--plain", input="\n3\nsomething\n")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "Session over: 1 review saved." in out.stdout
    assert len(_reviews(isolated / "quizzer.db")) == 1


def test_invalid_choice_can_be_retried_without_cost(isolated: Path) -> None:
    out = run_quizzer(
        "drill", "--plain", "--limit", "1", "--topic", "Sample choice", input="z\n1\n\n"
    )
    assert out.returncode == 0, out.stderr
    assert "Can't read that" in out.stdout
    assert _reviews(isolated / "quizzer.db") == [("s.choice.relu", 3, "correct", "1")]


def test_nothing_due_says_when_the_next_question_is(isolated: Path) -> None:
    first = run_quizzer("drill", "--plain", input="\n4\n" * 6)
    assert first.returncode == 0
    again = run_quizzer("drill", "--plain")
    assert again.returncode == 0
    assert "Nothing is due; next question due" in again.stdout


def test_unknown_topic_is_one_clear_line() -> None:
    out = run_quizzer("drill", "--plain", "--topic", "astrology")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "quizzer: error: no topic matches 'astrology' (topics: Sample recall, Sample choice)"
    ]
