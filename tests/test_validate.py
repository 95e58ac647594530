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
  prompt: "Loss for p = {p}, to 3 significant figures?"
  params:
    p: {choices: [0.3, 0.7]}
  answer: {kind: numeric, value: "-ln(p)", rtol: 0.005, sigfigs: 3}
  hints: ["h"]
  mistakes:
    - {answer: "-log10(p)", feedback: "That is log base 10."}
  explanation: "x"

- id: bad.demo
  topic: T
  prompt: "What is 2 + 2? Give the exact integer."
  answer: {kind: numeric, value: "4", rtol: 0}
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
          answer: {kind: choice, options: ["the first", "the second"], correct: "the first"}
        """,
    )
    assert validate_bank(bank, seeds=[0]) == []


# --- precision stated in the prompt <=> tolerance -------------------------------------------


def _numeric(prompt: str, answer: str, params: str = "p: {choices: [0.3, 0.7]}") -> str:
    return f"""\
    - id: t.q
      topic: T
      prompt: "{prompt}"
      params:
        {params}
      answer: {answer}
    """


def _found(tmp_path: Path, text: str) -> list[str]:
    return [p.message for p in validate_bank(_bank(tmp_path, text), seeds=range(4))]


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        (
            "Loss for {p}, to 3 significant figures?",
            '{kind: numeric, value: "-ln(p)", rtol: 0.005, sigfigs: 3}',
        ),
        (
            "Loss for {p}, to 2 significant figures?",
            '{kind: numeric, value: "-ln(p)", rtol: 0.05, sigfigs: 2}',
        ),
        (
            "Loss for {p}, to 2 decimal places?",
            '{kind: numeric, value: "-ln(p)", rtol: 0, atol: 0.005}',
        ),
        ("Ten times {p}? Give the exact integer.", '{kind: numeric, value: "10*p", rtol: 0}'),
        ("Half of {p}? Give the exact value.", '{kind: numeric, value: "p/2", rtol: 0}'),
        (
            "[p, 1 - p] for {p}, each to 3 significant figures?",
            '{kind: vector, value: ["p", "1 - p"], rtol: 0.005}',
        ),
    ],
)
def test_a_stated_precision_with_its_tolerance_passes(
    tmp_path: Path, prompt: str, answer: str
) -> None:
    assert _found(tmp_path, _numeric(prompt, answer)) == []


@pytest.mark.parametrize(
    ("prompt", "answer", "message"),
    [
        # nothing stated: 3 figures would pass on one draw and fail on another
        (
            "Loss for {p}?",
            '{kind: numeric, value: "-ln(p)", rtol: 0.005}',
            "does not state the precision",
        ),
        # 3 figures asked, but rtol 1e-6 rejects a correct rounding
        (
            "Loss for {p}, to 3 significant figures?",
            '{kind: numeric, value: "-ln(p)", rtol: 1e-6, sigfigs: 3}',
            "rtol must be between 0.005 (every correct rounding passes)",
        ),
        # 3 figures asked, but rtol 0.05 accepts 2 figures
        (
            "Loss for {p}, to 3 significant figures?",
            '{kind: numeric, value: "-ln(p)", rtol: 0.05, sigfigs: 3}',
            "and 0.01, not 0.05",
        ),
        (
            "Loss for {p}, to 3 significant figures?",
            '{kind: numeric, value: "-ln(p)", rtol: 0.005}',
            "needs sigfigs: 3",
        ),
        (
            "Loss for {p}? Give the exact value.",
            '{kind: numeric, value: "-ln(p)", rtol: 0.005, sigfigs: 3}',
            "sigfigs is 3 but the prompt asks for an exact value",
        ),
        (
            "Ten times {p}? Give the exact integer.",
            '{kind: numeric, value: "10*p", rtol: 0, atol: 0.5}',
            "rtol 0 and atol 0",
        ),
        (
            "Loss for {p}? Give the exact integer.",
            '{kind: numeric, value: "-ln(p)", rtol: 0}',
            "but the reference is",
        ),
        (
            "Loss for {p} to 2 decimal places?",
            '{kind: numeric, value: "-ln(p)", rtol: 0.01}',
            "rtol 0, atol 0.005",
        ),
        (
            "Loss for {p} to 3 significant figures? Give the exact value.",
            '{kind: numeric, value: "-ln(p)", rtol: 0.005, sigfigs: 3}',
            "more than one precision",
        ),
        (
            "[p, 1 - p] for {p}, each to 3 significant figures?",
            '{kind: vector, value: ["p", "1 - p"], rtol: 0.005, atol: 0.01}',
            "atol must be 0",
        ),
    ],
)
def test_a_precision_that_does_not_match_the_tolerance_is_reported(
    tmp_path: Path, prompt: str, answer: str, message: str
) -> None:
    found = _found(tmp_path, _numeric(prompt, answer))
    assert any(message in m for m in found), found


# --- a matrix the prompt calls a covariance is one at every draw ----------------------------

COVARIANCE = """\
- id: t.cov
  topic: T
  prompt: "Variances {a} and {d}, covariance {b}: PC1's share, to 3 significant figures?"
  params:
    a: {choices: [4.0, 2.0]}
    b: {choices: [1.0, B]}
    d: {choices: [1.0, 2.0]}
  PSD
  answer:
    kind: numeric
    value: "((a + d)/2 + sqrt(((a - d)/2)^2 + b^2))/(a + d)"
    rtol: 0.005
    sigfigs: 3
"""


def test_a_covariance_that_is_psd_at_every_draw_passes(tmp_path: Path) -> None:
    text = COVARIANCE.replace("B]", "-1.4]").replace("PSD", "psd: [[a, b], [b, d]]")
    assert _found(tmp_path, text) == []


def test_a_covariance_that_is_not_psd_at_some_draw_is_reported(tmp_path: Path) -> None:
    # b = 1.5 with a = 2, d = 1 has b² > a·d: not a covariance, and its "fraction" exceeds 1;
    # seeded draws could miss it, every combination is checked
    text = COVARIANCE.replace("B]", "1.5]").replace("PSD", "psd: [[a, b], [b, d]]")
    [message] = _found(tmp_path, text)
    assert "not positive semi-definite with {'a': 2.0, 'b': 1.5, 'd': 1.0}" in message


def test_a_covariance_prompt_without_a_psd_declaration_is_reported(tmp_path: Path) -> None:
    text = COVARIANCE.replace("B]", "-1.4]").replace("  PSD\n", "")
    assert any("declare it as psd" in m for m in _found(tmp_path, text))


def test_positive_definite_in_the_prompt_means_strictly(tmp_path: Path) -> None:
    text = (
        COVARIANCE.replace("B]", "2.0]")
        .replace("PSD", "psd: [[a, b], [b, d]]")
        .replace("covariance {b}", "covariance {b} (positive definite)")
    )
    # a = 4, b = 2, d = 1 is singular: PSD but not positive definite
    assert any("is not positive definite" in m for m in _found(tmp_path, text))


def test_psd_must_be_square(tmp_path: Path) -> None:
    (tmp_path / "topic.yaml").write_text(
        textwrap.dedent(COVARIANCE.replace("B]", "1.0]").replace("PSD", "psd: [[a, b], [b]]")),
        encoding="utf-8",
    )
    bank = load_bank([tmp_path])
    assert any("square matrix" in str(e) for e in bank.errors), bank.errors


# --- choice options -------------------------------------------------------------------------


def _choice(options: list[str], correct: str) -> str:
    return f"""\
    - id: t.choice
      topic: T
      prompt: "Pick one."
      answer: {{kind: choice, options: {options!r}, correct: {correct!r}}}
    """


def test_a_correct_option_much_longer_than_the_distractors_is_a_warning(tmp_path: Path) -> None:
    text = _choice(
        ["the long and very specific right answer with a reason", "short one", "short two"],
        "the long and very specific right answer with a reason",
    )
    [problem] = validate_bank(_bank(tmp_path, text), seeds=[0])
    assert problem.warning
    assert "5.9x as long as the average distractor" in problem.message
    assert ": t.choice: warning: the correct option" in str(problem)


def test_balanced_options_give_no_warning(tmp_path: Path) -> None:
    text = _choice(["zero: masked", "one half: mean", "one: right side"], "zero: masked")
    assert validate_bank(_bank(tmp_path, text), seeds=[0]) == []


def test_options_that_are_bare_numbers_or_letters_are_reported(tmp_path: Path) -> None:
    text = _choice(["0", "0.5", "1", "b"], "0")
    messages = [p.message for p in validate_bank(_bank(tmp_path, text), seeds=[0])]
    for option in ("0", "0.5", "1", "b"):
        assert f"option {option!r} reads as choosing by letter or number" in " ".join(messages)


def test_bank_check_prints_warnings_and_still_passes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quizzer.cli import app

    (tmp_path / "topic.yaml").write_text(
        textwrap.dedent(
            _choice(
                ["right, and long enough to stand out", "no", "nah"],
                "right, and long enough to stand out",
            )
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["bank", "check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'topic.yaml'}:1: t.choice: warning: the correct option" in result.output
    assert "ok: 1 questions" in result.output and "(1 warning)" in result.output


# --- demo paths stay inside the bank --------------------------------------------------------


def _bank_check(bank_dir: Path) -> tuple[int, str]:
    from typer.testing import CliRunner

    from quizzer.cli import app

    result = CliRunner().invoke(app, ["bank", "check", str(bank_dir)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("demo", "message"),
    [
        ("../outside.py", "outside the bank directory"),
        ("snippets/../../outside.py", "outside the bank directory"),
        ("/etc/passwd", "must be relative to the bank directory"),
    ],
)
def test_bank_check_refuses_a_demo_path_outside_the_bank(
    tmp_path: Path, demo: str, message: str
) -> None:
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    (tmp_path / "outside.py").write_text("print('not from the bank')\n")
    (bank_dir / "topic.yaml").write_text(
        f"- id: t.demo\n  topic: T\n  prompt: Recall it.\n  answer: {{kind: recall}}\n"
        f"  demo: {demo}\n",
        encoding="utf-8",
    )
    code, output = _bank_check(bank_dir)
    assert code == 1
    assert f"{bank_dir / 'topic.yaml'}:1: t.demo: " in output and message in output


def test_bank_check_refuses_a_demo_link_that_leaves_the_bank(tmp_path: Path) -> None:
    bank_dir = tmp_path / "bank"
    (bank_dir / "snippets").mkdir(parents=True)
    (tmp_path / "outside.py").write_text("print('not from the bank')\n")
    (bank_dir / "snippets" / "demo.py").symlink_to(tmp_path / "outside.py")
    (bank_dir / "topic.yaml").write_text(
        "- id: t.demo\n  topic: T\n  prompt: Recall it.\n  answer: {kind: recall}\n"
        "  demo: snippets/demo.py\n",
        encoding="utf-8",
    )
    code, output = _bank_check(bank_dir)
    assert code == 1 and "outside the bank directory" in output
