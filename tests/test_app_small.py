"""Below 80x24 the cockpit degrades without crashing: every screen, help and the capture bar."""

from __future__ import annotations

import pytest

from conftest import settle
from pa_tui.store import Store


@pytest.mark.parametrize("size", [(60, 20), (40, 12)])
async def test_small_terminals(demo_store: Store, make_app, size: tuple[int, int]) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        for key in ("1", "2", "3", "4", "5"):
            await pilot.press(key)
            await settle(app, pilot)
            await pilot.press("j", "j", "k")
            await settle(app, pilot)
            assert app.screen.records.ids, type(app.screen).__name__
        await pilot.press("n")
        await pilot.press(*"buy milk")
        await settle(app, pilot)
        await pilot.press("escape", "question_mark")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await settle(app, pilot)
        text = app.export_screenshot()
        assert "Tasks" in text
    assert app.return_code in (None, 0)
