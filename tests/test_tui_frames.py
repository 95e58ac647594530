"""What each painted frame shows, not only the settled screen: the footer must not lag the
screen it belongs to (an empty footer on the first paint, or the keys of the question before
beside a new verdict for several frames, read as flicker)."""

from __future__ import annotations

import pytest
from conftest import settle
from textual.widgets._footer import FooterKey

from quizzer.context import DrillOptions
from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.drill import DrillScreen
from quizzer.workspace import Workspace

pytestmark = pytest.mark.usefixtures("sample_bank")


async def test_every_frame_shows_the_footer_of_what_is_on_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frames: list[tuple[bool, tuple[str, ...]]] = []
    display = QuizzerApp._display

    def record(app: QuizzerApp, screen: object, renderable: object) -> None:
        # App._display receives every compositor update, headless too.
        if renderable is not None and isinstance(screen, DrillScreen):
            keys = tuple(str(key.description) for key in screen.query(FooterKey))
            frames.append((bool(screen.query_one("#result").display), keys))
        display(app, screen, renderable)  # type: ignore[arg-type]

    monkeypatch.setattr(QuizzerApp, "_display", record)
    app = QuizzerApp(Workspace.resolve(), DrillOptions(topic="Sample choice"))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        await pilot.press("b", "enter")
        await settle(pilot)
    asking = [keys for verdict, keys in frames if not verdict]
    answered = [keys for verdict, keys in frames if verdict]
    assert asking and answered
    for keys in asking:  # from the very first frame: answering keys, letters go to the box
        assert "Hint" in keys and "Accept" not in keys and "Stats" not in keys
    # The footer is rebuilt in the footer's own message loop, so the frame painted with the
    # verdict can still be one with the answering keys; never two.
    stale = [keys for keys in answered if "Accept" not in keys]
    assert len(stale) <= 1, stale
    assert "Accept" in answered[-1] and "Good" in answered[-1]
