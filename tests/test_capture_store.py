"""The fast capture writer agrees with models/: same columns and types, same rows read back."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

import pytest
from sqlalchemy import JSON
from sqlmodel import SQLModel, select

import pa_tui.models as models
from conftest import NOW, run_pa
from pa_tui import capture_store
from pa_tui.models import AuditEntry, Event, Request, Task
from pa_tui.services import principals, records, search
from pa_tui.services.capture import parse_line
from pa_tui.services.capture_rows import event_fields, request_fields, task_fields
from pa_tui.store import Store


@pytest.mark.parametrize("table", sorted(capture_store.COLUMNS))
def test_columns_match_the_models(table: str) -> None:
    assert models  # registers the tables
    sa_table = SQLModel.metadata.tables[table]
    written = capture_store.COLUMNS[table]
    assert set(written) == set(sa_table.columns.keys()), "capture_store.COLUMNS out of step"
    for name, py_type in written.items():
        column_type = sa_table.columns[name].type
        # TypeDecorators (SQLModel's AutoString, UTCDateTime) answer for their impl.
        impl = getattr(column_type, "impl_instance", column_type)
        expected = JSON if py_type is dict else None
        if expected is not None:
            assert isinstance(impl, expected), f"{table}.{name}: {column_type!r}"
        else:
            assert impl.python_type is py_type, f"{table}.{name}: {column_type!r}"


def _row(session: Any, model: Any, row_id: int) -> dict[str, Any]:
    row = session.get(model, row_id)
    data = row.model_dump()
    data.pop("id")
    return data


@pytest.mark.parametrize(
    ("kind", "model", "line"),
    [
        ("task", Task, "Call Bob tomorrow 3pm p1 pro:board +call +Board every! 2 weeks conf:yes"),
        ("task", Task, "Renew passport due:2027-01-15 +travel sched:fri"),
        (
            "event",
            Event,
            'Board meeting fri 10:00-12:00 at "HQ room 4" every month until:2027-06-30',
        ),
        ("event", Event, "Offsite 27 jan for 2d"),
        ("request", Request, "wants 15 min re merger p1 conf:yes due:fri 9:00"),
    ],
)
def test_fast_row_equals_services_row(store: Store, kind: str, model: Any, line: str) -> None:
    """Same capture, two roads: stdlib sqlite3 and SQLModel; the rows read back identical."""
    with store.write() as session:
        principal = principals.ensure_default(session, now=NOW)
    tz, today = principal.tz, date(2026, 11, 25)
    cap = parse_line(line, today=today)
    if kind == "task":
        fields = task_fields(cap, today=today, tz=tz)
    elif kind == "event":
        fields = event_fields(cap, today=today, tz=tz)
    else:
        fields = request_fields(cap, kind="call", today=today, tz=tz)
        fields.update(received_at=NOW, actor="test", from_name="Jane Roe", from_phone="555-0101")
    stamp = {"created_at": NOW, "updated_at": NOW, "principal_id": principal.id}

    with store.write() as session:
        orm_row = model(**fields, **stamp)
        session.add(orm_row)
        session.flush()
        orm_id = orm_row.id

    assert store.target.sqlite_file is not None
    conn = capture_store.connect(store.target.sqlite_file)
    capture_store.begin(conn)
    fast_id = capture_store.insert(conn, kind, {**fields, **stamp})
    conn.execute("COMMIT")
    conn.close()

    with store.read() as session:
        assert _row(session, model, fast_id) == _row(session, model, orm_id)
        # The triggers indexed the fast row like the other one.
        word = (fields.get("title") or fields["subject"]).split()[0]
        hits = search.search_ids(session, kind, word)
        assert fast_id in hits and orm_id in hits
        if kind == "request":
            audit = session.exec(select(AuditEntry).where(AuditEntry.entity_id == fast_id)).all()
            assert [(a.from_status, a.to_status, a.actor) for a in audit] == [(None, "new", "test")]
        # And the services read it like any other row.
        assert (
            records.describe(session, f"{kind[0]}{fast_id}")["confidential"]
            == fields["confidential"]
        )


def test_insert_refuses_unknown_columns(store: Store) -> None:
    assert store.target.sqlite_file is not None
    conn = capture_store.connect(store.target.sqlite_file)
    with pytest.raises(KeyError):
        capture_store.insert(conn, "task", {"title": "x", "no_such_column": 1})
    conn.close()


def test_capture_on_a_fresh_store_goes_through_the_services(db_path: Any) -> None:
    """No store yet: the services path creates it (schema, default principal), then writes."""
    assert not db_path.exists()
    r = run_pa("add", "First", "thing", "tomorrow")
    assert r.code == 0, r.err
    assert r.out.startswith('created t1 "First thing"')
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert conn.execute("SELECT name FROM principal").fetchall() == [("me",)]
    assert conn.execute("SELECT title, due_date FROM task").fetchall() == [
        ("First thing", "2026-11-26")
    ]
