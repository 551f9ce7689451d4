"""`pa import FILE...` (one transaction for all files: a bad one names FILE:LINE and nothing is
written) and `pa export events|tasks|contacts --format ... [--out F]` (confidential rows only
with --include-confidential; the count left out is said)."""

from __future__ import annotations

import argparse
import os
import sys

from pa_tui.commands.context import principal_and_now, store_for
from pa_tui.commands.output import print_json
from pa_tui.errors import PaError
from pa_tui.services.textsafe import clean


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    principal, now = principal_and_now(store, args)
    if args.command == "import":
        from pa_tui.interop.importer import import_files, json_safe_summary

        with store.write() as session:
            summary = import_files(session, principal, args.files, now=now, fmt=args.format)
            if args.dry_run:
                session.rollback()
        if args.json:
            print_json({**json_safe_summary(summary), "dry_run": args.dry_run})
        else:
            print(clean(("would have " if args.dry_run else "") + summary.line()))
        return 0
    from pa_tui.interop.exporter import export

    # A write transaction: rows made in pa-tui get the UID the export gives them.
    with store.write() as session:
        found = export(
            session,
            principal,
            args.what,
            args.format,
            include_confidential=args.include_confidential,
        )
    if args.out:
        _write_private(args.out, found.text)
    else:
        sys.stdout.write(found.text)
    note = f"exported {found.count} {args.what}"
    if found.hidden:
        note += f"; {found.hidden} confidential left out (--include-confidential)"
    print(note, file=sys.stderr)
    return 0


def _write_private(path: str, text: str) -> None:
    """0600 whatever the umask: an export can hold an executive's calendar and contacts."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise PaError(f"{path}: cannot write: {exc.strerror}") from None
