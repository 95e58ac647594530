"""A bank's ``demo:`` runs a program, so it may only name a file inside its own bank, and a
snippet from any bank but the shipped one runs only after the person has read it and said
yes (remembered for that content, like ``direnv allow``)."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, run_quizzer

from quizzer.bank.loader import load_bank
from quizzer.context import DrillOptions
from quizzer.demos import trust
from quizzer.tui.app import QuizzerApp
from quizzer.workspace import Workspace

SNIPPET = """\
import os, sys
from pathlib import Path
Path(os.environ["MARKER"]).write_text(os.getcwd() + "|" + repr(sys.stdin.read()))
print("snippet ran")
"""


def question(qid: str, demo: str) -> dict[str, object]:
    return {
        "id": qid,
        "topic": "Demos",
        "prompt": "Two?",
        "answer": {"kind": "numeric", "value": "2"},
        "demo": demo,
    }


@pytest.fixture
def marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "marker.txt"
    monkeypatch.setenv("MARKER", str(path))
    return path


@pytest.fixture
def stranger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Someone else's bank: one snippet inside it, and three demos that lead outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.py").write_text(SNIPPET)
    bank = tmp_path / "their-bank"
    (bank / "snippets").mkdir(parents=True)
    (bank / "snippets" / "ok.py").write_text(SNIPPET)
    (bank / "snippets" / "link.py").symlink_to(outside / "evil.py")
    questions = [
        question("d.inside", "snippets/ok.py"),
        question("d.dotdot", "../outside/evil.py"),
        question("d.absolute", str(outside / "evil.py")),
        question("d.symlink", "snippets/link.py"),
    ]
    (bank / "demos.yaml").write_text(yaml.safe_dump(questions, sort_keys=False))
    monkeypatch.setenv("QUIZZER_BANK", str(bank))
    return bank


def test_demo_paths_leading_out_of_the_bank_do_not_load_and_name_file_and_line(
    stranger: Path,
) -> None:
    bank = load_bank([stranger])
    assert sorted(bank.questions) == ["d.inside"]
    messages = {str(e) for e in bank.errors}
    where = f"{stranger}/demos.yaml"
    assert any(m.startswith(f"{where}:8: d.dotdot: demo '../outside/evil.py'") for m in messages)
    assert any(m.startswith(f"{where}:15: d.absolute: demo path") for m in messages)
    assert any(f"{where}:22: d.symlink: demo 'snippets/link.py' resolves to" in m for m in messages)


def test_bank_check_reports_each_escaping_demo(stranger: Path) -> None:
    out = run_quizzer("bank", "check", str(stranger))
    assert out.returncode == 1
    for qid in ("d.dotdot", "d.absolute", "d.symlink"):
        assert re.search(rf"demos\.yaml:\d+: {qid}: demo", out.stderr), qid
    assert "outside the bank directory" in out.stderr


def test_quizzer_demo_never_runs_a_file_outside_the_bank(stranger: Path, marker: Path) -> None:
    for qid in ("d.dotdot", "d.absolute", "d.symlink"):
        out = run_quizzer("demo", qid, input="y\n")
        assert out.returncode == 2  # not a question of the bank: it did not load
        assert "no question with id" in out.stderr
    assert not marker.exists()


def test_an_unallowed_snippet_is_shown_and_not_run_on_no(stranger: Path, marker: Path) -> None:
    out = run_quizzer("demo", "d.inside", input="n\n")
    assert out.returncode == 3
    assert str(stranger / "snippets" / "ok.py") in out.stderr
    assert 'Path(os.environ["MARKER"])' in out.stderr  # the source, before the question
    assert not marker.exists()
    assert run_quizzer("demo", "d.inside", input="").returncode == 3  # end of input is no
    assert not marker.exists()


def test_yes_runs_it_with_stdin_closed_in_its_folder_and_is_remembered_until_it_changes(
    stranger: Path, marker: Path
) -> None:
    first = run_quizzer("demo", "d.inside", input="y\n")
    assert first.returncode == 0, first.stderr
    assert "snippet ran" in first.stdout
    assert marker.read_text() == f"{stranger / 'snippets'}|''"
    marker.unlink()
    again = run_quizzer("demo", "d.inside", input="")  # no question this time
    assert again.returncode == 0 and "Allow and run" not in again.stderr
    assert marker.exists()
    marker.unlink()
    with (stranger / "snippets" / "ok.py").open("a") as f:
        f.write("print('edited')\n")
    edited = run_quizzer("demo", "d.inside", input="")
    assert edited.returncode == 3 and "print('edited')" in edited.stderr
    assert not marker.exists()


def test_the_shipped_bank_is_trusted_without_asking() -> None:
    shipped = ROOT / "question_bank"
    snippet = next((shipped / "snippets").glob("*.py"))
    assert trust.is_trusted(snippet)
    assert not trust.trust_file().exists()


def test_a_damaged_trust_file_trusts_nothing(stranger: Path, marker: Path) -> None:
    trust.trust_file().write_text("{not json")
    assert run_quizzer("demo", "d.inside", input="").returncode == 3
    assert not marker.exists()


def _screen(app: QuizzerApp) -> str:
    svg = app.export_screenshot()
    rows = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(rows)).replace("\xa0", " ")


async def test_the_tui_shows_the_source_and_runs_only_after_y(stranger: Path, marker: Path) -> None:
    from quizzer.tui.screens.demo import DemoScreen

    app = QuizzerApp(Workspace.resolve(), DrillOptions(cram=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        exercise = app.screen.session.next()  # type: ignore[attr-defined]
        app.push_screen(DemoScreen(exercise, stranger))
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        shown = _screen(app)
        assert "from a bank other than the shipped one" in shown
        assert 'Path(os.environ["MARKER"])' in shown
        assert not marker.exists()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "snippet ran" in _screen(app)
        assert marker.read_text() == f"{stranger / 'snippets'}|''"
    assert os.getcwd() != str(stranger / "snippets")
