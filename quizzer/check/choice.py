"""Choice answers: which options an answer selects, and its grade. Plain text rules and no
sympy, so a choice is graded at once, even while the checker process is still starting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from quizzer.check.verdict import AnswerError, CheckError, Verdict, join_notes, sentence
from quizzer.model import option_letter

if TYPE_CHECKING:
    from quizzer.check.spec import ChoiceSpec

MAX_ANSWER = 2_000
"""Longer choice answers go to the checker process, where every check is time-bounded."""


def read_choice(options: Sequence[str], answer: str) -> set[int]:
    """The indices of the options ``answer`` selects (letters, 1-based numbers, option
    texts, or a list of them); AnswerError for anything out of range or unknown."""
    normalized = {" ".join(o.lower().split()): i for i, o in enumerate(options)}
    whole = " ".join(answer.lower().split())
    if whole in normalized:
        return {normalized[whole]}
    if not whole:
        raise AnswerError("the answer is empty: pick an option")
    # several option texts, one per line or separated by ";" (texts may contain commas)
    texts = [" ".join(p.split()) for p in re.split(r"[;\n]", answer.lower()) if p.strip()]
    if len(texts) > 1 and all(t in normalized for t in texts):
        return {normalized[t] for t in texts}
    parts = [p.strip() for p in re.split(r"[,;]|\band\b", whole) if p.strip()]
    if len(parts) == 1 and re.fullmatch(r"(?:[a-z]|\d+)(?:\s+(?:[a-z]|\d+))+", parts[0]):
        parts = parts[0].split()
    last = chr(ord("a") + len(options) - 1)
    selected = set()
    for part in parts:
        token = re.sub(r"^[(\s]+|[).\s]+$", "", part)
        if token in normalized:
            selected.add(normalized[token])
        elif re.fullmatch(r"[a-z]", token):
            index = ord(token) - ord("a")
            if index >= len(options):
                raise AnswerError(f"there is no option {token} (choose a–{last})")
            selected.add(index)
        elif re.fullmatch(r"[0-9]+", token):  # not str.isdigit: "²" is a digit to it
            index = int(token) - 1
            if not 0 <= index < len(options):
                raise AnswerError(f"there is no option {token} (choose 1–{len(options)})")
            selected.add(index)
        else:
            raise AnswerError(f"{part!r} is not one of the options (choose a–{last})")
    return selected


def describe_choice(options: Sequence[str], selected: Iterable[int]) -> str:
    """The selected options as shown: ``b) 8; d) 11``."""
    return "; ".join(f"{option_letter(i)}) {options[i]}" for i in sorted(selected))


def grade_choice(spec: ChoiceSpec, answer: str, mistakes: Sequence[tuple[str, str]]) -> Verdict:
    """Grade a choice answer; AnswerError when it names no option (the caller reports it),
    CheckError when a predicted mistake of the bank is not a valid choice."""
    selected = read_choice(spec.options, answer)
    interpreted = describe_choice(spec.options, selected)
    correct = {spec.options.index(c) for c in spec.correct_set}
    expected = describe_choice(spec.options, correct)
    if selected == correct:
        return Verdict("correct", "Correct.", interpreted, expected)
    notes = []
    for text, feedback in mistakes:
        try:
            if read_choice(spec.options, text) == selected:
                notes.append(feedback)
        except AnswerError:
            raise CheckError(f"the predicted mistake {text!r} is not a valid choice") from None
    if not notes and spec.multiple:
        right = len(selected & correct)
        notes.append(f"You picked {right} of the {len(correct)} correct options.")
        if selected - correct:
            extra = selected - correct
            verb = "is" if len(extra) == 1 else "are"
            notes.append(f"{_letters(extra)} {verb} not correct.")
    elif not notes and len(selected) > 1:
        notes.append("Only one option is correct.")
    return Verdict("incorrect", join_notes("Not the right choice.", notes), interpreted, expected)


def grade_here(spec: ChoiceSpec, answer: str, mistakes: Sequence[tuple[str, str]]) -> Verdict:
    """:func:`grade_choice` in this process, with an answer that names no option reported as
    ``invalid`` (as the checker reports it)."""
    return _invalid_if_unreadable(lambda: grade_choice(spec, answer, mistakes))


def preview_here(spec: ChoiceSpec, answer: str) -> Verdict:
    """How a choice answer reads (``ungraded``, the options it names), or ``invalid``."""
    return _invalid_if_unreadable(
        lambda: Verdict(
            "ungraded",
            interpreted=describe_choice(spec.options, read_choice(spec.options, answer)),
        )
    )


def _invalid_if_unreadable(verdict: Callable[[], Verdict]) -> Verdict:
    try:
        return verdict()
    except AnswerError as error:
        return Verdict("invalid", sentence(str(error)), error.interpreted)
    except CheckError:
        raise
    except Exception as error:  # as in the checker: odd input is invalid, never a crash
        return Verdict("invalid", f"Could not check this answer ({type(error).__name__}).")


def _letters(indices: set[int]) -> str:
    return ", ".join(option_letter(i) for i in sorted(indices))
