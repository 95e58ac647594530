"""The number rule: which notations a numeric answer may use, and exact tolerance tests.

A numeric answer is a number in any ordinary notation (see ``number_forms``); anything
that needs a function or more arithmetic is an expression, allowed only where the
question sets ``allow_expression``. Values are kept as exact fractions of the decimal
text typed, so tolerance edges and significant-figure rounding are decided on the
decimals a person reads, not on their binary approximations.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

MAX_LITERAL_LENGTH = 64
MAX_EXPONENT_DIGITS = 4
SMALLEST = 1e-300
"""Non-zero values closer to 0 than this would read as 0 in floats and are refused."""

_TIMES = str.maketrans({"×": "*", "·": "*", "⋅": "*", "∙": "*", "∗": "*", "−": "-", "–": "-"})
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")

_EXP = rf"(?:[+-]?\d{{1,{MAX_EXPONENT_DIGITS}}}|\([+-]?\d{{1,{MAX_EXPONENT_DIGITS}}}\))"
_DECIMAL = r"(?:\d+\.?\d*|\.\d+)"
_THOUSANDS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?)"


def _body(thousands: bool) -> str:
    mantissa = rf"(?P<mant>{_THOUSANDS + '|' if thousands else ''}{_DECIMAL})"
    return (
        rf"(?:{mantissa}(?:[eE](?P<e>[+-]?\d{{1,{MAX_EXPONENT_DIGITS}}}))?"
        rf"(?:\*10\^(?P<ten>{_EXP}))?"
        rf"|(?P<base>{_DECIMAL})\^(?P<power>{_EXP})"
        rf"|(?P<num>{_DECIMAL})/(?P<den>{_DECIMAL}))(?P<percent>%?)"
    )


def _literal_pattern(thousands: bool) -> re.Pattern[str]:
    body = _body(thousands)
    inner = body.replace("?P<", "?P<p_")
    return re.compile(rf"(?P<sign>[+-]?)(?:\((?P<psign>[+-]?){inner}\)|{body})")


_PATTERNS = {flag: _literal_pattern(flag) for flag in (False, True)}


@dataclass(frozen=True)
class Literal:
    """A number as typed: its exact value, its significant figures and its decimal text.

    ``figures`` is None for exact forms (fractions, powers), which have no precision.
    """

    value: Fraction
    figures: int | None
    text: str
    typed: str

    @property
    def shown(self) -> str:
        """How the number was read, for "read as" (with as many digits as were typed)."""
        plain = re.fullmatch(r"[+-]?(?:\d[\d,]*\.?\d*|\.\d+)", self.text)
        if plain:
            return self.text
        digits = max(6, self.figures or 0)
        return f"{self.typed} = {float(self.value):.{digits}g}"


def number_forms(thousands: bool = True) -> str:
    """The sentence that lists every notation a numeric answer may use."""
    separators = ", with thousands separators if you like (65,504)" if thousands else ""
    return (
        "write a number: a decimal (0.357, -1.2)"
        f"{separators}, a fraction (3/4), scientific notation (1.2e-3, 1.2×10^-3, "
        "1.2*10^-3, 1.2·10⁻³), a power of a number (2^-7, 0.25^20) or a percentage (50%)"
    )


def read_literal(text: str, *, thousands: bool = False) -> Literal | None:
    """Read ``text`` as a number in one of the ``number_forms``, or None if it is not one.

    ``thousands`` allows ``65,504`` (numeric answers; a vector uses commas between entries).
    """
    compact = _compact(text)
    if compact is None or len(compact) > MAX_LITERAL_LENGTH:
        return None
    match = _PATTERNS[thousands].fullmatch(compact)
    if match is None:
        return None
    groups = {k.removeprefix("p_"): v for k, v in match.groupdict().items() if v is not None}
    negative = (match["sign"] == "-") != (groups.get("psign") == "-")
    value, figures = _value(groups)
    if value is None:
        return None
    if groups.get("percent"):
        value /= 100
    if value != 0 and not SMALLEST <= abs(value) <= Fraction(1.7976931348623157e308):
        return None
    typed = " ".join(unicodedata.normalize("NFC", text).split())
    return Literal(-value if negative else value, figures, compact, typed)


def _compact(text: str) -> str | None:
    text = unicodedata.normalize("NFC", text).translate(_TIMES)
    if re.search(r"\d\s+[\d.]", text):  # "1 2" is two numbers, not twelve
        return None
    text = "".join(text.split()).replace("**", "^")
    return _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPT), text)


def _value(groups: dict[str, str]) -> tuple[Fraction | None, int | None]:
    if "mant" in groups:
        mantissa = groups["mant"].replace(",", "")
        value = Fraction(mantissa)
        exponent = int(groups.get("e", "0")) + int(groups.get("ten", "0").strip("()"))
        if abs(exponent) > 400:
            return None, None
        return value * Fraction(10) ** exponent, _figures(mantissa)
    if "base" in groups:
        base, power = Fraction(groups["base"]), int(groups["power"].strip("()"))
        if base == 0:
            return (None if power < 0 else Fraction(int(power == 0))), None
        if abs(power * math.log10(abs(base))) > 400:
            return None, None
        return base**power, None
    denominator = Fraction(groups["den"])
    if denominator == 0:
        return None, None
    return Fraction(groups["num"]) / denominator, None


def _figures(mantissa: str) -> int:
    digits = mantissa.replace(".", "").lstrip("0")
    return max(len(digits), 1)


def exact(value: float | Fraction) -> Fraction:
    """A float as the shortest decimal that prints it (what the bank author wrote)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(repr(float(value)))


def within(answer: float | Fraction, reference: float, rtol: float, atol: float = 0.0) -> bool:
    """``|answer − reference| ≤ atol + rtol·|reference|``, with the edge itself included.

    Compared on exact decimals, so 1.05 is within 5% of 1 although 1.05 − 1 is slightly
    more than 0.05 in binary floating point.
    """
    if not math.isfinite(reference):
        return False
    a, r = exact(answer), exact(reference)
    return abs(a - r) <= exact(atol) + exact(rtol) * abs(r)


def round_figures(value: float | Fraction | Decimal, figures: int) -> Decimal:
    """``value`` rounded half up to ``figures`` significant figures, on its decimal text."""
    number = Fraction(value) if isinstance(value, Decimal) else exact(value)
    if number == 0:
        return Decimal(0)
    with localcontext() as context:
        context.prec = 60
        decimal = Decimal(number.numerator) / Decimal(number.denominator)
        quantum = Decimal(1).scaleb(decimal.adjusted() - figures + 1)
        rounded = decimal.quantize(quantum, rounding=ROUND_HALF_UP)
    return rounded


def close(answer: float, reference: float, rtol: float, atol: float = 0.0) -> bool:
    """Whether two floats agree within ``atol + rtol·max(|answer|, |reference|)``.

    Purely relative when ``atol`` is 0, so tiny values are compared as carefully as
    large ones (the callers decide what counts as rounding noise around 0).
    """
    return abs(answer - reference) <= atol + rtol * max(abs(answer), abs(reference))
