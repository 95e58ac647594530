"""Parse tokens with Python's ``ast`` and keep only whitelisted nodes.

Every name and number in the generated source is a placeholder (``_t3``) that stands for
a token, so what ``ast`` sees is built from our own spelling, never from user text.
Plain numbers (the numeric kind without ``allow_expression``) are read by
``quizzer.check.numbers`` instead.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from quizzer.check.latex import is_latex, to_plain
from quizzer.check.lexer import Names, Token, normalize, tokenize
from quizzer.check.verdict import AnswerError

MAX_DEPTH = 60

_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.BoolOp,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Tuple,
    ast.Constant,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Pow,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Eq,
    ast.NotEq,
    ast.Load,
)


@dataclass(frozen=True)
class Parsed:
    """A validated syntax tree and the tokens its placeholders stand for."""

    tree: ast.Expression
    tokens: dict[str, Token]

    @property
    def size(self) -> int:
        """How many syntax nodes the text has: a measure of how simplified it is."""
        return sum(1 for _ in ast.walk(self.tree))

    def column(self, node: ast.AST) -> int:
        """The column in the typed text where ``node`` starts (best effort)."""
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and child.id in self.tokens:
                return self.tokens[child.id].col
        return 1


def parse(text: str, names: Names) -> Parsed:
    """Tokenize, parse and validate ``text`` (plain or LaTeX); AnswerError says what and where."""
    text = from_latex(text)
    tokens = tokenize(text, names)
    source_parts: list[str] = []
    spans: list[tuple[int, int, Token]] = []
    table: dict[str, Token] = {}
    offset = 0
    for index, token in enumerate(tokens):
        if token.kind in {"num", "var", "const", "func"}:
            piece = f"_t{index}"
            table[piece] = token
        else:
            piece = token.value
        spans.append((offset, offset + len(piece), token))
        source_parts.append(piece)
        offset += len(piece) + 1
    source = " ".join(source_parts)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise AnswerError(_syntax_message(error, spans, len(normalize(text)))) from None
    except (RecursionError, MemoryError, ValueError):
        raise AnswerError("the answer is nested too deeply") from None
    parsed = Parsed(tree, table)
    _validate(tree, parsed)
    return parsed


def from_latex(text: str) -> str:
    """``text`` in the plain answer language: LaTeX is translated, plain text kept as is."""
    return to_plain(text) if is_latex(text) else text


def _syntax_message(error: SyntaxError, spans: list[tuple[int, int, Token]], length: int) -> str:
    if "else" in (error.msg or ""):
        return "an 'if' needs an 'else', e.g. 1 if x > 0 else 0"
    position = (error.offset or 1) - 1
    for start, end, token in spans:
        if start <= position < end and token.text:
            return f"unexpected '{token.text}' at column {token.col}"
    return f"the answer is incomplete: something is missing at column {length + 1}"


def _validate(tree: ast.Expression, parsed: Parsed) -> None:
    def visit(node: ast.AST, depth: int, in_piecewise: bool) -> None:
        if depth > MAX_DEPTH:
            raise AnswerError("the answer is nested too deeply")
        if not isinstance(node, _ALLOWED_NODES):
            raise AnswerError(f"'{type(node).__name__}' is not allowed in an answer")
        if isinstance(node, ast.Name) and node.id not in parsed.tokens:
            raise AnswerError(f"unknown name at column {parsed.column(node)}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
            raise AnswerError("only numbers and names are allowed in an answer")
        if isinstance(node, ast.Tuple) and not in_piecewise:
            raise AnswerError(
                f"a list of values at column {parsed.column(node)} is not allowed here "
                "(tuples belong inside Piecewise(...))"
            )
        if isinstance(node, ast.Call):
            function = parsed.tokens.get(node.func.id) if isinstance(node.func, ast.Name) else None
            if function is None or function.kind != "func" or node.keywords:
                raise AnswerError(f"cannot call this at column {parsed.column(node)}")
            for argument in node.args:
                if isinstance(argument, ast.Starred):
                    raise AnswerError(f"cannot call this at column {parsed.column(node)}")
                visit(argument, depth + 1, function.value == "piecewise")
            return
        for child in ast.iter_child_nodes(node):
            visit(child, depth + 1, False)

    visit(tree, 0, False)
