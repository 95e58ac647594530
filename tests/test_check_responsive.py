"""No text typed or stored can freeze quizzer: previews and reference evaluations are bounded."""

from __future__ import annotations

import time

import pytest

from quizzer.check import CheckError, preview, reference_value, render_reference
from quizzer.context import DrillOptions
from quizzer.tui.app import QuizzerApp
from quizzer.workspace import Workspace

HOSTILE = "((10^30*q)^999)^999"
BOUND_S = 3.0


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "numeric", "value": "-ln(q)"},
        {"kind": "numeric", "value": "-ln(q)", "allow_expression": True},
        {"kind": "expression", "value": "q", "variables": ["q"]},
    ],
)
def test_preview_of_a_huge_power_returns_within_the_limit(spec: dict) -> None:
    preview(spec, "1", {"q": 0.5})  # start the worker outside the timed part
    started = time.monotonic()
    verdict = preview(spec, HOSTILE, {"q": 0.5})
    assert time.monotonic() - started < BOUND_S
    assert verdict.status in {"invalid", "timeout"}, verdict


def test_a_slow_preview_is_stopped_at_the_limit() -> None:
    heavy = "+".join(f"sin({k}x)cos({k}x)tanh({k}x)" for k in range(2, 20))
    preview({"kind": "expression", "value": "x"}, "x")
    verdict = preview({"kind": "expression", "value": "x"}, heavy, timeout=0.001)
    assert verdict.status == "timeout" and "took longer than" in verdict.feedback
    assert preview({"kind": "expression", "value": "x"}, "x^2").status == "ungraded"


def test_a_hostile_reference_is_a_check_error_not_a_hang() -> None:
    spec = {"kind": "numeric", "value": "((10^300*p)^999)^999"}
    started = time.monotonic()
    with pytest.raises(CheckError, match="too large"):
        reference_value(spec, {"p": 0.5})
    with pytest.raises(CheckError):
        render_reference(spec, {"p": 0.5})
    assert time.monotonic() - started < BOUND_S


async def test_the_tui_stays_responsive_while_a_huge_power_is_typed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from conftest import FIXTURES

    monkeypatch.setenv("QUIZZER_BANK", str(FIXTURES / "numeric_bank"))
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Numeric", seed=1))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        started = time.monotonic()
        await pilot.press(*HOSTILE.replace("q", "p"))  # p is this question's parameter
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert time.monotonic() - started < 4 * BOUND_S
        shown = app.screen.query_one("#preview").render()
        assert "too large" in str(shown)
        started = time.monotonic()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert time.monotonic() - started < BOUND_S
    assert app.return_code == 0


HOSTILE_BANK = (
    "- id: h.power\n  topic: T\n  prompt: 'p = {p}?'\n  params:\n    p: {choices: [0.5]}\n"
    "  answer: {kind: numeric, value: '((10^300*p)^999)^999'}\n"
)


def test_bank_check_reports_a_hostile_reference_in_one_line(isolated) -> None:  # type: ignore[no-untyped-def]
    from helpers import run_quizzer

    bank = isolated / "bank"
    bank.mkdir()
    (bank / "hostile.yaml").write_text(HOSTILE_BANK)
    out = run_quizzer("bank", "check", str(bank), timeout=30)
    assert out.returncode == 1
    assert "h.power" in out.stdout + out.stderr and "too large" in out.stdout + out.stderr
    assert "Traceback" not in out.stderr


def test_the_drill_reveals_a_hostile_reference_without_hanging(isolated) -> None:  # type: ignore[no-untyped-def]
    from helpers import run_quizzer

    bank = isolated / "bank"
    bank.mkdir()
    (bank / "hostile.yaml").write_text(HOSTILE_BANK)
    out = run_quizzer("--bank", str(bank), "drill", "--plain", input="\n\n", timeout=30)
    assert "Traceback" not in out.stderr
    assert "cannot be shown" in out.stdout or "checker failed" in out.stdout, out.stdout
