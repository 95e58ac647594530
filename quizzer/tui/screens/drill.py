"""The drill screen: question, answer, verdict, rating."""

from __future__ import annotations

import threading

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from quizzer.bank.render import render_math
from quizzer.context import DrillOptions
from quizzer.model import Rating, Status, option_letter
from quizzer.plain import feedback_lines, format_summary, option_marks
from quizzer.presentation import status_colour, status_text
from quizzer.session import (
    Check,
    DrillSession,
    Exercise,
    Graded,
    Kind,
    Mode,
    Result,
    run_check,
)
from quizzer.store.db import StoreError
from quizzer.tui.widgets.footer import CoalescingFooter
from quizzer.tui.widgets.rich_text import MarkdownView

COUNT_STYLE = {Kind.NEW: "#4a9eff", Kind.LEARNING: "#ef5350", Kind.REVIEW: "#4caf50"}
"""Anki's colours for the new (blue), learning (red) and review (green) counts, light enough
to read on a dark background."""
MORE_NEW = 10
"""How many more new questions "study more new" queues."""


class AnswerInput(Input):
    """The answer box. ``?`` is never part of an answer, so it stays the help key."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Let ``?`` through to the app's help binding; consume every other printable key."""
        return character != "?" and super().check_consume_key(key, character)


class DrillScreen(Screen[None]):
    """Ask, check, rate, repeat."""

    BINDINGS = [
        Binding("1", "rate(1)", "Again", show=True),
        Binding("2", "rate(2)", "Hard"),
        Binding("3", "rate(3)", "Good"),
        Binding("4", "rate(4)", "Easy"),
        Binding("enter", "accept", "Accept", key_display="⏎"),
        Binding("d", "demo", "Demo"),
        Binding("ctrl+t", "hint", "Hint"),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("a", "study_ahead", "Study ahead"),
        Binding("n", "study_more_new", f"{MORE_NEW} more new"),
    ]

    def __init__(self, session: DrillSession) -> None:
        super().__init__()
        self.session = session

    @property
    def mode(self) -> Mode:
        """The session's mode: the screen keeps no state of its own about the question."""
        return self.session.mode

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Label("", id="topic")
            yield Label("", id="count")
        with VerticalScroll(id="body"):
            yield MarkdownView(id="prompt")
            yield Static("", id="options")
            yield Static("", id="hint")
            yield AnswerInput(
                placeholder="your answer (Enter to check, empty = show solution)", id="answer"
            )
            yield Static("", id="preview")
            with Vertical(id="result"):
                yield Static("", id="verdict")
                yield MarkdownView(id="explanation")
                yield Static("", id="plot")
            yield Static("", id="idle")
        yield Static("", id="ratings")
        yield CoalescingFooter()

    def on_mount(self) -> None:
        self.show_next()
        # After the first paint, never competing with it for the CPU.
        self.call_after_refresh(self.set_timer, 0.3, self.warm_checker)

    def restart(self, options: DrillOptions) -> None:
        """Start a new session with ``options`` (other topics), dropping the question in
        hand; every rated review is already stored."""
        self.session.cancel()
        self.session = DrillSession(self.session.context, options)
        self.show_next()

    def warm_checker(self) -> None:
        """Start the checking worker (it imports sympy) once the first question is on screen,
        so the first answer is graded without that wait. A daemon thread, not a Textual
        worker: quitting at once must not wait for sympy to finish loading."""
        from quizzer.check import warm_up

        threading.Thread(target=warm_up, name="quizzer-warm-up", daemon=True).start()

    # -- showing -------------------------------------------------------------------------

    def show_next(self) -> None:
        """Show the next question (as it was, if undo put it aside), or the summary."""
        exercise = self.session.next()
        self._update_progress()
        if exercise is None:
            self._show_idle()
            return
        q = exercise.question
        self.query_one("#topic", Label).update(f"{escape(q.topic)} · [dim]{escape(q.id)}[/]")
        self.query_one("#prompt", MarkdownView).show(render_math(exercise.prompt))
        options = ""
        if exercise.options:
            options = "\n".join(
                f"  [b]{option_letter(i)})[/b] {escape(render_math(o))}"
                for i, o in enumerate(exercise.options)
            )
        elif q.kind == "recall":
            options = "[dim]Recall the answer, then press Enter to reveal it and grade yourself.[/]"
        self._set("#options", options)
        self._set("#hint", "")
        self._set("#preview", "")
        self._set("#ratings", "")
        self.query_one("#result").display = False
        if self.query_one("#idle").display:
            self.query_one("#idle").display = False
            for widget_id in ("#prompt", "#options", "#answer"):
                self.query_one(widget_id).display = True
        answer = self.query_one("#answer", Input)
        answer.disabled = False
        answer.value = self.session.answer
        if self.session.result is not None:  # an answer graded before an undo, kept
            self._show_result(exercise, self.session.result)
            return
        answer.focus()
        self.refresh_bindings()

    def _show_idle(self) -> None:
        for widget_id in ("#prompt", "#options", "#answer", "#result", "#preview", "#hint"):
            self.query_one(widget_id).display = False
        self._set("#ratings", "")
        self.query_one("#topic", Label).update("")
        summary = self.session.summary()
        if summary.reviewed:
            head = f"Session complete: {summary.reviewed} reviewed, all saved."
        else:
            head = "Nothing is due right now."
        lines = [escape(line) for line in format_summary(summary)]
        if summary.reviewed:
            lines = lines[1:]  # the head says how many
            accuracy = summary.accuracy or 0.0
            lines.insert(
                0,
                f"Accuracy [b]{accuracy:.0%}[/b] ({summary.correct}/{summary.reviewed}) · "
                f"{summary.again} Again · time {_duration(summary.seconds)}",
            )
        actions = []
        if summary.new_left:
            actions.append(f"[b]n[/b] study {min(MORE_NEW, summary.new_left)} more new today")
        actions += ["[b]a[/b] study ahead", "[b]Ctrl+Q[/b] quit"]
        idle = self.query_one("#idle", Static)
        idle.update(f"[b]{head}[/b]\n\n" + "\n".join(lines) + "\n\n" + " · ".join(actions))
        idle.display = True
        self.refresh_bindings()

    def _update_progress(self) -> None:
        counts = self.session.counts()
        current = self.session.current_kind
        parts = []
        for kind, number in (
            (Kind.NEW, counts.new),
            (Kind.LEARNING, counts.learning),
            (Kind.REVIEW, counts.review),
        ):
            style = COUNT_STYLE[kind] + (" underline" if kind is current else "")
            parts.append(f"[{style}]{number} {kind.value}[/]")
        self.query_one("#count", Label).update(" · ".join(parts))

    def _set(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(text)

    # -- answering -----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        exercise = self.session.current
        if (
            self.mode is not Mode.ANSWERING
            or exercise is None
            or exercise.question.kind in ("recall", "choice")
        ):
            return
        self.live_preview(exercise, event.value)

    @work(thread=True, exclusive=True, group="preview")
    def live_preview(self, exercise: Exercise, text: str) -> None:
        """Show how the answer is read, while typing (parsing only; nothing is graded)."""
        if not text.strip():
            self.app.call_from_thread(self._show_preview, exercise, "")
            return
        from quizzer.check import preview

        verdict = preview(exercise.question.answer, text, exercise.params)
        line = (
            f"[red]{escape(verdict.feedback)}[/]"
            if verdict.status in ("invalid", "timeout")
            else f"[dim]read as:[/] {escape(verdict.interpreted or text)}"
        )
        self.app.call_from_thread(self._show_preview, exercise, line)

    def _show_preview(self, exercise: Exercise, line: str) -> None:
        if self.mode is Mode.ANSWERING and self.session.current is exercise:
            self._set("#preview", line)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.mode is not Mode.ANSWERING:
            return
        self._set("#preview", "[dim]checking…[/]")
        self.grade(self.session.submit(event.value))

    @work(thread=True, group="grade")
    def grade(self, check: Check) -> None:
        """Check off the UI thread (the first check of a session imports sympy). Only the
        pure checker runs here; the session takes the verdict back on the UI thread."""
        graded = run_check(check)
        plot = None
        if graded.verdict.status is not Status.INVALID:
            from quizzer.demos.terminal_plot import terminal_plot

            plot = terminal_plot(check.exercise.question.id, width=72, height=10)
        self.app.call_from_thread(self._checked, check, graded, plot)

    def _checked(self, check: Check, graded: Graded, plot: str | None) -> None:
        result = self.session.accept(check, graded)
        if result is None:  # cancelled by undo: the question in hand is another one
            return
        if result.retry:
            self._set("#preview", f"[red]{escape(result.feedback)}[/] [dim](try again)[/]")
            self.query_one("#answer", Input).focus()
            return
        self._show_result(check.exercise, result, plot)

    def _show_result(self, exercise: Exercise, result: Result, plot: str | None = None) -> None:
        lines = [f"[b {status_colour(result.status)}]{status_text(result.status)}[/]"]
        if exercise.options:
            self._set("#options", _marked_options(exercise, result))
        elif result.interpreted:
            lines.append(f"[dim]read as:[/] {escape(result.interpreted)}")
        lines += [escape(line) for line in feedback_lines(result)]
        if result.expected and result.status is not Status.CORRECT and not exercise.options:
            lines.append(f"[dim]answer:[/] {escape(result.expected)}")
        self._set("#verdict", "\n".join(lines))
        self._set("#preview", "")
        explanation = render_math(exercise.question.explanation.strip())
        self.query_one("#explanation", MarkdownView).show(explanation)
        plot_widget = self.query_one("#plot", Static)
        plot_widget.update(Text(plot or ""))  # plain text: labels may contain brackets
        plot_widget.display = plot is not None
        self.query_one("#result").display = True
        answer = self.query_one("#answer", Input)
        answer.disabled = True
        self._set("#ratings", _ratings_line(result))
        self.focus()
        self.refresh_bindings()

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only offer the keys that do something now (the footer follows)."""
        mode = self.mode
        if action in ("rate", "accept"):
            return mode is Mode.RATING
        if action == "hint":
            return mode is Mode.ANSWERING
        if action == "demo":
            current = self.session.current
            return mode is Mode.RATING and current is not None and bool(current.question.demo)
        if action == "undo":
            return self.session.can_undo
        if action == "study_ahead":
            return mode is Mode.FINISHED
        if action == "study_more_new":
            return mode is Mode.FINISHED and self.session.new_left() > 0
        return True

    def action_rate(self, rating: int) -> None:
        """Commit the review with ``rating`` and move on."""
        if self.mode is not Mode.RATING:
            return
        try:
            self.session.rate(rating)
        except StoreError as exc:
            self.notify(
                f"{exc} Your answer is still here; fix it and rate again.",
                title="Not saved",
                severity="error",
                timeout=15,
            )
            return
        self.show_next()

    def action_accept(self) -> None:
        """Rate with the suggested rating."""
        if self.mode is Mode.RATING and self.session.result is not None:
            self.action_rate(self.session.result.suggested)

    def action_demo(self) -> None:
        """Run the question's PyTorch snippet in a panel (a subprocess: torch stays out)."""
        from quizzer.tui.screens.demo import DemoScreen

        exercise = self.session.current
        if exercise is None or not exercise.question.demo:
            return
        bank_dir = self.session.bank.source(exercise.question.id).bank_dir
        self.app.push_screen(DemoScreen(exercise, bank_dir))

    def action_hint(self) -> None:
        """Show the next hint."""
        hint = self.session.hint()
        shown = self.query_one("#hint", Static)
        if hint is None:
            self.notify("No more hints for this question.")
            return
        previous = str(shown.content)
        shown.update(f"{previous}\n[yellow]hint:[/] {escape(hint)}".lstrip("\n"))

    def action_undo(self) -> None:
        """Undo the last review exactly and ask that question again (a check in flight is
        cancelled; an answer in hand is kept for when its question comes back)."""
        kept = self.session.current if self.session.answer.strip() else None
        try:
            exercise = self.session.undo()
        except StoreError as exc:
            self.notify(str(exc), title="Undo failed", severity="error")
            return
        if exercise is not None:
            note = f"Undid the review of {exercise.question.id}."
            if kept is not None and kept.question.id != exercise.question.id:
                note += f" Your answer to {kept.question.id} is kept for next."
            self.notify(note)
            self.show_next()

    def action_study_more_new(self) -> None:
        """Introduce more new questions today, beyond the daily limit."""
        if self.session.study_more_new(MORE_NEW) == 0:
            self.notify("Every question of these topics has been introduced.")
            return
        self.show_next()

    def action_study_ahead(self) -> None:
        """Queue the questions due soonest."""
        if self.session.study_ahead() == 0:
            self.notify("Nothing to study ahead yet: answer some new questions first.")
            return
        self.show_next()


def _ratings_line(result: Result) -> str:
    parts = []
    for r in Rating:
        part = f"[b]{r:d}[/b] {r.label} {result.intervals[r]}"
        parts.append(f"[reverse]{part}[/reverse]" if r == result.suggested else part)
    return " · ".join(parts) + "   [dim]Enter = suggested[/]"


def _marked_options(exercise: Exercise, result: Result) -> str:
    """The options after grading: the right ones green with ✓, a wrong pick red with ✗."""
    lines = []
    for mark, key, text in option_marks(exercise, result):
        style = {"✓": "green", "✗": "red"}.get(mark, "dim")
        you = " [dim](your answer)[/]" if text in result.picked else ""
        lines.append(f"[{style}]{mark} [b]{key})[/b] {escape(render_math(text))}[/]{you}")
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"
