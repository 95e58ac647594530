"""New questions follow the bank's declared topic order, easier kinds first, and the topics
interleave once several are open: a first day starts on cross-entropy and touches several."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import run_quizzer

from quizzer.bank.curriculum import OPEN_EVERY
from quizzer.bank.loader import load_bank
from quizzer.paths import default_bank_dir

SHIPPED = load_bank([default_bank_dir()])


def _write_bank(directory: Path, topics: str | None, questions: list[tuple[str, str, str]]) -> Path:
    directory.mkdir()
    text = ""
    for qid, topic, kind in questions:
        answer = {
            "choice": '{kind: choice, options: ["x", "y"], correct: "x"}',
            "numeric": '{kind: numeric, value: "1"}',
            "recall": "{kind: recall}",
        }[kind]
        text += f"- id: {qid}\n  topic: {topic}\n  prompt: {qid}?\n  answer: {answer}\n"
    (directory / "a.yaml").write_text(text)
    if topics is not None:
        (directory / "topics.txt").write_text(topics)
    return directory


def test_the_shipped_bank_starts_on_cross_entropy_and_opens_topics_as_it_goes() -> None:
    order = SHIPPED.curriculum()
    assert sorted(order) == sorted(SHIPPED.questions)
    topics = [SHIPPED.questions[q].topic for q in order]
    assert topics[:OPEN_EVERY] == ["Q25 cross-entropy"] * OPEN_EVERY
    assert len(set(topics[:20])) >= 4
    assert SHIPPED.topics()[:2] == ["Q25 cross-entropy", "Perplexity"]
    assert SHIPPED.errors == []


def test_easier_kinds_come_first_within_a_topic(tmp_path: Path) -> None:
    bank = load_bank(
        [
            _write_bank(
                tmp_path / "b",
                None,
                [("t.r", "T", "recall"), ("t.n", "T", "numeric"), ("t.c", "T", "choice")],
            )
        ]
    )
    assert bank.curriculum() == ["t.c", "t.n", "t.r"]


def test_topics_txt_orders_topics_and_the_unlisted_follow_in_bank_order(tmp_path: Path) -> None:
    questions = [(f"{t}.{i}", t.upper(), "numeric") for t in ("a", "b", "c") for i in range(6)]
    bank = load_bank([_write_bank(tmp_path / "b", "# start here\nC\n", questions)])
    assert bank.topics() == ["C", "A", "B"]
    order = [bank.questions[q].topic for q in bank.curriculum()]
    # C alone for four, then A opens (and goes first), then they take turns until B opens.
    assert order[:10] == ["C", "C", "C", "C", "A", "C", "A", "C", "B", "A"]


def test_a_topic_the_bank_lacks_is_reported_at_its_line(tmp_path: Path) -> None:
    directory = _write_bank(tmp_path / "b", "A\nAstrology\nA\n", [("a.1", "A", "numeric")])
    bank = load_bank([directory])
    assert [str(e) for e in bank.errors] == [
        f"{directory / 'topics.txt'}:2: topic 'Astrology' has no questions",
        f"{directory / 'topics.txt'}:3: topic 'A' is listed twice (first at line 1)",
    ]
    assert list(bank.questions) == ["a.1"]


@pytest.mark.usefixtures("isolated")
def test_a_first_day_in_plain_mode_starts_on_q25_and_spans_four_topics() -> None:
    out = run_quizzer("drill", "--plain", "--limit", "20", input="\n\n" * 20)
    assert out.returncode == 0, out.stderr
    asked = re.findall(r"^\[\d+ new · \d+ learning · \d+ review\] (.+) · (\S+)$", out.stdout, re.M)
    assert len(asked) == 20
    assert asked[0] == ("Q25 cross-entropy", "q25.ce.definition")
    assert len({topic for topic, _ in asked}) >= 4
    assert out.stdout.startswith("[20 new · 0 learning · 0 review]")


@pytest.mark.usefixtures("isolated")
def test_topic_may_be_repeated_to_study_several() -> None:
    out = run_quizzer(
        "drill", "--plain", "--topic", "Q29", "--topic", "Q31", "--limit", "8", input="\n\n" * 8
    )
    assert out.returncode == 0, out.stderr
    topics = set(re.findall(r"^\[[^]]*\] (.+) · \S+$", out.stdout, re.M))
    assert topics == {"Q29 KL divergence", "Q31 chain rule"}
