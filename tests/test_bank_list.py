"""``quizzer bank list``: plain aligned columns, whatever the topic text holds."""

from __future__ import annotations

from pathlib import Path

from helpers import run_quizzer
from rich.cells import cell_len

QUESTIONS = """\
- id: t.markup
  topic: "Losses [b]not bold[/b]"
  prompt: P
  answer: {kind: recall}
- id: t.wide
  topic: 損失関数
  prompt: P
  answer: {kind: numeric, value: "1"}
- id: t.plain-and-longer-id
  topic: T
  prompt: P
  answer: {kind: choice, options: [a, b], correct: a}
"""


def test_bank_list_is_aligned_plain_text(isolated: Path) -> None:
    bank = isolated / "bank"
    bank.mkdir()
    (bank / "t.yaml").write_text(QUESTIONS, encoding="utf-8")
    out = run_quizzer("--bank", str(bank), "bank", "list")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["id", "topic", "kind", "demo"]
    assert "Losses [b]not bold[/b]" in lines[1]  # shown as written, not as rich markup
    assert "損失関数" in lines[2]
    # every row's kind starts in the same terminal column (wide characters count as two)
    starts = {
        cell_len(line[: line.index(kind)])
        for line, kind in zip(lines, ["kind", "recall", "numeric", "choice"], strict=True)
    }
    assert len(starts) == 1
    assert all(line == line.rstrip() for line in lines)
