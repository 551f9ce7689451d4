"""Quick capture as a user types it: the real `pa` in a subprocess, the store checked afterwards."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW_TEXT, run_pa


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def people(db_path: Path) -> Path:
    """A store with a principal, Bob (a contact), Anna (staff) and Carl Berg."""
    for args in (
        ("principal", "add", "Eva Lind", "--tz", "Europe/Stockholm", "--default"),
        ("contact", "add", "Bob Holm", "--phone", "+46 70 111 22 33"),
        ("contact", "add", "Anna Sjöberg", "--staff"),
        ("contact", "add", "Carl Berg", "--vip", "2"),
    ):
        r = run_pa(*args)
        assert r.code == 0, r.err
    return db_path


def test_add_example(people: Path) -> None:
    r = run_pa("add", "Call", "Bob", "about", "the", "board", "pack", "tomorrow", "3pm", "p1",
               "pro:board", "@bob")  # fmt: skip
    assert r.code == 0, r.err
    assert r.out.count("\n") == 1, "one line saying what was created"
    assert r.out.startswith('created t1 "Call Bob about the board pack"')
    assert "due Thu 26 Nov 2026 15:00" in r.out and "@Bob Holm (c1)" in r.out
    assert rows(
        people, "SELECT title, due_date, due_at, priority, project, contact_id FROM task"
    ) == [
        ("Call Bob about the board pack", "2026-11-26", "2026-11-26 14:00:00.000000", 1, "board", 1)
    ]


def test_event_example(people: Path) -> None:
    r = run_pa(
        "event", "Board", "meeting", "fri", "10:00-12:00", "at", "HQ room 4", "every", "month"
    )
    assert r.code == 0, r.err
    assert r.out.startswith('created e1 "Board meeting" · Fri 27 Nov 2026 10:00–12:00')
    assert rows(people, "SELECT title, start_local, end_local, tz, location, rrule FROM event") == [
        (
            "Board meeting",
            "2026-11-27 10:00:00.000000",
            "2026-11-27 12:00:00.000000",
            "Europe/Stockholm",
            "HQ room 4",
            "FREQ=MONTHLY",
        )
    ]
    # The series shows on the agenda a month later, same wall time.
    r = run_pa("agenda", "2026-12-27")
    assert "2026-12-27 10:00-12:00\tBoard meeting" in r.out


def test_call_example(people: Path) -> None:
    r = run_pa(
        "call", "Jane Roe", "555-0101", "wants", "15", "min", "re", "merger", "p1", "conf:yes"
    )
    assert r.code == 0, r.err
    assert "from Jane Roe 555-0101" in r.out and "p1" in r.out and "confidential" in r.out
    assert rows(
        people,
        "SELECT kind, from_name, from_phone, subject, urgency, confidential, status FROM request",
    ) == [("call", "Jane Roe", "555-0101", "wants 15 min re merger", 1, 1, "new")]
    # The audit trigger recorded the arrival; the FTS trigger indexed it.
    assert rows(people, "SELECT entity_id, from_status, to_status FROM audit") == [(1, None, "new")]
    assert rows(people, "SELECT rowid FROM search_idx WHERE search_idx MATCH 'merger'") == [(11,)]
    # Confidential: not in the plain listing, counted instead.
    listing = run_pa("list", "queue")
    assert "merger" not in listing.out and "1 confidential item not shown" in listing.out


def test_call_from_a_known_number(people: Path) -> None:
    r = run_pa("call", "Mr H", "070-111 22 33", "returning", "your", "call")
    assert r.code == 0, r.err
    assert rows(people, "SELECT contact_id, from_name FROM request") == [(1, None)]


def test_req_example(people: Path) -> None:
    r = run_pa("req", "meeting", "Carl Berg", "30m", "next", "week", "re", "budget")
    assert r.code == 0, r.err
    assert rows(
        people, "SELECT kind, contact_id, subject, duration_min, wanted_date FROM request"
    ) == [("meeting_request", 3, "re budget", 30, "2026-11-30")]


def test_delegated_task_example(people: Path) -> None:
    r = run_pa("add", "Renew", "passport", "due:2027-01-15", "+travel", "to:anna")
    assert r.code == 0, r.err
    assert "delegated to Anna Sjöberg (c2)" in r.out
    assert rows(people, "SELECT title, due_date, tags, delegated_to_id, status FROM task") == [
        ("Renew passport", "2027-01-15", "travel", 2, "waiting")
    ]


def test_dash_words_are_title_and_double_dash_ends_parsing(people: Path) -> None:
    assert run_pa("add", "fix", "-v", "flag").code == 0
    assert run_pa("add", "--", "p1", "tomorrow", "--json").code == 0
    assert rows(people, "SELECT title, priority, due_date FROM task ORDER BY id") == [
        ("fix -v flag", 4, None),
        ("p1 tomorrow --json", 4, None),
    ]


def test_unknown_contact_stays_in_title_with_a_note(people: Path) -> None:
    r = run_pa("add", "Lunch", "with", "@zed", "fri")
    assert r.code == 0
    assert "@zed: no such contact; kept in the title" in r.err
    assert rows(people, "SELECT title, contact_id FROM task") == [("Lunch with @zed", None)]


@pytest.mark.parametrize(
    ("words", "token"),
    [(["x", "feb", "30"], "feb 30"), (["x", "25:00"], "25:00"), (["x", "p9"], "p9")],
)
def test_impossible_values_fail_and_write_nothing(
    people: Path, words: list[str], token: str
) -> None:
    r = run_pa("add", *words)
    assert r.code == 2
    assert token in r.err and r.err.count("\n") == 1 and "Traceback" not in r.err
    assert rows(people, "SELECT count(*) FROM task") == [(0,)]


def test_dry_run_writes_nothing(people: Path) -> None:
    r = run_pa("add", "Call", "Bob", "tomorrow", "--dry-run")
    assert r.code == 0
    assert r.out.startswith('would create task "Call Bob" · due Thu 26 Nov 2026')
    assert rows(people, "SELECT count(*) FROM task") == [(0,)]


def test_json_output(people: Path) -> None:
    r = run_pa("add", "Call", "Bob", "tomorrow", "3pm", "p2", "@bob", "--json")
    data = json.loads(r.out)
    assert data["id"] == "t1" and data["kind"] == "task" and data["priority"] == 2
    assert data["due_at"] == "2026-11-26T14:00:00+00:00"
    assert data["refs"]["contact"] == {"id": "c1", "name": "Bob Holm"}


def test_stdin_batch_is_one_transaction(people: Path) -> None:
    r = run_pa("add", "-", stdin="Pay invoice #finance !1 tomorrow\n\nBook tailor fri\n")
    assert r.code == 0, r.err
    assert r.out.splitlines()[0].startswith('created t1 "Pay invoice"')
    assert rows(people, "SELECT title, project, priority FROM task ORDER BY id") == [
        ("Pay invoice", "finance", 1),
        ("Book tailor", None, 4),
    ]
    bad = run_pa("add", "-", stdin="one fine line\ntwo fine lines\nthree feb 30\n")
    assert bad.code == 2
    assert "stdin:3" in bad.err and "feb 30" in bad.err
    assert rows(people, "SELECT count(*) FROM task") == [(2,)], "nothing of the bad batch written"


def test_stdin_calls(people: Path) -> None:
    r = run_pa("call", "-", stdin='"Jane Roe" 555-0101 call back p1\nBob wants the deck\n')
    assert r.code == 0, r.err
    assert rows(
        people, "SELECT from_name, contact_id, subject, urgency FROM request ORDER BY id"
    ) == [
        ("Jane Roe", None, "call back", 1),
        (None, 1, "wants the deck", 4),
    ]


def test_for_principal_reads_dates_in_their_zone(people: Path) -> None:
    assert run_pa("principal", "add", "Carl", "--tz", "America/New_York").code == 0
    # 01:00 on the 26th in Stockholm is still the 25th in New York.
    r = run_pa(
        "add",
        "Call",
        "home",
        "tomorrow",
        "9am",
        "for:carl",
        env={"PA_NOW": "2026-11-26T01:00+01:00"},
    )
    assert r.code == 0, r.err
    assert "for Carl" in r.out
    assert rows(people, "SELECT due_date, due_at FROM task") == [
        ("2026-11-26", "2026-11-26 14:00:00.000000")
    ]
    assert run_pa("add", "x", "for:nobody").code == 2


def test_capture_imports_nothing_heavy(people: Path) -> None:
    """A real `pa add ... tomorrow 3pm` loads none of the slow modules (-X importtime, parsed)."""
    env = {**os.environ, "PA_NOW": NOW_TEXT}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pa_tui.cli",
         "add", "Call", "Bob", "tomorrow", "3pm", "every", "week"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    loaded = {
        line.split("|")[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "pa_tui.capture_store" in loaded, "the fast path was taken"
    assert rows(people, "SELECT count(*) FROM task") == [(1,)]
    banned = ("textual", "sqlmodel", "sqlalchemy", "pydantic", "rich", "platformdirs", "tomllib",
              "dateutil.parser", "dataclasses", "argparse")  # fmt: skip
    for name in banned:
        assert not any(m == name or m.startswith(name + ".") for m in loaded), name


def test_a_seven_digit_number_does_not_name_the_caller(people: Path) -> None:
    """111-2233 ends Bob's +46 70 111 22 33, but 7 digits are too few to say it is Bob."""
    r = run_pa("call", "Jane Roe", "111-2233", "about the lease")
    assert r.code == 0, r.err
    assert rows(people, "SELECT contact_id, from_name FROM request") == [(None, "Jane Roe")]
