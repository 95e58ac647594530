"""Answer specifications: the ``answer:`` mapping of a bank question, as pydantic models.

The checker owns these shapes; the bank schema reuses them. Importing this module is cheap
(pydantic only): sympy is loaded by the checker when an answer is actually graded.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from quizzer.check.verdict import CheckError


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class NumericSpec(_Spec):
    """A single number; ``value`` is an expression over the question's params."""

    kind: Literal["numeric"] = "numeric"
    value: str
    rtol: float = Field(0.01, ge=0)
    atol: float = Field(0.0, ge=0)
    sigfigs: int | None = Field(None, ge=1, le=15)
    allow_expression: bool = False

    @field_validator("value", mode="before")
    @classmethod
    def _number_to_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


class ExpressionSpec(_Spec):
    """A formula in ``variables``, compared symbolically and at sampled points."""

    kind: Literal["expression"] = "expression"
    value: str
    variables: list[str] | None = None
    domain: dict[str, tuple[float, float]] = Field(default_factory=dict)
    samples: int = Field(16, ge=1, le=200)
    rtol: float = Field(1e-6, ge=0)
    simplified: bool = False


class VectorSpec(_Spec):
    """A list of numbers, compared entry by entry."""

    kind: Literal["vector"] = "vector"
    value: list[str]
    rtol: float = Field(0.01, ge=0)
    atol: float = Field(0.0, ge=0)
    allow_expression: bool = False

    @field_validator("value", mode="before")
    @classmethod
    def _numbers_to_text(cls, v: object) -> object:
        if isinstance(v, list):
            return [
                str(x) if isinstance(x, int | float) and not isinstance(x, bool) else x for x in v
            ]
        return v


class ChoiceSpec(_Spec):
    """Pick one or more options; graded exactly. The drill shows the options in an order
    drawn from each review's seed unless ``shuffle`` is false (an order that matters, such
    as "all of the above" last)."""

    kind: Literal["choice"] = "choice"
    options: list[str] = Field(min_length=2)
    correct: str | list[str]
    shuffle: bool = True

    @property
    def correct_set(self) -> frozenset[str]:
        """The correct option texts as a set."""
        return frozenset([self.correct] if isinstance(self.correct, str) else self.correct)

    @property
    def multiple(self) -> bool:
        """Whether more than one option is correct."""
        return len(self.correct_set) > 1

    @field_validator("correct")
    @classmethod
    def _correct_is_an_option(cls, v: str | list[str], info) -> str | list[str]:
        options = info.data.get("options") or []
        for c in [v] if isinstance(v, str) else v:
            if c not in options:
                raise ValueError(f"correct answer {c!r} is not one of the options")
        return v


class DerivationSpec(_Spec):
    """A chain of lines from ``start`` to ``target``, each equal to the line before.

    ``accept`` lists other forms the last line may take; ``steps`` is the model derivation
    (shown after answering, and checked by ``quizzer bank check``); ``define`` names
    shorthands (``p1: exp(z1)/(exp(z1) + exp(z2))``) that lines and the target may use, equal
    to their values when lines are compared but kept as names in the target's form. ``variables``,
    ``domain``, ``samples`` and ``rtol`` mean what they mean for an expression.
    """

    kind: Literal["derivation"] = "derivation"
    start: str
    target: str
    accept: list[str] = Field(default_factory=list)
    steps: list[str] = Field(min_length=2)
    define: dict[str, str] = Field(default_factory=dict)
    variables: list[str] | None = None
    domain: dict[str, tuple[float, float]] = Field(default_factory=dict)
    samples: int = Field(16, ge=1, le=200)
    rtol: float = Field(1e-6, ge=0)


class RecallSpec(_Spec):
    """Recall the explanation and grade yourself."""

    kind: Literal["recall"] = "recall"


AnswerSpec = Annotated[
    NumericSpec | ExpressionSpec | VectorSpec | ChoiceSpec | DerivationSpec | RecallSpec,
    Field(discriminator="kind"),
]

AUTO_CHECKED_KINDS = frozenset({"numeric", "expression", "vector", "choice", "derivation"})


Spec = NumericSpec | ExpressionSpec | VectorSpec | ChoiceSpec | DerivationSpec | RecallSpec


@functools.cache
def _adapter() -> TypeAdapter[Spec]:
    # Built on first use, not on import: the TUI imports this module on its way to the first
    # paint, and building the validator there cost ~30 ms (a cached bank never needs it).
    return TypeAdapter(AnswerSpec)


def load_spec(spec: Mapping[str, Any] | BaseModel) -> Spec:
    """The spec model for an ``answer:`` mapping (or the model itself); CheckError if malformed."""
    if isinstance(spec, Spec):
        return spec
    try:
        return _adapter().validate_python(dict(spec))
    except (ValidationError, TypeError, ValueError) as error:
        raise CheckError(f"invalid answer spec: {error}") from None
