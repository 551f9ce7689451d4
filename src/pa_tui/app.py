"""The Textual cockpit: modes for Today, Agenda, Queue, Contacts and Tasks, and the actions they share.

Every write goes through `act()`: one transaction, one undo step. Reads happen in the screens'
thread workers. The store and the clock come in through the constructor, so tests run the real
app on a temp store at a fixed time.

The first frame comes before SQLModel: this module imports only Textual and light pa_tui modules;
`pa` hands over a store *opener*, and a worker opens the store and imports the screens while the
boot screen is already drawn (SQLModel alone costs ~0.35 s to import). Meanwhile a *preview*
(Today read with the standard library, today_store.py) fills the Today screen, so the user reads
the day at once; keys that need the store wait for it (mode switches are kept and applied).
"""

from __future__ import annotations

import asyncio
import gc
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from pa_tui.errors import PaError
from pa_tui.paths import resolve_store
from pa_tui.screens.help import HelpScreen
from pa_tui.screens.modals import ChoiceModal, ConfirmModal, FormField, FormModal
from pa_tui.screens.palette import JumpProvider, PaCommands
from pa_tui.services import capture
from pa_tui.services.capture_items import KIND_OF_COMMAND, build_item
from pa_tui.services.clock import machine_zone, now_utc
from pa_tui.services.rows import ListRow
from pa_tui.services.textsafe import clean
from pa_tui.services.timeutil import local_to_utc, local_today

if TYPE_CHECKING:
    from sqlmodel import Session

    from pa_tui.models import Principal
    from pa_tui.services.queue_settings import QueueConfig
    from pa_tui.services.undo import UndoStack
    from pa_tui.store import Store

Clock = Callable[[], datetime]
Editor = Callable[[str], str | None]
# Given a clock that answers "now" for a zone, the default principal and Today's lines, or None.
Preview = Callable[[Callable[[str], datetime]], "tuple[Any, list[ListRow]] | None"]

# Worker groups that (re)fill the screen's list; held keys wait for them.
_LOADING = frozenset({"load", "record-list-pages"})

# Keys that work on the preview itself (moving in the list, help, quit); others wait for the store.
PREVIEW_KEYS = frozenset(
    {"up", "down", "j", "k", "pageup", "pagedown", "home", "end", "g", "G", "question_mark",
     "ctrl+q", "escape"}
)  # fmt: skip

SCREEN_CLASSES = {
    "today": ("pa_tui.screens.today", "TodayScreen"),
    "agenda": ("pa_tui.screens.agenda", "AgendaScreen"),
    "queue": ("pa_tui.screens.queue", "QueueScreen"),
    "contacts": ("pa_tui.screens.contacts", "ContactsScreen"),
    "tasks": ("pa_tui.screens.tasks", "TasksScreen"),
}


def screen_class(mode: str) -> type[Screen[Any]]:
    module, name = SCREEN_CLASSES[mode]
    cls: type[Screen[Any]] = getattr(import_module(module), name)
    return cls


def _factory(mode: str) -> Callable[[], Screen[Any]]:
    return lambda: screen_class(mode)()


class BootScreen(Screen[None]):
    """What the first frame shows while the store opens and the screens load."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the store…", id="boot")
        yield Footer()


class PaApp(App[None]):
    TITLE = "pa-tui"
    # Absolute, so subclasses elsewhere (the benchmarks' probe) find it too.
    CSS_PATH = Path(__file__).with_name("pa.tcss")
    # Factories, not classes: a screen module (and SQLModel behind it) loads when first shown.
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "boot": BootScreen,
        **{mode: _factory(mode) for mode in SCREEN_CLASSES},
    }
    DEFAULT_MODE = "boot"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    COMMANDS = App.COMMANDS | {PaCommands, JumpProvider}
    BINDINGS = [
        Binding("1", "switch_mode('today')", "Today", id="app.today"),
        Binding("2", "switch_mode('agenda')", "Agenda", id="app.agenda"),
        Binding("3", "switch_mode('queue')", "Queue", id="app.queue"),
        Binding("4", "switch_mode('contacts')", "Contacts", id="app.contacts"),
        Binding("5", "switch_mode('tasks')", "Tasks", id="app.tasks"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("P", "switch_principal", "Principal", show=False, id="app.principal"),
        Binding("ctrl+g", "privacy", "Privacy", show=False, id="app.privacy"),
        Binding("u", "undo", "Undo", show=False, id="app.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="app.redo"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, id="app.theme"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    privacy: reactive[bool] = reactive(False)

    def __init__(
        self,
        store: Store | Callable[[], Store],
        *,
        clock: Clock | None = None,
        principal: str | None = None,
        editor: Editor | None = None,
        keymap: dict[str, str] | None = None,
        live_interval: float = 1.0,
        preview: Preview | None = None,
        reminder_interval: float = 30.0,
        backup_dir: str | None = None,
    ) -> None:
        super().__init__()
        # Where the daily backups go (`pa` passes the data dir's backups/; None: none made).
        self.backup_dir = backup_dir
        self.ready = False  # the store is open and the principal read (main thread only)
        self.preview_lines: list[ListRow] | None = None
        self._preview = preview
        self._pending_mode: str | None = None
        self._held_keys: list[tuple[str, str | None]] = []
        self._replaying = False
        self._replayed: set[int] = set()  # ids of the Key events the replay itself sends
        self._opened_principal: Principal
        self._clock = clock
        self.editor = editor or self._external_editor
        self.live_interval = live_interval
        self.reminder_interval = reminder_interval
        self._data_version: int | None = None
        self._pending_jump: tuple[str, str] | None = None
        self._watch_conn: sqlite3.Connection | None = None
        self._principal_name = principal
        self.startup_error: str | None = None
        self.store: Store
        self.undo_stack: UndoStack
        self.principal: Principal
        # A Store is used at once (tests); a callable opens it in a worker after the first frame.
        self._opener: Callable[[], Store] | None = None
        self._config_errors: list[str] = []  # shown by _store_ready, on the main thread
        # Bumped by every write the app makes or sees (act, undo, redo, a live refresh): what
        # a screen computed ahead of time (Agenda's neighbouring days) is good while it holds.
        self.write_generation = 0
        self.queue_config: QueueConfig
        if callable(store) and not hasattr(store, "engine"):
            self._opener = store
        else:
            self._use_store(store)  # type: ignore[arg-type]
        if keymap:
            self.set_keymap(keymap)
        # NO_COLOR needs nothing here: Textual reads it and drops colour (the "nocolor" class).

    # ---- time
    def now(self) -> datetime:
        if self._clock is not None:
            return self._clock().astimezone(UTC)
        return now_utc(self.principal.tz)

    def today(self) -> date:
        return local_today(self.now(), self.principal.tz)

    def _use_store(self, store: Store) -> None:
        """Store, principal and undo stack: everything that needs SQLModel."""
        from pa_tui.services import principals
        from pa_tui.services.undo import UndoStack

        self.store = store
        self.undo_stack = UndoStack(store)
        name = self._principal_name
        with store.read() as session:
            found = (
                principals.find_principal(session, name)
                if name
                else principals.default_principal(session)
            )
        if found is None:
            with store.write() as session:
                found = principals.ensure_default(session, now=now_utc(machine_zone()))
        if self._opener is not None:  # `pa` itself, not a test's store: the config may seed
            from pa_tui.services import policy

            try:
                policy.seed_from_config(store, found, now=now_utc(found.tz))
            except PaError as exc:
                # A bad [schedule] is named; the principal starts without a policy (safe:
                # nothing is booked that would not have been).
                self._config_errors.append(str(exc))
        self._load_queue_config(store, now_utc(found.tz))
        self._daily_backup(store, now_utc(found.tz), found.tz)
        # Set on the main thread by _store_ready, so a late preview cannot overwrite it.
        self._opened_principal = found

    def _daily_backup(self, store: Store, now: datetime, zone: str) -> None:
        """Today's backup of the store if it has none yet, keeping the last [backup] keep
        (default 7). It runs in the opening worker, by the online backup API."""
        if self.backup_dir is None or store.target.sqlite_file is None:
            return
        from pathlib import Path

        from pa_tui import backup
        from pa_tui.config import load_backup_keep

        try:
            keep = load_backup_keep() if self._opener is not None else backup.KEEP_DAILY
            if keep:
                backup.daily(
                    Path(store.target.sqlite_file),
                    Path(self.backup_dir),
                    today=local_today(now, zone),
                    keep=keep,
                )
        except (PaError, OSError) as exc:
            self._config_errors.append(f"daily backup: {exc}")

    def _load_queue_config(self, store: Store, now: datetime) -> None:
        """[queue] rules, answer times and reply templates; copied into the store so captures
        from the shell screen the same way. A bad config is named and the defaults stay."""
        from pa_tui.services import queue_settings

        try:
            self.queue_config = queue_settings.sync_from_config(store, now=now)
        except PaError as exc:
            self.queue_config = queue_settings.QueueConfig()
            self._config_errors.append(str(exc))

    # ---- lifecycle
    def on_mount(self) -> None:
        if self._opener is not None:
            if self._preview is not None:
                self._read_preview()  # which then opens the store
            else:
                self._open_store()
            return
        self._store_ready()

    @work(thread=True, group="preview")
    def _read_preview(self) -> None:
        assert self._preview is not None

        def clock(zone: str) -> datetime:
            return self._clock().astimezone(UTC) if self._clock is not None else now_utc(zone)

        try:
            found = self._preview(clock)
        except Exception:  # a preview is a nicety: the full load reports what is wrong
            found = None
        if found is not None:
            self.call_from_thread(self._show_preview, *found)
        # Only now: importing SQLModel in a parallel thread would hold the GIL the preview needs.
        self.call_from_thread(self._open_store)

    def _show_preview(self, principal: Any, lines: list[ListRow]) -> None:
        if self.ready or self.startup_error:
            return
        self.principal = principal
        self.preview_lines = lines
        self._update_titles()
        self.switch_mode("today")

    @work(thread=True, exclusive=True, group="boot")
    def _open_store(self) -> None:
        assert self._opener is not None
        try:
            store = self._opener()
            self._use_store(store)
            screen_class("today")
        except PaError as exc:
            self.call_from_thread(self._fail, str(exc))
            return
        self.call_from_thread(self._store_ready)

    @work(thread=True, group="boot")
    def _warm_screens(self) -> None:
        """Import the other screens once Today is drawn, so no first key waits on an import;
        then expand this month and the next (the recurrence cache's unit), so the first Agenda
        view and its next-day keys find their series already walked."""
        for mode in SCREEN_CLASSES:
            screen_class(mode)
        from pa_tui.services import events
        from pa_tui.services.timeutil import day_bounds_utc

        first = self.today().replace(day=1)
        start, end = day_bounds_utc(first, self.principal.tz, 62)
        try:
            with self.store.read() as session:
                events.warm_series(session, self.principal, start, end)
        except PaError:
            pass  # a bad rule shows itself where it is displayed
        # What exists now lives as long as the app (modules, classes, the ORM's mappers): out
        # of the collector's sight, so a full collection traces only what came later. Each one
        # otherwise paused the UI for 60-80 ms, a key in three while triaging the 100k store.
        gc.freeze()
        # And fewer full collections: young objects are still collected as often as before.
        young, middle, _old = gc.get_threshold()
        gc.set_threshold(young, middle, 50)

    def _fail(self, message: str) -> None:
        self.startup_error = message
        self.exit(return_code=2)

    def _store_ready(self) -> None:
        for message in self._config_errors:
            self.notify(clean(message), severity="error", markup=False, timeout=10)
        self._config_errors.clear()
        self.principal = self._opened_principal
        self.ready = True
        self.preview_lines = None
        self._update_titles()
        mode, self._pending_mode = self._pending_mode, None
        if self.current_mode == "today" and mode in (None, "today"):
            self.screen.refresh_bindings()  # the keys dimmed during the preview come alive
            self.reload_screen()  # and the preview is replaced by the full load
        else:
            self.switch_mode(mode or "today")
        self.set_timer(0.5, self._warm_screens)
        if self.store.target.sqlite_file and self.live_interval > 0:
            self._watch_conn = sqlite3.connect(
                f"file:{self.store.target.sqlite_file}?mode=ro", uri=True, check_same_thread=False
            )
            self._data_version = self._read_data_version()
            self.set_interval(self.live_interval, self._poll_changes)
        if self._held_keys:
            self.run_worker(self._replay_held_keys(), group="replay")
        if self.reminder_interval > 0:
            self.check_reminders()
            self.set_interval(self.reminder_interval, self.check_reminders)

    @work(thread=True, exclusive=True, group="reminders")
    def check_reminders(self) -> None:
        """Raise due reminders as notifications with the terminal bell (each once: the store
        remembers, so `pa remind` in cron does not repeat what the cockpit showed)."""
        from pa_tui.services import reminders

        now, principal = self.now(), self.principal
        with self.store.write() as session:
            found = reminders.due(session, principal, now=now)
            reminders.mark_raised(session, found, now=now)
        if found:
            self.call_from_thread(self._raise_reminders, found, now)

    def _raise_reminders(self, found: list[Any], now: datetime) -> None:
        for r in found:
            text = r.text(self.principal.tz, now, show_confidential=not self.privacy)
            self.notify(clean(text, single_line=True), title="Reminder", markup=False, timeout=30)
        self.bell()

    async def _replay_held_keys(self) -> None:
        """Held keys, in order, each once the last has been handled: a key may open a screen or
        move the focus (n opens the capture bar) and the next ones must land where it put them.
        This is what Textual's own key feeder (App._press_keys) does between keys."""
        from textual._wait import wait_for_idle

        self._replaying = True
        try:
            # Keys typed while this runs join the queue (on_event), so the order stays typed order.
            while self._held_keys:
                key, character = self._held_keys.pop(0)
                # A key acts on what is on screen: let a list that is (re)loading finish first
                # (Enter on a row that is not fetched yet would do nothing).
                for _ in range(500):
                    if not any(w.group in _LOADING and w.is_running for w in self.workers):
                        break
                    await asyncio.sleep(0.01)
                event = events.Key(key, character)
                event.set_sender(self)
                self._replayed.add(id(event))
                if self._driver is None:
                    return
                self._driver.send_message(event)
                await wait_for_idle(0)
        finally:
            self._replaying = False

    def on_unmount(self) -> None:
        if self._watch_conn is not None:
            self._watch_conn.close()

    def _read_data_version(self) -> int | None:
        if self._watch_conn is None:
            return None
        try:
            return int(self._watch_conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return None

    def _poll_changes(self) -> None:
        """Another process committed (a `pa call` over ssh): reload what is on screen.

        PRAGMA data_version on one dedicated connection changes on every commit by any other
        connection; in WAL mode the db file's mtime and size do not.
        """
        version = self._read_data_version()
        if version is not None and version != self._data_version:
            self._data_version = version
            self.write_generation += 1
            self.reload_screen()

    async def on_event(self, event: events.Event) -> None:
        """Until the store is open (boot screen, Today's preview), keys that need it are held,
        not lost: a fast typist's `5 n` at start-up opens Tasks and its capture bar as soon as
        the store is open."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            if id(event) in self._replayed:
                self._replayed.discard(id(event))
            elif self._replaying or (
                not self.ready
                and self.current_mode in ("boot", "today")
                # Once one key waits, the rest queue behind it: order matters ("n ... k" is text).
                and (self._held_keys or event.key not in PREVIEW_KEYS)
            ):
                self._held_keys.append((event.key, event.character))
                event.stop()
                return
        await super().on_event(event)

    async def action_switch_mode(self, mode: str) -> None:
        if not self.ready and mode != "today":
            self._pending_mode = mode  # applied as soon as the store is open
            return
        await super().action_switch_mode(mode)

    def reload_screen(self) -> None:
        if not self.ready:
            return
        reload = getattr(self.screen, "reload", None)
        if callable(reload):
            reload()

    def _update_titles(self) -> None:
        self.title = f"pa-tui — {clean(self.principal.name, single_line=True)}"
        self.sub_title = f"{self.today():%a %d %b %Y} · {self.principal.tz}"

    # ---- writes: one transaction, one undo step
    @contextmanager
    def act(self, label: str) -> Iterator[Session]:
        if not self.ready:
            raise PaError("the store is still opening; try again in a moment")
        try:
            with self.undo_stack.action(label) as session:
                yield session
        finally:
            self.write_generation += 1

    def _run(self, label: str, fn: Callable[[Session], Any]) -> Any:
        try:
            with self.act(label) as session:
                return fn(session)
        except PaError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return None

    def capture(self, line: str, done: Callable[[str], None] | None = None) -> str | None:
        """A capture-bar line (`add ...`, `event ...`, `call ...`, `req ...`); returns the new key.

        An event that collides with others or with protected time is only written once the user
        confirms (Enter keeps both); then `done` gets the key instead."""
        from pa_tui.services import principals
        from pa_tui.services.capture_apply import apply_item

        words = line.strip().split(None, 1)
        if not words or words[0].lower() not in KIND_OF_COMMAND:
            self.notify("Start with add, event, call or req.", severity="warning", markup=False)
            return None
        command = words[0].lower()
        try:
            item = build_item(
                command,
                capture.tokens_from_line(words[1] if len(words) > 1 else ""),
                today=self.today(),
                shorthands=True,
                line_no=None,
            )
        except capture.CaptureError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return None
        principal = self.principal
        if item.cap.principal:
            try:
                with self.store.read() as session:
                    principal = principals.find_principal(session, item.cap.principal)
            except PaError as exc:
                self.notify(clean(str(exc)), severity="error", markup=False)
                return None

        def write(session: Session) -> Any:
            return apply_item(session, item, principal, now=self.now(), actor=_actor())

        if item.kind == "event":
            from pa_tui.services.capture_apply import event_collisions

            try:
                with self.store.read() as session:
                    clash = event_collisions(session, item, principal, now=self.now())
            except (capture.CaptureError, PaError) as exc:
                self.notify(clean(str(exc)), severity="error", markup=False)
                return None
            if clash:

                def answered(keep: bool | None) -> None:
                    if keep:
                        key = self._write_capture(command, write)
                        if key is not None and done is not None:
                            done(key)
                    else:
                        self.notify("not added: edit the line or Esc", markup=False)

                title = clean(item.cap.title or "", single_line=True)
                self.push_screen(
                    ConfirmModal(
                        f"{title!r} collides with {clean(clash, single_line=True)}.\n"
                        "Keep both? (Enter/y keeps both, n/Esc goes back)"
                    ),
                    answered,
                )
                return None
        return self._write_capture(command, write)

    def _write_capture(self, command: str, write: Callable[[Session], Any]) -> str | None:
        try:
            outcome = self._run(f"capture {command}", write)
        except capture.CaptureError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return None
        if outcome is None:
            return None
        result, _row = outcome
        key = f"{result.kind[0]}{result.id}"
        from pa_tui.services.capture_items import describe

        self.notify(
            clean(f"created {key} · " + " · ".join(describe(result)), single_line=True),
            markup=False,
        )
        for note in result.notes:
            self.notify(clean(note), severity="warning", markup=False)
        return key

    def mark_done(self, key: str) -> None:
        from pa_tui.services import records, tasks, triage

        def done(session: Session) -> str:
            kind, row = records.get_record(session, key)
            if kind == "task":
                nxt = tasks.complete_task(session, row, now=self.now(), tz=self.principal.tz)
                return f"done {key}" + (f"; next t{nxt.id} due {nxt.due_date}" if nxt else "")
            triage.done(session, row, now=self.now(), actor=_actor())
            return f"done {key}"

        message = self._run(f"done {key}", done)
        if message:
            self.notify(message, markup=False)

    def delete(self, key: str) -> None:
        from pa_tui.services import records

        message = self._run(f"delete {key}", lambda s: records.delete_record(s, key))
        if message:
            self.notify(clean(message, single_line=True) + " (u undoes)", markup=False)

    def open_dossier(self, key: str) -> None:
        """The dossier of a contact (c5), event (e12), queue item (r7) or a task's contact."""
        from pa_tui.models import Task
        from pa_tui.screens.dossier import DossierModal
        from pa_tui.services import dossier

        key = key.split("@", 1)[0]
        try:
            with self.store.read() as session:
                if key[0] == "t":
                    task = session.get(Task, int(key[1:]))
                    who = task and (task.contact_id or task.delegated_to_id)
                    if not who:
                        self.notify(f"{key} names no contact", markup=False)
                        return
                    key = f"c{who}"
                found = dossier.for_term(
                    session, self.principal, key, now=self.now(), include_confidential=True
                )
        except PaError as exc:
            self.notify(clean(str(exc)), severity="error", markup=False)
            return
        self.push_screen(DossierModal(found, privacy=self.privacy))

    def snooze_presets(self) -> dict[str, datetime]:
        from pa_tui.services import triage

        return triage.snooze_presets(self.now(), self.principal.tz)

    def parse_when(self, text: str) -> datetime | None:
        """A typed date/time (capture grammar) as an instant; 9:00 when no time is given."""
        try:
            cap = capture.parse_line(text, today=self.today())
        except capture.CaptureError:
            return None
        day = cap.date or cap.due
        if day is None and cap.time is None:
            return None
        wall = datetime.combine(day or self.today(), cap.time or time(9))
        return local_to_utc(wall, self.principal.tz)

    def date_error(self, text: str) -> str | None:
        if not text.strip():
            return "type a date, e.g. fri 9am"
        try:
            capture.parse_line(text, today=self.today())
        except capture.CaptureError as exc:
            return str(exc)
        return None if self.parse_when(text) else "no date or time in that"

    def snooze(self, key: str, until: datetime) -> None:
        from pa_tui.services import records, triage

        def apply(session: Session) -> str:
            kind, row = records.get_record(session, key)
            if kind == "request":
                triage.snooze(session, row, until=until, now=self.now(), actor=_actor())
            else:
                row.due_date = local_today(until, self.principal.tz)
                row.due_at = until if row.due_at is not None else None
                row.updated_at = self.now()
                session.add(row)
            return f"{key} until {until.astimezone(_zone(self.principal.tz)):%a %d %b %H:%M}"

        message = self._run(f"snooze {key}", apply)
        if message:
            self.notify(message, markup=False)

    # ---- edit
    def edit_form(self, key: str, on_saved: Callable[[], None]) -> None:
        from pa_tui.services import records

        with self.store.read() as session:
            try:
                kind, row = records.get_record(session, key)
            except PaError as exc:
                self.notify(clean(str(exc)), severity="error", markup=False)
                return
        fields = _form_fields(kind, row, self.principal.tz)

        def saved(values: dict[str, str] | None) -> None:
            if values is None:
                return
            if self._run(f"edit {key}", lambda s: _apply_form(s, kind, row.id, values, self)):
                self.notify(f"saved {key}", markup=False)
                on_saved()

        self.push_screen(FormModal(f"Edit {key}", fields), saved)

    def edit_in_editor(self, key: str) -> None:
        """Notes of a task or contact, the agenda or minutes of an event, the body of a request."""
        from pa_tui.services import records

        with self.store.read() as session:
            kind, row = records.get_record(session, key)
        attr = {"task": "notes", "contact": "notes", "request": "body", "event": "agenda"}[kind]
        if kind == "event" and row.start_utc and row.start_utc.replace(tzinfo=UTC) < self.now():
            attr = "minutes"  # past meetings get minutes, coming ones an agenda
        new = self.editor(getattr(row, attr) or "")
        if new is None or new == (getattr(row, attr) or ""):
            return

        def save(session: Session) -> bool:
            _kind, fresh = records.get_record(session, key)
            setattr(fresh, attr, new)
            session.add(fresh)
            return True

        if self._run(f"edit {attr} of {key}", save):
            self.notify(f"saved {attr} of {key}", markup=False)

    def _external_editor(self, text: str) -> str | None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w+", suffix=".md", delete=False) as fh:
            fh.write(text)
            path = fh.name
        try:
            os.chmod(path, 0o600)
            with self.suspend():
                subprocess.call([*editor.split(), path])
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        finally:
            os.unlink(path)

    # ---- app keys
    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_privacy(self) -> None:
        self.privacy = not self.privacy
        self.notify("privacy mode " + ("on" if self.privacy else "off"), markup=False)

    def watch_privacy(self) -> None:
        refresh = getattr(self.screen, "refresh_privacy", None)
        if callable(refresh):
            refresh()

    def action_undo(self) -> None:
        self.write_generation += 1
        label = self.undo_stack.undo()
        self.notify(f"undid: {label}" if label else "nothing to undo", markup=False)
        self.reload_screen()

    def action_redo(self) -> None:
        self.write_generation += 1
        label = self.undo_stack.redo()
        self.notify(f"redid: {label}" if label else "nothing to redo", markup=False)
        self.reload_screen()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme != "textual-light" else "textual-dark"

    def action_switch_principal(self) -> None:
        from pa_tui.services import principals

        with self.store.read() as session:
            everyone = principals.list_principals(session)
        if len(everyone) < 2:
            self.notify("only one principal in this store", markup=False)
            return

        def picked(index: int | None) -> None:
            if index is not None:
                self.set_principal(everyone[index])

        labels = [
            f"{p.name} ({p.tz})" + (" ◀" if p.id == self.principal.id else "") for p in everyone
        ]
        self.push_screen(ChoiceModal("Whose day?", labels), picked)

    def set_principal(self, principal: Principal) -> None:
        self.principal = principal
        self._update_titles()
        self.reload_screen()

    def jump_to(self, key: str) -> None:
        """Open the screen that holds a record and put the cursor on it."""
        mode = {"t": "tasks", "r": "queue", "c": "contacts", "e": "agenda"}[key[0]]
        if not self.ready:
            self._pending_mode = mode
            self._pending_jump = (mode, key)
            return
        if self.current_mode == mode:
            focus = getattr(self.screen, "focus_key", None)
            if callable(focus):
                focus(key)
            return
        # The screen may not exist yet: it takes the key when it resumes (take_jump).
        self._pending_jump = (mode, key)
        self.switch_mode(mode)

    def take_jump(self, screen: Any) -> str | None:
        """The key a screen of this mode should show on resume, once."""
        pending = self._pending_jump
        if pending is None or screen_class(pending[0]) is not type(screen):
            return None
        self._pending_jump = None
        return pending[1]


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _actor() -> str:
    return os.environ.get("USER") or "pa"


def _form_fields(kind: str, row: Any, zone: str) -> list[FormField]:
    def not_empty(v: str) -> str | None:
        return None if v.strip() else "must not be empty"

    def priority(v: str) -> str | None:
        return None if v.strip() in ("1", "2", "3", "4") else "1 (urgent) to 4 (none)"

    def optional_date(v: str) -> str | None:
        if not v.strip():
            return None
        try:
            date.fromisoformat(v.strip())
        except ValueError:
            return "YYYY-MM-DD"
        return None

    def vip(v: str) -> str | None:
        return None if v.strip() in ("0", "1", "2", "3") else "0 to 3"

    def policy(v: str) -> str | None:
        return None if v.strip() in ("through", "screen", "block") else "through, screen or block"

    def birthday(v: str) -> str | None:
        from pa_tui.services.contacts import parse_partial_date

        if not v.strip():
            return None
        try:
            parse_partial_date(v)
        except PaError as exc:
            return str(exc)
        return None

    if kind == "task":
        return [
            FormField("title", "Title", row.title, not_empty),
            FormField("due_date", "Due (YYYY-MM-DD)", str(row.due_date or ""), optional_date),
            FormField("priority", "Priority 1-4", str(row.priority), priority),
            FormField("project", "Project", row.project or ""),
            FormField("tags", "Tags (space-separated)", row.tags or ""),
        ]
    if kind == "contact":
        return [
            FormField("name", "Name", row.name, not_empty),
            FormField("org", "Organisation", row.org or ""),
            FormField("role", "Role", row.role or ""),
            FormField("vip", "VIP tier 0-3", str(row.vip), vip),
            FormField("policy", "Policy (through / screen / block)", row.policy, policy),
            FormField("birthday", "Birthday (YYYY-MM-DD or --MM-DD)", "", birthday),
        ]
    if kind == "request":
        return [
            FormField("subject", "Subject", row.subject, not_empty),
            FormField("urgency", "Urgency 1-4", str(row.urgency), priority),
        ]
    return [
        FormField("title", "Title", row.title, not_empty),
        FormField("location", "Location", row.location or ""),
    ]


def _apply_form(
    session: Session, kind: str, row_id: int, values: dict[str, str], app: PaApp
) -> bool:
    from pa_tui.models import Contact, Event, Request, Task
    from pa_tui.services import contacts

    model: Any = {"task": Task, "contact": Contact, "request": Request, "event": Event}[kind]
    row = session.get(model, row_id)
    if row is None:
        raise PaError(f"{kind} {row_id} is gone")
    now = app.now()
    if kind == "task":
        row.title = values["title"].strip()
        row.due_date = (
            date.fromisoformat(values["due_date"]) if values["due_date"].strip() else None
        )
        row.priority = int(values["priority"])
        row.project = values["project"].strip() or None
        row.tags = " ".join(sorted({t.lower() for t in values["tags"].split()})) or None
        row.updated_at = now
        session.add(row)
    elif kind == "contact":
        contacts.edit_contact(
            session,
            row,
            now=now,
            name=values["name"],
            org=values["org"].strip() or None,
            role=values["role"].strip() or None,
            vip=int(values["vip"]),
            policy=values["policy"].strip(),
            birthday=values["birthday"].strip() or None,
        )
    elif kind == "request":
        row.subject = values["subject"].strip()
        row.urgency = int(values["urgency"])
        row.updated_at = now
        session.add(row)
    else:
        row.title = values["title"].strip()
        row.location = values["location"].strip() or None
        row.updated_at = now
        session.add(row)
    return True


def binding_ids() -> set[str]:
    """Every binding id the cockpit knows: what the config's [keys] table may remap."""
    from pa_tui.screens import base, modals
    from pa_tui.widgets import capture_bar, record_list

    owners: list[Any] = [PaApp, *(screen_class(m) for m in SCREEN_CLASSES), base.ListScreen]
    owners.append(HelpScreen)
    owners += [modals.ConfirmModal, modals.ChoiceModal, modals.PromptModal, modals.FormModal]
    owners += [record_list.RecordList, capture_bar.CaptureBar]
    return {
        b.id
        for owner in owners
        for b in vars(owner).get("BINDINGS", [])
        if isinstance(b, Binding) and b.id
    }


def sqlite_preview(path: str, principal: str | None = None) -> Preview:
    """Today read with the standard library from a SQLite store (see today_store.py)."""

    def preview(clock: Callable[[str], datetime]) -> tuple[Any, list[ListRow]] | None:
        from pa_tui.services import today
        from pa_tui.today_store import read_today

        found = read_today(path, principal, clock)
        return None if found is None else (found[0], today.lines(found[1]))

    return preview


def run_app(db: str | None) -> int:
    from pa_tui.config import load_keymap

    # Syntax and types now (a file that is not TOML stops here with one line); binding ids once
    # the screens are loaded: an unknown one is named in the cockpit, which then starts on its
    # default keys (safe: nothing is remapped).
    keymap = load_keymap()
    target = resolve_store(db)
    if target.sqlite_file is not None:
        # Before the screen takes over the terminal: a bad store is one line on stderr.
        from pa_tui.sqlite_schema import precheck

        precheck(target.sqlite_file)

    def opener() -> Store:
        from pa_tui.store import Store

        try:
            load_keymap(known=binding_ids())
        except PaError as exc:
            app._config_errors.append(str(exc))
            app.call_from_thread(app.set_keymap, {})
        return Store(target)

    preview = sqlite_preview(target.sqlite_file) if target.sqlite_file is not None else None
    # Daily backups beside the store (the data dir's backups/ for the default one).
    backups = (
        os.path.join(os.path.dirname(target.sqlite_file) or ".", "backups")
        if target.sqlite_file is not None
        else None
    )
    app = PaApp(opener, keymap=keymap, preview=preview, backup_dir=backups)
    try:
        app.run()
    finally:
        if hasattr(app, "store"):
            app.store.close()
    if app.startup_error:
        raise PaError(app.startup_error)
    return 0
