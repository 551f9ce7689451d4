"""`pa doctor`: where the store is, its schema version, row counts, integrity and permissions."""

from __future__ import annotations

import argparse

from sqlalchemy import func
from sqlmodel import select

from pa_tui import migrations, sqlite_schema
from pa_tui.commands.context import store_for
from pa_tui.commands.output import line
from pa_tui.models import Contact, Event, Interaction, Principal, Request, Task


def run(args: argparse.Namespace) -> int:
    store = store_for(args)
    problems = 0
    line(f"store:           {store.target.describe()} ({store.engine.dialect.name})")
    line(f"schema version:  {store.version} (this pa-tui: {migrations.SCHEMA_VERSION})")
    with store.read() as session:
        for model in (Principal, Contact, Event, Task, Request, Interaction):
            count = session.exec(select(func.count()).select_from(model)).one()
            line(f"{model.__tablename__ + ':':<16} {count} rows")
        if store.is_sqlite:
            raw = session.connection().connection.driver_connection
            result = sqlite_schema.integrity_check(raw)  # type: ignore[arg-type]
            problems += result != "ok"
            line(f"integrity_check: {result}")
    path = store.target.sqlite_path
    if path is not None:
        for p, want in ((path.parent, 0o700), (path, 0o600)):
            mode = p.stat().st_mode & 0o777
            ok = mode & ~want == 0
            problems += not ok
            line(
                f"permissions:     {oct(mode)[2:]} {p}"
                + ("" if ok else f" (should be {oct(want)[2:]})")
            )
    line("ok" if not problems else f"{problems} problem(s) found")
    return 0 if not problems else 1
