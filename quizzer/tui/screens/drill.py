"""The drill screen: question, answer, verdict, rating."""

from __future__ import annotations

import threading

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from quizzer.bank.render import render_math
from quizzer.check.verdict import LineMark
from quizzer.context import DrillOptions
from quizzer.model import Rating, Status, option_letter
from quizzer.plain import feedback_lines, format_summary, option_marks
from quizzer.presentation import status_colour, status_text
from quizzer.safe_text import clean, text
from quizzer.session import (
    Check,
    DrillSession,
    Exercise,
    Graded,
    Kind,
    Mode,
    Result,
    model_derivation,
    run_check,
)
from quizzer.store.db import StoreError
from quizzer.tui.background import Latest, in_background
from quizzer.tui.widgets.derivation import DerivationInput, DerivationLines
from quizzer.tui.widgets.footer import CoalescingFooter
from quizzer.tui.widgets.math import labelled
from quizzer.tui.widgets.rich_text import MarkdownView

EXPLANATION_LINES = 3
"""How much of the explanation is brought into view with the verdict."""
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

    # Focused before the first paint; Textual's default (the first focusable widget, the
    # scrolling body) would show the letter keys for a frame, then hide them.
    AUTO_FOCUS = "#answer"

    BINDINGS = [
        Binding(
            "escape",
            "leave_answer",
            "Leave box",
            id="leave-answer",
            tooltip="Leave the answer box: letter keys act (Esc in another mode: back here)",
        ),
        Binding("i", "answer", "Answer", id="answer", tooltip="Back into the answer box"),
        Binding(
            "space,enter",
            "accept",
            "Accept",
            id="accept",
            tooltip="After checking: accept the suggested rating",
        ),
        # the ratings bar shows 1-4 with their intervals, so the footer need not
        Binding(
            "1",
            "rate(1)",
            "Again",
            id="rate-again",
            show=False,
            tooltip="Rate Again: not known; asked again in a few minutes",
        ),
        Binding(
            "2",
            "rate(2)",
            "Hard",
            id="rate-hard",
            show=False,
            tooltip="Rate Hard: known with effort",
        ),
        Binding("3", "rate(3)", "Good", id="rate-good", show=False, tooltip="Rate Good: known"),
        Binding(
            "4",
            "rate(4)",
            "Easy",
            id="rate-easy",
            show=False,
            tooltip="Rate Easy: known at once; the longest interval",
        ),
        Binding(
            "ctrl+t",
            "hint",
            "Hint",
            id="hint",
            tooltip="Show a hint (a correct answer after a hint suggests Hard)",
        ),
        Binding("d", "demo", "Demo", id="demo", tooltip="After checking: run the PyTorch demo"),
        Binding("ctrl+z", "undo", "Undo", id="undo", tooltip="Undo the last review exactly"),
        Binding(
            "a",
            "study_ahead",
            "Study ahead",
            id="study-ahead",
            tooltip="When nothing is due: study the questions due soonest",
        ),
        Binding(
            "n",
            "study_more_new",
            f"{MORE_NEW} more new",
            id="study-more-new",
            tooltip=f"At the end of a session: {MORE_NEW} more new questions today",
        ),
    ]

    def __init__(self, session: DrillSession) -> None:
        super().__init__()
        self.session = session
        self.hints_shown: list[Text] = []
        # Readings while typing: the newest text only, in a thread quitting never waits for.
        self._previews: Latest[tuple[Exercise, str]] = Latest("quizzer-preview", self.live_preview)
        self._readings: Latest[tuple[Exercise, str]] = Latest(
            "quizzer-readings", self.derivation_preview
        )

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
            yield DerivationInput(id="derivation")
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
        self.query_one("#topic", Label).update(
            Text.assemble(text(q.topic), " · ", text(q.id, "dim"))
        )
        self.query_one("#prompt", MarkdownView).show(render_math(exercise.prompt))
        options = Text()
        if exercise.options:
            options = Text("\n").join(
                Text.assemble("  ", (f"{option_letter(i)})", "bold"), " ", text(render_math(o)))
                for i, o in enumerate(exercise.options)
            )
        elif q.kind == "recall":
            options = Text(
                "Recall the answer, then press Enter to reveal it and grade yourself.", "dim"
            )
        self._set("#options", options)
        self._set("#hint", "")
        self.hints_shown = []
        self._set("#preview", "")
        self._set("#ratings", "")
        self.query_one("#result").display = False
        if self.query_one("#idle").display:
            self.query_one("#idle").display = False
            for widget_id in ("#prompt", "#options", "#answer"):
                self.query_one(widget_id).display = True
        self.remove_class("-graded")
        answer = self.query_one("#answer", Input)
        answer.disabled = False
        derivation = self.query_one(DerivationInput)
        derivation.display = answer.display = False
        if q.kind == "derivation":
            derivation.display = True
            derivation.reset()
            derivation.lines.disabled = False
            if self.session.answer:
                derivation.lines.text = self.session.answer
        else:
            answer.display = True
            answer.value = self.session.answer
        if self.session.result is not None:  # an answer graded before an undo, kept
            self._show_result(exercise, self.session.result)
            return
        (derivation.lines if q.kind == "derivation" else answer).focus()
        self.refresh_bindings()

    def _show_idle(self) -> None:
        # The answer box is hidden: keys go to the screen (from the first paint too).
        self.query_one("#body").focus()
        for widget_id in (
            "#prompt",
            "#options",
            "#answer",
            "#derivation",
            "#result",
            "#preview",
            "#hint",
        ):
            self.query_one(widget_id).display = False
        self._set("#ratings", "")
        self.query_one("#topic", Label).update("")
        summary = self.session.summary()
        if summary.reviewed:
            head = f"Session complete: {summary.reviewed} reviewed, all saved."
        else:
            head = "Nothing is due right now."
        lines = format_summary(summary)
        if summary.reviewed:
            accuracy = summary.accuracy or 0.0
            lines[0] = (
                f"Accuracy {accuracy:.0%} ({summary.correct}/{summary.reviewed}) · "
                f"{summary.again} Again · time {_duration(summary.seconds)}"
            )
        actions = []
        if summary.new_left:
            actions.append(f"n study {min(MORE_NEW, summary.new_left)} more new today")
        actions += ["a study ahead", "Ctrl+Q quit"]
        idle = self.query_one("#idle", Static)
        idle.update(
            Text.assemble(
                (head, "bold"), "\n\n", text("\n".join(lines)), "\n\n", " · ".join(actions)
            )
        )
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
            parts.append(Text(f"{number} {kind.value}", style))
        self.query_one("#count", Label).update(Text(" · ").join(parts))

    def _set(self, selector: str, content: str | Text) -> None:
        """Show ``content``: a ``str`` is this module's own markup, bank or user text comes
        as a :class:`Text` built with :func:`quizzer.safe_text.text`."""
        self.query_one(selector, Static).update(content)

    # -- answering -----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        exercise = self.session.current
        if (
            self.mode is not Mode.ANSWERING
            or exercise is None
            or exercise.question.kind in ("recall", "choice")
        ):
            return
        self._previews.submit((exercise, event.value))

    def live_preview(self, job: tuple[Exercise, str]) -> None:
        """Show how the answer is read, while typing (parsing only; nothing is graded)."""
        exercise, answer = job
        if not answer.strip():
            self.app.call_from_thread(self._show_preview, exercise, "")
            return
        from quizzer.check import preview

        verdict = preview(exercise.question.answer, answer, exercise.params)
        line = (
            text(verdict.feedback, "red")
            if verdict.status in ("invalid", "timeout")
            else labelled("read as:", verdict.interpreted or answer)
        )
        self.app.call_from_thread(self._show_preview, exercise, line)

    def _show_preview(self, exercise: Exercise, line: str | Text) -> None:
        # every result a thread hands back first checks that this screen is still there: a
        # cram drill closed while its preview was read has no widgets left to show it in
        if not self.is_attached:
            return
        if self.mode is Mode.ANSWERING and self.session.current is exercise:
            self._set("#preview", line)

    def on_text_area_changed(self, event: DerivationLines.Changed) -> None:
        exercise = self.session.current
        if (
            self.mode is Mode.ANSWERING
            and exercise is not None
            and isinstance(event.text_area, DerivationLines)
        ):
            self._readings.submit((exercise, event.text_area.text))

    def derivation_preview(self, job: tuple[Exercise, str]) -> None:
        """Show how each line of a derivation is read, beside it (nothing is graded)."""
        exercise, typed = job
        from quizzer.check import preview

        marks = (
            preview(exercise.question.answer, typed, exercise.params).lines if typed.strip() else ()
        )
        self.app.call_from_thread(self._show_readings, exercise, typed, marks)

    def _show_readings(self, exercise: Exercise, typed: str, marks: tuple[LineMark, ...]) -> None:
        # on the UI thread: a reading that arrives after the lines were checked, or for
        # text that has changed since, must not replace what is on screen
        if not self.is_attached:
            return
        derivation = self.query_one(DerivationInput)
        if (
            self.mode is Mode.ANSWERING
            and self.session.current is exercise
            and derivation.lines.text == typed
        ):
            derivation.show_marks(marks)

    def on_derivation_lines_submitted(self, event: DerivationLines.Submitted) -> None:
        self._submit(event.text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def _submit(self, answer: str) -> None:
        if self.mode is not Mode.ANSWERING:
            return
        self._set("#preview", "[dim]checking…[/]")
        check = self.session.submit(answer)
        in_background("quizzer-grade", lambda: self.grade(check))

    def grade(self, check: Check) -> None:
        """Check off the UI thread (the checker may still be starting). Only the pure checker
        runs here; the session takes the verdict back on the UI thread, and the plot (the
        first one imports numpy) is drawn after the verdict is shown."""
        try:
            graded = run_check(check)
        except Exception as exc:  # raised on the UI thread, as a Textual worker's would be
            self.app.call_from_thread(self._grade_failed, exc)
            return
        self.app.call_from_thread(self._checked, check, graded, None)
        if graded.verdict.status is not Status.INVALID:
            from quizzer.demos.terminal_plot import terminal_plot_text

            plot = terminal_plot_text(check.exercise.question.plot, width=72, height=10)
            if plot is not None:
                self.app.call_from_thread(self._show_plot, check.exercise, plot)

    def _grade_failed(self, exc: Exception) -> None:
        raise exc

    def _show_plot(self, exercise: Exercise, plot: Text) -> None:
        if not self.is_attached:
            return
        if self.session.current is exercise and self.mode is Mode.RATING:
            plot_widget = self.query_one("#plot", Static)
            plot_widget.update(plot)  # a Text, never markup: labels may hold brackets
            plot_widget.display = True

    def _checked(self, check: Check, graded: Graded, plot: Text | None) -> None:
        if not self.is_attached:
            return  # nothing is recorded before a rating, so nothing is lost
        result = self.session.accept(check, graded)
        if result is None:  # cancelled by undo: the question in hand is another one
            return
        if result.retry:
            self._set(
                "#preview", Text.assemble(text(result.feedback, "red"), (" (try again)", "dim"))
            )
            derivation = self.query_one(DerivationInput)
            (derivation.lines if derivation.display else self.query_one("#answer", Input)).focus()
            return
        self._show_result(check.exercise, result, plot)

    def _show_result(self, exercise: Exercise, result: Result, plot: Text | None = None) -> None:
        lines = [Text(status_text(result.status), f"bold {status_colour(result.status)}")]
        if exercise.options:
            self._set("#options", _marked_options(exercise, result))
        elif result.lines:
            self.query_one(DerivationInput).show_marks(result.lines)
        elif result.interpreted:
            lines.append(labelled("read as:", result.interpreted))
        lines += [text(line) for line in feedback_lines(result)]
        if (model := model_derivation(exercise)) is not None:
            lines.append(labelled("model derivation:", model))
        elif result.expected and result.status is not Status.CORRECT and not exercise.options:
            lines.append(labelled("answer:", result.expected))
        self._set("#verdict", Text("\n").join(lines))
        self._set("#preview", "")
        explanation = render_math(exercise.question.explanation.strip())
        self.query_one("#explanation", MarkdownView).show(explanation)
        plot_widget = self.query_one("#plot", Static)
        plot_widget.update(plot or Text(""))  # a Text, never markup: labels may hold brackets
        plot_widget.display = plot is not None
        self.query_one("#result").display = True
        answer = self.query_one("#answer", Input)
        answer.disabled = True
        self.query_one(DerivationInput).lines.disabled = True
        self._set("#ratings", _ratings_line(result))
        self.add_class("-graded")
        body = self.query_one("#body", VerticalScroll)
        body.focus()  # PgDn/arrows scroll the explanation at once
        self.call_after_refresh(self._bring_result_into_view)
        self.refresh_bindings()

    def _bring_result_into_view(self) -> None:
        """Scroll just enough to show the verdict and the first lines of the explanation
        (on a small terminal they start below the fold), never past the verdict's top."""
        body = self.query_one("#body", VerticalScroll)
        verdict = self.query_one("#verdict").region
        explanation = self.query_one("#explanation").region
        wanted_bottom = explanation.y + min(explanation.height, EXPLANATION_LINES)
        overflow = wanted_bottom - body.region.bottom
        if overflow > 0:
            body.scroll_relative(y=min(overflow, verdict.y - body.region.y), animate=False)

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only offer the keys that do something now (the footer follows)."""
        mode = self.mode
        if action in ("rate", "accept"):
            return mode is Mode.RATING
        if action == "hint":
            return mode is Mode.ANSWERING
        if action == "leave_answer":
            return mode is Mode.ANSWERING and self._answer_focused()
        if action == "answer":
            return mode is Mode.ANSWERING and not self._answer_focused()
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

    def _answer_box(self) -> Input | DerivationLines:
        """Where the answer is typed: the one-line box, or the derivation's lines."""
        derivation = self.query_one(DerivationInput)
        return derivation.lines if derivation.display else self.query_one("#answer", Input)

    def _answer_focused(self) -> bool:
        return self.focused is not None and self.focused is self._answer_box()

    def action_leave_answer(self) -> None:
        """Leave the answer box, so that letter keys switch modes and run actions."""
        self.query_one("#body").focus()

    def action_answer(self) -> None:
        """Go back into the answer box."""
        self._answer_box().focus()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_rate(self, rating: int) -> None:
        """Commit the review with ``rating`` and move on."""
        if self.mode is not Mode.RATING:
            return
        try:
            self.session.rate(rating)
        except StoreError as exc:
            self.notify(
                clean(f"{exc} Your answer is still here; fix it and rate again."),
                title="Not saved",
                severity="error",
                timeout=15,
                markup=False,
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
        settings = self.session.settings
        python, warm = settings.demo_python or None, settings.demo_warm_seconds
        self.app.push_screen(DemoScreen(exercise, bank_dir, python=python, warm_seconds=warm))

    def action_hint(self) -> None:
        """Show the next hint."""
        hint = self.session.hint()
        shown = self.query_one("#hint", Static)
        if hint is None:
            self.notify("No more hints for this question.")
            return
        self.hints_shown.append(Text.assemble(("hint: ", "yellow"), text(hint)))
        shown.update(Text("\n").join(self.hints_shown))

    def action_undo(self) -> None:
        """Undo the last review exactly and ask that question again (a check in flight is
        cancelled; an answer in hand is kept for when its question comes back)."""
        kept = self.session.current if self.session.answer.strip() else None
        try:
            exercise = self.session.undo()
        except StoreError as exc:
            self.notify(clean(exc), title="Undo failed", severity="error", markup=False)
            return
        if exercise is not None:
            note = f"Undid the review of {exercise.question.id}."
            if kept is not None and kept.question.id != exercise.question.id:
                note += f" Your answer to {kept.question.id} is kept for next."
            self.notify(clean(note), markup=False)
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
    return " · ".join(parts) + "   [dim]Space = suggested[/]"


def _marked_options(exercise: Exercise, result: Result) -> Text:
    """The options after grading: the right ones green with ✓, a wrong pick red with ✗."""
    lines = []
    for mark, key, option in option_marks(exercise, result):
        style = {"✓": "green", "✗": "red"}.get(mark, "dim")
        line = Text.assemble((f"{mark} ", style), (f"{key})", f"bold {style}"), " ")
        line.append_text(text(render_math(option), style))
        if option in result.picked:
            line.append("  (your answer)", "dim")
        lines.append(line)
    return Text("\n").join(lines)


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"
