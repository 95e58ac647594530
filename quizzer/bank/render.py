"""Render the ``$…$`` LaTeX spans of a prompt as readable Unicode for a terminal.

Only the math spans change; the rest of the Markdown is left exactly as written. Common
constructs are handled here (``\\hat{y}`` → ``ŷ``, ``\\|`` → ``‖``, ``\\sqrt{…}`` → ``√(…)``,
sub/superscripts, ``\\frac``, ``\\text``); any other macro is looked up with pylatexenc.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["render_math"]

# $$…$$ (may span lines) or $…$ (one line, not empty, not starting/ending with a space),
# neither preceded by a backslash.
_MATH = re.compile(
    r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$(?!\$)", re.S
)

_SUPERSCRIPT = dict(
    zip(
        "0123456789+-−=()nijkltTxaAbBcdDeEfgGhHmMoOpPrRsuUvVwWyz",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱʲᵏˡᵗᵀˣᵃᴬᵇᴮᶜᵈᴰᵉᴱᶠᵍᴳʰᴴᵐᴹᵒᴼᵖᴾʳᴿˢᵘᵁᵛⱽʷᵂʸᶻ",
        strict=True,
    )
)
_SUBSCRIPT = dict(
    zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)

# Macros rendered directly (pylatexenc drops \| and \ne and eats the space after \log).
_SYMBOLS = {
    "|": "‖",
    "Vert": "‖",
    "lVert": "‖",
    "rVert": "‖",
    "ne": "≠",
    "neq": "≠",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "approx": "≈",
    "in": "∈",
    "to": "→",
    "rightarrow": "→",
    "mapsto": "↦",
    "cdot": "·",
    "times": "×",
    "odot": "⊙",
    "sum": "Σ",
    "prod": "Π",
    "infty": "∞",
    "partial": "∂",
    "nabla": "∇",
    "top": "ᵀ",
    "sim": "∼",
    "propto": "∝",
    "pm": "±",
    "ldots": "…",
    "dots": "…",
    "cdots": "⋯",
    "_": "_",
    "%": "%",
    "{": "{",
    "}": "}",
    "$": "$",
    ",": " ",
    ";": " ",
    ":": " ",
    "quad": "  ",
    "qquad": "    ",
    "!": "",
    " ": " ",
}
_SPACED = {
    "ne",
    "neq",
    "le",
    "leq",
    "ge",
    "geq",
    "approx",
    "in",
    "to",
    "rightarrow",
    "mapsto",
    "sim",
    "propto",
}
_OPERATORS = {
    "log",
    "ln",
    "exp",
    "max",
    "min",
    "sin",
    "cos",
    "tanh",
    "arg",
    "det",
    "tr",
    "lim",
    "sup",
    "inf",
}
_TEXT_MACROS = {
    "text",
    "mathrm",
    "mathbf",
    "mathit",
    "mathsf",
    "mathtt",
    "operatorname",
    "textbf",
    "textit",
    "boldsymbol",
    "bm",
}
_ACCENTS = {
    "hat": "\u0302",
    "widehat": "\u0302",
    "bar": "\u0304",
    "overline": "\u0305",
    "tilde": "\u0303",
    "vec": "\u20d7",
    "dot": "\u0307",
}
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
_DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "limits"}


@lru_cache(maxsize=256)
def _pylatexenc_symbol(macro: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text").latex_to_text("\\" + macro).strip()


class _Reader:
    """A tiny recursive reader over one math span."""

    def __init__(self, src: str) -> None:
        self.s = src
        self.i = 0

    def done(self) -> bool:
        return self.i >= len(self.s)

    def _macro_name(self) -> str:
        # at a backslash
        j = self.i + 1
        if j < len(self.s) and self.s[j].isalpha():
            k = j
            while k < len(self.s) and self.s[k].isalpha():
                k += 1
            name = self.s[j:k]
            self.i = k
        else:
            name = self.s[j : j + 1]
            self.i = j + 1
        return name

    def _skip_spaces(self) -> None:
        while not self.done() and self.s[self.i].isspace():
            self.i += 1

    def argument(self) -> str:
        """The next argument: a braced group or a single token, rendered."""
        self._skip_spaces()
        if self.done():
            return ""
        c = self.s[self.i]
        if c == "{":
            depth, j = 0, self.i
            while j < len(self.s):
                if self.s[j] == "\\":
                    j += 2
                    continue
                if self.s[j] == "{":
                    depth += 1
                elif self.s[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner = self.s[self.i + 1 : j]
            self.i = j + 1
            return _render(inner)
        if c == "\\":
            start = self.i
            self._macro_name()
            return _render(self.s[start : self.i])
        self.i += 1
        return c

    def render(self) -> str:
        out: list[str] = []
        while not self.done():
            c = self.s[self.i]
            if c == "\\":
                out.append(self._macro())
            elif c in "_^":
                self.i += 1
                out.append(_script(self.argument(), sup=c == "^"))
            elif c == "{":
                out.append(self.argument())
            elif c == "}":
                self.i += 1
            elif c == "~":
                self.i += 1
                out.append(" ")
            elif c.isspace():
                self._skip_spaces()
                out.append(" ")
            else:
                self.i += 1
                out.append("−" if c == "-" else c)  # a real minus sign reads better
        return "".join(out)

    def _macro(self) -> str:
        name = self._macro_name()
        if name in _SYMBOLS:
            sym = _SYMBOLS[name]
            if name in ("partial", "nabla"):
                self._skip_spaces()
            return f" {sym} " if name in _SPACED else sym
        if name in _OPERATORS:
            self._skip_spaces()
            nxt = "" if self.done() else self.s[self.i]
            return name if nxt in "(_^[{" or not nxt else name + " "
        if name in _TEXT_MACROS:
            return self.argument()
        if name in _ACCENTS:
            arg = self.argument()
            return arg + _ACCENTS[name] if len(arg) == 1 else f"{arg}{_ACCENTS[name]}"
        if name == "mathbb":
            arg = self.argument()
            return _BLACKBOARD.get(arg, arg)
        if name == "sqrt":
            arg = self.argument()
            return "√" + arg if len(arg) == 1 else f"√({arg})"
        if name in ("frac", "dfrac", "tfrac"):
            num, den = self.argument(), self.argument()
            return f"{_wrap(num)}/{_wrap(den)}"
        if name in _DROP:
            return ""
        sym = _pylatexenc_symbol(name)
        return sym if sym else name


def _wrap(text: str) -> str:
    text = text.strip()
    return text if re.fullmatch(r"[\w.ŷ∂αβγδεθλμσπ\u0302\u0304\u0303]+", text) else f"({text})"


def _script(arg: str, *, sup: bool) -> str:
    arg = arg.strip()
    table = _SUPERSCRIPT if sup else _SUBSCRIPT
    if arg == "ᵀ" and sup:
        return "ᵀ"
    if arg and all(ch in table for ch in arg):
        return "".join(table[ch] for ch in arg)
    mark = "^" if sup else "_"
    if re.fullmatch(r"\w+", arg):
        return mark + arg
    return f"{mark}({arg})"


def _render(latex: str) -> str:
    return _Reader(latex).render()


def latex_to_unicode(latex: str) -> str:
    """One LaTeX math expression as readable Unicode."""
    text = unicodedata.normalize("NFC", _render(latex))
    return re.sub(r" {2,}", " ", text).strip()


def render_math(text: str) -> str:
    """Replace every ``$…$`` / ``$$…$$`` span of ``text`` by readable Unicode."""
    if "$" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return latex_to_unicode(m.group(1))
        return latex_to_unicode(m.group(2))

    return _MATH.sub(sub, text)
