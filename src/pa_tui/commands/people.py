"""`pa dossier TERM` (everything about a person, or everyone in an event or queue item) and
`pa dates` (birthdays and anniversaries coming up, as sentences; optional reminder tasks)."""

from __future__ import annotations

import argparse
from datetime import datetime

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import line, note, print_json
from pa_tui.models import Principal
from pa_tui.services import crm, dossier
from pa_tui.services.timeutil import local_today
from pa_tui.store import Store


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    if args.command == "dates":
        return _dates(store, principal, now, args)
    with store.read() as session:
        found = dossier.for_term(
            session,
            principal,
            " ".join(args.term),
            now=now,
            include_confidential=args.include_confidential,
        )
        people = [(p.contact, p.lines()) for p in found.people]
    if args.json:
        print_json(
            {
                "title": found.title,
                "people": [
                    {"id": f"c{c.id}", "name": c.name, "lines": [[k, v] for k, v in rows]}
                    for c, rows in people
                ],
                "confidential_left_out": found.hidden,
            }
        )
        return 0
    line(found.title)
    if not people:
        line("  nobody on file (no contact attends or sent it)")
    for contact, rows in people:
        line("")
        line(f"c{contact.id} {contact.name}")
        width = max((len(k) for k, _ in rows), default=0)
        for key, value in rows:
            line(f"  {key:<{width}}  {value}")
    note(f"{found.hidden} confidential left out (--include-confidential)" if found.hidden else None)
    return 0


def _dates(store: Store, principal: Principal, now: datetime, args: argparse.Namespace) -> int:
    today = local_today(now, principal.tz)
    made: list[tuple[str, int]] = []
    if args.remind is not None:
        with store.write() as session:
            made = crm.date_reminders(
                session,
                principal,
                now=now,
                ahead=args.remind,
                include_confidential=args.include_confidential,
            )
    with store.read() as session:
        found = crm.upcoming(
            session,
            principal,
            today=today,
            days=args.days,
            include_confidential=args.include_confidential,
        )
    if args.json:
        print_json(
            {
                "dates": [
                    {
                        "date": u.when.isoformat(),
                        "contact": f"c{u.contact.id}",
                        "kind": u.kind,
                        "text": text,
                    }
                    for u, text in found
                ],
                "tasks_made": [{"task": f"t{tid}", "text": text} for text, tid in made],
            }
        )
        return 0
    for _u, text in found:
        line(text)
    if not found:
        line(f"nothing in the next {args.days} days")
    for text, tid in made:
        line(f"made t{tid}: {text}")
    return 0
