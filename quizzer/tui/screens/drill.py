"""The drill screen: question, answer, verdict, rating."""

from __future__ import annotations

import threading
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, ProgressBar, Static

from quizzer.bank.render import render_math
from quizzer.check.verdict import LineMark
from quizzer.model import Rating, Status, option_letter
from quizzer.presentation import status_colour, status_text
from quizzer.safe_text import clean, text
from quizzer.session import DrillSession, Result, model_derivation
from quizzer.store.db import StoreError
from quizzer.tui.widgets.derivation import DerivationInput, DerivationLines
from quizzer.tui.widgets.footer import CoalescingFooter
from quizzer.tui.widgets.rich_text import MarkdownView


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
    ]

    def __init__(self, session: DrillSession) -> None:
        super().__init__()
        self.session = session
        self.mode = "answering"  # answering -> checking -> rating; or "idle" when nothing is left
        self.hints_shown: list[Text] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Label("", id="topic")
            yield Label("", id="count")
            yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
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

    def warm_checker(self) -> None:
        """Start the checking worker (it imports sympy) once the first question is on screen,
        so the first answer is graded without that wait. A daemon thread, not a Textual
        worker: quitting at once must not wait for sympy to finish loading."""
        from quizzer.check import warm_up

        threading.Thread(target=warm_up, name="quizzer-warm-up", daemon=True).start()

    # -- showing -------------------------------------------------------------------------

    def show_next(self) -> None:
        """Show the next question, or the end-of-session message."""
        exercise = self.session.next()
        self._update_progress()
        if exercise is None:
            self._show_idle()
            return
        self.mode = "answering"
        q = exercise.question
        self.query_one("#topic", Label).update(
            Text.assemble(text(q.topic), " · ", text(q.id, "dim"))
        )
        self.query_one("#prompt", MarkdownView).show(render_math(exercise.prompt))
        options = Text()
        if q.answer.kind == "choice":
            options = Text("\n").join(
                Text.assemble("  ", (f"{option_letter(i)})", "bold"), " ", text(render_math(o)))
                for i, o in enumerate(q.answer.options)
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
        answer = self.query_one("#answer", Input)
        answer.disabled = False
        answer.value = ""
        derivation = self.query_one(DerivationInput)
        derivation.display = answer.display = False
        if q.kind == "derivation":
            derivation.display = True
            derivation.reset()
            derivation.lines.focus()
        else:
            answer.display = True
            answer.focus()
        self.refresh_bindings()

    def _show_idle(self) -> None:
        self.mode = "idle"
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
        due = self.session.next_due()
        if self.session.done:
            head = f"Session complete: {self.session.done} reviewed, all saved."
        else:
            head = "Nothing is due right now."
        when = (
            f"The next question is due {_when(due)}."
            if due
            else f"New questions unlock {_when(self.session.next_day())}."
        )
        idle = self.query_one("#idle", Static)
        idle.update(
            f"[b]{head}[/b]\n\n{when}\n\nPress [b]a[/b] to study ahead, [b]Ctrl+Q[/b] to quit."
        )
        idle.display = True
        self.refresh_bindings()

    def _update_progress(self) -> None:
        done, total = self.session.done, self.session.total
        self.query_one("#count", Label).update(f"{done} / {total}")
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)

    def _set(self, selector: str, content: str | Text) -> None:
        """Show ``content``: a ``str`` is this module's own markup, bank or user text comes
        as a :class:`Text` built with :func:`quizzer.safe_text.text`."""
        self.query_one(selector, Static).update(content)

    # -- answering -----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        exercise = self.session.current
        if (
            self.mode != "answering"
            or exercise is None
            or exercise.question.kind
            in (
                "recall",
                "choice",
            )
        ):
            return
        self.live_preview(event.value)

    @work(thread=True, exclusive=True, group="preview")
    def live_preview(self, answer: str) -> None:
        """Show how the answer is read, while typing (parsing only; nothing is graded)."""
        exercise = self.session.current
        if exercise is None or not answer.strip():
            self.app.call_from_thread(self._set, "#preview", "")
            return
        from quizzer.check import preview

        verdict = preview(exercise.question.answer, answer, exercise.params)
        line = (
            text(verdict.feedback, "red")
            if verdict.status in ("invalid", "timeout")
            else Text.assemble(("read as: ", "dim"), text(verdict.interpreted or answer))
        )
        if self.mode == "answering":
            self.app.call_from_thread(self._set, "#preview", line)

    def on_text_area_changed(self, event: DerivationLines.Changed) -> None:
        if self.mode == "answering" and isinstance(event.text_area, DerivationLines):
            self.derivation_preview(event.text_area.text)

    @work(thread=True, exclusive=True, group="preview")
    def derivation_preview(self, typed: str) -> None:
        """Show how each line of a derivation is read, beside it (nothing is graded)."""
        exercise = self.session.current
        if exercise is None:
            return
        from quizzer.check import preview

        marks = (
            preview(exercise.question.answer, typed, exercise.params).lines if typed.strip() else ()
        )
        self.app.call_from_thread(self._show_readings, typed, marks)

    def _show_readings(self, typed: str, marks: tuple[LineMark, ...]) -> None:
        # on the UI thread: a reading that arrives after the lines were checked, or for
        # text that has changed since, must not replace what is on screen
        derivation = self.query_one(DerivationInput)
        if self.mode == "answering" and derivation.lines.text == typed:
            derivation.show_marks(marks)

    def on_derivation_lines_submitted(self, event: DerivationLines.Submitted) -> None:
        self._submit(event.text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def _submit(self, answer: str) -> None:
        if self.mode != "answering":
            return
        self.mode = "checking"
        self._set("#preview", "[dim]checking…[/]")
        self.grade(answer)

    @work(thread=True, exclusive=True, group="grade")
    def grade(self, answer: str) -> None:
        """Grade off the UI thread: the first check of a session imports sympy."""
        result = self.session.grade(answer)
        plot = None
        if not result.retry and (exercise := self.session.current) is not None:
            from quizzer.demos.terminal_plot import terminal_plot

            plot = terminal_plot(exercise.question.plot, width=72, height=10)
        self.app.call_from_thread(self._show_result, result, plot)

    def _show_result(self, result: Result, plot: str | None = None) -> None:
        if result.retry:
            self.mode = "answering"
            self._set(
                "#preview", Text.assemble(text(result.feedback, "red"), (" (try again)", "dim"))
            )
            derivation = self.query_one(DerivationInput)
            (derivation.lines if derivation.display else self.query_one("#answer", Input)).focus()
            return
        self.mode = "rating"
        exercise = self.session.current
        assert exercise is not None
        lines = [Text(status_text(result.status), f"bold {status_colour(result.status)}")]
        if result.lines:
            self.query_one(DerivationInput).show_marks(result.lines)
        elif result.interpreted:
            lines.append(Text.assemble(("read as: ", "dim"), text(result.interpreted)))
        if result.feedback and result.status is not Status.REVEALED:
            lines.append(text(result.feedback))
        if (model := model_derivation(exercise)) is not None:
            lines.append(Text.assemble(("model derivation:\n", "dim"), text(model)))
        elif result.expected and result.status is not Status.CORRECT:
            lines.append(Text.assemble(("answer: ", "dim"), text(result.expected)))
        self._set("#verdict", Text("\n").join(lines))
        self._set("#preview", "")
        explanation = render_math(exercise.question.explanation.strip())
        self.query_one("#explanation", MarkdownView).show(explanation)
        plot_widget = self.query_one("#plot", Static)
        plot_widget.update(Text(plot or ""))  # plain text: labels may contain brackets
        plot_widget.display = plot is not None
        self.query_one("#result").display = True
        answer = self.query_one("#answer", Input)
        answer.disabled = True
        self.query_one(DerivationInput).lines.disabled = True
        self._set("#ratings", _ratings_line(result))
        self.focus()
        self.refresh_bindings()

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only offer the keys that do something now (the footer follows)."""
        if action in ("rate", "accept"):
            return self.mode == "rating"
        if action == "hint":
            return self.mode == "answering"
        if action == "demo":
            current = self.session.current
            return self.mode == "rating" and current is not None and bool(current.question.demo)
        if action == "undo":
            return self.session.can_undo
        if action == "study_ahead":
            return self.mode == "idle"
        return True

    def action_rate(self, rating: int) -> None:
        """Commit the review with ``rating`` and move on."""
        if self.mode != "rating":
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
        if self.mode == "rating" and self.session.result is not None:
            self.action_rate(self.session.result.suggested)

    def action_demo(self) -> None:
        """Run the question's PyTorch snippet in a panel (a subprocess: torch stays out)."""
        from quizzer.tui.screens.demo import DemoScreen

        exercise = self.session.current
        if exercise is None or not exercise.question.demo:
            return
        bank_dir = self.session.bank.source(exercise.question.id).bank_dir
        python = self.session.settings.demo_python or None
        self.app.push_screen(DemoScreen(exercise, bank_dir, python=python))

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
        """Undo the last review exactly and ask that question again."""
        try:
            exercise = self.session.undo()
        except StoreError as exc:
            self.notify(clean(exc), title="Undo failed", severity="error", markup=False)
            return
        if exercise is not None:
            self.notify(f"Undid the review of {exercise.question.id}.")
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


def _when(instant: datetime) -> str:
    return instant.astimezone().strftime("%a %d %b %H:%M")
