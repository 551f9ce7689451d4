"""`pa add|event|call|req`: quick capture from the shell, scripts and stdin.

Fast on purpose: it reads argv itself (argparse swallows `--` and rejects words starting with `-`),
and on a SQLite store writes with the standard library through capture_store. It imports no
textual, sqlmodel, sqlalchemy, pydantic, rich, platformdirs, tomllib or dateutil.parser; the services
path (a new store, another database) is taken only when needed.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pa_tui.errors import PaError
from pa_tui.paths import StoreTarget, resolve_store
from pa_tui.services.capture import CaptureError, tokens_from_argv
from pa_tui.services.capture_items import (
    PREFIX,
    Item,
    Result,
    build_item,
    describe,
    item_fields,
    ref_columns,
    resolve_refs,
)
from pa_tui.services.capture_rows import document_fields
from pa_tui.services.clock import now_utc
from pa_tui.services.textsafe import clean, json_safe

# No dataclasses, typing, json, pathlib or argparse at import: each costs 6-13 ms per capture.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


USAGE = {
    "add": "pa add TEXT...   (e.g. pa add Call Bob tomorrow 3pm p1 pro:board @bob)",
    "event": 'pa event TEXT...   (e.g. pa event Board meeting fri 10:00-12:00 at "HQ room 4")',
    "call": 'pa call NAME [NUMBER] TEXT...   (e.g. pa call "Jane Roe" 555-0101 wants 15 min p1)',
    "req": "pa req meeting|visitor|document|email|other NAME TEXT...   "
    '(e.g. pa req meeting "Carl Berg" 30m next week re budget)',
}


class UsageError(Exception):
    pass


class Options:
    def __init__(self) -> None:
        self.dry_run = False
        self.json = False
        self.confidential = False
        self.force = False
        self.principal: str | None = None
        self.words: list[str] = []


def split_options(words: list[str]) -> Options:
    """Our flags are read only before a `--`; any other word starting with `-` is title text."""
    opts = Options()
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--":
            opts.words += words[i:]
            break
        if w == "--dry-run":
            opts.dry_run = True
        elif w == "--json":
            opts.json = True
        elif w == "--confidential":
            opts.confidential = True
        elif w == "--force":
            opts.force = True
        elif w in ("--help", "-h"):
            raise UsageError("help")
        elif w == "--for" and i + 1 < len(words):
            opts.principal = words[i + 1]
            i += 1
        elif w.startswith("--for="):
            opts.principal = w[6:]
        else:
            opts.words.append(w)
        i += 1
    return opts


def _now(zone: str) -> datetime:
    """PA_NOW (read in `zone` when it has no offset) or the clock: the one rule in services.clock."""
    try:
        return now_utc(zone)
    except PaError as exc:
        raise UsageError(str(exc)) from None


def _today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def _read_items(command: str, opts: Options, zone: str) -> list[Item]:
    now = _now(zone)
    today = _today(now, zone)
    if opts.words == ["-"]:
        items = []
        for n, raw in enumerate(sys.stdin.read().splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                from pa_tui.services.capture import tokens_from_line

                items.append(
                    build_item(
                        command, tokens_from_line(raw), today=today, shorthands=True, line_no=n
                    )
                )
            except CaptureError as exc:
                raise CaptureError(exc.token, f"stdin:{n}: {exc.reason}") from None
        if not items:
            raise UsageError("stdin: no lines to capture")
        return items
    if not opts.words:
        raise UsageError(f"nothing to capture; usage: {USAGE[command]}")
    return [
        build_item(
            command, tokens_from_argv(opts.words), today=today, shorthands=False, line_no=None
        )
    ]


def run_capture(argv: list[str], *, db: str | None = None) -> int:
    command, words = argv[0], argv[1:]
    prog = f"pa {command}"
    try:
        opts = split_options(words)
    except UsageError:
        print(f"usage: {USAGE[command]}\n{_GRAMMAR_HELP}")
        return 0
    target = resolve_store(db)
    try:
        results = _capture(command, opts, target)
    except CaptureError as exc:
        reason = exc.reason
        if reason.startswith("stdin:"):
            where, _, reason = reason.partition(": ")
            print(
                f"{prog}: error: {where}: {clean(exc.token, single_line=True)!r}: {reason}; nothing written",
                file=sys.stderr,
            )
        else:
            print(
                f"{prog}: error: {clean(str(exc), single_line=True)}; nothing written",
                file=sys.stderr,
            )
        return 2
    except (UsageError, LookupError) as exc:
        print(f"{prog}: error: {clean(str(exc).strip(chr(39)), single_line=True)}", file=sys.stderr)
        return 2
    except _ServicesError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except Collides as exc:
        where = f"stdin:{exc.item.line_no}: " if exc.item.line_no else ""
        title = clean(exc.item.cap.title or "", single_line=True)
        print(
            f"{prog}: error: {where}{title!r} collides with {clean(exc.what, single_line=True)};"
            " --force keeps both; nothing written",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:  # sqlite3.OperationalError, without importing sqlite3 up front
        # (last: the clauses above are exceptions too)
        if type(exc).__name__ != "OperationalError":
            raise
        print(
            f"{prog}: error: the store is busy ({clean(str(exc), single_line=True)}); "
            "nothing written, try again",
            file=sys.stderr,
        )
        return 2
    for result in results:
        _print(result, opts)
    return 0


class _ServicesError(Exception):
    pass


def _capture(command: str, opts: Options, target: StoreTarget) -> list[Result]:
    if target.sqlite_file is not None:
        from pa_tui import capture_store

        try:
            conn = capture_store.connect(target.sqlite_file)
        except capture_store.CaptureStoreUnavailable:
            pass
        else:
            try:
                return _capture_fast(conn, command, opts)
            finally:
                conn.close()
    return _capture_services(command, opts, target)


def _confidential(item: Item, opts: Options) -> None:
    if opts.confidential:
        item.cap.confidential = True


def _capture_fast(conn: Any, command: str, opts: Options) -> list[Result]:
    from pa_tui import capture_store
    from pa_tui.services.clock import machine_zone

    default = capture_store.principal(conn, None)
    zone = default[2] if default else machine_zone()
    items = _read_items(command, opts, zone)
    results: list[Result] = []
    rules = None
    document = None
    if not opts.dry_run:
        capture_store.begin(conn)
    try:
        for item in items:
            _confidential(item, opts)
            name = item.cap.principal or opts.principal
            if default is None and not opts.dry_run:
                # Another first capture may have made the principal since the read above
                # (before BEGIN IMMEDIATE): look again, now under the write lock.
                default = capture_store.principal(conn, None)
            who = capture_store.principal(conn, name) if name else default
            if who is None:
                if opts.dry_run:
                    who = (0, "me", zone)
                else:
                    created = _now(zone)
                    who = (capture_store.add_principal(conn, "me", zone, created), "me", zone)
                    default = who
            pid, pname, pzone = who
            now = _now(pzone)
            if pzone != zone:  # dates are read in the principal's zone
                item = build_item(
                    command,
                    item.tokens,
                    today=_today(now, pzone),
                    shorthands=item.line_no is not None,
                    line_no=item.line_no,
                )
                _confidential(item, opts)
            refs, notes = _resolve_fast(
                conn, pid, item
            )  # before fields: it may keep words in the title
            fields = item_fields(item, _today(now, pzone), pzone)
            if item.kind == "event" and not opts.force:
                _refuse_collisions_fast(conn, pid, pzone, fields, item)
            fields.update(ref_columns(item, refs))
            stamp = {"created_at": now, "updated_at": now}
            plan = None
            if item.kind == "request":
                fields.update(received_at=now, actor=_actor())
                if rules is None:
                    rules = capture_store.screening_rules(conn)
                document = document_fields(item.cap, fields)
                plan = capture_store.screen_arrival(conn, pname, fields, rules, document)
            new_id = None
            delegated = None
            if not opts.dry_run:
                new_id = capture_store.insert(
                    conn, item.kind, {**fields, **stamp, "principal_id": pid}
                )
                if item.kind == "request":
                    delegated = capture_store.finish_arrival(
                        conn, new_id, pid, fields, plan, document, today=_today(now, pzone), now=now
                    )
            if plan is not None:
                from pa_tui.services.screening import arrival_notes

                notes = notes + arrival_notes(plan, delegated)
            results.append(
                Result(item, item.kind, new_id, pname, pzone, fields, refs, notes + item.cap.notes)
            )
        if not opts.dry_run:
            conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return results


class Collides(Exception):
    def __init__(self, item: Item, what: str) -> None:
        super().__init__(what)
        self.item, self.what = item, what


def _refuse_collisions_fast(conn: Any, pid: int, zone: str, fields: Any, item: Item) -> None:
    """`pa event` names what a new event would collide with and writes nothing (unless --force):
    the same check as the services', on rows read with the standard library."""
    from pa_tui import sqlite_reads
    from pa_tui.services import conflicts, schedule
    from pa_tui.services.recurrence import occurrences_of

    prefs, blocks = sqlite_reads.policy_rows(conn, pid)
    policy = schedule.policy_from(prefs, [schedule.block_from(b) for b in blocks])

    def occurrences(start: Any, end: Any) -> Any:
        return occurrences_of(*sqlite_reads.events_between(conn, pid, start, end), zone, start, end)

    found = conflicts.new_event_collisions(fields, zone, policy, occurrences)
    if found:
        raise Collides(item, conflicts.describe_collisions(found, zone))


def _actor() -> str:
    return os.environ.get("USER") or os.environ.get("LOGNAME") or "pa"


def _resolve_fast(conn: Any, pid: int, item: Item) -> tuple[dict[str, tuple[int, str]], list[str]]:
    from pa_tui import capture_store
    from pa_tui.services.phones import phone_digits

    def lookup(term: str, staff: bool) -> list[tuple[int, str]]:
        return capture_store.find_contacts(conn, pid, term, staff_only=staff)

    def by_phone(number: str) -> list[tuple[int, str]]:
        return capture_store.find_by_phone(conn, pid, phone_digits(number))

    return resolve_refs(item, lookup, by_phone)


def _capture_services(command: str, opts: Options, target: StoreTarget) -> list[Result]:
    """The same capture through SQLModel: a new store (it is created here) or a non-SQLite one."""
    from pa_tui.errors import PaError
    from pa_tui.services import principals
    from pa_tui.services.capture_apply import apply_item
    from pa_tui.services.clock import machine_zone
    from pa_tui.store import Store

    try:
        store = Store(target)
    except PaError as exc:
        raise _ServicesError(str(exc)) from None
    try:
        # Read what to capture (stdin may be a person typing) before taking the write lock:
        # other writers must not wait on a keyboard.
        with store.read() as session:
            default = principals.default_principal(session)
            zone = default.tz if default else machine_zone()
        items = _read_items(command, opts, zone)
        with store.write() as session:
            results: list[Result] = []
            for item in items:
                _confidential(item, opts)
                name = item.cap.principal or opts.principal
                try:
                    who = principals.resolve_principal(session, name, now=_now(zone))
                except PaError as exc:
                    raise LookupError(str(exc)) from None
                now = _now(who.tz)
                if who.tz != zone:
                    item = build_item(
                        command,
                        item.tokens,
                        today=_today(now, who.tz),
                        shorthands=item.line_no is not None,
                        line_no=item.line_no,
                    )
                    _confidential(item, opts)

                if item.kind == "event" and not opts.force:
                    from pa_tui.services.capture_apply import event_collisions

                    clash = event_collisions(session, item, who, now=now)
                    if clash:
                        raise Collides(item, clash)
                result, _row = apply_item(session, item, who, now=now, actor=_actor())
                results.append(result)
            if opts.dry_run:
                session.rollback()
                for r in results:
                    r.id = None
    finally:
        store.close()
    return results


def _print(result: Result, opts: Options) -> None:
    import json

    typed = f"{PREFIX[result.kind]}{result.id}" if result.id is not None else None
    title = result.fields.get("title") or result.fields.get("subject")
    if opts.json:
        data = {
            "id": typed,
            "kind": result.kind,
            "dry_run": opts.dry_run,
            "principal": result.principal,
            **{k: _jsonable(v) for k, v in result.fields.items()},
            "refs": {k: {"id": f"c{v[0]}", "name": v[1]} for k, v in result.refs.items()},
            "notes": result.notes,
        }
        if result.item.line_no:
            data["line"] = result.item.line_no
        print(json_safe(json.dumps(data, ensure_ascii=False)))
        return
    head = f"would create {result.kind}" if typed is None else f"created {typed}"
    line = f"{head} {json.dumps(title, ensure_ascii=False)} · " + " · ".join(describe(result))
    print(clean(line, single_line=True))
    for note in result.notes:
        print(clean(f"  note: {note}", single_line=True), file=sys.stderr)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


_GRAMMAR_HELP = """
Words are title text unless they are:
  +tag  project:NAME (pro:NAME)  @contact  to:staff  for:principal  at:PLACE / at "PLACE"
  p1..p4  p:urgent|high|medium|low  conf:yes  --confidential  --for NAME  --dry-run  --json
  today tomorrow fri  next week  next month  in 3 days  27 jan  2027-01-15
  3pm 15:00 10:00-12:00  30m 1h30 for 45m  due:DATE sched:DATE until:DATE
  every day|weekday|week|2 weeks|month|year  every monday,friday  every 3rd friday
  every last workday  every! 2 weeks (from completion)
  --  ends parsing: the rest is title.   pa add -  reads one item per line from stdin.
On stdin and in the cockpit (no shell): #project and !1..!4 work too."""
