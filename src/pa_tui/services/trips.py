"""Trips: segments are events (on the agenda, in conflicts and reminders) with a kind, a
confirmation code, places and an arrival in its own zone; the itinerary lists them in order, each
in its local time, and a flight that lands in another zone says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from pa_tui.errors import NotFound, PaError
from pa_tui.models import Event, Principal, Trip, TripSegment
from pa_tui.services import events
from pa_tui.services.clock import zone_info
from pa_tui.services.timeutil import as_utc, local_to_utc, utc_to_local
from pa_tui.services.travel import ICON, KINDS, zone_change

__all__ = ["ICON", "KINDS", "Leg", "add_segment", "add_trip", "itinerary", "zone_change"]


@dataclass(frozen=True)
class Leg:
    segment: TripSegment
    event: Event


def _zone(name: str, what: str) -> str:
    try:
        zone_info(name)
    except Exception:
        raise PaError(f"{what}: {name!r} is not a time zone (e.g. Europe/Stockholm)") from None
    return name


def add_trip(
    session: Session, principal: Principal, title: str, *, now: datetime, confidential: bool = False
) -> Trip:
    if not title.strip():
        raise PaError("a trip needs a title")
    assert principal.id is not None
    trip = Trip(principal_id=principal.id, title=title.strip(), confidential=confidential,
                created_at=now, updated_at=now)  # fmt: skip
    session.add(trip)
    session.flush()
    return trip


def get_trip(session: Session, principal: Principal, trip_id: int) -> Trip:
    trip = session.get(Trip, trip_id)
    if trip is None or trip.principal_id != principal.id:
        raise NotFound(f"no trip {trip_id} for {principal.name}")
    return trip


def add_segment(
    session: Session,
    trip: Trip,
    *,
    kind: str,
    title: str,
    start_local: datetime,
    start_tz: str,
    end_local: datetime,
    end_tz: str | None = None,
    origin: str | None = None,
    destination: str | None = None,
    confirmation: str | None = None,
    location: str | None = None,
    now: datetime,
) -> Leg:
    """A segment from wall times in their own zones (a flight: departure and arrival zones)."""
    if kind not in KINDS:
        raise PaError(f"segment kind must be one of {', '.join(KINDS)}, not {kind!r}")
    start_tz = _zone(start_tz, "--tz")
    end_tz = _zone(end_tz or start_tz, "--end-tz")
    starts, ends = local_to_utc(start_local, start_tz), local_to_utc(end_local, end_tz)
    if ends <= starts:
        raise PaError("the segment ends before it starts (check the zones)")
    principal = session.get(Principal, trip.principal_id)
    assert principal is not None and trip.id is not None
    # The event keeps the departure's zone; its end is the arrival instant seen from there.
    ev = events.create_event(
        session, principal=principal, title=title, now=now, tz=start_tz, start_local=start_local,
        end_local=utc_to_local(ends, start_tz), location=location or origin,
        confidential=trip.confidential,
    )  # fmt: skip
    assert ev.id is not None
    seg = TripSegment(event_id=ev.id, trip_id=trip.id, kind=kind, confirmation=confirmation,
                      origin=origin, destination=destination, end_tz=end_tz,
                      end_local=end_local)  # fmt: skip
    session.add(seg)
    trip.updated_at = now
    session.add(trip)
    session.flush()
    return Leg(seg, ev)


def itinerary(session: Session, trip: Trip) -> list[Leg]:
    rows = session.exec(
        select(TripSegment, Event)
        .join(Event, col(Event.id) == col(TripSegment.event_id))
        .where(col(TripSegment.trip_id) == trip.id)
        .order_by(col(Event.start_utc))
    ).all()
    return [Leg(seg, ev) for seg, ev in rows]


def list_trips(session: Session, principal: Principal) -> list[tuple[Trip, list[Leg]]]:
    trips = session.exec(
        select(Trip).where(col(Trip.principal_id) == principal.id).order_by(col(Trip.id))
    ).all()
    return [(t, itinerary(session, t)) for t in trips]


def leg_text(leg: Leg) -> str:
    """One itinerary line, each end in its own local time."""
    seg, ev = leg.segment, leg.event
    start_tz = ev.tz or "UTC"
    end_tz = seg.end_tz or start_tz
    start = utc_to_local(as_utc(ev.start_utc), start_tz)
    end = utc_to_local(as_utc(ev.end_utc), end_tz)
    span = f"{start:%a %d %b %H:%M} {start_tz}"
    span += f" → {end:%H:%M}" if end.date() == start.date() else f" → {end:%a %d %b %H:%M}"
    span += f" {end_tz}" if end_tz != start_tz else ""
    places = " → ".join(p for p in (seg.origin, seg.destination) if p)
    bits = [f"{ICON.get(seg.kind, '•')} {seg.kind}", ev.title, places, span]
    if seg.confirmation:
        bits.append(f"conf {seg.confirmation}")
    return "  ".join(b for b in bits if b)


def segments_for(session: Session, event_ids: list[int]) -> dict[int, TripSegment]:
    if not event_ids:
        return {}
    rows = session.exec(select(TripSegment).where(col(TripSegment.event_id).in_(event_ids))).all()
    return {s.event_id: s for s in rows}
