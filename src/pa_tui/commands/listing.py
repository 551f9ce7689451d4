"""`pa list`, `pa agenda` and `pa search`."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import note, print_json, print_table
from pa_tui.errors import PaError
from pa_tui.models import Contact
from pa_tui.services import contacts, display, events, queue, search, tasks
from pa_tui.services.ids import format_id
from pa_tui.services.listing import Listing
from pa_tui.services.timeutil import day_bounds_utc, local_today


def run(args: argparse.Namespace) -> int:
    if args.command == "agenda":
        return _agenda(args)
    if args.command == "search":
        return _search(args)
    return _list(args)


def _emit(
    args: argparse.Namespace,
    title: str,
    headers: list[str],
    listing: Listing[Any],
    rows: list[list[str]],
) -> int:
    if args.json:
        print_json(
            {
                "items": [dict(zip(headers, r, strict=True)) for r in rows],
                "hidden_confidential": listing.hidden,
            }
        )
        return 0
    print_table(title, headers, rows)
    note(listing.hidden_note())
    return 0


def _list(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    conf, zone = args.include_confidential, principal.tz
    with store.read() as session:
        if args.what == "tasks":
            tl = tasks.list_tasks(
                session,
                principal,
                include_done=args.all,
                include_confidential=conf,
                limit=args.limit,
            )
            headers = ["id", "pri", "due", "title", "project/tags", "status"]
            return _emit(
                args,
                f"Tasks — {principal.name}",
                headers,
                tl,
                [display.task_row(t, zone) for t in tl.rows],
            )
        if args.what == "queue":
            ql = queue.open_queue(
                session, principal, now=now, include_confidential=conf, limit=args.limit
            )
            people = _contacts(session, [r.contact_id for r in ql.rows])
            headers = ["id", "urg", "kind", "from", "subject", "received", "status"]
            rows = [display.request_row(r, zone, people.get(r.contact_id or 0)) for r in ql.rows]
            return _emit(args, f"Queue — {principal.name}", headers, ql, rows)
        if args.what == "contacts":
            cl = contacts.list_contacts(
                session, principal, include_confidential=conf, limit=args.limit
            )
            headers = ["id", "name", "org", "role", "vip", "policy", "staff"]
            return _emit(
                args,
                f"Contacts — {principal.name}",
                headers,
                cl,
                [display.contact_row(c) for c in cl.rows],
            )
        # events: the coming 30 days
        today = local_today(now, zone)
        return _occurrences(args, session, principal, today, 30, "Events")


def _contacts(session: Any, ids: list[int | None]) -> dict[int, Contact]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {c.id: c for c in session.exec(select(Contact).where(col(Contact.id).in_(wanted))).all()}


def _occurrences(
    args: argparse.Namespace, session: Any, principal: Any, day: date, days: int, title: str
) -> int:
    if days < 1:
        raise PaError(f"--days must be at least 1, not {days}")
    start, end = day_bounds_utc(day, principal.tz, days)
    occ = events.occurrences(session, principal, start, end)
    shown = [o for o in occ if args.include_confidential or not o.event.confidential]
    listing: Listing[Any] = Listing(shown, hidden=len(occ) - len(shown))
    headers = ["id", "when", "title", "location"]
    rows = [display.occurrence_row(o, principal.tz) for o in shown]
    last = day + timedelta(days=days - 1)
    span = display.day_label(day) + ("" if days == 1 else f" – {display.day_label(last)}")
    return _emit(args, f"{title} — {principal.name} — {span}", headers, listing, rows)


def parse_day(text: str | None, today: date) -> date:
    if not text or text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PaError(f"not a date: {text!r} (use YYYY-MM-DD, today or tomorrow)") from None


def _agenda(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    day = parse_day(args.date, local_today(now, principal.tz))
    with store.read() as session:
        return _occurrences(args, session, principal, day, args.days, "Agenda")


def _search(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, _now = principal_and_now(store, args)
    assert principal.id is not None
    with store.read() as session:
        hits = search.search(
            session,
            principal.id,
            " ".join(args.term),
            include_confidential=args.include_confidential,
        )
    rows = [
        [format_id(h.kind, h.id), h.kind, h.label, "name" if h.in_name else "text"] for h in hits
    ]
    if args.json:
        print_json([dict(zip(["id", "kind", "label", "match"], r, strict=True)) for r in rows])
    else:
        print_table("Search", ["id", "kind", "label", "match"], rows)
    return 0
