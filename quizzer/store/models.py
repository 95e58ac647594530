"""The database schema, declared with SQLModel.

SQLModel creates and migrates the schema; the per-review hot path (:mod:`quizzer.store.db`)
talks to SQLite directly, so a daily start does not pay ~0.5 s to import SQLAlchemy.
Times are integer milliseconds since the Unix epoch (UTC): compact and fast to group by day.
Card state 0 means "new" (never reviewed); 1-3 are FSRS's Learning, Review, Relearning.
"""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from quizzer.store.migrations import SCHEMA_VERSION as SCHEMA_VERSION


class Card(SQLModel, table=True):
    """The FSRS state of one question, keyed by its stable bank id."""

    __tablename__ = "cards"
    __table_args__ = (Index("ix_cards_state_due", "state", "due"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(unique=True)
    state: int = 0
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: int
    last_review: int | None = None
    reps: int = 0
    lapses: int = 0


class Review(SQLModel, table=True):
    """One graded answer and the card's state after it.

    The state before a review is the state after the card's previous non-cram review (or
    new), so it is not stored twice: schema v2 dropped v1's ``before_*`` columns but
    ``before_state``, which tells first reviews apart. That keeps undo exact at about 110
    bytes per review, index included.
    """

    __tablename__ = "reviews"

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="cards.id", index=True)
    reviewed_at: int = Field(index=True)
    rating: int
    status: str
    answer: str = ""
    seed: int | None = None
    duration_ms: int = 0
    cram: bool = False
    before_state: int = 0
    after_state: int = 0
    after_step: int | None = None
    after_stability: float | None = None
    after_difficulty: float | None = None
    after_due: int | None = None


class Meta(SQLModel, table=True):
    """Key/value facts about the database (last backup, FSRS parameters...)."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str


def schema_sql() -> list[str]:
    """The ``CREATE TABLE`` and ``CREATE INDEX`` statements of the current schema, for
    :class:`quizzer.store.db.Store` to run inside its own transaction (so two instances
    creating the same new file cannot race)."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect()
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)))
    return statements
