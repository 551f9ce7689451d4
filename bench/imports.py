"""Figure 7: importing a generated 10,000-event .ics (500 of them recurring series, with
overrides and exceptions) and a 5,000-contact .vcf into a fresh store, in one transaction each:
seconds and rows per second. Timed in process, as `pa import` runs it after start-up."""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

EVENTS, SERIES, CONTACTS = 10_000, 500, 5_000
NOW = datetime(2026, 11, 25, 7, tzinfo=UTC)
ZONES = ("Europe/Stockholm", "Europe/Berlin", "America/New_York", "Asia/Tokyo")


def make_ics(path: Path) -> None:
    rng = random.Random(11)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pa-tui bench//EN"]
    for n in range(EVENTS):
        zone = rng.choice(ZONES)
        start = datetime(2026, 1, 1, 8) + timedelta(
            days=rng.randint(0, 700), hours=rng.randint(0, 9)
        )
        out += [
            "BEGIN:VEVENT",
            f"UID:bench-{n}@pa-tui",
            f"DTSTAMP:{NOW:%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Meeting {n} with Ådne & Zoë",
            f"DTSTART;TZID={zone}:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID={zone}:{start + timedelta(minutes=rng.choice((30, 60, 90))):%Y%m%dT%H%M%S}",
            f"LOCATION:Room {rng.randint(1, 40)}",
        ]
        if n < SERIES:
            out.append(
                rng.choice(
                    (
                        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE",
                        "RRULE:FREQ=DAILY;COUNT=30",
                        "RRULE:FREQ=MONTHLY;BYMONTHDAY=15",
                    )
                )
            )
            out.append(f"EXDATE;TZID={zone}:{start + timedelta(days=14):%Y%m%dT%H%M%S}")
        out += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:x", "TRIGGER:-PT15M", "END:VALARM"]
        out.append("END:VEVENT")
    out.append("END:VCALENDAR")
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")


def make_vcf(path: Path) -> None:
    rng = random.Random(12)
    given = ("Anna", "Björn", "Chen", "Dagny", "Élise", "Farid", "Greta", "Hiro")
    family = ("Berg", "Nyström", "Okafor", "Müller", "Tanaka", "García")
    out = []
    for n in range(CONTACTS):
        g, f = rng.choice(given), rng.choice(family)
        out += [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:bench-card-{n}",
            f"FN:{g} {f} {n}",
            f"N:{f};{g};;;",
            f"ORG:Org {n % 300}",
            f"TITLE:Role {n % 17}",
            f"EMAIL;TYPE=work:{g.lower()}.{n}@example.com",
            f"TEL;TYPE=cell:+46 70 {n:07d}",
            f"BDAY:{1950 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "NOTE:Met at the conference\\, likes tea\\; prefers mornings",
            "END:VCARD",
        ]
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")


def measure(
    cache: Path, summary: Callable[[list[float]], dict[str, Any]], runs: int
) -> dict[str, Any]:
    from pa_tui.interop.importer import import_files
    from pa_tui.services import principals
    from pa_tui.store import open_sqlite

    files = {"ics": cache / "import-10000.ics", "vcf": cache / "import-5000.vcf"}
    if not files["ics"].exists():
        make_ics(files["ics"])
    if not files["vcf"].exists():
        make_vcf(files["vcf"])
    out: dict[str, Any] = {}
    for path in files.values():
        times, rows = [], 0
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                store = open_sqlite(Path(tmp) / "pa.db")
                with store.write() as session:
                    principals.ensure_default(session, now=NOW)
                started = time.perf_counter()
                with store.write() as session:
                    p = principals.default_principal(session)
                    assert p is not None
                    found = import_files(session, p, [str(path)], now=NOW)
                times.append(time.perf_counter() - started)
                rows = sum(found.created.values())
                store.close()
        result = summary(times)
        result["rows"] = rows
        result["rows_per_s"] = round(rows / (result["median_ms"] / 1000))
        out[f"import {path.name}"] = result
    return out
