"""Wall time <-> instants: events keep wall time + zone; derived UTC bounds serve range queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from pa_tui.services.clock import zone_info


def local_to_utc(wall: datetime, zone: str) -> datetime:
    """A naive wall time in `zone` as an aware UTC instant (fold=0: the first of a repeated hour)."""
    return wall.replace(tzinfo=zone_info(zone)).astimezone(UTC)


def utc_to_local(instant: datetime, zone: str) -> datetime:
    """An aware instant as naive wall time in `zone`."""
    return instant.astimezone(zone_info(zone)).replace(tzinfo=None)


def day_bounds_utc(day: date, zone: str, days: int = 1) -> tuple[datetime, datetime]:
    """[start, end) of `days` local days starting at `day`, as UTC instants (DST-safe)."""
    start = local_to_utc(datetime.combine(day, time()), zone)
    end = local_to_utc(datetime.combine(day + timedelta(days=days), time()), zone)
    return start, end


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(zone_info(zone)).date()


def as_utc(value: datetime) -> datetime:
    """Values read back from SQLite may be naive UTC; make them aware."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
