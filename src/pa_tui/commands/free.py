"""`pa free DURATION [WINDOW] [--for P] [--with CONTACT]`: ranked free slots."""

from __future__ import annotations

import argparse
from datetime import datetime, time

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import line, print_json, print_table
from pa_tui.errors import PaError
from pa_tui.services import capture, contacts, slots
from pa_tui.services.timeutil import local_to_utc, local_today, utc_to_local


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    try:
        length = capture.parse_duration(args.duration)
        first, last = capture.parse_window(args.window, today=local_today(now, principal.tz))
    except capture.CaptureError as exc:
        raise PaError(str(exc)) from None
    zone = principal.tz
    start = local_to_utc(datetime.combine(first, time()), zone)
    end = local_to_utc(datetime.combine(last, time()), zone)
    with store.read() as session:
        people = [contacts.resolve_contact(session, principal, term) for term in args.with_]
        found = slots.free_slots(
            session,
            principal,
            now=now,
            duration=length,
            start=start,
            end=end,
            count=args.count,
            with_contacts=[c.id for c in people if c.id is not None],
            has_location=args.away,
        )
    rows = [
        [
            f"{utc_to_local(s.start, zone):%a %d %b}",
            f"{utc_to_local(s.start, zone):%H:%M}-{utc_to_local(s.end, zone):%H:%M}",
            "snug" if s.slivers == 0 else f"leaves {s.slivers} short gap(s)",
        ]
        for s in found
    ]
    who = ", ".join(c.name for c in people)
    title = f"Free {capture.format_duration(length)} for {principal.name}" + (
        f" with {who}" if who else ""
    )
    if args.json:
        print_json(
            [
                {"start": s.start.isoformat(), "end": s.end.isoformat(), "slivers": s.slivers}
                for s in found
            ]
        )
    elif not found:
        line(f"{title}: no free slot from {first:%a %d %b} to {last:%a %d %b} (exclusive)")
    else:
        print_table(title, ["day", "time", ""], rows)
    return 0
