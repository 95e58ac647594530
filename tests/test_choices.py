"""Choice options are shuffled per review from its seed, and everything follows the shown order:
the letters typed, the predicted mistakes, what is stored and what the verdict marks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES
from helpers import rows

from quizzer.bank.loader import Bank, Source, load_bank
from quizzer.bank.schema import Question
from quizzer.config import Settings
from quizzer.context import Context, DrillOptions
from quizzer.model import Status, option_letter
from quizzer.paths import default_bank_dir
from quizzer.session import DrillSession, Exercise
from quizzer.store.db import Store

SHIPPED = load_bank([default_bank_dir()])


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store.open(tmp_path / "q.db") as s:
        yield s


def _question(**answer: object) -> Question:
    return Question.model_validate(
        {
            "id": "c.q",
            "topic": "T",
            "prompt": "Which?",
            "answer": {"kind": "choice", **answer},
            "mistakes": [{"answer": "b", "feedback": "Beta is the classic slip."}],
        }
    )


def _session(store: Store, question: Question, seed: int = 1) -> DrillSession:
    bank = Bank({question.id: question}, {question.id: Source(FIXTURES, 1, FIXTURES)})
    context = Context(store, bank, Settings(fuzz=False), store.path.with_name("c.toml"))
    return DrillSession(context, DrillOptions(seed=seed))


ABCD = _question(options=["alpha", "beta", "gamma", "delta"], correct="alpha")


def test_no_letter_holds_more_than_40_percent_of_the_right_answers_over_100_seeds() -> None:
    letters: Counter[str] = Counter()
    choices = [q for q in SHIPPED.questions.values() if q.kind == "choice"]
    assert len(choices) >= 20
    for question in choices:
        for seed in range(100):
            exercise = DrillSession.exercise(question, seed)
            letters.update(
                option_letter(i)
                for i, text in enumerate(exercise.options)
                if text in question.answer.correct_set  # type: ignore[union-attr]
            )
    total = sum(letters.values())
    assert max(letters.values()) / total <= 0.40, letters


def test_the_stored_seed_gives_back_the_order_that_was_shown(store: Store) -> None:
    session = _session(store, ABCD, seed=11)
    shown = session.next()
    assert shown is not None
    session.grade("alpha")
    session.rate()
    [(seed,)] = rows(store.path, "SELECT seed FROM reviews")
    assert DrillSession.exercise(ABCD, seed).options == shown.options
    orders = {tuple(DrillSession.exercise(ABCD, s).options) for s in range(30)}
    assert len(orders) > 10  # and other seeds give other orders


def test_a_letter_means_the_option_shown_under_it_and_the_text_is_stored(store: Store) -> None:
    session = _session(store, ABCD)
    exercise = session.next()
    assert exercise is not None
    right = option_letter(exercise.options.index("alpha"))
    result = session.grade(right)
    assert result.status is Status.CORRECT
    assert result.picked == ("alpha",)
    session.rate()
    [(answer,)] = rows(store.path, "SELECT answer FROM reviews")
    assert answer == "alpha"


def test_a_predicted_mistake_follows_its_option_to_where_it_is_shown(store: Store) -> None:
    session = _session(store, ABCD)
    exercise = session.next()
    assert exercise is not None
    beta = str(exercise.options.index("beta") + 1)  # typed as a number this time
    result = session.grade(beta)
    assert result.status is Status.INCORRECT
    assert "Beta is the classic slip." in result.feedback
    assert result.picked == ("beta",) and result.right == {"alpha"}
    other = next(o for o in exercise.options if o not in ("alpha", "beta"))
    session2 = _session(store, ABCD)
    session2.next()
    assert "classic slip" not in session2.grade(other).feedback


def test_shuffle_false_keeps_the_bank_order(store: Store) -> None:
    pinned = _question(
        options=["one", "two", "all of the above"], correct="all of the above", shuffle=False
    )
    assert {tuple(DrillSession.exercise(pinned, s).options) for s in range(20)} == {
        ("one", "two", "all of the above")
    }
    session = _session(store, pinned)
    session.next()
    assert session.grade("c").status is Status.CORRECT


def test_several_right_options_are_stored_as_their_texts(store: Store) -> None:
    multi = _question(options=["alpha", "beta", "gamma", "delta"], correct=["beta", "delta"])
    session = _session(store, multi, seed=4)
    exercise: Exercise | None = session.next()
    assert exercise is not None
    keys = [option_letter(exercise.options.index(t)) for t in ("delta", "beta")]
    assert session.grade(", ".join(keys)).status is Status.CORRECT
    session.rate()
    [(answer,)] = rows(store.path, "SELECT answer FROM reviews")
    assert sorted(answer.split("; ")) == ["beta", "delta"]


def test_the_revealed_solution_names_the_shown_letter(store: Store) -> None:
    session = _session(store, ABCD, seed=3)
    exercise = session.next()
    assert exercise is not None
    result = session.grade("")
    assert result.expected == f"{option_letter(exercise.options.index('alpha'))}) alpha"


def test_plain_mode_marks_the_right_option_and_the_pick(isolated: Path) -> None:
    from helpers import run_quizzer

    env = {"QUIZZER_BANK": str(FIXTURES / "sample_bank")}
    args = ("drill", "--plain", "--limit", "1", "--topic", "Sample choice", "--seed", "2")
    out = run_quizzer(*args, input="x\n\n", env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    shown = [line for line in lines if line.startswith("  ") and ") " in line][:4]
    letter_of = {line.split(") ", 1)[1]: line.strip()[0] for line in shown}
    assert f"  ✗ {letter_of['x']}) x  (your answer)" in lines
    assert f"  ✓ {letter_of['1']}) 1" in lines
    assert rows(isolated / "quizzer.db", "SELECT answer, status FROM reviews") == [
        ("x", "incorrect")
    ]


BF16 = {"kind": "choice", "options": ["5", "8", "10", "11"], "correct": "8"}


def test_a_choice_is_read_and_graded_without_waiting_for_the_checker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first question a new user sees is a choice, answered while the checker process
    is still importing sympy: it took 1.5 s for a letter."""
    from quizzer.check import check, preview, worker

    def no_worker(*args: object, **kwargs: object) -> None:
        raise AssertionError("a choice went to the checker process")

    monkeypatch.setattr(worker, "call", no_worker)
    assert check(BF16, "b").status is Status.CORRECT
    wrong = check(BF16, "a", mistakes=[{"answer": "a", "feedback": "That is fp16's 5."}])
    assert wrong.status is Status.INCORRECT and "fp16's 5" in wrong.feedback
    assert check(BF16, "e").feedback == "There is no option e (choose a–d)."
    assert preview(BF16, "b").interpreted == "b) 8"
    assert preview(BF16, "e").status is Status.INVALID


@pytest.mark.parametrize("answer", ["²", "b²", "½"])
def test_digits_of_other_scripts_name_no_option(answer: str) -> None:
    """str.isdigit() accepts "²", which int() then refused: the answer got "Could not check
    this answer (ValueError)" instead of what is wrong with it."""
    from quizzer.check import check

    verdict = check(BF16, answer)
    assert verdict.status is Status.INVALID
    assert "is not one of the options (choose a–d)" in verdict.feedback
