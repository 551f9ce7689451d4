"""Editing a recurring event: one occurrence (an override row, RFC 5545's RECURRENCE-ID), this and
following (the series is split: the past keeps the old row untouched, the rest becomes a new
series), or all of it. Cancelling one occurrence adds an EXDATE.

An occurrence is named by its original wall start in the series' zone (the recurrence id), which
is what the agenda's keys carry (e3@20261127T0800 holds the UTC start; `wall_of` converts).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from pa_tui.errors import PaError
from pa_tui.models import Event, EventAttendee, Principal
from pa_tui.services import events
from pa_tui.services.recurrence import event_zone, rule_of, wall_start
from pa_tui.services.timeutil import utc_to_local

SCOPES = ("this", "following", "all")


def _series(session: Session, event_id: int) -> tuple[Event, Principal]:
    ev = session.get(Event, event_id)
    if ev is None:
        raise PaError(f"no event e{event_id}")
    if ev.parent_id is not None:  # an override's key names its series
        parent = session.get(Event, ev.parent_id)
        assert parent is not None
        ev = parent
    principal = session.get(Principal, ev.principal_id)
    assert principal is not None
    return ev, principal


def wall_of(series: Event, principal: Principal, instant: datetime) -> datetime:
    """The recurrence id (wall start in the series' zone) of the occurrence starting at `instant`
    (its original start; an override's moved start maps back through its recurrence_id)."""
    return utc_to_local(instant, event_zone(series, principal.tz))


def _is_instance(series: Event, zone: str, wall: datetime) -> bool:
    rule = rule_of(series, zone, near=wall - timedelta(days=1))
    return any(w == wall for w in rule.between(wall, wall, inc=True))


def override_at(session: Session, series: Event, wall: datetime) -> Event | None:
    """The override row of the occurrence whose recurrence id is `wall`, if it has one."""
    return session.exec(
        select(Event).where(col(Event.parent_id) == series.id, col(Event.recurrence_id) == wall)
    ).first()


def _copy(series: Event, **changes: Any) -> Event:
    data = series.model_dump(exclude={"id"})
    data.update(changes)
    return Event(**data)


def _check(series: Event, zone: str, wall: datetime) -> None:
    if not series.rrule:
        raise PaError(f"e{series.id} does not repeat")
    if not _is_instance(series, zone, wall):
        raise PaError(f"e{series.id} has no occurrence at {wall:%a %d %b %Y %H:%M}")


def move_occurrence(
    session: Session,
    event_id: int,
    wall: datetime,
    *,
    start_local: datetime,
    end_local: datetime,
    now: datetime,
    title: str | None = None,
    location: str | None = None,
) -> Event:
    """ "This one": the occurrence at `wall` gets its own time (and title/place)."""
    series, principal = _series(session, event_id)
    zone = event_zone(series, principal.tz)
    _check(series, zone, wall)
    if end_local <= start_local:
        raise PaError("the occurrence would end before it starts")
    row = override_at(session, series, wall) or _copy(
        series, rrule=None, rdate=None, exdate=None, parent_id=series.id, recurrence_id=wall,
        external_uid=None, created_at=now,
    )  # fmt: skip
    row.start_local, row.end_local, row.all_day = start_local, end_local, False
    row.start_date = row.end_date = None
    row.cancelled = False
    if title is not None:
        row.title = title
    if location is not None:
        row.location = location or None
    row.updated_at = now
    events.derive_utc(row, principal.tz)
    session.add(row)
    session.flush()
    return row


def cancel_occurrence(session: Session, event_id: int, wall: datetime, *, now: datetime) -> Event:
    """The occurrence at `wall` is not held: an EXDATE on the series; its override goes."""
    series, principal = _series(session, event_id)
    zone = event_zone(series, principal.tz)
    _check(series, zone, wall)
    old = override_at(session, series, wall)
    if old is not None:
        session.delete(old)
    dates = [d for d in (series.exdate or "").split(",") if d]
    dates.append(wall.isoformat() if not series.all_day else wall.date().isoformat())
    series.exdate = ",".join(dates)
    series.updated_at = now
    session.add(series)
    session.flush()
    return series


_COUNT = re.compile(r"(?i)(^|;)COUNT=(\d+)")
_UNTIL = re.compile(r"(?i)(^|;)UNTIL=[0-9TZ]+")


def _without(rule: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub("", rule).strip(";")


def end_series_before(session: Session, event_id: int, wall: datetime, *, now: datetime) -> Event:
    """Stop the series before the occurrence at `wall` (the past stays as it was)."""
    series, principal = _series(session, event_id)
    zone = event_zone(series, principal.tz)
    _check(series, zone, wall)
    if wall <= wall_start(series):
        raise PaError("that is the first occurrence: delete the whole series instead")
    _cut(session, series, zone, wall, principal, now)
    for ov in session.exec(
        select(Event).where(col(Event.parent_id) == series.id, col(Event.recurrence_id) >= wall)
    ).all():
        session.delete(ov)  # overrides of occurrences that no longer exist
    session.flush()
    return series


def _cut(
    session: Session, series: Event, zone: str, wall: datetime, principal: Principal, now: datetime
) -> int:
    """End `series` just before `wall`; returns how many occurrences it keeps (for COUNT)."""
    assert series.rrule is not None
    rule = rule_of(series, zone)
    kept = 0
    for w in rule:
        if w >= wall:
            break
        kept += 1
    base = _without(_without(series.rrule, _UNTIL), _COUNT)
    # The last kept start, as floating wall time: UNTIL is inclusive, so one second before.
    series.rrule = f"{base};UNTIL={wall - timedelta(seconds=1):%Y%m%dT%H%M%S}"
    series.rdate = _before(series.rdate, wall)
    series.exdate = _before(series.exdate, wall)
    series.updated_at = now
    events.derive_utc(series, principal.tz)
    session.add(series)
    return kept


def _split_dates(text: str | None, wall: datetime) -> tuple[str | None, str | None]:
    before: list[str] = []
    after: list[str] = []
    for d in (text or "").split(","):
        if not d.strip():
            continue
        value = (
            datetime.fromisoformat(d)
            if "T" in d
            else datetime.combine(datetime.fromisoformat(d).date(), time())
        )
        (after if value >= wall else before).append(d)
    return (",".join(before) or None), (",".join(after) or None)


def _before(text: str | None, wall: datetime) -> str | None:
    return _split_dates(text, wall)[0]


def edit_following(
    session: Session,
    event_id: int,
    wall: datetime,
    *,
    now: datetime,
    start_local: datetime | None = None,
    end_local: datetime | None = None,
    title: str | None = None,
    location: str | None = None,
) -> Event:
    """ "This and following": the series ends before `wall`; a new series starts there with the
    changes. Occurrences before `wall` (and their overrides, minutes, attendees) are untouched."""
    series, principal = _series(session, event_id)
    zone = event_zone(series, principal.tz)
    _check(series, zone, wall)
    if wall <= wall_start(series):
        return edit_all(session, event_id, now=now, start_local=start_local,
                        end_local=end_local, title=title, location=location)  # fmt: skip
    assert series.rrule is not None
    old_rule, old_rdate, old_exdate = series.rrule, series.rdate, series.exdate
    count = _COUNT.search(old_rule)
    length = (series.end_local or series.start_local or wall) - (series.start_local or wall)
    kept = _cut(session, series, zone, wall, principal, now)
    new_start = start_local or wall
    new_end = end_local or (new_start + (length if not series.all_day else timedelta(days=1)))
    rule = _without(old_rule, _COUNT)
    if count:
        rule = f"{rule};COUNT={max(1, int(count.group(2)) - kept)}"
    shift = new_start - wall
    fresh = _copy(
        series,
        title=title if title is not None else series.title,
        location=(location or None) if location is not None else series.location,
        start_local=new_start if not series.all_day else None,
        end_local=new_end if not series.all_day else None,
        start_date=new_start.date() if series.all_day else None,
        end_date=new_end.date() if series.all_day else None,
        rrule=rule,
        rdate=_shifted(_split_dates(old_rdate, wall)[1], shift),
        exdate=_shifted(_split_dates(old_exdate, wall)[1], shift),
        external_uid=None,
        created_at=now,
        updated_at=now,
    )
    events.derive_utc(fresh, principal.tz)
    session.add(fresh)
    session.flush()
    # Overrides from `wall` on follow the occurrences they change into the new series.
    for ov in session.exec(
        select(Event).where(col(Event.parent_id) == series.id, col(Event.recurrence_id) >= wall)
    ).all():
        ov.parent_id = fresh.id
        assert ov.recurrence_id is not None
        ov.recurrence_id = ov.recurrence_id + shift
        session.add(ov)
    for att in session.exec(
        select(EventAttendee).where(col(EventAttendee.event_id) == series.id)
    ).all():
        assert fresh.id is not None
        session.add(EventAttendee(event_id=fresh.id, contact_id=att.contact_id, role=att.role))
    session.flush()
    return fresh


def _shifted(text: str | None, shift: timedelta) -> str | None:
    if not text or not shift:
        return text
    out = []
    for d in text.split(","):
        out.append((datetime.fromisoformat(d) + shift).isoformat() if "T" in d else d)
    return ",".join(out)


def edit_all(
    session: Session,
    event_id: int,
    *,
    now: datetime,
    start_local: datetime | None = None,
    end_local: datetime | None = None,
    title: str | None = None,
    location: str | None = None,
) -> Event:
    """ "All": the series row changes. A new time of day moves every occurrence (the series keeps
    its first date); overrides keep the times they were given."""
    series, principal = _series(session, event_id)
    if title is not None:
        series.title = title
    if location is not None:
        series.location = location or None
    if start_local is not None and series.start_local is not None:
        length = (end_local or start_local + _length(series)) - start_local
        first = datetime.combine(series.start_local.date(), start_local.time())
        shift = first - series.start_local
        series.start_local, series.end_local = first, first + length
        # Overrides are keyed by the original start: they follow the series' new time of day.
        for ov in session.exec(select(Event).where(col(Event.parent_id) == series.id)).all():
            assert ov.recurrence_id is not None
            ov.recurrence_id += shift
            session.add(ov)
        series.rdate = _shifted(series.rdate, shift)
        series.exdate = _shifted(series.exdate, shift)
    series.updated_at = now
    events.derive_utc(series, principal.tz)
    session.add(series)
    session.flush()
    return series


def _length(series: Event) -> timedelta:
    assert series.start_local is not None
    return (series.end_local or series.start_local + timedelta(hours=1)) - series.start_local


def move_event(
    session: Session, event_id: int, *, start_local: datetime, end_local: datetime, now: datetime
) -> Event:
    """A single (non-recurring) event to a new wall time in its zone."""
    ev = session.get(Event, event_id)
    if ev is None:
        raise PaError(f"no event e{event_id}")
    if ev.rrule:
        raise PaError(f"e{event_id} repeats: move this occurrence, the following, or all")
    principal = session.get(Principal, ev.principal_id)
    assert principal is not None
    ev.all_day, ev.start_date, ev.end_date = False, None, None
    ev.start_local, ev.end_local, ev.updated_at = start_local, end_local, now
    events.derive_utc(ev, principal.tz)
    session.add(ev)
    session.flush()
    return ev


def clash_text(
    session: Session,
    principal: Principal,
    start: datetime,
    end: datetime,
    *,
    has_location: bool = False,
    skip_key: str | None = None,
) -> str | None:
    """What [start, end) would collide with (one line), ignoring the event being moved."""
    from pa_tui.services import conflicts, policy

    around = events.occurrences(
        session, principal, start - timedelta(days=1), end + timedelta(days=1)
    )
    found = conflicts.collisions(
        start, end, has_location=has_location, occurrences=around,
        policy=policy.load_policy(session, principal), zone=principal.tz, skip_key=skip_key,
    )  # fmt: skip
    if not found:
        return None
    return conflicts.describe_collisions([(c.start, c) for c in found], principal.tz)
