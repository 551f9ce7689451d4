"""Reading 'now': PA_NOW (an ISO datetime; without an offset it is read in the principal's zone)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pa_tui.errors import PaError


def parse_now(value: str, zone: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise PaError(f"PA_NOW: not an ISO datetime: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone_info(zone))
    return parsed.astimezone(UTC)


def now_utc(zone: str = "UTC", *, env: dict[str, str] | None = None) -> datetime:
    """The aware current instant: PA_NOW when set (tests, reproducible demos), else the clock."""
    value = (env if env is not None else os.environ).get("PA_NOW")
    if value:
        return parse_now(value, zone)
    return datetime.now(UTC)


def zone_info(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PaError(
            f"unknown time zone {name!r} (use an IANA name like Europe/Stockholm)"
        ) from None


def machine_zone() -> str:
    """The machine's IANA zone name: $TZ, /etc/timezone, or the /etc/localtime link; else UTC."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and _valid(tz):
        return tz
    try:
        with open("/etc/timezone", encoding="utf-8") as fh:
            name = fh.read().strip()
            if _valid(name):
                return name
    except OSError:
        pass
    try:
        link = os.readlink("/etc/localtime")
        if "zoneinfo/" in link:
            name = link.split("zoneinfo/", 1)[1]
            if _valid(name):
                return name
    except OSError:
        pass
    return "UTC"


def _valid(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
