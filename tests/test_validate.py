"""``validate_bank``: the default bank is clean, and each kind of problem is found at file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quizzer.bank.loader import load_bank
from quizzer.bank.schema import Question
from quizzer.bank.validate import Problem, validate_bank, validate_question
from quizzer.check.spec import ChoiceSpec

BANK_DIR = Path(__file__).resolve().parent.parent / "question_bank"


def _bank(tmp_path: Path, text: str):
    (tmp_path / "topic.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    bank = load_bank([tmp_path])
    assert not bank.errors, bank.errors
    return bank


def _messages(problems: list[Problem], qid: str) -> list[str]:
    return [p.message for p in problems if p.qid == qid]


def test_default_bank_is_clean() -> None:
    bank = load_bank([BANK_DIR])
    assert not bank.errors
    problems = validate_bank(bank, seeds=range(6))
    if not any((BANK_DIR / "snippets").glob("*.py")):
        problems = [p for p in problems if "demo file" not in p.message]
    assert not problems, "\n".join(str(p) for p in problems)


GOOD_AND_BAD = """\
- id: good.numeric
  topic: T
  prompt: "Loss for p = {p}?"
  params:
    p: {choices: [0.3, 0.7]}
  answer: {kind: numeric, value: "-ln(p)", rtol: 0.005}
  hints: ["h"]
  mistakes:
    - {answer: "-log10(p)", feedback: "That is log base 10."}
  explanation: "x"

- id: bad.demo
  topic: T
  prompt: "What is 2 + 2?"
  answer: {kind: numeric, value: "4"}
  demo: snippets/nope.py

- id: bad.params
  topic: T
  prompt: "Loss for p = {p} and q = {q}?"
  params:
    p: {choices: [0.3]}
  answer: {kind: numeric, value: "-ln(p*r)"}

- id: bad.mistake
  topic: T
  prompt: "Loss for p = {p}?"
  params:
    p: {choices: [0.3, 0.7]}
  answer: {kind: numeric, value: "-ln(p)", rtol: 0.005}
  mistakes:
    - {answer: "ln(1/p)", feedback: "This is really the same number."}

- id: bad.expression-mistake
  topic: T
  prompt: "d/dx of x^2/2 - x^3/3?"
  answer: {kind: expression, value: "x*(1 - x)", variables: [x]}
  mistakes:
    - {answer: "x - x^2", feedback: "Same thing, so it must not be listed as a mistake."}

- id: bad.undefined
  topic: T
  prompt: "ln of {p} - 1?"
  params:
    p: {choices: [0.5, 2]}
  answer: {kind: numeric, value: "ln(p - 1)"}
"""


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Problem], Path]:
    tmp = tmp_path_factory.mktemp("bank")
    bank = _bank(tmp, GOOD_AND_BAD)
    return validate_bank(bank, seeds=range(4)), tmp


def test_a_good_question_has_no_problems(problems) -> None:
    found, _ = problems
    assert _messages(found, "good.numeric") == []


def test_missing_demo_is_reported_at_file_and_line(problems) -> None:
    found, tmp = problems
    [problem] = [p for p in found if p.qid == "bad.demo"]
    assert "snippets/nope.py does not exist" in problem.message
    assert problem.path == tmp / "topic.yaml"
    assert problem.line == 12
    assert str(problem).startswith(f"{tmp / 'topic.yaml'}:12: bad.demo: ")


def test_undeclared_params_are_reported(problems) -> None:
    found, _ = problems
    messages = _messages(found, "bad.params")
    assert any("{q}" in m and "no parameter 'q'" in m for m in messages), messages
    assert any("'r'" in m and "not a declared parameter" in m for m in messages), messages


def test_a_mistake_that_is_correct_is_reported(problems) -> None:
    found, _ = problems
    messages = _messages(found, "bad.mistake")
    assert any("mistake 'ln(1/p)' is graded correct" in m for m in messages), messages


def test_an_equivalent_expression_mistake_is_reported(problems) -> None:
    found, _ = problems
    messages = _messages(found, "bad.expression-mistake")
    assert any("mistake 'x - x^2' is graded correct" in m for m in messages), messages


def test_an_undefined_reference_is_reported(problems) -> None:
    found, _ = problems
    messages = _messages(found, "bad.undefined")
    assert any("p': 0.5" in m for m in messages), messages


def test_choice_correct_must_be_an_option(tmp_path: Path) -> None:
    # the schema refuses this when parsing; build it unchecked to exercise the validator
    spec = ChoiceSpec.model_construct(kind="choice", options=["a", "b"], correct="c")
    q = Question.model_construct(
        id="bad.choice",
        topic="T",
        prompt="pick",
        params={},
        answer=spec,
        hints=["h"],
        mistakes=[],
        explanation="x",
        demo=None,
        tags=[],
    )
    found = validate_question(q, tmp_path / "t.yaml", 3, tmp_path, seeds=[0])
    assert any("'c' is not one of the options" in p.message for p in found)


def test_latex_braces_are_not_placeholders(tmp_path: Path) -> None:
    bank = _bank(
        tmp_path,
        """\
        - id: latex.prompt
          topic: T
          prompt: "Which is $D_{KL}(P \\\\| Q)$ and $\\\\mathrm{softmax}(z)$?"
          answer: {kind: choice, options: ["x", "y"], correct: "x"}
        """,
    )
    assert validate_bank(bank, seeds=[0]) == []
