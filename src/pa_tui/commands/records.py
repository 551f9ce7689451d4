"""`pa done ID`, `pa show ID`, `pa delete ID`."""

from __future__ import annotations

import argparse

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import line, print_json
from pa_tui.errors import PaError
from pa_tui.services import records


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    if args.command == "show":
        with store.read() as session:
            data = records.describe(session, args.id)
        if data.get("confidential") and not args.include_confidential:
            # As dossier, minutes, trip show and queue --explain: naming an id is not asking
            # for a confidential record (a script's log or a shared screen would show it).
            raise PaError(f"{data['id']} is confidential; add --include-confidential to show it")
        if args.json:
            print_json(data)
        else:
            for key, value in data.items():
                if value not in (None, "", [], False) or key in ("confidential",):
                    shown = "; ".join(map(str, value)) if isinstance(value, list) else value
                    line(f"{key:>16}: {shown}")
        return 0
    _principal, now = principal_and_now(store, args)
    with store.write() as session:
        if args.command == "done":
            message = records.mark_done(session, args.id, now=now)
        else:
            message = records.delete_record(session, args.id)
    line(message)
    return 0
