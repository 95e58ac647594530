"""Reading which options a choice answer selects: plain text rules, no sympy, so the drill
can map a typed letter back to the option it names without loading the checker."""

from __future__ import annotations

import re
from collections.abc import Sequence

from quizzer.check.verdict import AnswerError


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
        elif token.isdigit():
            index = int(token) - 1
            if not 0 <= index < len(options):
                raise AnswerError(f"there is no option {token} (choose 1–{len(options)})")
            selected.add(index)
        else:
            raise AnswerError(f"{part!r} is not one of the options (choose a–{last})")
    return selected
