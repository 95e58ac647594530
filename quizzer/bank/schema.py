"""The question bank's schema: one YAML file per topic, a list of questions."""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from quizzer.check.spec import AUTO_CHECKED_KINDS, AnswerSpec
from quizzer.safe_text import clip

ID_PATTERN = re.compile(r"[a-z0-9._-]+")
MAX_ID_LENGTH = 120
PARAM_LIMIT = 1e12
MAX_GRID = 10_000_000

PlotName = Literal["cross_entropy", "relu", "leaky_relu", "gelu", "silu", "sigmoid"]
"""The terminal plots a question may ask for (drawn by :mod:`quizzer.demos.terminal_plot`)."""


class ParamSpec(BaseModel):
    """How one parameter is drawn: from ``choices``, or from ``range`` in steps of ``step``."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    choices: list[float] | None = None
    range: tuple[float, float] | None = None
    step: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _one_source(self) -> ParamSpec:
        values = [*(self.choices or ()), *(self.range or ()), *([self.step] if self.step else [])]
        for value in values:
            if not math.isfinite(value) or abs(value) > PARAM_LIMIT:
                raise ValueError(
                    f"parameter values must be finite numbers within ±{PARAM_LIMIT:g}, "
                    f"not {value!r}"
                )
        if (self.choices is None) == (self.range is None):
            raise ValueError("a parameter needs exactly one of 'choices' or 'range'")
        if self.choices is not None and not self.choices:
            raise ValueError("'choices' must not be empty")
        if self.range is not None:
            lo, hi = self.range
            if lo > hi:
                raise ValueError(f"range [{lo}, {hi}] is empty")
            if self.step is None:
                raise ValueError("a 'range' parameter needs a 'step'")
            if (hi - lo) / self.step > MAX_GRID:
                raise ValueError(
                    f"range [{lo}, {hi}] has more than {MAX_GRID:,} steps of {self.step}"
                )
        return self


class Mistake(BaseModel):
    """A predicted wrong answer and the feedback that targets it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    answer: str
    feedback: str

    @field_validator("answer", mode="before")
    @classmethod
    def _number_to_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


class Question(BaseModel):
    """One question of the bank. ``id`` is stable forever: progress is keyed on it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str
    topic: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    answer: AnswerSpec
    hints: list[str] = Field(default_factory=list)
    mistakes: list[Mistake] = Field(default_factory=list)
    explanation: str = ""
    demo: str | None = None
    plot: PlotName | None = None
    """The curve drawn in the terminal under the answer (e.g. ``relu``: ReLU and its
    derivative); none when absent."""
    tags: list[str] = Field(default_factory=list)
    # A matrix of expressions over the params that the prompt presents as a covariance (or
    # another positive semi-definite matrix); ``quizzer bank check`` verifies every draw.
    psd: list[list[str]] | None = None

    @field_validator("psd", mode="before")
    @classmethod
    def _psd_entries_to_text(cls, v: object) -> object:
        if isinstance(v, list):
            return [
                [
                    str(x) if isinstance(x, int | float) and not isinstance(x, bool) else x
                    for x in row
                ]
                if isinstance(row, list)
                else row
                for row in v
            ]
        return v

    @field_validator("psd")
    @classmethod
    def _psd_is_square(cls, v: list[list[str]] | None) -> list[list[str]] | None:
        if v is not None and (not v or any(len(row) != len(v) for row in v)):
            raise ValueError("psd must be a non-empty square matrix (a list of equal rows)")
        return v

    @field_validator("id")
    @classmethod
    def _valid_id(cls, v: str) -> str:
        if len(v) > MAX_ID_LENGTH or not ID_PATTERN.fullmatch(v):
            raise ValueError(
                f"id {clip(v, 60)!r} may only use a-z, 0-9, '.', '_' and '-' "
                f"(at most {MAX_ID_LENGTH} characters)"
            )
        return v

    @property
    def kind(self) -> str:
        """The answer kind: numeric, expression, vector, choice, derivation or recall."""
        return self.answer.kind

    @property
    def auto_checked(self) -> bool:
        """Whether the answer is graded by the checker rather than by the user."""
        return self.answer.kind in AUTO_CHECKED_KINDS
