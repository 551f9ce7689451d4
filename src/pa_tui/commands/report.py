"""`pa report invoices` (documents with totals per currency and vendor) and `pa report queue`
(per day: received, decided, median time to decision, overdue)."""

from __future__ import annotations

import argparse

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import line, note, print_json, print_table
from pa_tui.errors import PaError
from pa_tui.services import principals, queue_settings, reports
from pa_tui.services.rows import age_label
from pa_tui.services.triage import money


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    queue_settings.sync_from_config(store, now=now)
    with store.read() as session:
        if args.action == "invoices":
            report = reports.invoices(
                session, principal, now=now, include_confidential=args.include_confidential
            )
        else:
            if args.days < 1:
                raise PaError(f"--days must be at least 1, not {args.days}")
            # Per principal: the one asked for, else everyone the store serves.
            who = [principal] if args.principal else principals.list_principals(session)
            figures = [(p, reports.queue_week(session, p, now=now, days=args.days)) for p in who]
    if args.action == "invoices":
        return _invoices(args, principal.name, report)
    headers = ["day", "received", "decided", "median to decision", "overdue"]
    if args.json:
        print_json(
            [
                {
                    "principal": p.name,
                    "day": d.day.isoformat(),
                    "received": d.received,
                    "decided": d.decided,
                    "median_minutes": d.median_minutes,
                    "overdue": d.overdue,
                }
                for p, days in figures
                for d in days
            ]
        )
        return 0
    several = len(figures) > 1  # a pipe gets no titles: name the principal on each line
    for p, days in figures:
        rows = [
            [
                *([p.name] if several else []),
                f"{d.day:%a %Y-%m-%d}",
                str(d.received),
                str(d.decided),
                "" if d.median_minutes is None else age_label_minutes(d.median_minutes),
                str(d.overdue),
            ]
            for d in days
        ]
        shown = ["principal", *headers] if several else headers
        print_table(f"Queue — {p.name}, last {len(days)} days", shown, rows)
    return 0


def age_label_minutes(minutes: float) -> str:
    from datetime import timedelta

    return age_label(timedelta(minutes=minutes))


def _invoices(args: argparse.Namespace, who: str, report: reports.InvoiceReport) -> int:
    if args.json:
        print_json(
            {
                "documents": [
                    {
                        "id": d.key,
                        "vendor": d.vendor,
                        "subject": d.subject,
                        "amount_cents": d.amount_cents,
                        "currency": d.currency,
                        "reference": d.reference,
                        "due": d.due,
                        "state": d.state,
                    }
                    for d in report.lines
                ],
                "totals": [
                    {"state": s, "currency": c, "amount_cents": v}
                    for (s, c), v in sorted(report.totals.items())
                ],
                "to_pay_by_vendor": [
                    {"vendor": vendor, "currency": c, "amount_cents": v}
                    for (vendor, c), v in sorted(report.by_vendor.items())
                ],
                "confidential_left_out": report.hidden,
            }
        )
        return 0
    headers = ["id", "state", "due", "vendor", "amount", "ref", "subject"]
    rows = [
        [
            d.key,
            d.state.upper() if d.state == "overdue" else d.state,
            d.due.isoformat() if d.due else "",
            d.vendor,
            money(d.amount_cents, d.currency),
            d.reference,
            d.subject,
        ]
        for d in report.lines
    ]
    print_table(f"Documents — {who}", headers, rows)
    line("")
    for (state, currency), cents in sorted(report.totals.items()):
        line(f"total {state:<9} {money(cents, currency)}")
    for (vendor, currency), cents in sorted(report.by_vendor.items()):
        line(f"to pay    {vendor}: {money(cents, currency)}")
    note(
        f"{report.hidden} confidential left out (--include-confidential)" if report.hidden else None
    )
    return 0
