"""LaTeX answers, translated into the plain answer language before the usual whitelist.

pylatexenc (already a dependency, for rendering explanations) parses the LaTeX into a node
tree; nothing in it is executed. Each node becomes plain answer text (``\\frac{a}{b}`` is
``((a)/(b))``, ``\\sigma`` is ``σ``), and that text then goes through the same lexer,
whitelist and limits as typed input, so LaTeX cannot reach anything plain text cannot.
An unknown command is an error that names it.
"""

from __future__ import annotations

import re
from typing import Any

from quizzer.check.verdict import AnswerError

MAX_LATEX_LENGTH = 1000

FUNCTIONS = {
    "ln": "ln",
    "log": "log",
    "exp": "exp",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "max": "max",
    "min": "min",
    "sgn": "sgn",
    "erf": "erf",
}
"""Commands that apply to what follows: ``\\ln x`` is ``ln(x)``."""

SYMBOLS = {
    "cdot": "*",
    "times": "*",
    "div": "/",
    "pi": "π",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "tau": "τ",
    "omega": "ω",
    "sigma": "σ",
    "Phi": "Φ",
    "le": "<=",
    "leq": "<=",
    "ge": ">=",
    "geq": ">=",
    "lt": "<",
    "gt": ">",
    "ne": "!=",
    "neq": "!=",
    "%": "%",
    "{": "(",
    "}": ")",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": " ",
    " ": " ",
    "quad": " ",
    "qquad": " ",
}
TEXT_COMMANDS = frozenset({"mathrm", "text", "operatorname", "mathit", "textrm", "mathbf"})
FRACTIONS = frozenset({"frac", "dfrac", "tfrac"})
_OPEN = {"(": "(", "[": "(", "|": "abs(", ".": "", "lvert": "abs(", "{": "("}
_CLOSE = {")": ")", "]": ")", "|": ")", ".": "", "rvert": ")", "}": ")"}
_INDICATOR = re.compile(r"\\math(?:bb|bf|rm)\s*(?:\{\s*1\s*\}|1)\s*(\[|_\s*\{)")
_PLAIN_NUMBER = re.compile(r"\d+\.?\d*|\.\d+")


def is_latex(text: str) -> bool:
    """Whether ``text`` is written in LaTeX (it has a command or a braced group)."""
    return "\\" in text or "{" in text


def to_plain(text: str) -> str:
    """The plain answer text for a LaTeX answer; AnswerError for what cannot be read."""
    if len(text) > MAX_LATEX_LENGTH:
        raise AnswerError(f"the answer is too long ({len(text)} characters)")
    from pylatexenc.latexwalker import LatexWalker, LatexWalkerError

    text = _indicators(text.replace("$", " "))
    try:
        nodes, _, _ = LatexWalker(text, tolerant_parsing=False).get_latex_nodes()
    except (LatexWalkerError, RecursionError, ValueError, IndexError) as error:
        message = str(error).splitlines()[0] if str(error) else "cannot be parsed"
        raise AnswerError(f"this LaTeX cannot be read: {message}") from None
    return _Translator().nodes(nodes or []).strip()


def _indicators(text: str) -> str:
    """``\\mathbb{1}[x > 0]`` and ``\\mathbb{1}_{x > 0}`` become ``(x > 0)`` (1 or 0)."""
    while (match := _INDICATOR.search(text)) is not None:
        opening = "[" if match.group(1) == "[" else "{"
        closing = "]" if opening == "[" else "}"
        depth, end = 0, None
        for index in range(match.end() - 1, len(text)):
            depth += (text[index] == opening) - (text[index] == closing)
            if depth == 0:
                end = index
                break
        if end is None:
            raise AnswerError("an indicator \\mathbb{1}[...] is not closed")
        text = text[: match.start()] + "(" + text[match.end() : end] + ")" + text[end + 1 :]
    return text


class _Translator:
    """Turns pylatexenc nodes into plain answer text, left to right."""

    def nodes(self, nodes: list[Any]) -> str:
        out: list[str] = []
        queue = list(nodes)
        while queue:
            node = queue.pop(0)
            out.append(self.node(node, queue, out))
        return "".join(out)

    def node(self, node: Any, queue: list[Any], out: list[str]) -> str:
        from pylatexenc.latexwalker import (
            LatexCharsNode,
            LatexCommentNode,
            LatexGroupNode,
            LatexMacroNode,
            LatexMathNode,
            LatexSpecialsNode,
        )

        if node is None or isinstance(node, LatexCommentNode):
            return ""
        if isinstance(node, LatexCharsNode):
            return str(node.chars)
        if isinstance(node, LatexGroupNode):
            inner = self.nodes(node.nodelist)
            if out and out[-1].endswith("_"):
                return inner  # a subscript is part of the name: x_{1} is x_1
            return f"({inner})"
        if isinstance(node, LatexMathNode):
            return self.nodes(node.nodelist)
        if isinstance(node, LatexSpecialsNode):
            raise AnswerError(f"'{node.specials_chars}' is not allowed in an answer")
        if isinstance(node, LatexMacroNode):
            return self.macro(node, queue)
        raise AnswerError("this LaTeX cannot be read")

    def macro(self, node: Any, queue: list[Any]) -> str:
        name = node.macroname
        args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
        if name in FRACTIONS and len(args) == 2:
            top, bottom = (self.nodes(_content(a)) for a in args)
            if _PLAIN_NUMBER.fullmatch(top.strip()) and _PLAIN_NUMBER.fullmatch(bottom.strip()):
                return f"{top.strip()}/{bottom.strip()}"
            return f"(({top})/({bottom}))"
        if name == "sqrt" and args:
            radicand = self.nodes(_content(args[-1]))
            if len(args) == 2:
                return f"(({radicand})^(1/({self.nodes(_content(args[0]))})))"
            return f"sqrt({radicand})"
        if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr"):
            return self._delimiter(name, queue)
        if name == "log" and (base := self._subscript(queue)) is not None:
            argument = self._argument(queue)
            return f"log({argument}, {base})" if argument else f"(1/ln({base}))*ln"
        if name in FUNCTIONS:
            return FUNCTIONS[name] + self._argument(queue)
        if name in SYMBOLS:
            return f" {SYMBOLS[name]} " if SYMBOLS[name].strip() in ("*", "/") else SYMBOLS[name]
        if name in TEXT_COMMANDS:
            group = args[0] if args else (queue.pop(0) if queue else None)
            return _raw(group)
        raise AnswerError(f"unknown LaTeX command \\{name}")

    def _delimiter(self, name: str, queue: list[Any]) -> str:
        from pylatexenc.latexwalker import LatexCharsNode, LatexMacroNode

        table = _OPEN if name in ("left", "bigl", "Bigl") else _CLOSE
        following = queue[0] if queue else None
        if isinstance(following, LatexCharsNode) and following.chars[:1] in table:
            delimiter = following.chars[0]
            rest = following.chars[1:]
            queue.pop(0)
            if rest:
                queue.insert(0, LatexCharsNode(chars=rest, pos=0, len=len(rest)))
            return table[delimiter]
        if isinstance(following, LatexMacroNode) and following.macroname in table:
            queue.pop(0)
            return table[following.macroname]
        raise AnswerError(f"\\{name} needs a delimiter after it, e.g. \\{name}(")

    def _subscript(self, queue: list[Any]) -> str | None:
        r"""The base of ``\log_{10}`` or ``\log_2``, taken off the queue; None without one."""
        from pylatexenc.latexwalker import LatexCharsNode, LatexGroupNode

        following = queue[0] if queue else None
        if not isinstance(following, LatexCharsNode) or not following.chars.startswith("_"):
            return None
        rest = following.chars[1:]
        queue.pop(0)
        if rest:
            match = re.match(r"\d+|[A-Za-z]", rest)
            if match is None:
                raise AnswerError("\\log_ needs a base, e.g. \\log_{10}")
            if rest[match.end() :]:
                tail = rest[match.end() :]
                queue.insert(0, LatexCharsNode(chars=tail, pos=0, len=len(tail)))
            return match.group()
        if queue and isinstance(queue[0], LatexGroupNode):
            return self.nodes(queue.pop(0).nodelist)
        raise AnswerError("\\log_ needs a base, e.g. \\log_{10}")

    def _argument(self, queue: list[Any]) -> str:
        """What a function command applies to: its (...) or {...}, or the next symbol."""
        from pylatexenc.latexwalker import LatexCharsNode, LatexGroupNode, LatexMacroNode

        following = queue[0] if queue else None
        if isinstance(following, LatexCharsNode):
            chars = following.chars.lstrip()
            if chars.startswith("(") or not chars:
                return ""
            match = re.match(r"\d+\.?\d*|[A-Za-z]\w*", chars)
            if match is None:
                return ""
            queue.pop(0)
            rest = chars[match.end() :]
            if rest:
                queue.insert(0, LatexCharsNode(chars=rest, pos=0, len=len(rest)))
            return f"({match.group()})"
        if isinstance(following, LatexGroupNode):
            queue.pop(0)
            return f"({self.nodes(following.nodelist)})"
        if isinstance(following, LatexMacroNode) and following.macroname in SYMBOLS:
            queue.pop(0)
            return f"({SYMBOLS[following.macroname]})"
        return ""


def _content(node: Any) -> list[Any]:
    from pylatexenc.latexwalker import LatexGroupNode

    return list(node.nodelist) if isinstance(node, LatexGroupNode) else [node]


def _raw(node: Any) -> str:
    """The letters inside \\mathrm{...} or \\operatorname{...}, taken as typed."""
    from pylatexenc.latexwalker import LatexCharsNode, LatexGroupNode

    if isinstance(node, LatexGroupNode):
        return "".join(_raw(n) for n in node.nodelist)
    if isinstance(node, LatexCharsNode):
        return str(node.chars)
    raise AnswerError("only letters may go inside \\mathrm{...} or \\operatorname{...}")
