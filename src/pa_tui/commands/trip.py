"""`pa trip add|seg|list|show`: trips and their segments, the itinerary in order."""

from __future__ import annotations

import argparse
from datetime import datetime

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import line, print_json
from pa_tui.errors import PaError
from pa_tui.services import trips
from pa_tui.services.textsafe import clean


def _wall(text: str, what: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise PaError(f"{what}: {text!r} is not a date and time (2026-12-02 10:05)") from None


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    show_conf = getattr(args, "include_confidential", False)
    with store.write() as session:
        if args.action == "add":
            trip = trips.add_trip(session, principal, args.title, now=now,
                                  confidential=args.confidential)  # fmt: skip
            line(f"added trip {trip.id} {trip.title}")
        elif args.action == "seg":
            trip = trips.get_trip(session, principal, args.trip)
            leg = trips.add_segment(
                session, trip, kind=args.kind, title=args.title,
                start_local=_wall(args.start, "--start"), start_tz=args.tz or principal.tz,
                end_local=_wall(args.end, "--end"), end_tz=args.end_tz,
                origin=args.origin, destination=args.dest, confirmation=args.conf,
                location=args.at, now=now,
            )  # fmt: skip
            line(f"added e{leg.event.id} to trip {trip.id}: {trips.leg_text(leg)}")
        elif args.action == "show":
            trip = trips.get_trip(session, principal, args.trip)
            if trip.confidential and not show_conf:
                raise PaError(f"trip {trip.id} is confidential; add --include-confidential")
            legs = trips.itinerary(session, trip)
            if args.json:
                print_json({"trip": trip.id, "title": trip.title,
                            "segments": [trips.leg_text(leg) for leg in legs]})  # fmt: skip
            else:
                print(clean(f"Trip {trip.id}: {trip.title}"))
                for leg in legs:
                    print("  " + clean(trips.leg_text(leg), single_line=True))
                    change = trips.zone_change(leg.segment, leg.event)
                    if change:
                        print("    " + change)
        else:
            hidden = 0
            rows = []
            for trip, legs in trips.list_trips(session, principal):
                if trip.confidential and not show_conf:
                    hidden += 1
                    continue
                first = legs[0].event.start_utc if legs else None
                rows.append((trip, len(legs), first))
            for trip, count, first in rows:
                when = f"{first:%Y-%m-%d}" if first else "no segments"
                print(
                    clean(f"{trip.id}\t{when}\t{count} segment(s)\t{trip.title}", single_line=True)
                )
            if hidden:
                print(f"({hidden} confidential trip(s) not shown; --include-confidential)")
    return 0
