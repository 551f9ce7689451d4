"""`pa minutes ID [--on DATE] [--md] [--from FILE|-]`: a meeting's agenda, attendees and minutes
(board-pack style); --from saves new minutes and turns their action items into tasks."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from sqlmodel import Session

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.errors import NotFound, PaError
from pa_tui.models import Event, Principal
from pa_tui.services import capture, events, minutes, series
from pa_tui.services.recurrence import event_zone
from pa_tui.services.textsafe import clean
from pa_tui.services.timeutil import day_bounds_utc, local_today, utc_to_local


def _id(text: str) -> int:
    body = text.strip().lower().split("@", 1)[0]
    if not body.startswith("e") or not body[1:].isdigit():
        raise PaError(f"{text!r} is not an event id (e12)")
    return int(body[1:])


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    event_id = _id(args.id)
    text = None
    if args.from_:
        try:
            if args.from_ == "-":
                text = sys.stdin.read()
            else:
                with open(args.from_, encoding="utf-8") as fh:
                    text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise PaError(f"{args.from_}: cannot read minutes: {exc}") from None
    with store.write() as session:
        ev = session.get(Event, event_id)
        if ev is None or ev.principal_id != principal.id:
            raise NotFound(f"no event e{event_id} for {principal.name}")
        if ev.confidential and not args.include_confidential:
            raise PaError(f"e{event_id} is confidential; add --include-confidential to show it")
        wall = _occurrence(session, principal, ev, args.on, now) if ev.rrule else None
        row = ev
        if text is not None:
            row = minutes.occurrence_row(session, event_id, wall, now=now)
            done = minutes.sync(session, row, text, now=now)
            print(f"saved minutes of e{event_id}: {done.summary()}", file=sys.stderr)
            for note in done.notes:
                print(f"note: {clean(note, single_line=True)}", file=sys.stderr)
        elif wall is not None:
            row = series.override_at(session, ev, wall) or _virtual(ev, wall, principal.tz)
        lines = minutes.render(session, row, principal.tz, markdown=args.md)
    print("\n".join(clean(x) for x in lines))
    return 0


def _occurrence(
    session: Session, principal: Principal, ev: Event, on: str | None, now: datetime
) -> datetime:
    """The recurrence id of the occurrence on `on` (or the latest one up to now, else the next)."""
    zone = principal.tz
    if on:
        try:
            cap = capture.parse_line(on, today=local_today(now, zone))
        except capture.CaptureError as exc:
            raise PaError(f"--on: {exc}") from None
        day = cap.date or cap.due
        if day is None or cap.title:
            raise PaError(f"--on: {on!r} is not a date")
        if (day - local_today(now, zone)).days > 183:
            day = day.replace(year=day.year - 1)  # "23 nov" on 25 Nov: the one just past
        span = day_bounds_utc(day, zone)
    else:
        span = (
            now - (now - now.replace(year=now.year - 1)),
            now + (now.replace(year=now.year + 1) - now),
        )
    mine = [
        o
        for o in events.occurrences(session, principal, *span)
        if (o.event.parent_id or o.event.id) == ev.id
    ]
    if not mine:
        raise PaError(f"e{ev.id} has no occurrence {'on ' + on if on else 'within a year'}")
    if not on:
        past = [o for o in mine if o.start <= now]
        mine = [past[-1]] if past else [mine[0]]
    o = mine[0]
    return o.event.recurrence_id or utc_to_local(o.start, event_zone(ev, zone))


def _virtual(ev: Event, wall: datetime, zone: str) -> Event:
    """An occurrence without a row of its own: the series' text at that occurrence's time."""
    from pa_tui.services.timeutil import local_to_utc

    length = ev.end_utc - ev.start_utc
    start = local_to_utc(wall, event_zone(ev, zone))
    return Event(
        **{**ev.model_dump(), "start_utc": start, "end_utc": start + length, "minutes": None}
    )
