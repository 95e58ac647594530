"""Turn answer text into tokens: Unicode spellings, names resolved, implicit multiplication.

This is the first line of defence: only numbers, known names, operators, parentheses and
commas survive, so nothing executable can reach the parser. Columns in messages are
1-based positions in the text as typed (after Unicode NFC normalisation).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from quizzer.check.names import CONSTANTS, FUNCTIONS, KEYWORDS
from quizzer.check.verdict import AnswerError

MAX_LENGTH = 500
MAX_NUMBER_DIGITS = 30
MAX_LITERAL_EXPONENT = 300
MAX_PAREN_DEPTH = 30

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_OPERATORS = {
    "**": "**",
    "^": "**",
    "+": "+",
    "-": "-",
    "−": "-",
    "–": "-",
    "*": "*",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∙": "*",
    "∗": "*",
    "/": "/",
    "÷": "/",
}
_COMPARISONS = {
    "<=": "<=",
    ">=": ">=",
    "==": "==",
    "!=": "!=",
    "<": "<",
    ">": ">",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_OPERAND_END = frozenset({"num", "var", "const", ")"})
_OPERAND_START = frozenset({"num", "var", "const", "func", "("})


@dataclass(frozen=True)
class Token:
    """One token. ``value`` is canonical (Python operator, function or variable name)."""

    kind: str  # num | var | const | func | kw | op | cmp | ( | ) | ,
    value: str
    col: int
    text: str


@dataclass(frozen=True)
class Names:
    """Which identifiers an answer may use.

    ``variables`` are atoms (never split by implicit multiplication). With ``open_names``
    every unknown identifier becomes a variable: how a reference value is read when the
    spec declares no variables.
    """

    variables: frozenset[str] = frozenset()
    params: frozenset[str] = frozenset()
    open_names: bool = False

    @property
    def known(self) -> frozenset[str]:
        """Every identifier that reads as a symbol: variables and parameters."""
        return self.variables | self.params

    def describe(self) -> str:
        """How the allowed variables are named in messages."""
        if not self.variables:
            return "this answer is a number"
        return "this answer uses " + ", ".join(sorted(self.variables))


def normalize(text: str) -> str:
    """NFC-normalise so that a letter typed with a combining accent is one character."""
    return unicodedata.normalize("NFC", text)


def tokenize(text: str, names: Names) -> list[Token]:
    """Read ``text`` into tokens with implicit multiplication made explicit.

    Raises AnswerError with what and where for anything that is not part of the language.
    """
    text = normalize(text)
    if len(text) > MAX_LENGTH:
        raise AnswerError(f"the answer is too long ({len(text)} characters; at most {MAX_LENGTH})")
    if not text.strip():
        raise AnswerError("the answer is empty")
    tokens = list(_scan(text, names))
    _check_parentheses(tokens, len(text))
    tokens = _postfix_factorials(tokens)
    tokens = _expand_derivatives(tokens)
    tokens = _insert_multiplication(tokens)
    _check_operators(tokens, len(text))
    return tokens


def _scan(text: str, names: Names) -> Iterable[Token]:
    i = 0
    wrap_root = False  # after "√" without "(", the next atom is wrapped in sqrt(...)
    while i < len(text):
        ch = text[i]
        col = i + 1
        if ch.isspace():
            i += 1
            continue
        if ch in "d∂" and (operator := _derivative_operator(text, i, names)) is not None:
            yield operator
            i += len(operator.text)
            continue
        if (ch.isdigit() and ch.isascii()) or (ch == "." and text[i + 1 : i + 2].isdigit()):
            match = _NUMBER.match(text, i)
            assert match is not None
            number = match.group()
            _check_number(number, col)
            i = match.end()
            yield from _atom(Token("num", number, col, number), wrap_root)
            wrap_root = False
            continue
        if ch.isidentifier():
            j = i + 1
            while j < len(text) and ("a" + text[j]).isidentifier() and text[j] not in _OPERATORS:
                j += 1
            word = text[i:j]
            following = text[j:].lstrip()[:1]
            resolved = _resolve(word, col, following, names)
            i = j
            if wrap_root and resolved[0].kind != "func":
                yield Token("(", "(", col, "(")
                yield from resolved
                yield Token(")", ")", col, ")")
            elif wrap_root:
                raise AnswerError(f"put parentheses after √ at column {col - 1}, e.g. √(x+1)")
            else:
                yield from resolved
            wrap_root = False
            continue
        if wrap_root:
            if ch != "(":
                raise AnswerError(f"√ at column {col - 1} needs something after it, e.g. √(x+1)")
            wrap_root = False
        if ch == "√":
            yield Token("func", "sqrt", col, ch)
            wrap_root = not text[i + 1 :].lstrip().startswith("(")
            i += 1
            continue
        if ch in _SUPERSCRIPTS_CHARS:
            j = i
            while j < len(text) and text[j] in _SUPERSCRIPTS_CHARS:
                j += 1
            exponent = text[i:j].translate(_SUPERSCRIPTS)
            if not re.fullmatch(r"[+-]?\d+", exponent):
                raise AnswerError(f"cannot read the superscript {text[i:j]!r} at column {col}")
            yield Token("op", "**", col, text[i:j])
            yield Token("(", "(", col, text[i:j])
            if exponent[0] in "+-":
                yield Token("op", exponent[0], col, text[i:j])
                exponent = exponent[1:]
            yield Token("num", exponent, col, text[i:j])
            yield Token(")", ")", col, text[i:j])
            i = j
            continue
        two = text[i : i + 2]
        if two in _OPERATORS or two in _COMPARISONS:
            kind, value = (
                ("op", _OPERATORS[two]) if two in _OPERATORS else ("cmp", _COMPARISONS[two])
            )
            yield Token(kind, value, col, two)
            i += 2
            continue
        if ch in _OPERATORS:
            yield Token("op", _OPERATORS[ch], col, ch)
        elif ch in _COMPARISONS:
            yield Token("cmp", _COMPARISONS[ch], col, ch)
        elif ch in "(),":
            yield Token(ch, ch, col, ch)
        elif ch == "!":
            yield Token("!", "!", col, ch)
        elif ch == "=":
            raise AnswerError(f"'=' at column {col}: write only the expression (use == to compare)")
        elif ch == "|":
            raise AnswerError(f"'|' at column {col}: write abs(x) for an absolute value")
        else:
            raise AnswerError(f"unexpected character {ch!r} at column {col}")
        i += 1
    if wrap_root:
        raise AnswerError("√ at the end needs something after it, e.g. √(x+1)")


_SUPERSCRIPTS_CHARS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")


def _atom(token: Token, wrap: bool) -> Iterable[Token]:
    if wrap:
        yield Token("(", "(", token.col, "(")
        yield token
        yield Token(")", ")", token.col, ")")
    else:
        yield token


def _check_number(number: str, col: int) -> None:
    mantissa, _, exponent = number.lower().partition("e")
    if sum(c.isdigit() for c in mantissa) > MAX_NUMBER_DIGITS:
        raise AnswerError(
            f"the number at column {col} is too long (at most {MAX_NUMBER_DIGITS} digits)"
        )
    if exponent and abs(int(exponent)) > MAX_LITERAL_EXPONENT:
        raise AnswerError(f"the exponent of the number at column {col} is too large")


GREEK_SPELLINGS: dict[str, tuple[str, ...]] = {
    "α": ("alpha",),
    "β": ("beta",),
    "γ": ("gamma",),
    "δ": ("delta",),
    "ε": ("eps", "epsilon"),
    "η": ("eta", "lr"),
    "θ": ("theta",),
    "λ": ("lam", "lambda_", "wd"),
    "μ": ("mu",),
    "τ": ("tau",),
    "ω": ("omega",),
}
"""A Greek letter reads as the spelled-out variable a spec declares (``θ`` for ``theta``)."""


def _resolve(word: str, col: int, following: str, names: Names) -> list[Token]:
    """Classify an identifier; unknown ones are split into known variables if possible."""
    if word in names.known:
        return [Token("var", word, col, word)]
    for spelled in GREEK_SPELLINGS.get(word, ()):
        if spelled in names.known:
            return [Token("var", spelled, col, word)]
    if word in KEYWORDS:
        return [Token("kw", word, col, word)]
    if keyword.iskeyword(word) or keyword.issoftkeyword(word) or word.startswith("__"):
        raise AnswerError(f"{word!r} at column {col} is not allowed in an answer")
    if word in FUNCTIONS:
        if following != "(":
            raise AnswerError(f"{word} at column {col} needs parentheses, e.g. {word}(x)")
        return [Token("func", FUNCTIONS[word][0], col, word)]
    if word in CONSTANTS:
        return [Token("const", CONSTANTS[word], col, word)]
    if names.open_names:
        return [Token("var", word, col, word)]
    # a Greek letter standing for a declared spelled-out variable is an atom too: λθ is λ·θ
    aliases = {
        letter: spelled
        for letter, spellings in GREEK_SPELLINGS.items()
        for spelled in spellings
        if spelled in names.known and letter not in names.known
    }
    atoms = names.known | CONSTANTS.keys() | aliases.keys()
    pieces = _split(word, atoms)
    function = None
    if pieces is None and following == "(":
        # "xσ(x)": atoms followed by a function name
        for name in FUNCTIONS:
            head = word[: -len(name)]
            if word.endswith(name) and head and (head in atoms or _split(head, atoms)):
                pieces, function = _split(head, atoms) or [head], name
                break
    if pieces:
        tokens, offset = [], col
        for piece in pieces:
            kind = "var" if piece in names.known or piece in aliases else "const"
            value = aliases.get(piece, piece) if kind == "var" else CONSTANTS[piece]
            tokens.append(Token(kind, value, offset, piece))
            offset += len(piece)
        if function is not None:
            tokens.append(Token("func", FUNCTIONS[function][0], offset, function))
        return tokens
    if following == "(":
        hint = ""
        if word.lower() in {"gamma", "eval", "exec", "open", "import"}:
            hint = " (not available in answers)"
        raise AnswerError(f"unknown function {word} at column {col}{hint}")
    for name, _ in sorted(FUNCTIONS.items(), key=lambda item: -len(item[0])):
        rest = word[len(name) :]
        if word.startswith(name) and rest and (rest.isdigit() or rest in names.known):
            raise AnswerError(f"write {name}({rest}) with parentheses (column {col})")
    what = "variable" if names.variables else "name"
    raise AnswerError(f"unknown {what} {word} at column {col} ({names.describe()})")


def _split(word: str, atoms: Iterable[str]) -> list[str] | None:
    """Split ``word`` into the fewest known atoms (``lrx`` -> ``lr``, ``x``), or None."""
    atoms = set(atoms)
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(end):
            head = best[start]
            if head is not None and word[start:end] in atoms:
                candidate = [*head, word[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    result = best[len(word)]
    return result if result and len(result) > 1 else None


_D_OPERATOR = re.compile(r"([d∂])\s*/\s*\1\s*([^\W\d]\w*)")


def _derivative_operator(text: str, start: int, names: Names) -> Token | None:
    """``d/dx`` (or ``∂/∂x``) at ``start`` as a ``ddx`` token naming the variable, or None.

    ``d`` is read as the operator only where it is not itself a declared name.
    """
    match = _D_OPERATOR.match(text, start)
    if match is None or (match[1] == "d" and "d" in names.known):
        return None
    col = start + 1
    word = match[2]
    try:
        resolved = _resolve(word, col, "", names)
    except AnswerError:
        resolved = []
    if len(resolved) != 1 or resolved[0].kind != "var":
        raise AnswerError(
            f"{match[0]} at column {col}: {word} is not a variable here ({names.describe()})"
        )
    return Token("ddx", resolved[0].value, col, match[0])


def _expand_derivatives(tokens: list[Token]) -> list[Token]:
    """Rewrite ``d/dx f`` as ``diff(f, x)``, where ``f`` is the term that follows.

    The term ends at a ``+`` or ``-`` between terms, a comparison, a keyword, a comma or the
    closing parenthesis around it, so ``d/dx 1/(1+e^-x)`` and ``x * d/dx Φ(x) + Φ(x)`` read
    as written and a sum needs parentheses: ``d/dx (x^2 + 1)``. Innermost first.
    """
    for index in range(len(tokens) - 1, -1, -1):
        operator = tokens[index]
        if operator.kind != "ddx":
            continue
        start = end = index + 1
        depth = 0
        while end < len(tokens):
            token = tokens[end]
            if depth == 0 and (
                token.kind in (")", ",", "cmp", "kw")
                or (
                    token.kind == "op"
                    and token.value in ("+", "-")
                    and end > start
                    and tokens[end - 1].kind in _OPERAND_END
                )
            ):
                break
            depth += (token.kind == "(") - (token.kind == ")")
            end += 1
        if end == start:
            raise AnswerError(
                f"{operator.text} at column {operator.col} needs something to differentiate, "
                f"e.g. {operator.text} x^2"
            )
        col = operator.col
        tokens = [
            *tokens[:index],
            Token("func", "diff", col, operator.text),
            Token("(", "(", col, ""),
            *tokens[start:end],
            Token(",", ",", col, ""),
            Token("var", operator.value, col, ""),
            Token(")", ")", col, ""),
            *tokens[end:],
        ]
    return tokens


def _check_parentheses(tokens: list[Token], length: int) -> None:
    opened: list[Token] = []
    for token in tokens:
        if token.kind == "(":
            opened.append(token)
            if len(opened) > MAX_PAREN_DEPTH:
                raise AnswerError(
                    f"too deeply nested at column {token.col} (at most {MAX_PAREN_DEPTH} levels)"
                )
        elif token.kind == ")":
            if not opened:
                raise AnswerError(f"unmatched ')' at column {token.col}")
            opened.pop()
    if opened:
        raise AnswerError(
            f"missing ')' at column {length + 1} (the '(' at column {opened[-1].col} is not closed)"
        )


def _postfix_factorials(tokens: list[Token]) -> list[Token]:
    """``n!`` and ``(n+1)!`` become ``factorial(n)`` and ``factorial((n+1))``."""
    result: list[Token] = []
    for token in tokens:
        if token.kind != "!":
            result.append(token)
            continue
        start = len(result) - 1
        if start < 0 or result[start].kind not in {"num", "var", "const", ")"}:
            raise AnswerError(f"'!' at column {token.col} needs a number or (...) before it")
        if result[start].kind == ")":
            depth = 0
            while True:
                depth += {")": 1, "(": -1}.get(result[start].kind, 0)
                if depth == 0:
                    break
                start -= 1
            if start > 0 and result[start - 1].kind == "func":
                start -= 1
        operand = result[start:]
        del result[start:]
        result += [
            Token("func", "factorial", token.col, "!"),
            Token("(", "(", token.col, ""),
            *operand,
            Token(")", ")", token.col, ""),
        ]
    return result


def _insert_multiplication(tokens: list[Token]) -> list[Token]:
    result: list[Token] = []
    for token in tokens:
        previous = result[-1] if result else None
        if previous is not None and previous.kind in _OPERAND_END:
            if token.kind == "num" and previous.kind == "num":
                raise AnswerError(
                    f"missing operator between {previous.text} and {token.text} "
                    f"at column {token.col}"
                )
            if token.kind in _OPERAND_START:
                result.append(Token("op", "*", token.col, ""))
        result.append(token)
    return result


def _check_operators(tokens: list[Token], length: int) -> None:
    last = tokens[-1]
    if last.kind == "kw" and last.value not in {"True", "False"}:
        raise AnswerError(f"missing something after '{last.text}' at column {length + 1}")
    for index, token in enumerate(tokens):
        if token.kind not in {"op", "cmp"} or not token.text:
            continue
        previous = tokens[index - 1] if index else None
        unary = token.value in {"+", "-"}
        if not unary and (previous is None or previous.kind not in _OPERAND_END):
            if previous is None:
                raise AnswerError(f"'{token.text}' at column {token.col} needs something before it")
            raise AnswerError(
                f"'{token.text}' at column {token.col} cannot follow '{previous.text}'"
            )
        if index == len(tokens) - 1:
            raise AnswerError(f"missing something after '{token.text}' at column {length + 1}")
