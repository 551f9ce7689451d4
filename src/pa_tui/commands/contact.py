"""`pa contact add NAME ...` and `pa contact edit ID ...`."""

from __future__ import annotations

import argparse

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import line, print_json
from pa_tui.errors import NotFound
from pa_tui.models import Contact
from pa_tui.services import contacts, records
from pa_tui.services.ids import format_id, parse_id


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
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
