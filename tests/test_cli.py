"""The `pa` CLI as a subprocess on the temp store (PA_NOW = Wed 25 Nov 2026 08:00 Stockholm)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from conftest import NOW, ZONE, Result, run_pa
from pa_tui.models import Principal
from pa_tui.services import contacts, events, principals, queue, tasks
from pa_tui.store import open_sqlite


def ok(*args: str, **kw: Any) -> Result:
    r = run_pa(*args, **kw)
    assert r.code == 0, (args, r.err)
    assert "Traceback" not in r.err
    return r


def as_json(*args: str) -> Any:
    return json.loads(ok(*args, "--json").out)


def usage_error(*args: str, **kw: Any) -> Result:
    """Exit 2 with exactly one line on stderr, no traceback."""
    r = run_pa(*args, **kw)
    assert r.code == 2, (args, r.code, r.out, r.err)
    assert "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("pa") and ": error:" in lines[0], r.err
    return r


def seed(db_path: Path, fill: Callable[[Session, Principal], Any]) -> Any:
    """Write rows in-process through the services, for the default principal, then close the store."""
    store = open_sqlite(db_path)
    try:
        with store.write() as session:
            principal = principals.ensure_default(session, now=NOW)
            return fill(session, principal)
    finally:
        store.close()


def sections(text: str) -> dict[str, list[str]]:
    """Blank-line separated blocks keyed by their first line."""
    out: dict[str, list[str]] = {}
    for block in text.strip().split("\n\n"):
        head, *rest = block.splitlines()
        out[head] = rest
    return out


def ids_of(listing: dict[str, Any]) -> list[str]:
    return [item["id"] for item in listing["items"]]


# ------------------------------------------------------------------------------------- basics, errors


def test_version_and_usage_errors(db_path: Path) -> None:
    r = ok("--version")
    assert r.out.strip() == "pa-tui 0.1.0"

    r = usage_error("frobnicate")
    assert r.err.startswith("pa: error:") and "frobnicate" in r.err
    r = usage_error("show", "t999")
    assert r.err.startswith("pa: error:") and "t999" in r.err
    r = usage_error("done", "xyz")
    assert r.err.startswith("pa: error:") and "xyz" in r.err
    r = usage_error("agenda", "next-thursday")
    assert r.err.startswith("pa: error:") and "not a date" in r.err


# -------------------------------------------------------------------------------------------- principals


def test_principals_and_for(db_path: Path) -> None:
    def fill(s: Session, default: Principal) -> None:
        assert default.name == "Eva Lind"
        carl = principals.add_principal(s, name="Carl Berg", tz="America/New_York", now=NOW)
        contacts.create_contact(s, principal=default, name="Mine Contact", now=NOW)
        contacts.create_contact(s, principal=carl, name="His Contact", now=NOW)

    r = ok("principal", "add", "Eva Lind", "--tz", "Europe/Oslo")
    assert "Eva Lind" in r.out and "Europe/Oslo" in r.out
    seed(db_path, fill)

    listed = json.loads(ok("principal", "list", "--json").out)
    assert {(p["name"], p["tz"]) for p in listed} == {
        ("Eva Lind", "Europe/Oslo"),
        ("Carl Berg", "America/New_York"),
    }
    assert [p["name"] for p in listed if p["default"]] == ["Eva Lind"]  # the first one made

    # --for selects that principal's rows only.
    assert [i["name"] for i in as_json("list", "contacts", "--for", "Carl Berg")["items"]] == [
        "His Contact"
    ]
    # Without --for: the default principal (Eva, the first one made) and her rows only.
    assert [i["name"] for i in as_json("list", "contacts")["items"]] == ["Mine Contact"]

    r = ok("principal", "default", "Carl Berg")
    assert "Carl Berg" in r.out
    listed = json.loads(ok("principal", "list", "--json").out)
    assert [p["name"] for p in listed if p["default"]] == ["Carl Berg"]
    assert [i["name"] for i in as_json("list", "contacts")["items"]] == ["His Contact"]

    usage_error("list", "contacts", "--for", "Nobody Known")
    usage_error("principal", "add", "Zed", "--tz", "Mars/Olympus")
    usage_error("principal", "default", "Nobody Known")


# ----------------------------------------------------------------------------------------------- contacts


def test_contact_add_show_edit(db_path: Path) -> None:
    r = ok(
        "contact", "add", "Ann Ek",
        "--email", "Ann@Example.com", "--email", "ann.ek@home.se",
        "--phone", "+46 8 123 45 67",
        "--org", "Nordbank", "--role", "CFO",
        "--birthday", "1975-03-02", "--vip", "2", "--policy", "through", "--staff",
    )  # fmt: skip
    assert r.out.startswith("added c1 Ann Ek")
    data = as_json("show", "c1")
    assert data["id"] == "c1" and data["kind"] == "contact"
    assert data["name"] == "Ann Ek"
    assert data["emails"] == ["ann@example.com", "ann.ek@home.se"]
    assert data["phones"] == ["+46 8 123 45 67"]
    assert (data["org"], data["role"], data["vip"], data["policy"]) == (
        "Nordbank",
        "CFO",
        2,
        "through",
    )
    assert data["is_staff"] is True and data["confidential"] is False
    conn = sqlite3.connect(db_path)
    assert conn.execute(
        "SELECT year, month, day FROM important_date WHERE contact_id = 1 AND kind = 'birthday'"
    ).fetchall() == [(1975, 3, 2)]
    conn.close()

    edited = json.loads(
        ok("contact", "edit", "c1", "--org", "Riksbank", "--vip", "3", "--json").out
    )
    assert (edited["org"], edited["vip"], edited["role"], edited["policy"]) == (
        "Riksbank",
        3,
        "CFO",
        "through",
    )

    # Rejected input writes nothing.
    usage_error("contact", "add", "Bad Vip", "--vip", "7")
    usage_error("contact", "add", "Bad Day", "--birthday", "1975-02-30")
    usage_error("contact", "add", "Bad Mail", "--email", "not-an-address")
    usage_error("contact", "edit", "c1", "--org", "Never", "--birthday", "1975-02-30")
    usage_error("contact", "edit", "c99", "--org", "Never")
    listing = as_json("list", "contacts")
    assert [i["name"] for i in listing["items"]] == ["Ann Ek"]
    assert listing["items"][0]["org"] == "Riksbank"


def test_show_contact_json_includes_birthday(db_path: Path) -> None:
    seed(
        db_path,
        lambda s, p: contacts.create_contact(
            s, principal=p, name="Bo Ek", now=NOW, birthday="1975-03-02"
        ),
    )
    data = as_json("show", "c1")
    assert any("1975-03-02" in str(v) or "03-02" in str(v) for v in data.values())


# ----------------------------------------------------------------------------- listings, confidentiality


def _fill_listings(s: Session, p: Principal) -> None:
    tasks.create_task(s, principal=p, title="Open task", now=NOW, due_date=date(2026, 11, 26))
    tasks.create_task(
        s, principal=p, title="Secret task", now=NOW, due_date=date(2026, 11, 26), confidential=True
    )
    events.create_event(
        s, principal=p, title="Open event", now=NOW, start_local=datetime(2026, 11, 26, 10), tz=ZONE
    )
    events.create_event(
        s,
        principal=p,
        title="Secret event",
        now=NOW,
        start_local=datetime(2026, 11, 27, 10),
        tz=ZONE,
        confidential=True,
    )
    queue.create_request(s, principal=p, subject="Open request", now=NOW)
    queue.create_request(s, principal=p, subject="Secret request", now=NOW, confidential=True)
    contacts.create_contact(s, principal=p, name="Open Contact", now=NOW)
    contacts.create_contact(s, principal=p, name="Secret Contact", now=NOW, confidential=True)


TITLE_KEY = {"tasks": "title", "events": "title", "queue": "subject", "contacts": "name"}
NOUN = {"tasks": "task", "events": "event", "queue": "request", "contacts": "Contact"}


@pytest.mark.parametrize("what", ["tasks", "events", "queue", "contacts"])
def test_list_json_hides_confidential(db_path: Path, what: str) -> None:
    seed(db_path, _fill_listings)
    key = TITLE_KEY[what]
    listing = as_json("list", what)
    assert set(listing) == {"items", "hidden_confidential"}
    assert listing["hidden_confidential"] == 1
    assert [item[key] for item in listing["items"]] == [f"Open {NOUN[what]}"]
    everything = as_json("list", what, "--include-confidential")
    assert everything["hidden_confidential"] == 0
    assert sorted(item[key] for item in everything["items"]) == sorted(
        f"{kind} {NOUN[what]}" for kind in ("Open", "Secret")
    )


def test_list_text_says_how_many_are_hidden(db_path: Path) -> None:
    seed(db_path, _fill_listings)
    ok("contact", "add", "Another Secret", "--confidential")
    r = ok("list", "contacts")
    assert "Open Contact" in r.out
    assert "Secret" not in r.out
    assert "2 confidential items not shown" in r.out
    r = ok("list", "tasks")
    assert "Open task" in r.out and "Secret task" not in r.out
    assert "1 confidential item not shown" in r.out
    r = ok("list", "contacts", "--include-confidential")
    assert "Secret Contact" in r.out and "Another Secret" in r.out
    assert "not shown" not in r.out


# ------------------------------------------------------------------------------------------ done, delete


def test_done_and_delete(db_path: Path) -> None:
    def fill(s: Session, p: Principal) -> None:
        tasks.create_task(s, principal=p, title="Pay invoice", now=NOW, due_date=date(2026, 11, 24))
        tasks.create_task(
            s,
            principal=p,
            title="Weekly report",
            now=NOW,
            rrule="FREQ=WEEKLY",
            due_date=date(2026, 11, 25),
        )
        queue.create_request(s, principal=p, subject="Call back Jane", now=NOW)
        contacts.create_contact(s, principal=p, name="Not Doable", now=NOW)

    seed(db_path, fill)
    r = ok("done", "t1")
    assert "t1" in r.out and "next" not in r.out
    shown = as_json("show", "t1")
    assert shown["status"] == "done" and shown["completed_at"]
    usage_error("done", "t1")

    r = ok("done", "t2")
    assert "next t3 due 2026-12-02" in r.out
    nxt = as_json("show", "t3")
    assert (nxt["title"], nxt["status"], nxt["due_date"], nxt["rrule"]) == (
        "Weekly report",
        "todo",
        "2026-12-02",
        "FREQ=WEEKLY",
    )
    assert ids_of(as_json("list", "tasks")) == ["t3"]

    ok("done", "r1")
    req = as_json("show", "r1")
    assert req["status"] == "done"
    assert [h.split(" ", 1)[1] for h in req["history"]] == ["- -> new", "new -> done"]
    usage_error("done", "c1")

    r = ok("delete", "t1")
    assert "deleted t1 Pay invoice" in r.out
    usage_error("show", "t1")


# ------------------------------------------------------------------------------------------------ agenda


def test_agenda_window_with_recurring_event(db_path: Path) -> None:
    def fill(s: Session, p: Principal) -> None:
        events.create_event(
            s,
            principal=p,
            title="Friday sync",
            now=NOW,
            start_local=datetime(2026, 11, 6, 9),
            end_local=datetime(2026, 11, 6, 9, 30),
            tz=ZONE,
            rrule="FREQ=WEEKLY;BYDAY=FR",
        )  # e1
        events.create_event(
            s,
            principal=p,
            title="Thursday dinner",
            now=NOW,
            start_local=datetime(2026, 11, 26, 19),
            tz=ZONE,
        )  # e2
        events.create_event(
            s,
            principal=p,
            title="Saturday late",
            now=NOW,
            start_local=datetime(2026, 11, 28, 23, 30),
            end_local=datetime(2026, 11, 28, 23, 45),
            tz=ZONE,
        )  # e3
        events.create_event(
            s,
            principal=p,
            title="Sunday brunch",
            now=NOW,
            start_local=datetime(2026, 11, 29, 0, 0),
            tz=ZONE,
        )  # e4
        events.create_event(
            s,
            principal=p,
            title="Tokyo call",
            now=NOW,
            start_local=datetime(2026, 11, 28, 17),
            tz="Asia/Tokyo",
        )  # e5

    seed(db_path, fill)
    agenda = as_json("agenda", "2026-11-27", "--days", "2")
    got = [(i["id"], i["when"], i["title"]) for i in agenda["items"]]
    assert got == [
        ("e1", "2026-11-27 09:00-09:30", "Friday sync ↻"),
        ("e5", "2026-11-28 09:00-10:00 (17:00 Asia/Tokyo)", "Tokyo call"),
        ("e3", "2026-11-28 23:30-23:45", "Saturday late"),
    ]
    # Today (Wed 25 Nov) has nothing at all.
    r = ok("agenda")
    assert r.out.strip() == ""


# ------------------------------------------------------------------------------------------------- brief


def _fill_brief(s: Session, p: Principal) -> None:
    events.create_event(
        s,
        principal=p,
        title="Lunch with Bo",
        now=NOW,
        start_local=datetime(2026, 11, 25, 12),
        tz=ZONE,
    )
    events.create_event(
        s,
        principal=p,
        title="Tomorrow thing",
        now=NOW,
        start_local=datetime(2026, 11, 26, 12),
        tz=ZONE,
    )
    events.create_event(
        s,
        principal=p,
        title="Hush meeting",
        now=NOW,
        start_local=datetime(2026, 11, 25, 15),
        tz=ZONE,
        confidential=True,
    )
    queue.create_request(
        s, principal=p, subject="Merger talk", now=NOW, from_name="Jane Roe", urgency=1
    )
    queue.create_request(s, principal=p, subject="Hush call", now=NOW, confidential=True)
    tasks.create_task(s, principal=p, title="Overdue invoice", now=NOW, due_date=date(2026, 11, 20))
    tasks.create_task(s, principal=p, title="Next week task", now=NOW, due_date=date(2026, 12, 2))
    tasks.create_task(
        s, principal=p, title="Hush task", now=NOW, due_date=date(2026, 11, 20), confidential=True
    )
    contacts.create_contact(s, principal=p, name="Bo Ek", now=NOW, birthday="1970-11-28")
    contacts.create_contact(
        s, principal=p, name="Hush Person", now=NOW, birthday="1970-11-27", confidential=True
    )


def test_brief_text_and_markdown(db_path: Path) -> None:
    seed(db_path, _fill_brief)
    text = ok("brief").out
    assert "Hush" not in text
    blocks = sections(text)
    heads = list(blocks)
    assert heads[0] == "Brief for me — Wed 25 Nov 2026"
    agenda = blocks["Agenda (1)"]
    assert len(agenda) == 1 and "12:00-13:00" in agenda[0] and "Lunch with Bo" in agenda[0]
    q = blocks["Queue by urgency (1)"]
    assert len(q) == 1 and "r1" in q[0] and "Jane Roe" in q[0] and "Merger talk" in q[0]
    t = blocks["Tasks due or overdue (1)"]
    assert len(t) == 1 and "t1" in t[0] and "Overdue invoice (overdue)" in t[0]
    d = blocks["Birthdays and dates, next 7 days (1)"]
    assert len(d) == 1 and "Sat 28 Nov" in d[0] and "Bo Ek" in d[0] and "turns 56" in d[0]
    assert any(
        line.startswith("4 confidential") and "not shown" in line for line in text.splitlines()
    )

    md = ok("brief", "--md").out
    lines = md.splitlines()
    assert lines[0].startswith("# Brief for me")
    for heading in (
        "## Agenda (1)",
        "## Queue by urgency (1)",
        "## Tasks due or overdue (1)",
        "## Birthdays and dates, next 7 days (1)",
    ):
        assert heading in lines
    assert "- 12:00-13:00  Lunch with Bo" in lines
    assert "Hush" not in md

    everything = ok("brief", "--include-confidential").out
    blocks = sections(everything)
    assert (
        "Agenda (2)" in blocks
        and "Tasks due or overdue (2)" in blocks
        and "Queue by urgency (2)" in blocks
    )
    assert "Birthdays and dates, next 7 days (2)" in blocks
    assert "Hush Person" in everything and "not shown" not in everything


def test_brief_hidden_count_singular(db_path: Path) -> None:
    seed(
        db_path,
        lambda s, p: tasks.create_task(
            s, principal=p, title="Hush", now=NOW, due_date=date(2026, 11, 25), confidential=True
        ),
    )
    text = ok("brief").out
    assert "1 confidential item not shown" in text


# ------------------------------------------------------------------------------------------- demo, doctor


def test_demo_and_doctor(isolated_env: Path, db_path: Path) -> None:
    r = ok("demo")
    assert "300 contacts" in r.out
    r = ok("doctor")
    out = r.out
    assert "integrity_check: ok" in out
    counts = {
        line.split(":")[0]: line.split(":")[1].split()[0]
        for line in out.splitlines()
        if line.endswith(" rows")
    }
    assert counts["contact"] == "300"
    assert counts["task"] == "500"
    assert counts["principal"] == "2"  # the demo's two; doctor makes no default "me"
    perms = [line.split()[1:] for line in out.splitlines() if line.startswith("permissions:")]
    assert perms == [["700", str(db_path.parent)], ["600", str(db_path)]]
    assert out.splitlines()[-1] == "ok"

    big = isolated_env / "big" / "pa.db"
    ok("--db", str(big), "demo", "--size", "2000")
    out = ok("--db", str(big), "doctor").out
    task_line = next(line for line in out.splitlines() if line.startswith("task:"))
    assert task_line.split()[1] == "2000"


def test_doctor_flags_a_loose_store_dir(db_path: Path) -> None:
    seed(db_path, lambda s, p: None)
    db_path.parent.chmod(0o755)
    r = run_pa("doctor")
    assert r.code == 1, r.err
    assert f"permissions:     755 {db_path.parent} (should be 700)" in r.out
    assert r.out.splitlines()[-1] == "1 problem(s) found"


# -------------------------------------------------------------------------------------------- completion


SUBCOMMANDS = (
    "list",
    "agenda",
    "done",
    "show",
    "delete",
    "search",
    "contact",
    "principal",
    "brief",
    "demo",
    "doctor",
    "completion",
)


def test_completion_scripts() -> None:
    bash = ok("completion", "bash").out
    assert "complete -F _pa pa" in bash
    for word in (*SUBCOMMANDS, "--include-confidential", "--db"):
        assert word in bash, word
    zsh = ok("completion", "zsh").out
    assert zsh.startswith("#compdef pa")
    for word in SUBCOMMANDS:
        assert word in zsh, word


# --------------------------------------------------------------------------------------------- escaping


def test_markup_and_escapes_are_shown_literally(db_path: Path) -> None:
    evil = "[bold]Evil[/bold] \x1b[31mred\x9b2J"
    seed(
        db_path,
        lambda s, p: contacts.create_contact(
            s, principal=p, name=evil, now=NOW, org="\x1b]0;pwned\x07Org"
        ),
    )
    for args in (
        ("list", "contacts"),
        ("show", "c1"),
        ("search", "evil"),
        ("list", "contacts", "--json"),
    ):
        r = ok(*args)
        assert "[bold]Evil[/bold]" in r.out, args
        assert "\x1b" not in r.out, args
        assert "\x07" not in r.out, args
        if "--json" not in args:
            assert "\x9b" not in r.out, args
            assert "red" in r.out, args
