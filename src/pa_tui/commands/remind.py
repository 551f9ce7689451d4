"""`pa remind [--watch]`: print the reminders that are due (each once), for a tmux status line,
a cron mail, or a terminal left open when the cockpit is closed."""

from __future__ import annotations

import argparse
import time

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import print_json
from pa_tui.services import reminders
from pa_tui.services.clock import now_utc
from pa_tui.services.textsafe import clean


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    while True:
        with store.write() as session:
            found = reminders.due(session, principal, now=now)
            if not args.peek:
                reminders.mark_raised(session, found, now=now)
        show = args.include_confidential
        if args.json:
            rows = []
            for r in found:
                title = r.title if show or not r.confidential else None
                rows.append({"key": r.key, "starts": r.starts.isoformat(), "minutes": r.minutes,
                             "title": title})  # fmt: skip
            print_json(rows)
        else:
            for r in found:
                print(clean(r.text(principal.tz, now, show_confidential=show), single_line=True))
        if not args.watch:
            return 0
        try:
            time.sleep(args.interval)
        except KeyboardInterrupt:
            return 0
        now = now_utc(principal.tz)
