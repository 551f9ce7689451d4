"""Stored text is data: markup shows literally, escape sequences never reach the terminal.

Every record below carries Rich markup ("[bold red]x[/]") in its name or title and terminal
control sequences (an OSC title change, a CSI colour, a C1 CSI) in its text. What the cockpit
draws must show the brackets as typed and contain no raw ESC, BEL or 0x9b, and the app must
not crash on any of it.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest

from conftest import NOW, settle
from pa_tui.services import contacts, events, principals, queue, tasks
from pa_tui.store import Store

SIZE = (120, 40)
MARKUP = "[bold red]x[/]"
OSC = "\x1b]0;pwned\x07"
CSI = "\x1b[31m"
C1_CSI = "\x9b2J"
CONTROLS = ("\x1b", "\x07", "\x9b")


# ---- data and checks


def _seed(store: Store) -> dict[str, int]:
    """One hostile record of each kind, all on today's (Wed 25 Nov 2026) views."""
    with store.write() as session:
        p = principals.add_principal(session, name="Eva Lind", tz="Europe/Stockholm", now=NOW)
        principals.add_principal(session, name=f"{MARKUP} Boss{OSC}", tz="UTC", now=NOW)
        mallory = contacts.create_contact(
            session,
            principal=p,
            name=f"{MARKUP} Mallory{CSI}",
            now=NOW,
            org=f"[link=https://evil.example]Evil{OSC}[/link]",
            role=f"[blink]boss[/]{C1_CSI}",
            birthday="--11-27",  # within 7 days: on Today
            notes=f"contact notes {OSC} {CSI}red {C1_CSI}",
        )
        task = tasks.create_task(
            session,
            principal=p,
            title=f"{MARKUP} task{CSI}",
            now=NOW,
            notes=f"task notes {OSC} {CSI}red {C1_CSI}",
            due_date=NOW.date(),
            project=f"[b]proj{CSI}",
        )
        item = queue.create_request(
            session,
            principal=p,
            subject=f"{MARKUP} subject{CSI}",
            now=NOW,
            contact_id=mallory.id,
            body=f"request body {OSC} {C1_CSI}",
            urgency=1,
        )
        stranger = queue.create_request(
            session,
            principal=p,
            subject="plain subject",
            now=NOW - timedelta(hours=1),
            from_name=f"{MARKUP} Stranger{OSC}",
            from_phone="+46 70 123",
        )
        event = events.create_event(
            session,
            principal=p,
            title=f"{MARKUP} event{CSI}",
            now=NOW,
            start_local=datetime(2026, 11, 25, 10, 0),
            end_local=datetime(2026, 11, 25, 11, 0),
            location=f"[u]room[/u]{CSI}",
            agenda=f"event agenda {OSC} {C1_CSI}",
        )
        return {
            "contact": mallory.id,
            "task": task.id,
            "request": item.id,
            "stranger": stranger.id,
            "event": event.id,
        }


def _assert_clean(text: str, where: str) -> None:
    for control in CONTROLS:
        assert control not in text, f"{where}: raw {control!r} in {text!r}"


def _screenshot(app) -> str:
    """The SVG screenshot's text, entities decoded (spaces are exported as &#160;)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def _list_lines(app) -> list[str]:
    """What the RecordList draws, line by line (its Line API), and each loaded row formatted."""
    records = app.screen.records
    drawn = [
        "".join(seg.text for seg in records.render_line(y)) for y in range(records.size.height)
    ]
    formatted = [
        records.format_row(records.row_at(i), 120)
        for i in range(len(records.ids))
        if records.row_at(i) is not None
    ]
    return drawn + formatted


async def _run(
    app, body: Callable[[object], Awaitable[None]], *, notifications: bool = False
) -> None:
    """The whole session: any exception in the app or the test fails it, named as a crash."""
    try:
        async with app.run_test(size=SIZE, notifications=notifications) as pilot:
            await body(pilot)
    except AssertionError:
        raise
    except Exception as exc:  # any crash fails the test, with its cause
        pytest.fail(f"the app crashed: {exc!r}")
    assert app.return_code in (None, 0)


async def _keys(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)


async def _goto_key(app, pilot, prefix: str) -> None:
    records = app.screen.records
    for _ in range(60):
        if records.current is not None and records.current.key.startswith(prefix):
            return
        before = records.cursor
        await _keys(app, pilot, "j")
        if records.cursor == before:
            break
    raise AssertionError(f"no row {prefix} on {type(app.screen).__name__}")


# ---- the lists


async def test_lists_show_stored_text_literally(store: Store, make_app) -> None:
    ids = _seed(store)
    app = make_app(store)

    async def body(pilot) -> None:
        expected = {
            "1": ["task", "subject", "event", "Mallory"],
            "2": ["event", "room"],
            "3": ["subject", "plain subject"],
            "4": ["Mallory", "[link=https://evi", "[blink]boss"],
            "5": ["task", "proj"],
        }
        for key, words in expected.items():
            await _keys(app, pilot, key)
            name = type(app.screen).__name__
            lines = _list_lines(app)
            for line in lines:
                _assert_clean(line, name)
            shown = "\n".join(lines)
            assert MARKUP in shown, name  # brackets kept, not eaten as markup
            for word in words:
                assert word in shown, (name, word)
            assert "\ufffd" in shown  # the control characters are shown as U+FFFD
            _assert_clean(str(app.screen.query_one("#title-bar").render()), name)
            _assert_clean(str(app.screen.query_one("#col-header").render()), name)
        # The confirm question quotes the stored title literally.
        await _keys(app, pilot, "5", "D")
        question = str(app.screen.query_one(".title").render())
        assert f"t{ids['task']}" in question and MARKUP in question
        _assert_clean(question, "ConfirmModal")
        await _keys(app, pilot, "n")
        # The principal picker (ChoiceModal) shows another principal's hostile name literally.
        await _keys(app, pilot, "P")
        choices = [str(c.render()) for c in app.screen.query(".choice")]
        assert any(f"{MARKUP} Boss" in c for c in choices), choices
        for choice in choices:
            _assert_clean(choice, "ChoiceModal")
        await _keys(app, pilot, "escape")

    await _run(app, body)


# ---- the detail pane (and the whole screen as drawn)


@pytest.mark.parametrize(
    ("key", "prefix", "words"),
    [
        ("1", "t", ["task"]),  # Today: the task row's detail
        ("2", "e", ["event", "event agenda", "room"]),
        ("3", "r", ["subject", "request body", "Mallory"]),
        ("4", "c", ["Mallory", "contact notes", "Evil"]),
        ("5", "t", ["task", "task notes", "proj"]),
    ],
    ids=["today", "agenda", "queue", "contacts", "tasks"],
)
async def test_detail_pane_shows_stored_text_literally(
    store: Store, make_app, key: str, prefix: str, words: list[str]
) -> None:
    _seed(store)
    app = make_app(store)

    async def body(pilot) -> None:
        await _keys(app, pilot, key)
        await _goto_key(app, pilot, prefix)
        detail = str(app.screen.query_one("#detail").render())
        for word in words:
            assert word in detail, word
        assert MARKUP in detail
        _assert_clean(detail, "detail")
        svg = _screenshot(app)
        assert MARKUP in svg
        _assert_clean(svg, "screenshot")
        assert "\x1b]0;pwned" not in svg

    await _run(app, body)


async def test_detail_pane_of_a_sender_without_contact(store: Store, make_app) -> None:
    """A queue item's raw sender goes through line(), which cleans: literal and safe."""
    ids = _seed(store)
    app = make_app(store)

    async def body(pilot) -> None:
        await _keys(app, pilot, "3")
        await _goto_key(app, pilot, f"r{ids['stranger']}")
        detail = str(app.screen.query_one("#detail").render())
        assert f"from: {MARKUP} Stranger" in detail
        _assert_clean(detail, "detail")
        svg = _screenshot(app)
        assert MARKUP in svg and "Stranger\ufffd]0;pwned\ufffd" in svg  # the pane wraps lines
        _assert_clean(svg, "screenshot")

    await _run(app, body)


# ---- notifications, palette, principal


async def test_capture_notification_is_literal(store: Store, make_app) -> None:
    with store.write() as session:
        principals.add_principal(session, name="Eva Lind", tz="Europe/Stockholm", now=NOW)
    app = make_app(store)

    async def body(pilot) -> None:
        await _keys(app, pilot, "3", "n")  # the queue's bar logs a call
        field = app.screen.query_one("#capture-input")
        field.value = f'call "{MARKUP} Mallory{OSC}" about the deal'
        await settle(app, pilot)
        preview = str(app.screen.query_one("#capture-preview").render())
        assert f"from {MARKUP} Mallory" in preview
        _assert_clean(preview, "capture preview")
        await _keys(app, pilot, "enter")
        (note,) = [n for n in app._notifications if "created" in n.message]
        assert f"from {MARKUP} Mallory" in note.message
        _assert_clean(note.message, "notification")
        toasts = [str(t.render()) for t in app.screen.query("Toast")]
        assert any(f"{MARKUP} Mallory" in t for t in toasts), toasts
        for toast in toasts:
            _assert_clean(toast, "toast")
        assert app.screen.records.current.cells[3].startswith(f"{MARKUP} Mallory")
        svg = _screenshot(app)
        assert MARKUP in svg and "Mallory\ufffd]0;pwned\ufffd" in svg  # the toast wraps
        _assert_clean(svg, "screenshot")

    await _run(app, body, notifications=True)  # toasts drawn, as in the real app


async def test_palette_hits_are_literal(store: Store, make_app) -> None:
    with store.write() as session:
        p = principals.add_principal(session, name="Eva Lind", tz="Europe/Stockholm", now=NOW)
        cid = contacts.create_contact(
            session, principal=p, name=f"{MARKUP} Mallory{CSI}{OSC}", now=NOW
        ).id
    app = make_app(store)

    async def body(pilot) -> None:
        await _keys(app, pilot, "ctrl+p")
        app.screen.query_one("Input").value = "mallory"
        options = app.screen.query_one("CommandList")
        for _ in range(40):  # the palette gathers hits in an async worker
            if options.option_count:
                break
            await pilot.pause(0.02)
        await settle(app, pilot)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(f"contact c{cid}: {MARKUP} Mallory" in p for p in prompts), prompts
        for prompt in prompts:
            _assert_clean(prompt, "palette")
        svg = _screenshot(app)
        assert f"{MARKUP} Mallory" in svg
        _assert_clean(svg, "screenshot")

    await _run(app, body)


async def test_principal_name_in_titles_is_literal(store: Store, make_app) -> None:
    with store.write() as session:
        principals.add_principal(
            session, name=f"{MARKUP} Boss{OSC}", tz="Europe/Stockholm", now=NOW
        )
    app = make_app(store)

    async def body(pilot) -> None:
        await _keys(app, pilot, "5")
        bar = str(app.screen.query_one("#title-bar").render())
        assert f"{MARKUP} Boss" in bar
        _assert_clean(bar, "title bar")
        header = str(app.format_title(app.title, app.sub_title))
        assert f"{MARKUP} Boss" in header
        _assert_clean(header, "header")
        svg = _screenshot(app)
        _assert_clean(svg, "screenshot")

    await _run(app, body)
