"""``quizzer drill --plain``: the drill loop over plain lines, for pipes, scripts and screen
readers. Each rated review is committed before the next prompt is printed."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from quizzer.bank.render import render_math
from quizzer.check.verdict import LineMark
from quizzer.model import Rating, Status, option_letter
from quizzer.presentation import status_text
from quizzer.safe_text import SafeStream
from quizzer.session import DrillSession, Exercise, Result, Summary, model_derivation


def format_counts(session: DrillSession) -> str:
    """``3 new · 1 learning · 12 review``: what is left, the question in hand included."""
    c = session.counts()
    return f"{c.new} new · {c.learning} learning · {c.review} review"


def format_exercise(session: DrillSession, exercise: Exercise) -> str:
    """The prompt block: what is left, topic, the question and, for choices, the options."""
    q = exercise.question
    lines = [
        f"[{format_counts(session)}] {q.topic} · {q.id}",
        render_math(exercise.prompt).rstrip(),
    ]
    lines += [f"  {option_letter(i)}) {render_math(o)}" for i, o in enumerate(exercise.options)]
    if q.answer.kind == "derivation":
        lines.append("(one step per line; an empty line ends the derivation)")
    return "\n".join(lines)


def option_marks(exercise: Exercise, result: Result) -> list[tuple[str, str, str]]:
    """For a graded choice, each shown option as (mark, letter, text): ``✓`` for a right
    option, ``✗`` for one picked wrongly, blank otherwise."""
    marks = []
    for i, text in enumerate(exercise.options):
        if text in result.right:
            mark = "✓"
        elif text in result.picked:
            mark = "✗"
        else:
            mark = " "
        marks.append((mark, option_letter(i), text))
    return marks


def feedback_lines(result: Result) -> list[str]:
    """The feedback worth printing under the status line: not a repeat of it (a verdict of
    "Correct." under "Correct."), and nothing for a revealed answer."""
    if (
        not result.feedback
        or result.status is Status.REVEALED
        or result.feedback == status_text(result.status)
    ):
        return []
    return [result.feedback]


def format_marks(marks: tuple[LineMark, ...]) -> list[str]:
    """One line per derivation line: ✓ or ✗, its number, and how it was read."""
    return [
        f"  {'✓' if m.follows else '✗' if m.follows is not None else ' '} {m.number:>2}  "
        f"{m.shown or m.text}"
        for m in marks
    ]


def format_ratings(result: Result) -> str:
    """``1 Again 1m · 2 Hard 6m · 3 Good 1d · 4 Easy 3d``."""
    return " · ".join(f"{r:d} {r.label} {result.intervals[r]}" for r in Rating)


def format_result(exercise: Exercise, result: Result) -> str:
    """The verdict block: verdict, how the answer was read, feedback, the solution."""
    lines = [status_text(result.status)]
    if exercise.options:
        for mark, key, text in option_marks(exercise, result):
            you = "  (your answer)" if text in result.picked else ""
            lines.append(f"  {mark} {key}) {render_math(text)}{you}")
    elif result.lines:
        lines += format_marks(result.lines)
    elif result.interpreted:
        lines.append(f"  read as: {result.interpreted}")
    lines += [f"  {line}" for line in feedback_lines(result)]
    model = model_derivation(exercise)
    if model is not None:
        lines += ["  model derivation:", *(f"    {step}" for step in model.splitlines())]
    elif result.expected and result.status is not Status.CORRECT and not exercise.options:
        lines.append(f"  answer: {result.expected}")
    if explanation := exercise.question.explanation.strip():
        lines += ["", render_math(explanation)]
    if exercise.question.demo:
        lines.append(f"\n(see it in PyTorch: quizzer demo {exercise.question.id})")
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _when(instant: datetime) -> str:
    return instant.astimezone().strftime("%a %d %b %H:%M")


def format_summary(summary: Summary) -> list[str]:
    """The end-of-session report as lines: reviews, accuracy, time, per topic, what is next.
    Shared by plain mode and the TUI."""
    lines = []
    if summary.reviewed:
        accuracy = summary.accuracy or 0.0
        lines.append(
            f"Reviewed {summary.reviewed} in {_duration(summary.seconds)}: "
            f"{summary.correct} answered right ({accuracy:.0%}), {summary.again} rated Again."
        )
        for topic, tally in sorted(summary.by_topic.items(), key=lambda kv: -kv[1].reviewed):
            lines.append(f"  {topic}: {tally.correct}/{tally.reviewed} right")
    if summary.next_due is not None:
        lines.append(
            f"Next review due {_when(summary.next_due)}; {summary.due_tomorrow} due "
            "by the end of tomorrow."
        )
    if summary.new_unlock is not None:
        lines.append(
            f"New questions unlock {_when(summary.new_unlock)} ({summary.new_left} not yet seen)."
        )
    elif summary.new_left == 0:
        lines.append("Every question of these topics has been introduced.")
    return lines


def _read(inp: TextIO, out: TextIO, prompt: str) -> str | None:
    out.write(prompt)
    out.flush()
    line = inp.readline()
    if not line:
        out.write("\n")
        return None
    return line.rstrip("\r\n")


def _read_derivation(inp: TextIO, out: TextIO) -> str | None:
    """Lines until an empty one (or the end of input); ``?`` alone on the first line asks
    for a hint. None when input ends before anything is typed."""
    first = _read(inp, out, "answer> ")
    if first is None or not first.strip() or first.strip() == "?":
        return first
    lines = [first]
    while (line := _read(inp, out, "     > ")) is not None and line.strip():
        lines.append(line)
    return "\n".join(lines)


def run_plain(session: DrillSession, inp: TextIO, out: TextIO) -> int:
    """Drill until the queue is empty or input ends; returns the number of reviews stored.

    Everything printed goes through :class:`SafeStream`: bank text and echoed answers never
    reach the terminal with their control characters."""
    out = SafeStream(out)  # type: ignore[assignment]
    while (exercise := session.next()) is not None:
        print(format_exercise(session, exercise), file=out)
        derivation = exercise.question.kind == "derivation"
        while True:
            answer = _read_derivation(inp, out) if derivation else _read(inp, out, "answer> ")
            if answer is None:
                return session.done
            if answer.strip() == "?":
                print(f"  hint: {session.hint() or 'no more hints'}", file=out)
                continue
            result = session.grade(answer)
            if not result.retry:
                break
            print(f"Can't read that: {result.feedback} Try again (empty = show answer).", file=out)
        print(format_result(exercise, result), file=out)
        print(format_ratings(result), file=out)
        while True:
            choice = _read(inp, out, f"rating [{result.suggested}]> ")
            if choice is None:
                return session.done
            choice = choice.strip()
            if choice == "" or (choice in {"1", "2", "3", "4"}):
                break
            print("Type 1, 2, 3 or 4, or press Enter for the suggested rating.", file=out)
        session.rate(int(choice) if choice else None)
        print(file=out)
    return session.done
