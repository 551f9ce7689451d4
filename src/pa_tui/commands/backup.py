"""`pa backup [PATH]` (SQLite's online backup API: consistent while the cockpit writes) and
`pa restore PATH` (checked first; the current store is kept aside)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pa_tui import backup
from pa_tui.commands.output import line
from pa_tui.errors import PaError
from pa_tui.paths import data_dir, resolve_store


def run(args: argparse.Namespace) -> int:
    target = resolve_store(getattr(args, "db", None))
    if target.sqlite_file is None:
        raise PaError("backup and restore work on a SQLite store; use pg_dump for PostgreSQL")
    db = Path(target.sqlite_file)
    if args.command == "backup":
        dest = Path(args.path) if args.path else Path(data_dir()) / "backups"
        made = backup.backup(db, dest, folder=not args.path or args.path.endswith(os.sep))
        line(f"backed up {db} to {made} (schema {backup.check(made)})")
        return 0
    kept = backup.restore(Path(args.path), db)
    line(f"restored {args.path} into {db}; the store before is kept as {kept}")
    return 0
