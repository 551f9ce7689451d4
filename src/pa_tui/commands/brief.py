"""`pa brief`: the day at a glance, as text or Markdown."""

from __future__ import annotations

import argparse

from sqlmodel import Session

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import print_json
from pa_tui.models import Contact
from pa_tui.services import display
from pa_tui.services.brief import Brief, build_brief
from pa_tui.services.listing import Listing
from pa_tui.services.textsafe import clean


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    with store.read() as session:
        brief = build_brief(
            session, principal, now=now, include_confidential=args.include_confidential
        )
        lines = render(session, brief, markdown=args.md)
    if args.json:
        print_json({"lines": lines, "hidden_confidential": brief.hidden})
    else:
        print("\n".join(clean(x) for x in lines))
    return 0


def render(session: Session, brief: Brief, *, markdown: bool) -> list[str]:
    zone = brief.principal.tz
    h = "## " if markdown else ""
    bullet = "- " if markdown else "  "
    out = [
        f"{'# ' if markdown else ''}Brief for {brief.principal.name} — {display.day_label(brief.day)}"
    ]

    out += ["", f"{h}Agenda ({len(brief.agenda)})"]
    for occ in brief.agenda:
        _id, when, title, where = display.occurrence_row(occ, zone)
        out.append(
            f"{bullet}{when[11:] if not occ.event.all_day else 'all day'}  {title}"
            + (f" @ {where}" if where else "")
        )
    if not brief.agenda:
        out.append(f"{bullet}nothing scheduled")

    out += ["", f"{h}Queue by urgency ({_count(len(brief.queue), brief.queue_total)})"]
    for item in brief.queue:
        contact = session.get(Contact, item.contact_id) if item.contact_id else None
        row = display.request_row(item, zone, contact)
        out.append(f"{bullet}{row[0]} {row[1] or '  '} {row[2]}: {row[3]} — {row[4]}")

    out += ["", f"{h}Tasks due or overdue ({_count(len(brief.tasks), brief.tasks_total)})"]
    for task in brief.tasks:
        late = " (overdue)" if task.due_date and task.due_date < brief.day else ""
        out.append(
            f"{bullet}t{task.id} {display.PRIORITY_LABEL[task.priority] or '  '} {task.title}{late}"
        )

    out += ["", f"{h}Birthdays and dates, next 7 days ({len(brief.dates)})"]
    for d in brief.dates:
        who = f"{d.contact.name}'s {d.relation_name}" if d.relation_name else d.contact.name
        turns = f" turns {d.turns}" if d.turns is not None and d.kind == "birthday" else ""
        what = d.label or d.kind
        out.append(f"{bullet}{d.when:%a %d %b}: {who} — {what}{turns}")
    out += _ahead(brief, h, bullet)
    hidden = Listing([], hidden=brief.hidden).hidden_note()
    if hidden:
        out += ["", hidden]
    return out


def _count(shown: int, total: int) -> str:
    return str(shown) if shown >= total else f"top {shown} of {total}"


def _ahead(brief: Brief, h: str, bullet: str) -> list[str]:
    """Anticipation: tomorrow's meetings with a line per attendee, touches due, VIPs waiting."""
    ahead = brief.ahead
    if ahead is None:
        return []
    out = ["", f"{h}Tomorrow's meetings ({len(ahead.meetings)})"]
    for m in ahead.meetings:
        out.append(f"{bullet}{m.when}  {m.title}")
        for person in brief.dossiers.get(m.key, []):
            facts = [f"{k}: {v}" for k, v in person.lines()[1:] if k in _BRIEF_KEYS]
            facts += [f"{link.label} {link.name}" for link in person.links[:3]]
            facts += [f"{when:%d %b} {what}" for when, what in person.dates[:2]]
            if person.last_contacted:
                facts.append(f"last contact {person.last_contacted:%Y-%m-%d}")
            out.append(
                f"{bullet}    {person.contact.name}" + (f" — {'; '.join(facts)}" if facts else "")
            )
    if not ahead.meetings:
        out.append(f"{bullet}no meetings with contacts")
    out += ["", f"{h}Keep in touch — overdue ({len(ahead.touches)})"]
    for o in ahead.touches:
        last = f"last {o.last:%Y-%m-%d}" if o.last else "never contacted"
        out.append(f"{bullet}c{o.contact.id} {o.contact.name} — every {o.every_days} days, {last}")
    out += ["", f"{h}VIP requests waiting ({len(ahead.vip_waiting)})"]
    for r, c in ahead.vip_waiting:
        out.append(f"{bullet}r{r.id} {c.name}: {r.subject}")
    return out


_BRIEF_KEYS = ("role", "organisation")
