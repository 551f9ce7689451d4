"""Every binding listed in the help screen, driven by keys in the real app: store state and
rendered text out. Related keys share one app run to keep the file fast."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from rich.console import Console
from sqlmodel import col, select

from conftest import NOW, settle
from pa_tui.models import Interaction, Request, Task
from pa_tui.services import contacts, events, principals, queue, tasks
from pa_tui.services.timeutil import as_utc, local_to_utc
from pa_tui.store import Store
from pa_tui.widgets.record_list import MASK

ZONE = "Europe/Stockholm"
TODAY = date(2026, 11, 25)  # a Wednesday
SIZE = (120, 40)


# ---- helpers


def _principal(store: Store, name: str = "Eva Lind", tz: str = ZONE) -> int:
    with store.write() as session:
        p = principals.add_principal(session, name=name, tz=tz, now=NOW)
        assert p.id is not None
        return p.id


def _task(store: Store, title: str, principal_name: str = "Eva Lind", **kwargs) -> int:
    with store.write() as session:
        p = principals.find_principal(session, principal_name)
        t = tasks.create_task(session, principal=p, title=title, now=NOW, **kwargs)
        assert t.id is not None
        return t.id


def _get_task(store: Store, task_id: int) -> Task | None:
    with store.read() as session:
        return session.get(Task, task_id)


def _contact(store: Store, name: str, **kwargs) -> int:
    with store.write() as session:
        p = principals.find_principal(session, "Eva Lind")
        c = contacts.create_contact(session, principal=p, name=name, now=NOW, **kwargs)
        assert c.id is not None
        return c.id


def _event(store: Store, title: str, start: datetime, minutes: int = 60, **kwargs) -> int:
    with store.write() as session:
        p = principals.find_principal(session, "Eva Lind")
        ev = events.create_event(
            session,
            principal=p,
            title=title,
            now=NOW,
            start_local=start,
            end_local=start + timedelta(minutes=minutes),
            **kwargs,
        )
        assert ev.id is not None
        return ev.id


async def _settle(app, pilot) -> None:
    """conftest.settle, but done as soon as no worker is left: a key starts a chain of thread
    workers (reload -> page -> detail), each started by the previous one's callback."""
    await pilot.pause()
    for _ in range(6):
        if all(w.is_finished for w in app.workers):
            return
        await app.workers.wait_for_complete()
        await pilot.pause()
    await settle(app, pilot)


async def _keys(app, pilot, *keys: str) -> None:
    """Each key, then let the reload/page/detail workers it starts finish."""
    for key in keys:
        await pilot.press(key)
        await _settle(app, pilot)


async def _type(app, pilot, text: str) -> None:
    """Typed key by key (the preview and incremental filter react to each)."""
    await pilot.press(*text)
    await settle(app, pilot)


async def _enter_text(app, pilot, text: str) -> None:
    """Replace the focused Input's text (faster than a key per character)."""
    app.screen.focused.value = text
    await settle(app, pilot)


def _title_bar(app) -> str:
    return str(app.screen.query_one("#title-bar").render())


def _detail(app) -> str:
    return str(app.screen.query_one("#detail").render())


def _screen_name(app) -> str:
    return type(app.screen).__name__


def _current_key(app) -> str | None:
    row = app.screen.records.current
    return row.key if row is not None else None


async def _goto_key(app, pilot, key: str, limit: int = 100) -> None:
    """Move the cursor with j until it rests on `key` (Today mixes sections)."""
    for _ in range(limit):
        if _current_key(app) == key:
            return
        before = app.screen.records.cursor
        await _keys(app, pilot, "j")
        if app.screen.records.cursor == before:
            break
    raise AssertionError(f"{key} not reachable with j")


# ---- modes and help


async def test_number_keys_switch_modes(store: Store, make_app) -> None:
    _principal(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert _screen_name(app) == "TodayScreen"
        for key, screen in (
            ("2", "AgendaScreen"),
            ("3", "QueueScreen"),
            ("4", "ContactsScreen"),
            ("5", "TasksScreen"),
            ("1", "TodayScreen"),
            ("5", "TasksScreen"),  # a second visit resumes the installed screen
        ):
            await _keys(app, pilot, key)
            assert _screen_name(app) == screen, key
            assert app.screen.records.has_focus
            assert app.screen.LABEL in _title_bar(app)


async def test_help_lists_binding_ids_and_escape_closes(store: Store, make_app) -> None:
    _principal(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "3", "question_mark")
        assert _screen_name(app) == "HelpScreen"
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#help-table").content)
        table = console.export_text()
        for binding_id in (
            "queue.accept",
            "queue.decline",
            "queue.delegate",
            "queue.convert",
            "list.new",
            "list.edit",
            "list.done",
            "list.snooze",
            "list.delete",
            "list.filter",
            "app.undo",
            "app.redo",
            "app.privacy",
            "app.principal",
            "app.quit",
            "list.down",
            "list.last",
            "list.open",
        ):
            assert binding_id in table, binding_id
        assert "tasks.filter" not in table  # only the screen underneath and the app
        await _keys(app, pilot, "escape")
        assert _screen_name(app) == "QueueScreen"
        await _keys(app, pilot, "question_mark", "question_mark")  # ? closes it too
        assert _screen_name(app) == "QueueScreen"
        # P with a single principal: nothing to pick, a notice instead.
        await _keys(app, pilot, "P")
        assert _screen_name(app) == "QueueScreen"
        assert any("only one principal" in n.message for n in app._notifications)


# ---- list movement and Enter


async def test_list_movement_on_100_tasks(store: Store, make_app) -> None:
    _principal(store)
    ids = [_task(store, f"task {n:03d}") for n in range(100)]
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5")
        records = app.screen.records
        assert records.ids == ids
        assert _current_key(app) == f"t{ids[0]}"
        await _keys(app, pilot, "j", "j", "down")
        assert records.cursor == 3 and _current_key(app) == f"t{ids[3]}"
        assert "task 003" in _detail(app)  # the detail pane follows the cursor
        await _keys(app, pilot, "k", "up")
        assert records.cursor == 1
        await _keys(app, pilot, "G")
        assert records.cursor == 99 and _current_key(app) == f"t{ids[99]}"
        assert records.row_at(99).cells[3] == "task 099"
        # The cursor line is scrolled into view.
        assert records.scroll_offset.y <= 99 < records.scroll_offset.y + records.size.height
        await _keys(app, pilot, "j")  # stays on the last row
        assert records.cursor == 99
        await _keys(app, pilot, "g")
        assert records.cursor == 0 and records.scroll_offset.y == 0
        await _keys(app, pilot, "pagedown")
        page = records.size.height - 1
        assert page > 5 and records.cursor == page
        assert _current_key(app) == f"t{ids[page]}"
        await _keys(app, pilot, "pageup")
        assert records.cursor == 0


@pytest.mark.parametrize(
    "visited",
    [
        False,
        True,
    ],
)
async def test_enter_on_today_jumps_to_the_task(store: Store, make_app, visited: bool) -> None:
    _principal(store)
    _task(store, "no date, not on today")
    late = _task(store, "overdue one", due_date=TODAY - timedelta(days=1))
    later = [_task(store, f"later {n}", due_date=TODAY + timedelta(days=3)) for n in range(3)]
    due = _task(store, "due today", due_date=TODAY)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        if visited:
            await _keys(app, pilot, "5", "f", "1")  # Tasks installed, left on another filter
        await settle(app, pilot)
        assert _screen_name(app) == "TodayScreen"
        keys = [r.key for r in app.screen.lines]
        assert f"t{late}" in keys and f"t{due}" in keys
        assert not any(f"t{i}" in keys for i in later)
        await _goto_key(app, pilot, f"t{due}")
        await _keys(app, pilot, "enter")
        assert _screen_name(app) == "TasksScreen"
        assert app.screen.mode == "all"
        assert _current_key(app) == f"t{due}"
        assert app.screen.records.cursor == 1  # after the overdue one
        assert "due today" in _detail(app)


# ---- capture bar


async def test_capture_bar_previews_then_creates(store: Store, make_app) -> None:
    _principal(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5", "n")
        field = app.screen.query_one("#capture-input")
        assert field.has_focus and field.value == "add "
        await _keys(app, pilot, "end")  # see test_capture_bar_keeps_the_prefix
        await _type(app, pilot, "Call Bob")
        shown = str(app.screen.query_one("#capture-preview").render())
        assert 'task "Call Bob"' in shown and "2026" not in shown
        field.insert_text_at_cursor(" tomorrow 3pm p1 #board")  # the rest as one paste
        await settle(app, pilot)
        assert field.value == "add Call Bob tomorrow 3pm p1 #board"
        shown = str(app.screen.query_one("#capture-preview").render())
        assert "Call Bob" in shown and "2026-11-26" in shown and "15:00" in shown
        assert "p1" in shown and "board" in shown
        with store.read() as session:
            assert session.exec(select(Task)).all() == []  # nothing written before Enter
        await _keys(app, pilot, "enter")
        with store.read() as session:
            (task,) = session.exec(select(Task)).all()
            assert task.title == "Call Bob"
            assert as_utc(task.due_at) == local_to_utc(datetime(2026, 11, 26, 15, 0), ZONE)
            assert task.due_date == date(2026, 11, 26)
            assert task.priority == 1 and task.project == "board"
        assert not app.screen.query_one("#capture").is_open
        assert _current_key(app) == f"t{task.id}"
        assert any(f"created t{task.id}" in n.message for n in app._notifications)
        # Esc on the bar writes nothing.
        await _keys(app, pilot, "n", "end")
        await _type(app, pilot, " Bob")
        await _keys(app, pilot, "escape")
        assert not app.screen.query_one("#capture").is_open
        assert app.screen.records.has_focus and _screen_name(app) == "TasksScreen"
        with store.read() as session:
            assert len(session.exec(select(Task)).all()) == 1


async def test_capture_bar_keeps_the_prefix(store: Store, make_app) -> None:
    _principal(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "n")  # Today's bar opens with "add " too
        await _type(app, pilot, "Call")
        assert app.screen.query_one("#capture-input").value == "add Call"
        assert "✗" not in str(app.screen.query_one("#capture-preview").render())


# ---- done, delete, undo, redo


async def test_x_marks_done_and_recurring_spawns_the_next(store: Store, make_app) -> None:
    _principal(store)
    weekly = _task(store, "weekly report", due_date=TODAY, rrule="FREQ=WEEKLY")
    plain = _task(store, "plain", due_date=TODAY + timedelta(days=1))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5")
        assert _current_key(app) == f"t{weekly}"
        await _keys(app, pilot, "x")
        with store.read() as session:
            rows = session.exec(select(Task).order_by(col(Task.id))).all()
            nxt = rows[-1]
            assert [(t.id, t.status, t.due_date) for t in rows] == [
                (weekly, "done", TODAY),
                (plain, "todo", TODAY + timedelta(days=1)),
                (nxt.id, "todo", date(2026, 12, 2)),
            ]
            assert (nxt.title, nxt.rrule) == ("weekly report", "FREQ=WEEKLY")
        assert app.screen.records.ids == [plain, nxt.id]
        assert _current_key(app) == f"t{plain}"  # the cursor rests on the next item
        await _keys(app, pilot, "x")
        assert _get_task(store, plain).status == "done"
        assert app.screen.records.ids == [nxt.id]


async def test_delete_asks_once_and_undo_redo(store: Store, make_app) -> None:
    _principal(store)
    doomed = _task(store, "delete me", due_date=TODAY, notes="some notes", project="x")
    other = _task(store, "stays", due_date=TODAY + timedelta(days=2))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5")
        for answer in ("n", "escape"):
            await _keys(app, pilot, "D")
            assert _screen_name(app) == "ConfirmModal"
            await _keys(app, pilot, answer)
            assert _screen_name(app) == "TasksScreen"
            assert _get_task(store, doomed) is not None
        assert app.undo_stack.done == []
        await _keys(app, pilot, "D")
        question = str(app.screen.query_one(".title").render())
        assert f"t{doomed}" in question and "delete me" in question
        await _keys(app, pilot, "y")
        assert _get_task(store, doomed) is None
        assert app.screen.records.ids == [other]
        await _keys(app, pilot, "u")
        back = _get_task(store, doomed)
        assert back is not None
        assert (back.title, back.notes, back.project, back.due_date) == (
            "delete me",
            "some notes",
            "x",
            TODAY,
        )
        assert app.screen.records.ids == [doomed, other]
        await _keys(app, pilot, "ctrl+r")
        assert _get_task(store, doomed) is None
        assert app.screen.records.ids == [other]
        await _keys(app, pilot, "D", "enter")  # Enter confirms too
        assert _get_task(store, other) is None
        assert app.screen.records.ids == []


async def test_undo_depth_at_least_twenty(store: Store, make_app) -> None:
    _principal(store)
    tid = _task(store, "bump me")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5")
        seen = []
        for _ in range(21):
            await _keys(app, pilot, "p")
            seen.append(_get_task(store, tid).priority)
        assert seen[:5] == [3, 2, 1, 4, 3] and seen[-1] == 3
        for n in range(21):
            await pilot.press("u")  # undo needs no cursor: no need to wait for the reload
            expected = 4 if n == 20 else seen[-(n + 2)]
            assert _get_task(store, tid).priority == expected, n
        await settle(app, pilot)
        assert _get_task(store, tid).priority == 4
        assert app.screen.records.current.cells[1] == ""  # p4 shows no label


# ---- snooze


async def test_snooze_tasks(store: Store, make_app) -> None:
    _principal(store)
    a, b, c, d = (_task(store, f"snooze {n}", due_date=TODAY) for n in "abcd")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5")
        assert _current_key(app) == f"t{a}"
        await _keys(app, pilot, "s")
        assert _screen_name(app) == "ChoiceModal"
        await _keys(app, pilot, "1")  # tomorrow 9:00
        assert _screen_name(app) == "TasksScreen"
        assert _get_task(store, a).due_date == date(2026, 11, 26)
        assert app.screen.records.ids == [b, c, d, a]
        await _keys(app, pilot, "g")
        assert _current_key(app) == f"t{b}"
        await _keys(app, pilot, "s", "enter")  # Enter: the first preset
        assert _get_task(store, b).due_date == date(2026, 11, 26)
        await _keys(app, pilot, "g")
        assert _current_key(app) == f"t{c}"
        await _keys(app, pilot, "s", "2")  # next Monday
        assert _get_task(store, c).due_date == date(2026, 11, 30)
        assert _get_task(store, c).due_at is None  # a dated task stays without a time
        await _keys(app, pilot, "g")
        assert _current_key(app) == f"t{d}"
        await _keys(app, pilot, "s", "escape")  # Esc: nothing changes
        assert _screen_name(app) == "TasksScreen"
        assert _get_task(store, d).due_date == TODAY
        await _keys(app, pilot, "s", "3")  # type a date
        assert _screen_name(app) == "PromptModal"
        await _type(app, pilot, "fri")
        await _keys(app, pilot, "enter")
        assert _screen_name(app) == "TasksScreen"
        assert _get_task(store, d).due_date == date(2026, 11, 27)


# ---- edit form and $EDITOR


async def _replace_field(app, pilot, text: str) -> None:
    await pilot.press("ctrl+a", "ctrl+k")  # to the start, delete to the end
    assert app.screen.focused.value == ""
    await _enter_text(app, pilot, text)


async def test_edit_form_and_editor(store: Store, make_app) -> None:
    _principal(store)
    tid = _task(store, "old title", priority=3, due_date=TODAY, notes="first line\n")
    seen: list[str] = []

    def editor(text: str) -> str:
        seen.append(text)
        return text + "more notes"

    app = make_app(store, editor=editor)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5", "e")
        assert _screen_name(app) == "FormModal"
        # Esc leaves without writing.
        await _replace_field(app, pilot, "changed")
        await _keys(app, pilot, "escape")
        assert _screen_name(app) == "TasksScreen"
        assert _get_task(store, tid).title == "old title"
        assert app.undo_stack.done == []

        await _keys(app, pilot, "e")
        form = app.screen
        assert form.query_one("#field-title").has_focus
        await _replace_field(app, pilot, "new title")
        await _keys(app, pilot, "tab", "tab")  # title -> due -> priority
        assert form.query_one("#field-priority").has_focus
        await _replace_field(app, pilot, "9")
        assert "1 (urgent) to 4 (none)" in str(form.query_one("#error-priority").render())
        await _keys(app, pilot, "ctrl+s")
        assert app.screen is form  # refused
        assert (_get_task(store, tid).title, _get_task(store, tid).priority) == ("old title", 3)
        await _replace_field(app, pilot, "2")
        assert str(form.query_one("#error-priority").render()) == ""
        await _keys(app, pilot, "ctrl+s")
        assert _screen_name(app) == "TasksScreen"
        saved = _get_task(store, tid)
        assert (saved.title, saved.priority, saved.due_date) == ("new title", 2, TODAY)
        assert app.screen.records.current.cells[3] == "new title"
        assert "new title" in _detail(app)

        # E: the notes go through the (injected) editor.
        await _keys(app, pilot, "E")
        assert seen == ["first line\n"]
        assert _get_task(store, tid).notes == "first line\nmore notes"
        assert "more notes" in _detail(app)
        await _keys(app, pilot, "u")
        assert _get_task(store, tid).notes == "first line\n"


# ---- tasks: filter and priority


async def test_f_cycles_filters_and_p_cycles_priority(store: Store, make_app) -> None:
    _principal(store)
    overdue = _task(store, "overdue", due_date=TODAY - timedelta(days=2))
    today = _task(store, "today", due_date=TODAY)
    waiting = _task(store, "waiting", status="waiting", due_date=TODAY + timedelta(days=5))
    undated = _task(store, "undated")
    _task(store, "finished", status="done", due_date=TODAY)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5")
        everything = [overdue, today, waiting, undated]
        assert app.screen.mode == "all" and app.screen.records.ids == everything
        for mode, ids in (
            ("today", [overdue, today]),
            ("overdue", [overdue]),
            ("waiting", [waiting]),
            ("all", everything),
        ):
            await _keys(app, pilot, "f")
            assert app.screen.mode == mode
            assert app.screen.records.ids == ids, mode
            assert f"showing {mode}" in _title_bar(app)

        await _keys(app, pilot, "G")
        assert _current_key(app) == f"t{undated}"
        shown = []
        for _ in range(4):
            await _keys(app, pilot, "p")
            shown.append((_get_task(store, undated).priority, app.screen.records.current.cells[1]))
            assert _current_key(app) == f"t{undated}"
        assert shown == [(3, "p3"), (2, "p2"), (1, "p1"), (4, "")]


async def test_keymap_rebinds_the_task_filter(store: Store, make_app) -> None:
    _principal(store)
    _task(store, "undated")
    app = make_app(store, keymap={"tasks.filter": "F"})
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5")
        assert app.screen.mode == "all"
        await _keys(app, pilot, "f")
        assert app.screen.mode == "all"
        await _keys(app, pilot, "F")
        assert app.screen.mode == "today"
        assert app.screen.records.ids == []


# ---- contacts


async def test_contacts_filter_is_incremental_and_diacritic_insensitive(
    store: Store, make_app
) -> None:
    _principal(store)
    jose = _contact(store, "José Álvarez")
    johan = _contact(store, "Johan Berg")
    anna = _contact(store, "Anna Sjöberg")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "4")
        everyone = [anna, johan, jose]
        assert app.screen.records.ids == everyone
        await _keys(app, pilot, "slash")
        assert app.screen.query_one("#filter").has_focus
        await _type(app, pilot, "jo")
        assert sorted(app.screen.records.ids) == sorted([johan, jose])
        await _type(app, pilot, "s")
        assert app.screen.records.ids == [jose]
        assert "filter: jos" in _title_bar(app)
        assert app.screen.records.current.cells[1] == "José Álvarez"
        await _keys(app, pilot, "enter")  # back to the list, the filter stays
        assert app.screen.records.has_focus and app.screen.records.ids == [jose]
        await _keys(app, pilot, "slash")
        await _enter_text(app, pilot, "alv")
        assert app.screen.records.ids == [jose]
        await _keys(app, pilot, "escape")
        assert app.screen.term == "" and app.screen.query_one("#filter").value == ""
        assert app.screen.records.ids == everyone
        assert app.screen.records.has_focus


async def test_contacts_log_interaction_and_new_contact(store: Store, make_app) -> None:
    _principal(store)
    carl = _contact(store, "Carl Berg")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "4", "l")
        assert _screen_name(app) == "ChoiceModal"
        await _keys(app, pilot, "2")  # meeting
        assert _screen_name(app) == "PromptModal"
        await _enter_text(app, pilot, "budget talk")
        await _keys(app, pilot, "enter")
        assert _screen_name(app) == "ContactsScreen"
        with store.read() as session:
            rows = session.exec(select(Interaction)).all()
            assert [(i.contact_id, i.kind, i.summary) for i in rows] == [
                (carl, "meeting", "budget talk")
            ]
            assert as_utc(rows[0].at) == NOW
        assert "budget talk" in _detail(app)

        await _keys(app, pilot, "n")
        assert _screen_name(app) == "FormModal"
        await _keys(app, pilot, "ctrl+s")  # an empty name is refused
        assert _screen_name(app) == "FormModal"
        await _enter_text(app, pilot, "Nina Holm")
        await _keys(app, pilot, "tab")
        await _enter_text(app, pilot, "nina@example.org")
        await _keys(app, pilot, "ctrl+s")
        assert _screen_name(app) == "ContactsScreen"
        with store.read() as session:
            p = principals.find_principal(session, "Eva Lind")
            made = [c for c in contacts.list_contacts(session, p).rows if c.id != carl]
            assert [c.name for c in made] == ["Nina Holm"]
            assert [e.value for e in contacts.emails_of(session, made[0].id)] == [
                "nina@example.org"
            ]
        assert f"c{made[0].id}" in [f"c{i}" for i in app.screen.records.ids]


async def test_new_contact_gets_the_cursor(store: Store, make_app) -> None:
    _principal(store)
    _contact(store, "Carl Berg")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "4", "n")
        await _enter_text(app, pilot, "Nina Holm")
        await _keys(app, pilot, "ctrl+s")
        with store.read() as session:
            p = principals.find_principal(session, "Eva Lind")
            (nina,) = [c for c in contacts.list_contacts(session, p).rows if c.name == "Nina Holm"]
        assert _current_key(app) == f"c{nina.id}"


# ---- agenda


async def test_agenda_navigation_and_overlaps(store: Store, make_app) -> None:
    _principal(store)
    tomorrow = _event(store, "Board meeting", datetime(2026, 11, 26, 10, 0))
    january = _event(store, "New year kickoff", datetime(2027, 1, 27, 9, 0))
    a = _event(store, "Budget", datetime(2026, 11, 25, 10, 0))
    b = _event(store, "Press call", datetime(2026, 11, 25, 10, 30))
    c = _event(store, "Lunch", datetime(2026, 11, 25, 12, 0))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "2")
        assert "Wed 25 Nov 2026" in _title_bar(app)
        # Today's events; the two that overlap are flagged, in the data and as drawn.
        by_event = {r.key.split("@")[0]: r for r in app.screen.lines if r.key}
        assert set(by_event) == {f"e{a}", f"e{b}", f"e{c}"}
        assert by_event[f"e{a}"].cells[1] == "⚠ Budget"
        assert by_event[f"e{b}"].cells[1] == "⚠ Press call"
        assert "⚠" not in by_event[f"e{c}"].cells[1]
        records = app.screen.records
        index = next(i for i, r in enumerate(app.screen.lines) if r.key.startswith(f"e{a}@"))
        assert "⚠ Budget" in records.format_row(records.row_at(index), 80)
        assert not any(r.key.startswith(f"e{tomorrow}@") for r in app.screen.lines)
        await _keys(app, pilot, "h")
        assert "Tue 24 Nov 2026" in _title_bar(app)
        await _keys(app, pilot, "l", "l")
        assert "Thu 26 Nov 2026" in _title_bar(app)
        (row,) = [r for r in app.screen.lines if r.key.startswith(f"e{tomorrow}@")]
        assert row.cells[:2] == ["10:00-11:00", "Board meeting"]
        await _keys(app, pilot, "w")
        assert "week of Mon 23 Nov 2026" in _title_bar(app)
        headers = [r.cells[0] for r in app.screen.lines if "header" in r.flags]
        assert headers[0] == "Mon 23 Nov 2026" and len(headers) == 7
        assert any(r.key.startswith(f"e{tomorrow}@") for r in app.screen.lines)
        await _keys(app, pilot, "l")
        assert "week of Mon 30 Nov 2026" in _title_bar(app)
        await _keys(app, pilot, "w", "t")
        assert "Wed 25 Nov 2026" in _title_bar(app) and "week of" not in _title_bar(app)
        await _keys(app, pilot, "full_stop")
        assert _screen_name(app) == "PromptModal"
        await _type(app, pilot, "27 jan")
        await _keys(app, pilot, "enter")
        assert "Wed 27 Jan 2027" in _title_bar(app)
        assert [r.key.split("@")[0] for r in app.screen.lines if r.key] == [f"e{january}"]


# ---- queue


async def test_queue_convert_done_and_snooze(store: Store, make_app) -> None:
    _principal(store)
    with store.write() as session:
        p = principals.find_principal(session, "Eva Lind")
        first = queue.create_request(
            session, principal=p, subject="first item", now=NOW, urgency=1, body="details"
        ).id
        second = queue.create_request(session, principal=p, subject="second item", now=NOW).id
        third = queue.create_request(session, principal=p, subject="third item", now=NOW).id
        fourth = queue.create_request(session, principal=p, subject="fourth item", now=NOW).id
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "3")
        assert app.screen.records.ids == [first, second, third, fourth]
        await _keys(app, pilot, "t")
        with store.read() as session:
            item = session.get(Request, first)
            assert item.status == "converted"
            task = session.exec(select(Task).where(Task.request_id == item.id)).one()
            assert (task.title, task.notes, task.request_id, task.priority) == (
                "first item",
                "details",
                first,
                1,
            )
        assert app.screen.records.ids == [second, third, fourth]
        assert _current_key(app) == f"r{second}"
        await _keys(app, pilot, "x")
        with store.read() as session:
            assert session.get(Request, second).status == "done"
            assert session.get(Request, third).status == "new"
        assert app.screen.records.ids == [third, fourth]
        # s snoozes a queue item: deferred until tomorrow 9:00, gone from the list.
        await _keys(app, pilot, "s", "1")
        with store.read() as session:
            item = session.get(Request, third)
            assert item.status == "deferred"
            assert as_utc(item.snooze_until) == local_to_utc(datetime(2026, 11, 26, 9, 0), ZONE)
        assert app.screen.records.ids == [fourth]
        assert _current_key(app) == f"r{fourth}"


# ---- principal, privacy, quit


async def test_P_switches_principal(store: Store, make_app) -> None:
    _principal(store)
    _principal(store, "Oskar Ek", "America/New_York")
    mine = _task(store, "Eva's task")
    theirs = _task(store, "Oskar's task", principal_name="Oskar Ek")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5")
        assert app.screen.records.ids == [mine]
        await _keys(app, pilot, "P")
        assert _screen_name(app) == "ChoiceModal"
        await _keys(app, pilot, "2")  # sorted by name: Eva Lind, Oskar Ek
        assert app.principal.name == "Oskar Ek"
        assert app.screen.records.ids == [theirs]
        assert "Oskar Ek" in _title_bar(app)
        assert "Oskar Ek" in app.title and "America/New_York" in app.sub_title
        await _keys(app, pilot, "4")
        assert "Oskar Ek" in _title_bar(app)


async def test_ctrl_g_hides_confidential_titles(store: Store, make_app) -> None:
    _principal(store)
    secret = _task(store, "merger with Acme", confidential=True, notes="very secret")
    _task(store, "public errand")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5")
        records = app.screen.records
        assert _current_key(app) == f"t{secret}"
        assert "merger with Acme" in records.format_row(records.current, 80)
        assert "very secret" in _detail(app)
        await _keys(app, pilot, "ctrl+g")
        assert app.privacy
        masked = records.format_row(records.current, 80)
        assert masked.startswith(f"t{secret}")
        assert "merger" not in masked and "Acme" not in masked
        assert "public errand" in records.format_row(records.row_at(1), 80)
        assert "merger" not in _detail(app) and "very secret" not in _detail(app)
        assert "hidden in privacy mode" in _detail(app)
        await _keys(app, pilot, "1", "5")  # a reload keeps the mask
        assert "merger" not in app.screen.records.format_row(app.screen.records.current, 80)
        await _keys(app, pilot, "ctrl+g")
        assert not app.privacy
        assert "merger with Acme" in app.screen.records.format_row(app.screen.records.current, 80)


async def test_ctrl_g_mask_says_confidential_on_tasks(store: Store, make_app) -> None:
    _principal(store)
    _task(store, "merger with Acme", confidential=True)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "5", "ctrl+g")
        masked = app.screen.records.format_row(app.screen.records.current, 80)
        assert "merger" not in masked
        assert MASK in masked


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_quit_keys(store: Store, make_app, key: str) -> None:
    _principal(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.return_code is None
        await pilot.press(key)
        await pilot.pause()
        assert app.return_code == 0
    assert app.return_code == 0


# ---- command palette


async def test_palette_jumps_to_a_contact(store: Store, make_app) -> None:
    """From Today, a palette jump opens Contacts (first visit) with the cursor on the hit."""
    _principal(store)
    _contact(store, "Anna Sjöberg")
    _contact(store, "Bo Ek")
    wanted = _contact(store, "Wilhelmina Quist")
    _contact(store, "Zed Zulu")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await _keys(app, pilot, "1", "ctrl+p")
        assert _screen_name(app) == "CommandPalette"
        await _enter_text(app, pilot, "wilhelmina")
        options = app.screen.query_one("CommandList")
        for _ in range(40):  # the palette gathers hits in an async worker
            if options.option_count:
                break
            await pilot.pause(0.02)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(f"contact c{wanted}: Wilhelmina Quist" in p for p in prompts), prompts
        await _keys(app, pilot, "down", "enter")
        assert _screen_name(app) == "ContactsScreen"
        assert _current_key(app) == f"c{wanted}"
        assert app.screen.records.current.cells[1] == "Wilhelmina Quist"
