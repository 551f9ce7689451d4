"""SVG snapshots of every screen at 80x24 and 120x40 on the deterministic demo store.

Regenerate after an intended UI change with `pytest tests/test_snapshots.py --snapshot-update`
and review the SVGs under tests/__snapshots__/test_snapshots/.

snap_compare alone passes when the app crashed (it compares whatever was drawn), so every
snapshot goes through `snapshot_app`, which also asserts the app ended cleanly.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from conftest import settle
from pa_tui.store import Store

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
SCREENS = {"today": "1", "agenda": "2", "queue": "3", "contacts": "4", "tasks": "5"}


async def _reloaded(pilot: Pilot) -> None:
    """Reload the screen once layout has settled, so the column header (which the app sizes at
    load time, racing the breakpoint layout) is drawn for the final list width."""
    await _steady(pilot)
    pilot.app.reload_screen()
    await _steady(pilot)


async def _steady(pilot: Pilot) -> None:
    """Workers done, cursors not blinking, everything repainted."""
    app = pilot.app
    for field in app.query(Input):
        field.cursor_blink = False
    for _ in range(3):
        await settle(app, pilot)
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.fixture
def snapshot_app(snap_compare, demo_store: Store, make_app) -> Callable[..., bool]:
    """snap_compare on a fresh PaApp that also fails the test if the app raised or exited badly."""

    def compare(keys: tuple[str, ...], size: tuple[int, int]) -> bool:
        app = make_app(demo_store)

        async def run_before(pilot: Pilot) -> None:
            await _steady(pilot)
            for key in keys:
                await pilot.press(key)
                await _reloaded(pilot)

        matched = snap_compare(app, terminal_size=size, run_before=run_before)
        assert app._exception is None, f"the app raised: {app._exception!r}"
        assert app.return_code == 0, f"the app exited with {app.return_code}"
        return matched

    return compare


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("mode", SCREENS, ids=SCREENS.keys())
def test_screen(snapshot_app, mode: str, size: tuple[int, int]) -> None:
    assert snapshot_app((SCREENS[mode],), size)


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_help_screen(snapshot_app, size: tuple[int, int]) -> None:
    assert snapshot_app(("1", "question_mark"), size)


# ---- layout checks behind what the snapshots show (plain asserts, no SVG)


async def _open(app, pilot, key: str) -> None:
    await pilot.press(key)
    await _steady(pilot)


@pytest.mark.parametrize(
    "sizes",
    [((120, 40), (80, 24)), ((80, 24), (120, 40))],
    ids=["wide-to-narrow", "narrow-to-wide"],
)
@pytest.mark.parametrize("mode", SCREENS)
async def test_column_header_follows_a_terminal_resize(
    demo_store: Store, make_app, mode: str, sizes: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=sizes[0]) as pilot:
        await _open(app, pilot, SCREENS[mode])
        await pilot.resize_terminal(*sizes[1])
        await _steady(pilot)
        records = app.screen.records
        drawn = records.render_line(0).cell_length
        header = str(app.screen.query_one("#col-header").content)
        assert header == records.header_text(drawn)


@pytest.mark.parametrize(
    "mode",
    [
        "today",
        "agenda",  # one short day: no scrollbar
        "queue",
        "contacts",
        "tasks",
    ],
)
async def test_rows_are_not_drawn_under_the_scrollbar(
    demo_store: Store, make_app, mode: str
) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, SCREENS[mode])
        records = app.screen.records
        visible = records.scrollable_content_region.width
        for y in range(min(5, len(records.ids))):
            assert records.render_line(y).cell_length <= visible


def _help_text(app) -> str:
    from rich.console import Console

    console = Console(width=100, file=io.StringIO(), record=True, color_system=None)
    console.print(app.screen.query_one("#help-table").content)
    return console.export_text()


def _help_rows(app) -> list[list[str]]:
    """The help table's body rows as [key, does, id] cells."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in _help_text(app).splitlines()
        if line.strip().startswith("│")
    ]


async def test_help_title_names_the_keys_table(demo_store: Store, make_app) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, "question_mark")
        assert "config.toml [keys] by id" in _help_text(app)


async def test_help_lists_each_app_key_once(demo_store: Store, make_app) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, "question_mark")
        keys = [row[0] for row in _help_rows(app)]
        assert keys.count("ctrl+q") == 1


async def test_help_shows_remapped_keys(demo_store: Store, make_app) -> None:
    app = make_app(demo_store, keymap={"app.agenda": "A"})
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, "A")  # the remap itself works
        assert app.current_mode == "agenda"
        await _open(app, pilot, "question_mark")
        assert ["A", "Agenda", "app.agenda"] in _help_rows(app)


# ---- the capture bar and the filter: closed in every snapshot, so checked here


def _on_top(app, widget) -> bool:
    """Whether `widget` is what is drawn at the first cell of its content (not covered)."""
    region = widget.content_region
    if region.height < 1 or region.width < 1:
        return False
    found, _ = app.screen.get_widget_at(region.x, region.y)
    return found is widget


async def test_typing_after_n_keeps_the_capture_prefix(store: Store, make_app) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(app, pilot, "5")
        await _open(app, pilot, "n")
        await pilot.press(*"Buy")
        await _steady(pilot)
        assert app.screen.query_one("#capture-input", Input).value == "add Buy"


async def test_capture_bar_shows_the_input_and_the_preview(store: Store, make_app) -> None:
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(app, pilot, "5")
        await _open(app, pilot, "n")
        await pilot.press("end", *"Buy")
        await _steady(pilot)
        field = app.screen.query_one("#capture-input", Input)
        assert field.value == "add Buy"
        assert _on_top(app, field), "the typed text is not visible"
        assert _on_top(app, app.screen.query_one("#capture-preview")), "the preview is covered"


async def test_filter_input_is_visible(demo_store: Store, make_app) -> None:
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(app, pilot, "3")
        await _open(app, pilot, "slash")
        await pilot.press(*"Omar")
        await _steady(pilot)
        field = app.screen.query_one("#filter", Input)
        assert field.has_focus and field.value == "Omar"
        assert _on_top(app, field)
