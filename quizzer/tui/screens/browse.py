"""The browse screen: every question with its schedule in a sortable table, a search with
``topic:``, ``state:`` and ``tag:`` filters, and a preview of the highlighted question (its
prompt filled for a seed, the answer, hints, explanation and every past review). ``t`` tries
the question and ``c`` crams its topic; neither moves the schedule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Static

from quizzer.bank.render import render_math
from quizzer.context import Context, DrillOptions
from quizzer.model import option_letter, rating_label
from quizzer.safe_text import text
from quizzer.session import DrillSession
from quizzer.stats.browse import BrowseRow, HistoryRow, browse_rows, question_history
from quizzer.tui.screens.drill import DrillScreen
from quizzer.tui.screens.mode import ModeScreen
from quizzer.tui.widgets.footer import CoalescingFooter

PREVIEW_SEED = 1
"""The seed the preview fills a prompt's numbers with (``t`` asks the same numbers)."""


def _span(seconds: float) -> str:
    """A duration the way Anki writes intervals: 10m, 5h, 3.2d, 4.1mo, 1.5y."""
    minutes = seconds / 60
    if minutes < 60:
        return f"{max(minutes, 0):.0f}m"
    if minutes < 24 * 60:
        return f"{minutes / 60:.0f}h"
    days = minutes / (24 * 60)
    if days < 30:
        return f"{days:.1f}d" if days < 10 else f"{days:.0f}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def _due(row: BrowseRow, now: datetime) -> str:
    if row.due is None:
        return "new"
    seconds = (row.due - now).total_seconds()
    return "now" if seconds <= 0 else f"in {_span(seconds)}"


def _ago(instant: datetime | None, now: datetime) -> str:
    return "" if instant is None else f"{_span((now - instant).total_seconds())} ago"


@dataclass(frozen=True)
class Column:
    """A table column: header, width (room for the header and its sort arrow), which to
    drop first when the terminal is narrow (higher goes first), the cell text and the sort
    key."""

    key: str
    label: str
    width: int
    drop: int
    cell: Callable[[BrowseRow, datetime], str]
    sort: Callable[[BrowseRow], Any]


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


COLUMNS = (
    Column("question", "question", 0, 0, lambda r, n: r.prompt, lambda r: r.prompt.casefold()),
    Column("topic", "topic", 12, 1, lambda r, n: r.topic, lambda r: r.topic.casefold()),
    Column("state", "state", 10, 2, lambda r, n: r.state, lambda r: r.state),
    Column("due", "due", 8, 3, _due, lambda r: r.due),
    Column(
        "interval",
        "ivl",
        5,
        5,
        lambda r, n: "" if r.interval_days is None else _span(r.interval_days * 86400),
        lambda r: r.interval_days,
    ),
    Column("lapses", "laps", 6, 4, lambda r, n: str(r.lapses), lambda r: r.lapses),
    Column("reps", "reps", 6, 6, lambda r, n: str(r.reps), lambda r: r.reps),
    Column("last", "last", 8, 7, lambda r, n: _ago(r.last_review, n), lambda r: r.last_review),
    Column("stability", "stab", 6, 8, lambda r, n: _number(r.stability), lambda r: r.stability),
    Column("difficulty", "diff", 6, 9, lambda r, n: _number(r.difficulty), lambda r: r.difficulty),
)
QUESTION_MIN = 20
"""The prompt excerpt is never narrower than this; other columns are dropped instead."""


def fitting_columns(width: int) -> tuple[list[Column], int]:
    """The columns that fit ``width`` cells whole (none is cut) and the prompt's width."""
    chosen = list(COLUMNS)
    overhead = 2 + 2  # the table's scrollbar and a margin
    while True:
        fixed = sum(c.width + 2 for c in chosen if c.width)
        question = width - overhead - fixed - 2
        if question >= QUESTION_MIN or len(chosen) == 1:
            return chosen, max(question, QUESTION_MIN)
        chosen.remove(max(chosen, key=lambda c: c.drop))


def _excerpt(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def history_table(history: list[HistoryRow]) -> RenderableType:
    """Every past review of a question, newest first."""
    if not history:
        return Text("Never reviewed.", style="dim")
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for name in ("when", "rating", "status", "answer", "time", ""):
        table.add_column(name, overflow="ellipsis", no_wrap=name != "answer")
    for h in reversed(history):
        table.add_row(
            h.reviewed_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            f"{h.rating} {rating_label(h.rating)}",
            h.status,
            text(h.answer),
            f"{h.duration_ms / 1000:.1f} s",
            "cram" if h.cram else "",
        )
    return table


class CramScreen(DrillScreen):
    """A drill that leaves the schedule alone; Escape goes back to browsing."""

    BINDINGS = [
        Binding(
            "escape",
            "back",
            "Browse",
            id="cram.back",
            tooltip="Leave the answer box; again: back to browsing",
        ),
    ]

    def action_back(self) -> None:
        """Leave the answer box, or end the cram and go back to browsing."""
        if self._answer_focused():
            self.action_leave_answer()
        else:
            self.dismiss()


class BrowseScreen(ModeScreen):
    """All questions; the highlighted one is previewed below the table."""

    DEFAULT_CSS = """
    BrowseScreen #search { margin: 0 1; }
    BrowseScreen #questions { height: 1fr; min-height: 5; }
    BrowseScreen #browse-status { height: 1; padding: 0 1; background: $panel; }
    BrowseScreen #preview { height: 45%; padding: 0 1; border-top: solid $primary; }
    BrowseScreen #preview:focus { border-top: solid $accent; }
    """
    BINDINGS = [
        Binding(
            "slash",
            "search",
            "Search",
            id="browse.search",
            tooltip="Search: words, topic:NAME, state:new|learning|review, tag:NAME",
        ),
        Binding("o", "sort", "Sort", id="browse.sort", tooltip="Sort by the next column"),
        Binding("r", "reverse", "Reverse", id="browse.reverse", tooltip="Reverse the order"),
        Binding(
            "t",
            "try",
            "Try it",
            id="browse.try",
            tooltip="Ask the highlighted question now; the schedule is not moved",
        ),
        Binding(
            "c",
            "cram",
            "Cram topic",
            id="browse.cram",
            tooltip="Drill the highlighted question's topic now; the schedule is not moved",
        ),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.rows: list[BrowseRow] = []
        self.sort_key = "due"
        self.reverse = False
        self._columns: list[Column] = []
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="/ search: words  topic:Q25  state:review  tag:loss",
            id="search",
            compact=True,
        )
        yield DataTable(id="questions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="browse-status")
        with VerticalScroll(id="preview"):
            yield Static("", id="preview-body")
        yield CoalescingFooter()

    def home_widget(self) -> str:
        """The table gets the focus when the search box or the preview is left."""
        return "#questions"

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self.rows:
            self.reload()  # a cram or a try may have added history

    def on_resize(self) -> None:
        if fitting_columns(self.size.width) != fitting_columns(self._width):
            self.reload()

    # -- the table ------------------------------------------------------------------------

    def reload(self) -> None:
        """List the questions that match the search, sorted, keeping the highlighted one."""
        text = self.query_one("#search", Input).value
        self.rows = browse_rows(self.context.store, self.context.bank, text)
        column = next(c for c in COLUMNS if c.key == self.sort_key)
        present = [r for r in self.rows if column.sort(r) is not None]
        missing = [r for r in self.rows if column.sort(r) is None]
        present.sort(key=column.sort, reverse=self.reverse)
        self.rows = present + missing  # unscheduled ones last either way
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        highlighted = self.highlighted()
        self._width = self.size.width
        self._columns, question_width = fitting_columns(self._width)
        table.clear(columns=True)
        for c in self._columns:
            arrow = (" ▼" if self.reverse else " ▲") if c.key == self.sort_key else ""
            table.add_column(c.label + arrow, key=c.key, width=c.width or question_width)
        now = self.context.clock()
        for row in self.rows:
            cells = [_excerpt(c.cell(row, now), c.width or question_width) for c in self._columns]
            table.add_row(*(text(cell) for cell in cells), key=row.question_id)
        if highlighted is not None:
            index = next(
                (i for i, r in enumerate(self.rows) if r.question_id == highlighted.question_id),
                0,
            )
            table.move_cursor(row=index, animate=False)
        total = len(self.context.bank.questions)
        order = "descending" if self.reverse else "ascending"
        hidden = len(COLUMNS) - len(self._columns)
        more = f" · {hidden} more columns when wider" if hidden else ""
        self.query_one("#browse-status", Static).update(
            f"{len(self.rows)} of {total} questions · sorted by {self.sort_key} ({order}){more}"
        )
        self._show_preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key == self.sort_key:
            self.reverse = not self.reverse
        elif key is not None:
            self.sort_key, self.reverse = key, False
        self.reload()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_preview()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_preview()  # Enter: into the preview, to scroll it

    def highlighted(self) -> BrowseRow | None:
        """The question under the cursor."""
        if not self.is_mounted:
            return None
        table = self.query_one(DataTable)
        if not self.rows or table.row_count == 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # -- the preview ----------------------------------------------------------------------

    def _show_preview(self) -> None:
        row = self.highlighted()
        if row is None:
            self.query_one("#preview-body", Static).update(
                Text("No question matches the search.", style="dim")
            )
            return
        self.load_preview(row.question_id)

    @work(thread=True, group="browse-preview")
    def load_preview(self, question_id: str) -> None:
        """Fill the prompt, work out the answer (in the checker) and read the history. Not
        exclusive: a preview for a row the cursor has left is dropped when it arrives."""
        from quizzer.session import solution

        # the numbers and the option order a drill with this seed shows, so the answer's
        # letters are those of the options listed
        exercise = DrillSession.exercise(self.context.bank.questions[question_id], PREVIEW_SEED)
        answer = solution(exercise)
        with self.context.store.reading() as store:
            history = question_history(store, question_id)
        self.app.call_from_thread(self._preview, exercise, answer, history)

    def _preview(self, exercise: Any, answer: str | None, history: list[HistoryRow]) -> None:
        row = self.highlighted()
        q = exercise.question
        if row is None or row.question_id != q.id:
            return  # the cursor moved on meanwhile
        parts: list[RenderableType] = [
            Text.assemble(
                text(q.id, "bold"),
                " · ",
                text(q.topic),
                text(f" · {', '.join(q.tags)}" if q.tags else "", "dim"),
            ),
            text(render_math(exercise.prompt)),
        ]
        if exercise.params:
            numbers = ", ".join(f"{k} = {v:g}" for k, v in exercise.params.items())
            parts.append(text(f"(numbers of seed {PREVIEW_SEED}: {numbers})", "dim"))
        parts += [
            text(f"  {option_letter(i)}) {render_math(option)}")
            for i, option in enumerate(exercise.options)
        ]
        if answer:
            parts += [Text("\nAnswer", style="bold"), text(answer)]
        if q.hints:
            parts.append(Text("\nHints", style="bold"))
            parts += [text(f"{i}. {render_math(h)}") for i, h in enumerate(q.hints, 1)]
        if q.explanation.strip():
            parts += [Text("\nExplanation", style="bold"), text(render_math(q.explanation.strip()))]
        parts += [Text("\nHistory", style="bold"), history_table(history)]
        self.query_one("#preview-body", Static).update(Group(*parts))

    # -- actions --------------------------------------------------------------------------

    def action_search(self) -> None:
        """Focus the search box."""
        self.query_one("#search", Input).focus()

    def action_sort(self) -> None:
        """Sort by the next column shown."""
        keys = [c.key for c in self._columns]
        position = keys.index(self.sort_key) if self.sort_key in keys else -1
        self.sort_key, self.reverse = keys[(position + 1) % len(keys)], False
        self.reload()

    def action_reverse(self) -> None:
        """Reverse the order."""
        self.reverse = not self.reverse
        self.reload()

    def action_preview(self) -> None:
        """Move into the preview, to scroll it."""
        self.query_one("#preview").focus()

    def action_back(self) -> None:
        """Leave the search box or the preview for the table; from the table, the drill."""
        if self.focused is not None and self.focused.id in ("search", "preview"):
            self.query_one("#questions").focus()
            return
        super().action_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The question actions need a highlighted question."""
        if action in ("try", "cram"):
            return self.highlighted() is not None
        return True

    def action_cram(self) -> None:
        """Drill the highlighted question's whole topic now, schedule unchanged."""
        row = self.highlighted()
        if row is not None:
            self.cram(DrillSession(self.context, DrillOptions(topic=row.topic, cram=True)))

    def action_try(self) -> None:
        """Ask the highlighted question now without touching its schedule."""
        row = self.highlighted()
        if row is None:
            return
        q = self.context.bank.questions[row.question_id]
        session = DrillSession(self.context, DrillOptions(topic=q.topic, cram=True))
        session.queue = [row.question_id]
        self.cram(session)

    def cram(self, session: DrillSession) -> None:
        """Open a cram drill of ``session``."""
        self.app.push_screen(CramScreen(session))
