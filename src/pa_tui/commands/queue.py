"""`pa queue`: list the queue, explain a score, act on an item, print its reply draft, and
`pa queue triage`, a one-key walk through the queue for a bare ssh shell."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, time, timedelta

from sqlmodel import Session, col, select

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import line, note, print_json, print_table
from pa_tui.errors import PaError
from pa_tui.models import Contact, Principal, Request
from pa_tui.services import capture, display, queue_settings, records, triage, views
from pa_tui.services.queue_explain import explain
from pa_tui.services.queue_settings import QueueConfig
from pa_tui.services.rows import age_label
from pa_tui.services.textsafe import clean
from pa_tui.services.timeutil import local_to_utc, local_today
from pa_tui.store import Store


def _rid(text: str) -> str:
    text = text.strip()
    return text if text[:1].lower() == "r" else f"r{text}"


def _item(session: Session, typed: str) -> Request:
    kind, row = records.get_record(session, _rid(typed))
    if kind != "request":
        raise PaError(f"{typed} is not a queue item")
    return row


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    config = queue_settings.sync_from_config(store, now=now)
    action = getattr(args, "action", None)
    if action == "triage":
        return Triage(store, principal, now, config).run()
    if action == "rules":
        return _rules(store)
    if action is not None:
        return _act(store, principal, now, config, args)
    if args.explain:
        with store.read() as session:
            item = _item(session, args.explain)
            if item.confidential and not args.include_confidential:
                raise PaError(f"{_rid(args.explain)} is confidential (--include-confidential)")
            found = explain(session, item, principal, now=now)
        if args.json:
            print_json(
                {
                    "id": found.key,
                    "score": found.score.total,
                    "terms": [{"term": n, "points": p} for n, p in found.score.terms],
                    "overdue": found.score.overdue,
                    "answer_within": found.answer_within,
                    "rules": found.rules,
                    "waiting_on": found.waiting_on,
                }
            )
        else:
            for text in found.lines():
                line(text)
        return 0
    return _list(store, principal, now, args)


def _list(store: Store, principal: Principal, now: datetime, args: argparse.Namespace) -> int:
    zone = principal.tz
    with store.read() as session:
        if args.screened or args.waiting:
            status = "screened" if args.screened else "delegated"
            items = list(
                session.exec(
                    select(Request)
                    .where(col(Request.principal_id) == principal.id, col(Request.status) == status)
                    .order_by(col(Request.received_at).desc())
                    .limit(args.limit)
                ).all()
            )
            from pa_tui.services.queue_explain import rules_applied, waiting_on

            rows: list[list[str]] = []
            hidden = 0
            for item in items:
                if item.confidential and not args.include_confidential:
                    hidden += 1
                    continue
                sender = session.get(Contact, item.contact_id) if item.contact_id else None
                why = "; ".join(rules_applied(item)) if args.screened else waiting_on(session, item)
                rows.append(
                    [
                        f"r{item.id}",
                        display.KIND_LABEL.get(item.kind, item.kind),
                        display.sender(item, sender),
                        item.subject,
                        display.when_local(item.received_at, zone),
                        why or "",
                    ]
                )
            title = "Screened out" if args.screened else "Waiting on staff"
            last = "why" if args.screened else "waiting on"
            if args.json:
                print_json(
                    [
                        dict(
                            zip(["id", "kind", "from", "subject", "received", last], r, strict=True)
                        )
                        for r in rows
                    ]
                )
            else:
                print_table(title, ["id", "kind", "from", "subject", "received", last], rows)
                note(f"{hidden} confidential left out (--include-confidential)" if hidden else None)
            return 0
        ids = views.queue_ids(session, principal, now=now)
        shown = views.queue_rows(session, principal, ids[: args.limit * 2], now=now)
    hidden = sum(1 for r in shown if r.confidential and not args.include_confidential)
    shown = [r for r in shown if args.include_confidential or not r.confidential][: args.limit]
    headers = ["id", "score", "kind", "from", "subject", "age", "late"]
    rows = [[*r.cells, "OVERDUE" if "overdue" in r.flags else ""] for r in shown]
    if args.json:
        data = [dict(zip(headers, r, strict=True)) for r in rows]
        for entry, row in zip(data, shown, strict=True):
            entry["score"] = row.extra["score"].total  # a number, as in --explain --json
        print_json(data)
    else:
        print_table(f"Queue — {principal.name} ({len(ids)} open)", headers, rows)
        note(f"{hidden} confidential left out (--include-confidential)" if hidden else None)
    return 0


def _rules(store: Store) -> int:
    with store.read() as session:
        stored = queue_settings.stored_rules(session)
        settings = queue_settings.load_settings(session)
    if not stored:
        line("no screening rules (add them to [queue] rules in the config file)")
    for n, rule in enumerate(stored, start=1):
        line(f"{n}. {rule.source}    ({rule.origin})")
    for key, value in sorted(settings.items()):
        line(f"{key} = {age_label(timedelta(minutes=int(value)))}")
    return 0


def _act(
    store: Store,
    principal: Principal,
    now: datetime,
    config: QueueConfig,
    args: argparse.Namespace,
) -> int:
    action = args.action
    custom = dict(config.templates)
    key = _rid(args.id)
    if action == "reply":
        with store.read() as session:
            item = _item(session, args.id)
            if item.confidential and not args.include_confidential:
                raise PaError(
                    f"{key} is confidential (pa queue --include-confidential reply {key})"
                )
            text = (
                triage.decline_draft(
                    session, item, principal, template=args.template, custom=custom, now=now
                )
                if args.template
                else triage.reply_of(item)
            )
        if not text:
            raise PaError(f"{key} has no reply draft yet (decline or accept it, or --template)")
        line(text)
        return 0
    with store.write() as session:
        item = _item(session, args.id)
        owner = session.get(Principal, item.principal_id) or principal  # the item's own
        message = _apply(session, item, owner, now, action, args, custom)
    line(message)
    return 0


def _apply(
    session: Session,
    item: Request,
    principal: Principal,
    now: datetime,
    action: str,
    args: argparse.Namespace,
    custom: dict[str, str],
) -> str:
    key = f"r{item.id}"
    zone = principal.tz
    if action == "accept":
        if item.kind == "document":
            task = triage.approve_document(session, item, principal, now=now, actor=_actor())
            return f"approved {key}: t{task.id} {task.title} due {task.due_date}"
        offers = _offers(session, item, principal, now)
        if not 1 <= args.slot <= len(offers):
            raise PaError(f"--slot must be 1..{len(offers)}" if offers else "no free slot")
        made = triage.accept(
            session,
            item,
            principal,
            slot=offers[args.slot - 1],
            now=now,
            actor=_actor(),
            custom=custom,
        )
        prefix = "t" if item.kind == "call" else "e"
        return f"accepted {key}: {prefix}{made.id} at {display.when_local(offers[args.slot - 1][0], zone)}"
    if action == "decline":
        reply = triage.decline_draft(
            session, item, principal, template=args.template, custom=custom, now=now
        )
        triage.decline(
            session,
            item,
            reason=args.reason or f"declined ({args.template})",
            now=now,
            actor=_actor(),
            reply=reply,
        )
        return f"declined {key}; reply draft: pa queue reply {key}"
    if action == "snooze":
        until = parse_when(" ".join(args.when), now, zone)
        triage.snooze(session, item, until=until, now=now, actor=_actor())
        return f"snoozed {key} until {display.when_local(until, zone)}"
    if action == "delegate":
        staff = [c for c in triage.staff_of(session, principal)]
        from pa_tui.services.screening import staff_match

        picked = staff_match(args.staff, [(c.id or 0, c.name) for c in staff])
        if picked is None:
            names = ", ".join(c.name for c in staff) or "none (pa contact add NAME --staff)"
            raise PaError(f"no single staff contact matches {args.staff!r} (staff: {names})")
        person = next(c for c in staff if c.id == picked)
        due = None
        if args.due:
            due = local_today(parse_when(args.due, now, zone), zone)
        task = triage.delegate(
            session, item, principal, staff=person, now=now, due=due, actor=_actor()
        )
        return f"delegated {key} to {person.name}: t{task.id} due {task.due_date}"
    if action == "task":
        task = triage.convert(session, item, principal, now=now, actor=_actor())
        return f"{key} is now task t{task.id}"
    if action == "done":
        triage.done(session, item, now=now, actor=_actor())
        return f"done {key}"
    if action == "reopen":
        triage.reopen(session, item, now=now, actor=_actor())
        return f"reopened {key}: back in the queue"
    if action == "paid":
        triage.mark_paid(session, item, now=now, actor=_actor())
        return f"paid {key}"
    raise PaError(f"unknown action {action}")


def _offers(
    session: Session, item: Request, principal: Principal, now: datetime
) -> list[tuple[datetime, datetime]]:
    respect_cap = not triage.allowed_through(session, item)
    return triage.slot_offers(session, item, principal, now=now, respect_cap=respect_cap)


def parse_when(text: str, now: datetime, zone: str) -> datetime:
    """A typed date/time in the capture grammar (fri 9am, 27 jan, tomorrow) as a UTC instant."""
    try:
        cap = capture.parse_line(text, today=local_today(now, zone))
    except capture.CaptureError as exc:
        raise PaError(f"{text!r}: {exc}") from None
    day = cap.date or cap.due
    if day is None and cap.time is None:
        raise PaError(f"no date or time in {text!r} (e.g. fri 9am, 27 jan, tomorrow)")
    return local_to_utc(datetime.combine(day or local_today(now, zone), cap.time or time(9)), zone)


def _actor() -> str:
    import os

    return os.environ.get("USER") or os.environ.get("LOGNAME") or "pa"


class Triage:
    """One item at a time, one key per answer; `u` undoes the last answer, `q` stops."""

    KEYS = (
        "a accept · c decline · s snooze · o delegate · t task · x done · n next · u undo · q quit"
    )

    def __init__(
        self, store: Store, principal: Principal, now: datetime, config: QueueConfig
    ) -> None:
        from pa_tui.services.undo import UndoStack

        self.store = store
        self.principal = principal
        self.now = now
        self.custom = dict(config.templates)
        self.undo = UndoStack(store)
        self.skipped: set[int] = set()
        self.decided = 0

    def key(self, prompt: str) -> str:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        if sys.stdin.isatty():
            import termios
            import tty

            fd = sys.stdin.fileno()
            old = termios.tcgetattr(fd)
            try:
                tty.setcbreak(fd)
                ch = sys.stdin.read(1)
            finally:
                termios.tcsetattr(fd, termios.TCSADRAIN, old)
            sys.stdout.write(ch + "\n")
            return ch
        # Piped answers (scripts, tests): one per line, the first character counts.
        text = sys.stdin.readline()
        if not text:
            return "q"
        sys.stdout.write(text.strip() + "\n")
        return text.strip()[:1] or "\n"

    def ask_line(self, prompt: str) -> str:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        return sys.stdin.readline().strip()

    def next_item(self) -> Request | None:
        with self.store.read() as session:
            for rid in views.queue_ids(session, self.principal, now=self.now):
                if rid in self.skipped:
                    continue
                item = session.get(Request, rid)
                if item is not None and not item.confidential:
                    return item
        return None

    def show(self, item: Request) -> None:
        with self.store.read() as session:
            sender = session.get(Contact, item.contact_id) if item.contact_id else None
            found = explain(session, item, self.principal, now=self.now)
        line("")
        line(
            f"r{item.id}  {display.KIND_LABEL.get(item.kind, item.kind)} from "
            f"{display.sender(item, sender) or '?'}: {item.subject}"
        )
        if item.body:
            line("  " + clean(item.body, single_line=True)[:200])
        line(f"  score {found.score.explain()}" + ("  OVERDUE" if found.score.overdue else ""))

    def run(self) -> int:
        line(self.KEYS)
        while True:
            item = self.next_item()
            if item is None:
                line(f"queue clear: {self.decided} decided")
                return 0
            self.show(item)
            answer = self.key("? ")
            if answer == "q":
                line(f"stopped: {self.decided} decided")
                return 0
            if answer == "n":
                self.skipped.add(item.id or 0)
                continue
            if answer == "u":
                label = self.undo.undo()
                line(f"undid: {label}" if label else "nothing to undo")
                self.decided -= 1 if label else 0
                continue
            try:
                message = self.answer(item, answer)
            except PaError as exc:
                line(f"error: {exc}")
                continue
            if message:
                self.decided += 1
                line(message)

    def answer(self, item: Request, answer: str) -> str | None:
        zone = self.principal.tz
        if answer == "a" and item.kind != "document":
            with self.store.read() as session:
                offers = _offers(session, item, self.principal, self.now)[:5]
            if not offers:
                raise PaError("no free slot in the next 14 days")
            for n, (s, e) in enumerate(offers, start=1):
                line(
                    f"  {n}  {display.when_local(s, zone)}–{display.when_local(e, zone, with_date=False)}"
                )
            pick = self.key("slot? ")
            if not pick.isdigit() or not 1 <= int(pick) <= len(offers):
                return None
            args = argparse.Namespace(slot=int(pick))
        elif answer == "s":
            presets = triage.snooze_presets(self.now, zone)
            for n, label in enumerate(presets, start=1):
                line(f"  {n}  {label}")
            line(f"  {len(presets) + 1}  type a date")
            pick = self.key("until? ")
            if pick.isdigit() and 1 <= int(pick) <= len(presets):
                until = list(presets.values())[int(pick) - 1]
            elif pick == str(len(presets) + 1):
                until = parse_when(self.ask_line("date: "), self.now, zone)
            else:
                return None
            return self._do(item, "snooze-at", argparse.Namespace(until=until))
        elif answer == "o":
            with self.store.read() as session:
                staff = triage.staff_of(session, self.principal)
            if not staff:
                raise PaError("no staff contacts (pa contact add NAME --staff)")
            for n, person in enumerate(staff[:9], start=1):
                line(f"  {n}  {person.name}")
            pick = self.key("to? ")
            if not pick.isdigit() or not 1 <= int(pick) <= min(9, len(staff)):
                return None
            args = argparse.Namespace(staff=staff[int(pick) - 1].name, due=None)
        elif answer == "c":
            args = argparse.Namespace(reason=None, template="decline")
        else:
            args = argparse.Namespace(slot=1)
        verbs = {"a": "accept", "c": "decline", "o": "delegate", "t": "task", "x": "done"}
        if answer not in verbs:
            line(self.KEYS)
            return None
        return self._do(item, verbs[answer], args)

    def _do(self, item: Request, action: str, args: argparse.Namespace) -> str:
        with self.undo.action(f"{action} r{item.id}") as session:
            fresh = session.get(Request, item.id)
            assert fresh is not None
            if action == "snooze-at":
                triage.snooze(session, fresh, until=args.until, now=self.now, actor=_actor())
                return (
                    f"snoozed r{item.id} until {display.when_local(args.until, self.principal.tz)}"
                )
            return _apply(session, fresh, self.principal, self.now, action, args, self.custom)
