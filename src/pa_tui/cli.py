"""The `pa` command. Capture commands go to a fast path before argparse is even built; every other
subcommand module is imported only when it runs, so `pa add` never pays for SQLModel or Textual."""

from __future__ import annotations

import sys

from pa_tui import __version__

TYPE_CHECKING = False  # argparse and typing load only off the capture path
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import NoReturn

CAPTURE_COMMANDS = ("add", "event", "call", "req")
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            # One line, no usage dump: a script's log shows what was wrong.
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    parser = _Parser(prog="pa", description="pa-tui: the assistant's cockpit and quick capture.")
    parser.add_argument("--version", action="version", version=f"pa-tui {__version__}")
    parser.add_argument(
        "--db", help="store: a SQLite path or SQLAlchemy URL (beats PA_DATABASE_URL, PA_DB)"
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, *, json: bool = True, conf: bool = True) -> None:
        p.add_argument("--for", dest="principal", metavar="PRINCIPAL", help="whose store rows")
        if json:
            p.add_argument("--json", action="store_true", help="machine-readable output")
        if conf:
            p.add_argument(
                "--include-confidential", action="store_true", help="show confidential rows too"
            )

    for name, hlp in (
        ("add", "capture a task: pa add Call Bob tomorrow 3pm p1 pro:board"),
        ("event", "capture an event: pa event Board meeting fri 10:00-12:00"),
        ("call", "log a call: pa call NAME [NUMBER] TEXT..."),
        ("req", "log a request: pa req meeting|visitor|document|email|other NAME TEXT..."),
    ):
        sub.add_parser(name, help=hlp, add_help=False)

    p = sub.add_parser("list", help="list tasks, events, queue items or contacts")
    p.add_argument("what", choices=("tasks", "events", "queue", "contacts"))
    p.add_argument("--all", action="store_true", help="tasks: include done and cancelled")
    p.add_argument("--limit", type=int, default=200)
    common(p)

    p = sub.add_parser("agenda", help="the agenda from DATE (default today)")
    p.add_argument("date", nargs="?", help="YYYY-MM-DD, today or tomorrow")
    p.add_argument("--days", type=int, default=1)
    common(p)

    for name, hlp in (("done", "mark a task or queue item done"), ("show", "show a record")):
        p = sub.add_parser(name, help=hlp)
        p.add_argument("id", help="t12, e3, r7, c5")
        if name == "show":
            p.add_argument("--json", action="store_true")
            p.add_argument(
                "--include-confidential",
                action="store_true",
                help="show the record even if it is confidential",
            )
    p = sub.add_parser("delete", help="delete a record")
    p.add_argument("id")

    p = sub.add_parser("search", help="search contacts, tasks, queue and events")
    p.add_argument("term", nargs="+")
    common(p)

    contact = sub.add_parser("contact", help="add or edit a contact")
    csub = contact.add_subparsers(dest="action", required=True, parser_class=_Parser)
    for action in ("add", "edit"):
        p = csub.add_parser(action)
        p.add_argument("target", metavar="NAME" if action == "add" else "ID")
        if action == "edit":
            p.add_argument("--name")
        p.add_argument("--email", action="append", default=[])
        p.add_argument("--phone", action="append", default=[])
        p.add_argument("--org")
        p.add_argument("--role")
        p.add_argument("--birthday", help="YYYY-MM-DD, or --MM-DD without a year")
        p.add_argument("--vip", type=int, choices=range(4))
        p.add_argument("--policy", choices=("through", "screen", "block"))
        p.add_argument("--staff", action=argparse.BooleanOptionalAction, default=None)
        p.add_argument("--notes")
        p.add_argument("--confidential", action=argparse.BooleanOptionalAction, default=None)
        p.add_argument("--json", action="store_true")
        if action == "add":
            p.add_argument("--for", dest="principal", metavar="PRINCIPAL")

    p = csub.add_parser("relate", help="a relation: pa contact relate c5 spouse 'Maria Berg'")
    p.add_argument("target", metavar="ID")
    p.add_argument("kind", help="spouse partner child parent assistant reports-to colleague custom")
    p.add_argument("other", help="a contact (name, email, phone, c12) or a plain name")
    p.add_argument("--label", help="for custom: godmother, mentor...")
    p.add_argument("--plain", action="store_true", help="a plain name even if a contact matches")
    p.add_argument("--birthday", help="the plain-named relation's birthday (YYYY-MM-DD, --MM-DD)")
    p = csub.add_parser("date", help="an important date: birthday, anniversary, custom")
    p.add_argument("target", metavar="ID")
    p.add_argument("kind", choices=("birthday", "anniversary", "custom"))
    p.add_argument("date", help="YYYY-MM-DD, or --MM-DD without a year")
    p.add_argument("--label")
    p = csub.add_parser("log", help="log an interaction: pa contact log c5 call Talked budget")
    p.add_argument("target", metavar="ID")
    p.add_argument("kind", choices=("call", "meeting", "email", "gift", "note"))
    p.add_argument("summary", nargs="+")
    p.add_argument("--at", help="when (capture grammar: yesterday, 'mon 3pm'); default now")
    p.add_argument("--confidential", action="store_true")
    p = csub.add_parser("cadence", help="keep in touch: pa contact cadence c5 6w (or none)")
    p.add_argument("target", metavar="ID")
    p.add_argument("every", help="6w, every 2 months, 10d, none")
    p = csub.add_parser("overdue", help="contacts overdue for a touch, by their cadence")
    common(p)
    p = csub.add_parser("dupes", help="likely duplicate contacts")
    common(p)
    p = csub.add_parser("merge", help="merge OTHER into KEEP, keeping every link")
    p.add_argument("target", metavar="KEEP")
    p.add_argument("other", metavar="OTHER")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("dossier", help="everything about a person, event or queue item")
    p.add_argument("term", nargs="+", help="a name, email, phone (any format), c5, e12 or r7")
    common(p)
    p = sub.add_parser("dates", help="birthdays and anniversaries coming up, as sentences")
    p.add_argument("--days", type=int, default=14)
    p.add_argument("--remind", type=int, metavar="N",
                   help="also make a task N days ahead of each date (once a year per date)")  # fmt: skip
    common(p)

    principal = sub.add_parser("principal", help="the executives served")
    psub = principal.add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = psub.add_parser("add")
    p.add_argument("name")
    p.add_argument("--tz", help="IANA zone (default: the machine's)")
    p.add_argument("--default", action="store_true")
    psub.add_parser("list").add_argument("--json", action="store_true")
    psub.add_parser("default").add_argument("name")
    p = psub.add_parser("set", help="scheduling policy: hours, buffer, cap, protected time")
    p.add_argument("name", nargs="?", help="principal (default: the default one)")
    p.add_argument("--hours", metavar="SPEC", help='working hours, e.g. "mon-thu 09-17, fri 09-13"')
    p.add_argument("--buffer", metavar="MIN", help="travel buffer around events with a location")
    p.add_argument("--cap", metavar="N", help="meetings per day the queue may accept (or none)")
    p.add_argument("--protect", metavar="SPEC", action="append", default=[],
                   help='a protected block, e.g. "mon-fri 08:00-09:00 Focus" (repeatable)')  # fmt: skip
    p.add_argument("--unprotect", metavar="ID", type=int, action="append", default=[])
    p = psub.add_parser("show", help="a principal's scheduling policy")
    p.add_argument("name", nargs="?")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("free", help="free slots: pa free 45m next week --with Carl")
    p.add_argument("duration", help="45m, 1h, 1h30m")
    p.add_argument("window", nargs="*", help="next week, this week, 2 weeks, fri (default: 7 days)")
    p.add_argument("--with", dest="with_", action="append", default=[], metavar="CONTACT",
                   help="also clear of the events this contact attends (repeatable)")  # fmt: skip
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--away", action="store_true", help="the meeting is elsewhere: keep buffers")
    common(p)

    p = sub.add_parser("remind", help="print due reminders (each once); --watch keeps going")
    p.add_argument("--watch", action="store_true", help="keep checking every --interval seconds")
    p.add_argument("--interval", type=float, default=30.0)
    p.add_argument("--peek", action="store_true", help="show without marking them raised")
    common(p)

    p = sub.add_parser("minutes", help="a meeting's agenda, attendees and minutes")
    p.add_argument("id", help="the event, e.g. e12")
    p.add_argument("--on", metavar="DATE", help="which occurrence of a recurring meeting")
    p.add_argument("--md", action="store_true", help="Markdown output")
    p.add_argument("--from", dest="from_", metavar="FILE",
                   help="save these minutes (- for stdin); action items become tasks")  # fmt: skip
    common(p, json=False)

    trip = sub.add_parser("trip", help="trips: add, seg (a segment), list, show")
    tsub = trip.add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = tsub.add_parser("add")
    p.add_argument("title")
    p.add_argument("--confidential", action="store_true")
    common(p, json=False, conf=False)
    p = tsub.add_parser("seg", help="add a segment: flight, train, hotel, car, meeting, other")
    p.add_argument("trip", type=int)
    p.add_argument("kind")
    p.add_argument("title")
    p.add_argument("--start", required=True, help="local wall time, 2026-12-02 10:05")
    p.add_argument("--end", required=True, help="local wall time where it ends")
    p.add_argument("--tz", help="the start's zone (default: the principal's)")
    p.add_argument("--end-tz", help="the end's zone (a flight's arrival)")
    p.add_argument("--from", dest="origin")
    p.add_argument("--to", dest="dest")
    p.add_argument("--conf", help="confirmation code")
    p.add_argument("--at", help="address")
    common(p, json=False, conf=False)
    p = tsub.add_parser("show")
    p.add_argument("trip", type=int)
    common(p)
    p = tsub.add_parser("list")
    common(p, json=False)

    p = sub.add_parser("queue", help="the gatekeeping queue: list, explain, triage, reply")
    p.add_argument("--explain", metavar="ID", help="how an item's score was made, term by term")
    p.add_argument("--screened", action="store_true", help="the screened-out items")
    p.add_argument("--waiting", action="store_true", help="delegated items and whom they wait on")
    p.add_argument("--limit", type=int, default=50)
    common(p)
    qsub = p.add_subparsers(dest="action", parser_class=_Parser, metavar="ACTION")
    qsub.add_parser("triage", help="walk the queue one item at a time, one key per answer")
    for name, hlp in (
        ("reply", "print an item's reply draft"),
        ("accept", "accept: book a free slot (a call: a call-back task; a document: approve)"),
        ("decline", "decline with a reason; a reply draft is made from a template"),
        ("snooze", "hide until a date: pa queue snooze r12 fri 9am"),
        ("delegate", "a task for a staff contact: pa queue delegate r12 Finance"),
        ("task", "turn into a task"),
        ("done", "mark done"),
        ("reopen", "back into the queue (a screened-out item, or a decision taken back)"),
        ("paid", "a document's invoice was paid"),
    ):
        q = qsub.add_parser(name, help=hlp)
        q.add_argument("id", help="r12 or 12")
        if name == "reply":
            q.add_argument("--template", help="make a draft from this template instead")
        if name == "accept":
            q.add_argument("--slot", type=int, default=1, help="which of the free slots (1-5)")
        if name == "decline":
            q.add_argument("--reason", help="the reason kept on the item")
            q.add_argument("--template", default="decline", help="reply template name")
        if name == "snooze":
            q.add_argument("when", nargs="+", help="a date/time in the capture grammar")
        if name == "delegate":
            q.add_argument("staff", help="a staff contact's name")
            q.add_argument("--due", help="due date (default: two working days)")
    qsub.add_parser("rules", help="the screening rules in force")

    report = sub.add_parser("report", help="reports: invoices, queue figures")
    rsub = report.add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = rsub.add_parser("invoices", help="open, overdue and paid documents with totals")
    common(p)
    p = rsub.add_parser("queue", help="per day: received, decided, median time, overdue")
    p.add_argument("--week", action="store_true", help="the last 7 days (the default)")
    p.add_argument("--days", type=int, default=7)
    common(p)

    p = sub.add_parser("import", help="import .ics, .vcf, Taskwarrior JSON or CSV files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("ics", "vcf", "taskwarrior", "csv"))
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    common(p, conf=False)
    p = sub.add_parser("export", help="export events, tasks or contacts")
    p.add_argument("what", choices=("events", "tasks", "contacts"))
    p.add_argument("--format", required=True, choices=("ics", "vcf", "json", "csv"))
    p.add_argument("--out", metavar="FILE", help="write here (0600) instead of stdout")
    common(p, json=False)

    p = sub.add_parser("brief", help="the day at a glance")
    p.add_argument("--md", action="store_true", help="Markdown output")
    common(p)

    p = sub.add_parser("demo", help="fill the store with a generated demo data set")
    p.add_argument("--size", type=int, default=0, help="rows per table (scales every table)")
    p.add_argument("--seed", type=int, default=7)

    p = sub.add_parser("backup", help="a consistent copy of the store, safe while it is in use")
    p.add_argument("path", nargs="?", help="file or folder (default: the data dir's backups/)")
    p = sub.add_parser("restore", help="replace the store by a checked backup (kept aside first)")
    p.add_argument("path")

    sub.add_parser("doctor", help="check the store")
    p = sub.add_parser("completion", help="print a shell completion script")
    p.add_argument("shell", choices=("bash", "zsh"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import re

    args_list = list(sys.argv[1:] if argv is None else argv)
    db, rest = _split_db(args_list)
    if rest and rest[0] in CAPTURE_COMMANDS:
        from pa_tui.capture_cli import run_capture

        return run_capture(rest, db=db)
    parser = build_parser()
    # "--12-07" (a date without a year, vCard style) is never an option: let argparse see it
    # as the value it is ("--birthday --12-07", "pa contact date c1 birthday --12-07").
    args_list = [a[2:] if re.fullmatch(r"--\d{1,2}-\d{1,2}", a) else a for a in args_list]
    args = parser.parse_args(args_list)
    if args.command is None:
        return _run_app(args.db)
    from pa_tui.errors import PaError

    try:
        return _dispatch(args)
    except PaError as exc:
        from pa_tui.services.textsafe import clean

        print(f"pa: error: {clean(str(exc), single_line=True)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `pa list tasks | head`: the reader left; stay quiet like other Unix tools.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _split_db(argv: list[str]) -> tuple[str | None, list[str]]:
    """Take a leading `--db PATH` off, so capture words after the command stay untouched."""
    if len(argv) >= 2 and argv[0] == "--db":
        return argv[1], argv[2:]
    if argv and argv[0].startswith("--db="):
        return argv[0][5:], argv[1:]
    return None, argv


def _dispatch(args: argparse.Namespace) -> int:
    import importlib

    module = importlib.import_module(f"pa_tui.commands.{_MODULES[args.command]}")
    return int(module.run(args))


_MODULES = {
    "list": "listing",
    "agenda": "listing",
    "search": "listing",
    "done": "records",
    "show": "records",
    "delete": "records",
    "contact": "contact",
    "principal": "principal",
    "brief": "brief",
    "queue": "queue",
    "dossier": "people",
    "dates": "people",
    "import": "interop",
    "export": "interop",
    "report": "report",
    "free": "free",
    "remind": "remind",
    "minutes": "minutes",
    "trip": "trip",
    "demo": "demo",
    "doctor": "doctor",
    "backup": "backup",
    "restore": "backup",
    "completion": "completion",
}


def _run_app(db: str | None) -> int:
    from pa_tui.errors import PaError

    try:
        from pa_tui.app import run_app

        return run_app(db)
    except PaError as exc:
        print(f"pa: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
