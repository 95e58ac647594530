"""A shared bank is untrusted: its text (and answers stored from it) never drives the terminal
and is never read as Rich markup, on any screen or command.

Every field of the hostile bank carries terminal escapes (OSC 52 clipboard write, OSC 0
window title, ESC[2J clear screen, OSC 8 hyperlink) and Rich markup (``[/b]``). What the
person must see is the escaped text (``\\x1b]52;…``), and what the terminal must never
receive is a raw ESC followed by those payloads.
"""

from __future__ import annotations

import html
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, run_quizzer

from quizzer.context import DrillOptions
from quizzer.safe_text import clean, clip, text
from quizzer.tui.app import QuizzerApp
from quizzer.workspace import Workspace

OSC52 = "\x1b]52;c;SEFDS0VE\x1b\\"
TITLE = "\x1b]0;PWNED\x07"
CLEAR = "\x1b[2J"
LINK = "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"
MARKUP = "[/b][bold red]x[/]"
EVIL = f"{OSC52}{TITLE}{CLEAR}{LINK}{MARKUP}"
RAW = (b"\x1b]52;c;SEFDS0VE", b"\x1b]0;PWNED", b"\x1b]8;;http://evil", b"\x1b[2Jclick")
SHOWN = "\\x1b]52;c;SEFDS0VE"
SIZE = (140, 60)
WIDE = {"COLUMNS": "400"}


def evil(label: str) -> str:
    return f"{label} {EVIL} end"


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bank with the escapes in every text field a question has, in effect via QUIZZER_BANK."""
    bank = tmp_path / "evil-bank"
    (bank / "snippets").mkdir(parents=True)
    (bank / "snippets" / "demo[-b].py").write_text("print('hi')\n")
    questions = [
        {
            "id": "e.choice",
            "topic": evil("Topic"),
            "prompt": evil("Prompt choice"),
            "answer": {"kind": "choice", "options": [evil("OptA"), "plain"], "correct": "plain"},
            "hints": [evil("Hint")],
            "explanation": evil("Explanation"),
            "tags": [evil("tag")],
        },
        {
            "id": "e.numeric",
            "topic": evil("Topic"),
            "prompt": evil("Prompt numeric") + "\n\n- a list, so the Markdown widget renders it",
            "answer": {"kind": "numeric", "value": "2"},
            "mistakes": [{"answer": "3", "feedback": evil("Feedback")}],
            "explanation": evil("Explanation"),
            "demo": "snippets/demo[-b].py",
        },
        {
            "id": "e.recall",
            "topic": evil("Topic"),
            "prompt": evil("Prompt recall"),
            "answer": {"kind": "recall"},
            "explanation": evil("Explanation"),
        },
    ]
    (bank / "evil.yaml").write_text(yaml.safe_dump(questions, allow_unicode=False))
    monkeypatch.setenv("QUIZZER_BANK", str(bank))
    return bank


def store_answer(answer: str, question_id: str = "e.numeric") -> None:
    """A review of ``question_id`` whose stored answer is ``answer``, as typed at a prompt."""
    from quizzer.store.db import CardState, ReviewInput

    with Workspace.resolve().store() as store:
        store.record(
            None,
            CardState(question_id, state=1, due=1),
            ReviewInput(reviewed_at=1_700_000_000_000, rating=1, status="incorrect", answer=answer),
        )


def assert_safe(output: bytes | str) -> None:
    """No payload reached the terminal raw."""
    data = output.encode() if isinstance(output, str) else output
    for raw in RAW:
        assert raw not in data, raw


# -- the sanitiser itself --------------------------------------------------------------


def test_clean_escapes_c0_c1_and_bidi_but_keeps_newline_and_tab() -> None:
    assert clean("a\x1b[2Jb\tc\nd\x07\x9b\u202e") == "a\\x1b[2Jb\tc\nd\\x07\\x9b\\u202e"
    assert clean("αβ ∂/∂x [b]ok[/b]") == "αβ ∂/∂x [b]ok[/b]"


def test_text_is_never_parsed_as_markup() -> None:
    assert text(MARKUP).plain == MARKUP
    assert text(MARKUP).spans == []


def test_clip_bounds_a_huge_value_and_never_reprs_a_container_deeply() -> None:
    shared: list[object] = ["x"] * 9
    for _ in range(8):
        shared = [shared] * 9  # what an alias bomb builds: 9**9 leaves behind 81 objects
    assert clip(shared) == "a list of 9 items"
    long = clip("y" * 10_000)
    assert len(long) < 400 and "10000 characters" in long


# -- plain mode and the command line -----------------------------------------------------


def test_plain_drill_shows_bank_text_escaped_and_sends_no_escape(hostile: Path) -> None:
    out = run_quizzer("drill", "--plain", "--cram", input="?\n\n3\n" * 3)
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout
    for label in ("Topic", "Prompt choice", "OptA", "Hint", "Explanation"):
        assert f"{label} {SHOWN}" in out.stdout, label
    assert MARKUP in out.stdout  # shown as typed, not styled


def test_bank_list_check_stats_and_check_send_no_escape(hostile: Path) -> None:
    listed = run_quizzer("bank", "list", env=WIDE)
    assert listed.returncode == 0, listed.stderr
    assert SHOWN in listed.stdout and "[/b][bold red]" in listed.stdout
    checked = run_quizzer("check", "e.numeric", "3")
    assert checked.returncode == 1
    assert "Feedback \\x1b]52" in checked.stdout
    typed = run_quizzer("check", "e.numeric", f"2{TITLE}")
    assert typed.returncode == 2
    run_quizzer("drill", "--plain", input="\n\n" * 3)
    stats = run_quizzer("stats", env=WIDE)
    assert stats.returncode == 0, stats.stderr
    assert "Topic \\x1b]52" in stats.stdout
    bank_check = run_quizzer("bank", "check", str(hostile))
    for out in (listed, checked, typed, stats, bank_check):
        assert_safe(out.stdout + out.stderr)


def test_bank_check_names_every_control_character_with_file_and_line(hostile: Path) -> None:
    out = run_quizzer("bank", "check", str(hostile))
    assert out.returncode == 1
    lines = [line for line in out.stderr.splitlines() if "control character" in line]
    fields = {re.search(r"field (\S+)", line)[1] for line in lines}  # type: ignore[index]
    assert {"topic", "prompt", "hints.0", "explanation", "answer.options.0", "tags.0"} <= fields
    assert "mistakes.0.feedback" in fields
    assert all(re.match(rf"{re.escape(str(hostile))}/evil\.yaml:\d+: e\.", ln) for ln in lines)


def _pty_run(args: list[str], keys: list[bytes], env: dict[str, str], wait: float) -> bytes:
    """Run quizzer on a pseudo-terminal, type ``keys`` one by one, return every byte it wrote."""
    leader, follower = pty.openpty()
    os.set_blocking(leader, False)
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    full_env.update(COLUMNS="120", LINES="40")
    proc = subprocess.Popen(
        [sys.executable, "-m", "quizzer", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=full_env,
        cwd=ROOT,
        close_fds=True,
    )
    os.close(follower)
    out = bytearray()

    def drain(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    out.extend(os.read(leader, 65536))
                except OSError:
                    return

    try:
        drain(wait)
        for key in keys:
            os.write(leader, key)
            drain(1.0)
        proc.wait(timeout=20)
        drain(0.5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
    return bytes(out)


def test_export_to_a_terminal_shows_answers_escaped(hostile: Path) -> None:
    store_answer(EVIL)
    out = _pty_run(["export", "--format", "csv"], [], {}, wait=8)
    assert b"\\x1b]52;c;SEFDS0VE" in out
    assert_safe(out)
    piped = run_quizzer("export", "--format", "csv", "--raw")
    assert OSC52 in piped.stdout  # a file or pipe gets the data exactly as stored


def test_the_real_tui_on_a_terminal_never_receives_the_payloads(hostile: Path) -> None:
    out = _pty_run(["drill", "--cram"], [b"\x14", b"b\r", b"\x11"], {}, wait=8)
    assert b"SEFDS0VE" in out  # the prompt was drawn ...
    assert_safe(out)  # ... and none of it as a control sequence


# -- the TUI, screen by screen ------------------------------------------------------------


def screen_text(app: QuizzerApp) -> str:
    svg = app.export_screenshot()
    rows = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(rows)).replace("\xa0", " ")


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from conftest import settle

    await settle(pilot)


async def test_every_tui_screen_shows_hostile_text_escaped(hostile: Path) -> None:
    from quizzer.tui.screens.browse import BrowseScreen

    app = QuizzerApp(Workspace.resolve(), DrillOptions(seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        seen = []
        for _ in range(3):  # each question: prompt, hint, options, verdict, explanation
            await pilot.press("ctrl+t")
            current = app.screen.session.current  # type: ignore[attr-defined]
            kind = current.question.kind
            await pilot.press(*("b" if kind == "choice" else "3" if kind == "numeric" else ""))
            await pilot.press("enter")
            await _settle(pilot)
            seen.append(screen_text(app))
            await pilot.press("3")
            await _settle(pilot)
        drill = "\n".join(seen)
        assert "Topic \\x1b]52" in drill or "Topic" in drill  # the top bar cuts it short
        for label in ("Prompt choice", "Prompt numeric", "OptA", "Hint", "Explanation"):
            assert f"{label} {SHOWN}" in drill, label
        assert re.search(r"Feedback\s+\\x1b\]52;c;SEFDS0VE", drill)
        assert "[/b][bold red]x[/]" in drill
        app.action_mode("browse")
        await _settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        assert "Topic \\x1b]52" in screen_text(app)
        app.screen.query_one("#search").value = "e.recall"  # type: ignore[attr-defined]
        await _settle(pilot)
        assert f"Prompt recall {SHOWN}" in screen_text(app)  # in the preview
        app.action_mode("stats")
        await _settle(pilot)
        assert SHOWN in screen_text(app)  # the topic, in the retention table
        for shown in [*seen, screen_text(app)]:
            assert "\x1b" not in shown


async def test_markup_in_a_stored_answer_never_stops_its_history_opening(hostile: Path) -> None:
    store_answer(f"[/b]{OSC52}")
    app = QuizzerApp(Workspace.resolve())
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.action_mode("browse")
        await _settle(pilot)
        app.screen.query_one("#search").value = "e.numeric"  # type: ignore[attr-defined]
        await _settle(pilot)
        shown = screen_text(app)
        assert "[/b]\\x1b]52;c;SEFDS0VE" in shown
        assert "\x1b" not in shown


async def test_the_demo_panel_title_shows_a_markup_path_literally(hostile: Path) -> None:
    from quizzer.tui.screens.demo import DemoScreen

    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Topic", cram=True))
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        session = app.screen.session  # type: ignore[attr-defined]
        while session.current.question.id != "e.numeric":
            session.current = None
            session.next()
        app.push_screen(DemoScreen(session.current, hostile))
        await _settle(pilot)
        assert "snippets/demo[-b].py" in screen_text(app)
