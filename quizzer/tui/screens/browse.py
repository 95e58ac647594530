"""The browse screen: every question with its schedule; search, filter by topic, open one to
see its history and try it, or cram a topic. Trying and cramming never move the schedule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Markdown, Select, Static

from quizzer.bank.render import render_math
from quizzer.context import Context, DrillOptions
from quizzer.model import rating_label
from quizzer.safe_text import clean, text
from quizzer.session import DrillSession
from quizzer.stats.browse import BrowseRow, browse_rows, question_history
from quizzer.tui.screens.drill import DrillScreen

COLUMNS = ("id", "topic", "state", "due", "lapses")
HISTORY_COLUMNS = (
    ("when", 16),
    ("rating", 8),
    ("status", 10),
    ("answer", 36),
    ("time", 7),
    ("", 4),
)


def _date(instant: datetime | None) -> str:
    return "" if instant is None else instant.astimezone().strftime("%Y-%m-%d")


class CramScreen(DrillScreen):
    """A drill that leaves the schedule alone; Escape goes back to browsing."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", key_display="Esc")]


class BrowseScreen(Screen[None]):
    """All questions: Enter opens one, c crams the highlighted question's topic."""

    DEFAULT_CSS = """
    #browse-filters { height: auto; }
    #search { width: 1fr; }
    #topic-filter { width: 40; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", key_display="Esc"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("c", "cram", "Cram topic"),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.rows: list[BrowseRow] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="browse-filters"):
            yield Input(placeholder="search id, topic or prompt", id="search")
            yield Select(
                [(text(t), t) for t in self.context.bank.topics()],
                prompt="all topics",
                id="topic-filter",
            )
        yield DataTable(id="questions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.reload()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()  # a cram or a try may have added history

    def reload(self) -> None:
        """List the questions that match the search text and topic."""
        search = self.query_one("#search", Input).value
        topic = self.query_one("#topic-filter", Select).value
        self.rows = browse_rows(
            self.context.store, self.context.bank, search, topic if isinstance(topic, str) else None
        )
        table = self.query_one(DataTable)
        table.clear()
        for row in self.rows:
            table.add_row(
                text(row.question_id),
                text(row.topic),
                row.state,
                _date(row.due),
                str(row.lapses),
                key=row.question_id,
            )

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(QuestionScreen(self.context, event.row_key.value, self.cram))

    def action_search(self) -> None:
        """Focus the search box."""
        self.query_one("#search", Input).focus()

    def highlighted(self) -> BrowseRow | None:
        """The question under the cursor."""
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_cram(self) -> None:
        """Drill the highlighted question's whole topic now, schedule unchanged."""
        row = self.highlighted()
        if row is not None:
            self.cram(DrillSession(self.context, DrillOptions(topic=row.topic, cram=True)))

    def cram(self, session: DrillSession) -> None:
        """Open a cram drill of ``session``."""
        self.app.push_screen(CramScreen(session))


class QuestionScreen(Screen[None]):
    """One question: prompt, schedule and every past review; t tries it (cram)."""

    DEFAULT_CSS = """
    #question-body { padding: 0 1; }
    #question-prompt { height: auto; }
    #history { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", key_display="Esc"),
        Binding("t", "try", "Try it"),
    ]

    def __init__(
        self, context: Context, question_id: str, cram: Callable[[DrillSession], None]
    ) -> None:
        super().__init__()
        self.context = context
        self.question_id = question_id
        self.cram = cram
        """Opens a cram drill (the browser's, so Escape comes back to it)."""

    def compose(self) -> ComposeResult:
        q = self.context.bank.questions[self.question_id]
        with Vertical(id="question-body"):
            yield Static(
                Text.assemble(text(q.id, "bold"), " · ", text(q.topic)), id="question-head"
            )
            yield Markdown(clean(render_math(q.prompt)), id="question-prompt")
            yield Static("", id="question-schedule")
            yield DataTable(id="history", cursor_type="none")
        yield Footer()

    def on_mount(self) -> None:
        self.on_screen_resume()

    def on_screen_resume(self) -> None:
        row = next(
            (
                r
                for r in browse_rows(self.context.store, self.context.bank)
                if r.question_id == self.question_id
            ),
            None,
        )
        if row is not None:
            self.query_one("#question-schedule", Static).update(
                f"state {row.state} · due {_date(row.due) or '—'} · lapses {row.lapses}"
            )
        table = self.query_one("#history", DataTable)
        table.clear(columns=True)
        for label, width in HISTORY_COLUMNS:
            table.add_column(label, width=width)
        history = question_history(self.context.store, self.question_id)
        for h in history:
            table.add_row(
                h.reviewed_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                f"{h.rating} {rating_label(h.rating)}",
                text(h.status),
                text(h.answer),
                f"{h.duration_ms / 1000:.1f} s",
                "cram" if h.cram else "",
            )
        if not history:
            table.add_row("never reviewed", "", "", "", "", "")

    def action_try(self) -> None:
        """Ask this question now without touching its schedule."""
        q = self.context.bank.questions[self.question_id]
        session = DrillSession(self.context, DrillOptions(topic=q.topic, cram=True))
        session.queue = [self.question_id]
        self.cram(session)
