"""``quizzer drill --plain``: the drill loop over plain lines, for pipes, scripts and screen
readers. Each rated review is committed before the next prompt is printed."""

from __future__ import annotations

from typing import TextIO

from quizzer.bank.render import render_math
from quizzer.model import Rating, Status, option_letter
from quizzer.presentation import status_text
from quizzer.session import DrillSession, Exercise, Result


def format_exercise(session: DrillSession, exercise: Exercise) -> str:
    """The prompt block: progress, topic, the question and, for choices, the options."""
    q = exercise.question
    lines = [
        f"[{session.done + 1}/{session.total}] {q.topic} · {q.id}",
        render_math(exercise.prompt).rstrip(),
    ]
    if q.answer.kind == "choice":
        lines += [f"  {option_letter(i)}) {render_math(o)}" for i, o in enumerate(q.answer.options)]
    return "\n".join(lines)


def format_ratings(result: Result) -> str:
    """``1 Again 1m · 2 Hard 6m · 3 Good 1d · 4 Easy 3d``."""
    return " · ".join(f"{r:d} {r.label} {result.intervals[r]}" for r in Rating)


def format_result(exercise: Exercise, result: Result) -> str:
    """The verdict block: verdict, how the answer was read, feedback, the solution."""
    lines = [status_text(result.status)]
    if result.interpreted:
        lines.append(f"  read as: {result.interpreted}")
    if result.feedback and result.status is not Status.REVEALED:
        lines.append(f"  {result.feedback}")
    if result.expected and result.status is not Status.CORRECT:
        lines.append(f"  answer: {result.expected}")
    if explanation := exercise.question.explanation.strip():
        lines += ["", render_math(explanation)]
    if exercise.question.demo:
        lines.append(f"\n(see it in PyTorch: quizzer demo {exercise.question.id})")
    return "\n".join(lines)


def _read(inp: TextIO, out: TextIO, prompt: str) -> str | None:
    out.write(prompt)
    out.flush()
    line = inp.readline()
    if not line:
        out.write("\n")
        return None
    return line.rstrip("\r\n")


def run_plain(session: DrillSession, inp: TextIO, out: TextIO) -> int:
    """Drill until the queue is empty or input ends; returns the number of reviews stored."""
    while (exercise := session.next()) is not None:
        print(format_exercise(session, exercise), file=out)
        while True:
            answer = _read(inp, out, "answer> ")
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
