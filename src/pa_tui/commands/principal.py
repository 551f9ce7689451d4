"""`pa principal add|list|default`."""

from __future__ import annotations

import argparse

from pa_tui.commands.context import store_for
from pa_tui.commands.output import line, print_json, print_table
from pa_tui.services import principals
from pa_tui.services.clock import machine_zone, now_utc


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    now = now_utc(machine_zone())
    with store.write() as session:
        if args.action == "add":
            p = principals.add_principal(
                session, name=args.name, tz=args.tz or machine_zone(), now=now, default=args.default
            )
            line(f"added principal {p.name} ({p.tz})" + (" — default" if p.is_default else ""))
        elif args.action == "default":
            p = principals.set_default(session, args.name)
            line(f"default principal is now {p.name}")
        else:
            rows = principals.list_principals(session)
            if args.json:
                print_json([{"name": p.name, "tz": p.tz, "default": p.is_default} for p in rows])
            else:
                print_table(
                    "Principals",
                    ["name", "zone", "default"],
                    [[p.name, p.tz, "*" if p.is_default else ""] for p in rows],
                )
    return 0
