"""`pa principal add|list|default|set|show`."""

from __future__ import annotations

import argparse
from typing import Any

from pa_tui.commands.context import store_for
from pa_tui.commands.output import line, print_json, print_table
from pa_tui.errors import PaError
from pa_tui.services import policy, principals, schedule
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
        elif args.action in ("set", "show"):
            who = (
                principals.find_principal(session, args.name)
                if args.name
                else principals.resolve_principal(session, None, now=now)
            )
            from pa_tui.config import load_schedule

            policy.seed(session, who, load_schedule(), now=now)  # a new one starts from [schedule]
            if args.action == "set":
                _set(session, who, args, now)
            facts = policy.describe(policy.load_policy(session, who))
            if args.action == "show" and args.json:
                print_json({"principal": who.name, **dict(facts)})
            else:
                print_table(
                    f"Scheduling — {who.name} ({who.tz})", ["", ""], [list(r) for r in facts]
                )
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


def _minutes(text: str) -> int:
    """15, 15m, 1h, 1h30m."""
    word = text.strip().lower()
    total, number = 0, ""
    for ch in word:
        if ch.isdigit():
            number += ch
        elif ch in "hm" and number:
            total += int(number) * (60 if ch == "h" else 1)
            number = ""
        else:
            raise PaError(f"--buffer: {text!r} is not a duration (15, 15m, 1h30m)")
    return total + int(number or 0)


def _set(session: Any, who: Any, args: argparse.Namespace, now: Any) -> None:
    cap_text = (args.cap or "").strip().lower()
    if cap_text and cap_text not in ("none", "off") and not cap_text.isdigit():
        raise PaError(f"--cap: {args.cap!r} is not a number (or none)")
    policy.set_prefs(
        session,
        who,
        now=now,
        work_hours=args.hours,
        buffer_min=_minutes(args.buffer) if args.buffer else None,
        meeting_cap=int(cap_text) if cap_text.isdigit() else None,
        clear_cap=cap_text in ("none", "off"),
    )
    for spec in args.protect:
        policy.add_block(session, who, schedule.parse_block(spec), now=now)
    for block_id in args.unprotect:
        policy.remove_block(session, who, block_id)
