"""The database schema, declared with SQLModel: the one definition of every table.

quizzer does not need SQLModel at run time. ``python -m quizzer.store.models`` compiles these
classes (and the stats triggers below) into :mod:`quizzer.store.ddl`, which a new database is
created from, and a test fails when the two disagree. Migrations hold their own frozen SQL;
another test checks that every upgrade path ends at exactly the schema declared here.

Times are integer milliseconds since the Unix epoch (UTC): compact and fast to group by day.
A card's ``state`` is a :class:`quizzer.model.State`, a review's ``rating`` a
:class:`quizzer.model.Rating` and its ``status`` a :class:`quizzer.model.Status`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

BUCKET_MS = 15 * 60 * 1000
"""The width of a ``stats_buckets`` bucket. Every time zone offset and rollover hour falls on
a 15-minute boundary, so a study day is an exact sum of buckets."""


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


class StatsBucket(SQLModel, table=True):
    """Reviews per 15-minute bucket (``reviewed_at // BUCKET_MS``), kept by triggers, so the
    stats page sums a few thousand rows instead of scanning every review: all of them
    (``reviews``, the heatmap and streaks), the non-cram ones (``graded``) and those of them
    rated above Again (``passed``), for the weekly retention."""

    __tablename__ = "stats_buckets"

    bucket: int | None = Field(default=None, primary_key=True)
    reviews: int
    graded: int
    passed: int


class StatsCard(SQLModel, table=True):
    """All-time non-cram (reviews, passed, duration) per card, kept by triggers."""

    __tablename__ = "stats_cards"

    card_id: int | None = Field(default=None, primary_key=True)
    reviews: int
    passed: int
    duration_ms: int


TRIGGERS = (
    f"""CREATE TRIGGER stats_review_added AFTER INSERT ON reviews BEGIN
    INSERT INTO stats_buckets
        VALUES (NEW.reviewed_at / {BUCKET_MS}, 1, NOT NEW.cram, NOT NEW.cram AND NEW.rating > 1)
        ON CONFLICT(bucket) DO UPDATE SET reviews = reviews + 1,
            graded = graded + excluded.graded, passed = passed + excluded.passed;
    INSERT INTO stats_cards
        SELECT NEW.card_id, 1, NEW.rating > 1, NEW.duration_ms WHERE NOT NEW.cram
        ON CONFLICT(card_id) DO UPDATE SET reviews = reviews + 1,
            passed = passed + excluded.passed,
            duration_ms = duration_ms + excluded.duration_ms;
END""",
    f"""CREATE TRIGGER stats_review_removed AFTER DELETE ON reviews BEGIN
    UPDATE stats_buckets SET reviews = reviews - 1, graded = graded - (NOT OLD.cram),
            passed = passed - (NOT OLD.cram AND OLD.rating > 1)
        WHERE bucket = OLD.reviewed_at / {BUCKET_MS};
    UPDATE stats_cards SET reviews = reviews - 1, passed = passed - (OLD.rating > 1),
            duration_ms = duration_ms - OLD.duration_ms
        WHERE card_id = OLD.card_id AND NOT OLD.cram;
END""",
)
"""Keep the stats tables in step with ``reviews`` inside the transaction that inserts or
deletes a review, so an undo is reflected exactly. ``stats_cards`` leaves cram reviews out:
it holds what retention measures."""


def schema_sql() -> list[str]:
    """The ``CREATE`` statements of the current schema: tables, indexes, then triggers."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect()
    statements = []
    for table in SQLModel.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)))
    return [*statements, *TRIGGERS]


def ddl_module() -> str:
    """The source of :mod:`quizzer.store.ddl` for the current schema."""
    lines = [
        '"""The schema as SQL, generated from :mod:`quizzer.store.models` by',
        "``python -m quizzer.store.models``: do not edit by hand.",
        "",
        "A new database is created from these statements, so opening one never imports",
        'SQLModel or SQLAlchemy."""',
        "",
        "SCHEMA = (",
        *(f"    {statement!r}," for statement in schema_sql()),
        ")",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    target = Path(__file__).with_name("ddl.py")
    target.write_text(ddl_module(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
