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
