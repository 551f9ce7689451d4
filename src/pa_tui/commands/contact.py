"""`pa contact add NAME ...` and `pa contact edit ID ...`."""

from __future__ import annotations

import argparse
from datetime import datetime

from sqlmodel import Session

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import line, print_json, print_table
from pa_tui.errors import NotFound
from pa_tui.models import Contact, Principal
from pa_tui.services import contacts, records
from pa_tui.services.ids import format_id, parse_id
from pa_tui.store import Store

CRM_ACTIONS = ("relate", "date", "log", "cadence", "overdue", "dupes", "merge")


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    if args.action in CRM_ACTIONS:
        return _crm(store, principal, now, args)
    with store.write() as session:
        if args.action == "add":
            contact = contacts.create_contact(
                session,
                principal=principal,
                name=args.target,
                now=now,
                emails=args.email,
                phones=args.phone,
                org=args.org,
                role=args.role,
                birthday=args.birthday,
                vip=args.vip or 0,
                policy=args.policy or "screen",
                is_staff=bool(args.staff),
                notes=args.notes,
                confidential=bool(args.confidential),
            )
            verb = "added"
        else:
            _kind, number = parse_id(args.target, expect="contact")
            found = session.get(Contact, number)
            if found is None:
                raise NotFound(f"no contact {format_id('contact', number)}")
            contact = contacts.edit_contact(
                session,
                found,
                now=now,
                name=args.name,
                add_emails=args.email,
                add_phones=args.phone,
                org=args.org,
                role=args.role,
                birthday=args.birthday,
                vip=args.vip,
                policy=args.policy,
                is_staff=args.staff,
                notes=args.notes,
                confidential=args.confidential,
            )
            verb = "updated"
        typed = format_id("contact", contact.id)
        data = records.describe(session, typed)
    if args.json:
        print_json(data)
    else:
        extra = ", ".join(x for x in (contact.org, contact.role) if x)
        line(f"{verb} {typed} {contact.name}" + (f" ({extra})" if extra else ""))
    return 0


def _contact(session: Session, principal: Principal, text: str) -> Contact:
    """c12, or a name / email / phone that matches exactly one contact."""
    term = text.strip()
    if term[:1].lower() == "c" and term[1:].isdigit():
        found = session.get(Contact, int(term[1:]))
        if found is None:
            raise NotFound(f"no contact {term}")
        return found
    return contacts.resolve_contact(session, principal, term)


def _crm(store: Store, principal: Principal, now: datetime, args: argparse.Namespace) -> int:
    from pa_tui.services import crm, duplicates, relations

    if args.action == "overdue":
        with store.read() as session:
            late = crm.overdue_touches(
                session, principal, now=now, include_confidential=args.include_confidential
            )
            rows = [
                [
                    f"c{o.contact.id}",
                    o.contact.name,
                    f"every {o.every_days} d",
                    f"{o.last:%Y-%m-%d}" if o.last else "never",
                    f"{o.days_over(now)} d",
                ]
                for o in late
            ]
        headers = ["id", "name", "cadence", "last contact", "overdue by"]
        if args.json:
            print_json([dict(zip(headers, r, strict=True)) for r in rows])
        else:
            print_table(f"Keep in touch — {principal.name}", headers, rows)
        return 0
    if args.action == "dupes":
        with store.read() as session:
            pairs = duplicates.find(session, principal)
            rows = [
                [f"c{p.keep.id}", p.keep.name, f"c{p.other.id}", p.other.name, p.reason]
                for p in pairs
                if args.include_confidential or not (p.keep.confidential or p.other.confidential)
            ]
        headers = ["keep", "name", "merge", "name ", "why"]
        if args.json:
            print_json(
                [
                    dict(zip(["keep", "keep_name", "other", "other_name", "why"], r, strict=True))
                    for r in rows
                ]
            )
        else:
            print_table("Likely duplicates (pa contact merge KEEP OTHER)", headers, rows)
        return 0
    with store.write() as session:
        target = _contact(session, principal, args.target)
        if args.action == "relate":
            other = None
            term = args.other.strip()
            if term[:1].lower() == "c" and term[1:].isdigit():
                other = _contact(session, principal, term)  # an id is never a plain name
            elif not args.plain:
                found = contacts.match_contacts(session, principal, args.other)
                other = found[0] if len(found) == 1 else None
            rel = relations.add_relation(
                session,
                target,
                args.kind,
                other=other,
                other_name=None if other else args.other,
                label=args.label,
            )
            if args.birthday:
                if other is not None:
                    contacts.set_birthday(session, other, args.birthday)
                else:
                    crm.add_date(session, target, "birthday", args.birthday, relation=rel)
            shown = relations.label_of(rel, forward=True)
            who = f"c{other.id} {other.name}" if other else f"{args.other} (a plain name)"
            message = f"{target.name}'s {shown}: {who}"
        elif args.action == "date":
            crm.add_date(session, target, args.kind, args.date, label=args.label)
            message = f"{target.name}: {args.label or args.kind} {args.date}"
        elif args.action == "log":
            at = now
            if args.at:
                at = parse_past(args.at, now, principal.tz)
            item = crm.log_interaction(
                session,
                target,
                args.kind,
                " ".join(args.summary),
                at=at,
                confidential=args.confidential,
            )
            message = f"logged {item.kind} with {target.name} on {item.at:%Y-%m-%d}"
        elif args.action == "cadence":
            every = None if args.every.strip().lower() == "none" else crm.parse_cadence(args.every)
            crm.set_cadence(session, target, every, now=now)
            message = f"{target.name}: " + (
                f"keep in touch every {every} days" if every else "no cadence"
            )
        else:  # merge
            other = _contact(session, principal, args.other)
            before = duplicates.linked_counts(session, [target.id or 0, other.id or 0])
            moved = duplicates.merge(session, target, other)
            after = duplicates.linked_counts(session, [target.id or 0])
            if args.json:
                print_json(
                    {
                        "kept": f"c{target.id}",
                        "removed": f"c{other.id}",
                        "moved": moved,
                        "before": before,
                        "after": after,
                    }
                )
                return 0
            total = sum(moved.values())
            message = f"merged c{other.id} into c{target.id} {target.name}: {total} links moved"
    line(message)
    return 0


def parse_past(text: str, now: datetime, zone: str) -> datetime:
    """When something happened: "yesterday", "mon" (the last Monday), "24 nov" (this year's),
    "mon 3pm". The capture grammar reads dates forward; a past event is the latest match."""
    from datetime import time, timedelta

    from pa_tui.commands.queue import parse_when
    from pa_tui.services.timeutil import local_to_utc, local_today, utc_to_local

    today = local_today(now, zone)
    words = text.strip().lower().split()
    if words and words[0] in ("yesterday", "today"):
        day = today - timedelta(days=1 if words[0] == "yesterday" else 0)
        rest = " ".join(words[1:])
        clock = utc_to_local(parse_when(rest, now, zone), zone).time() if rest else time(12)
        return local_to_utc(datetime.combine(day, clock), zone)
    wall = utc_to_local(parse_when(text, now, zone), zone)
    if wall.date() > today:
        if (wall.date() - today).days <= 7:
            wall -= timedelta(days=7)  # a weekday: the last one, not the next
        else:
            wall = wall.replace(year=wall.year - 1)  # a day and month: this year's
    return local_to_utc(wall, zone)
