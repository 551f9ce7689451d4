"""The same models on PostgreSQL, for a team sharing one store (PA_TEST_POSTGRES_URL; .ci/run
starts a local server when it can). Search and audit take the portable roads there."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from conftest import NOW, run_pa
from pa_tui.models import AuditEntry, Task
from pa_tui.paths import resolve_store
from pa_tui.schema_version import SCHEMA_VERSION
from pa_tui.services import contacts, demo, principals, queue, search
from pa_tui.store import Store

BASE_URL = os.environ.get("PA_TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(
    not BASE_URL, reason="no PostgreSQL: set PA_TEST_POSTGRES_URL (.ci/run starts one)"
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database per test, dropped afterwards."""
    name = f"pa_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = BASE_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_store_services_search_and_audit(pg_url: str) -> None:
    store = Store(resolve_store(pg_url))
    assert store.version >= 1 and not store.is_sqlite
    with store.write() as session:
        p = principals.ensure_default(session, now=NOW)
        anna = contacts.create_contact(session, principal=p, name="Anna Berg", now=NOW, vip=2)
        item = queue.create_request(session, principal=p, subject="merger", now=NOW, actor="t")
        queue.set_status(session, item, "declined", now=NOW, note="not now", actor="t")
    with store.read() as session:
        hits = search.search(session, p.id, "berg")
        assert [(h.kind, h.id) for h in hits] == [("contact", anna.id)]
        audit = session.exec(select(AuditEntry).where(AuditEntry.entity_id == item.id)).all()
        assert [(a.from_status, a.to_status) for a in audit] == [(None, "new"), ("new", "declined")]
    store.close()
    # A second open reads the version from pa_meta and changes nothing.
    assert Store(resolve_store(pg_url)).version == store.version


def test_demo_then_capture_through_the_cli(pg_url: str) -> None:
    env = {"PA_DATABASE_URL": pg_url}
    assert run_pa("demo", env=env).code == 0
    # Explicit ids in the demo must not break the sequences of later inserts.
    r = run_pa("contact", "add", "Zed Quux", env=env)
    assert r.code == 0, r.err
    r = run_pa("add", "Call", "Zed", "tomorrow", "3pm", "p1", "@zed", env=env)
    assert r.code == 0, r.err
    assert "@Zed Quux" in r.out
    store = Store(resolve_store(pg_url))
    with store.read() as session:
        task = session.exec(select(Task).where(Task.title == "Call Zed")).one()
        assert task.priority == 1 and str(task.due_date) == "2026-11-26"
        assert demo  # the module under test is the one the CLI ran
    store.close()


def test_newer_store_is_refused(pg_url: str) -> None:
    Store(resolve_store(pg_url)).close()
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE pa_meta SET value = '999' WHERE key = 'schema_version'"))
    engine.dispose()
    r = run_pa("list", "tasks", env={"PA_DATABASE_URL": pg_url})
    assert r.code == 2 and "newer" in r.err and "Traceback" not in r.err


def test_queue_engine_on_postgres(pg_url: str, tmp_path) -> None:
    """Rules copied from the config screen a `pa req` on PostgreSQL (the services path there);
    the queue sorts by the Python score; approval, payment and the invoice report work."""
    config = tmp_path / "c.toml"
    config.write_text(
        '[queue]\nrules = ["kind=document and subject~invoice -> delegate Fin",'
        ' "subject~lottery -> screen out"]\nanswer = { call = "30m" }\n',
        encoding="utf-8",
    )
    env = {"PA_DATABASE_URL": pg_url, "PA_CONFIG": str(config)}
    assert run_pa("contact", "add", "Finance Team", "--staff", env=env).code == 0
    r = run_pa("req", "document", "Acme", "Invoice", "9", "amt:99.50EUR", env=env)
    assert r.code == 0, r.err
    r = run_pa("call", "Bob", "lottery", "news", env=env)
    assert r.code == 0, r.err
    r = run_pa("req", "document", "Globex", "Contract", "amt:10EUR", "due:2026-11-20", env=env)
    assert r.code == 0, r.err
    store = Store(resolve_store(pg_url))
    with store.read() as session:
        from pa_tui.models import QueueDocument, Request

        items = {r.subject: r for r in session.exec(select(Request)).all()}
        assert items["Invoice 9"].status == "delegated"
        assert items["lottery news"].status == "screened"
        assert session.get(QueueDocument, items["Invoice 9"].id).amount_cents == 9950
        waiting = session.exec(select(Task).where(Task.request_id == items["Invoice 9"].id)).one()
        assert waiting.status == "waiting"
        contract = items["Contract"].id
    store.close()
    assert run_pa("queue", "accept", f"r{contract}", env=env).code == 0
    r = run_pa("report", "invoices", "--json", env=env)
    assert r.code == 0, r.err
    import json

    states = {d["id"]: d["state"] for d in json.loads(r.out)["documents"]}
    assert states[f"r{contract}"] == "overdue"
    r = run_pa("queue", "--json", env=env)
    assert r.code == 0, r.err
    assert [d["id"] for d in json.loads(r.out)] == []  # everything decided or screened


def test_schema_8_store_gains_the_attendee_index(pg_url: str) -> None:
    """The v8 -> v9 step on PostgreSQL: the attendee index comes through the models (the score
    ceiling index is SQLite's own), and a second open finds nothing to do."""
    Store(resolve_store(pg_url)).close()
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_event_attendee_contact"))
        conn.execute(text("UPDATE pa_meta SET value = '8' WHERE key = 'schema_version'"))

    def indexes() -> set[str]:
        with engine.connect() as conn:
            return set(
                conn.execute(
                    text("SELECT indexname FROM pg_indexes WHERE tablename = 'event_attendee'")
                ).scalars()
            )

    assert "ix_event_attendee_contact" not in indexes()
    store = Store(resolve_store(pg_url))
    assert store.version == SCHEMA_VERSION
    store.close()
    assert "ix_event_attendee_contact" in indexes()
    assert Store(resolve_store(pg_url)).version == SCHEMA_VERSION
    engine.dispose()
