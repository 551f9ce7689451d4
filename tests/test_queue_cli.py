"""`pa queue` and `pa report` as subprocesses on the temp store (PA_NOW = Wed 25 Nov 2026 08:00
Stockholm): screening rules copied from the config and applied by the fast capture path, the
score and its explanation, triage actions from the shell, the piped one-key walk, and the
invoice and queue reports. Each scenario checks the rows in the SQLite file as well as the output.

The config is written to tmp_path and named by PA_CONFIG in the environment `run_pa` passes on
(monkeypatch), so every command of a scenario reads the same file."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Result, run_pa

RULES_CONFIG = """\
[queue]
rules = [
  "kind=document and subject~invoice -> delegate Finance",
  "from.vip>=2 -> urgency high",
  "subject~lottery -> screen out",
]
templates = { decline = "Dear {name}, no to {subject}." }
"""

WriteConfig = Callable[[str], Path]  # the `config` fixture: text in, the file's path out


def ok(*args: str, **kw: Any) -> Result:
    r = run_pa(*args, **kw)
    assert r.code == 0, (args, r.err)
    assert "Traceback" not in r.err
    return r


def as_json(*args: str, **kw: Any) -> Any:
    return json.loads(ok(*args, "--json", **kw).out)


def usage_error(*args: str, **kw: Any) -> Result:
    """Exit 2 with exactly one line on stderr, no traceback."""
    r = run_pa(*args, **kw)
    assert r.code == 2, (args, r.code, r.out, r.err)
    assert "Traceback" not in r.err
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("pa") and ": error:" in lines[0], r.err
    return r


def at(moment: str) -> dict[str, str]:
    """Run at another local wall time (PA_NOW without an offset: the principal's zone)."""
    return {"PA_NOW": moment}


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WriteConfig:
    """Write the config file and point PA_CONFIG at it; returns its path."""

    def write(text: str) -> Path:
        path = tmp_path / "config.toml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        monkeypatch.setenv("PA_CONFIG", str(path))
        return path

    return write


def rows(db_path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def request(db_path: Path, rid: int) -> dict[str, Any]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        found = conn.execute("SELECT * FROM request WHERE id = ?", (rid,)).fetchone()
    finally:
        conn.close()
    assert found is not None, rid
    return dict(found)


def statuses(db_path: Path) -> dict[int, str]:
    return {rid: status for rid, status in rows(db_path, "SELECT id, status FROM request")}


def trail(db_path: Path, rid: int) -> list[tuple[str | None, str | None]]:
    """The item's audit rows, oldest first: (from status, to status)."""
    found = rows(
        db_path,
        "SELECT from_status, to_status FROM audit WHERE entity = 'request' AND entity_id = ? "
        "ORDER BY id",
        rid,
    )
    return [(before, after) for before, after in found]


def ids(listing: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in listing]


# ----------------------------------------------------------------------- screening on arrival


def test_rules_from_the_config_screen_captures_on_arrival(
    config: WriteConfig, db_path: Path
) -> None:
    path = config(RULES_CONFIG)
    # A non-capture command copies the rules into the store (and makes it).
    r = ok("queue", "rules")
    assert r.out.splitlines()[:3] == [
        f"1. kind=document and subject~invoice -> delegate Finance    ({path}:3)",
        f"2. from.vip>=2 -> urgency high    ({path}:4)",
        f"3. subject~lottery -> screen out    ({path}:5)",
    ]
    assert [s for (s,) in rows(db_path, "SELECT source FROM screening_rule ORDER BY position")] == [
        "kind=document and subject~invoice -> delegate Finance",
        "from.vip>=2 -> urgency high",
        "subject~lottery -> screen out",
    ]
    ok("contact", "add", "Finance Team", "--staff")  # c1
    ok("contact", "add", "Carl Berg", "--vip", "2")  # c2
    ok("contact", "add", "Spam Co", "--policy", "block")  # c3

    # The fast capture path (the store exists) screens each item the way the services would.
    r = ok("req", "document", "Acme", "invoice", "March", "amt:300EUR")  # r1
    assert r.out.startswith('created r1 "invoice March"')
    assert "note: delegated to Finance Team" in r.err
    r = ok("call", "Carl Berg", "wants", "the", "budget")  # r2
    assert "rule 2: from.vip>=2 -> urgency high" in r.err
    r = ok("req", "-", stdin='email Lucky You won the lottery\nemail "Spam Co" hello there\n')
    assert r.out.splitlines()[0].startswith("created r3") and "created r4" in r.out
    assert "screened out: see `pa queue --screened`" in r.err

    assert statuses(db_path) == {1: "delegated", 2: "new", 3: "screened", 4: "screened"}
    doc = request(db_path, 1)
    assert json.loads(doc["rules_applied"]) == [
        "rule 1: kind=document and subject~invoice -> delegate Finance"
    ]
    assert doc["decision_note"] == "to Finance Team (by rule)"
    # The waiting task for the staff contact: due two working days after Wednesday.
    assert rows(
        db_path,
        "SELECT title, status, delegated_to_id, due_date FROM task WHERE request_id = 1",
    ) == [("invoice March (from Acme)", "waiting", 1, "2026-11-27")]
    assert rows(db_path, "SELECT vendor, amount_cents, currency FROM queue_document") == [
        ("Acme", 30000, "EUR")
    ]
    vip = request(db_path, 2)
    assert vip["urgency"] == 2 and vip["contact_id"] == 2
    assert json.loads(vip["rules_applied"]) == ["rule 2: from.vip>=2 -> urgency high"]
    assert json.loads(request(db_path, 3)["rules_applied"]) == [
        "rule 3: subject~lottery -> screen out"
    ]
    assert json.loads(request(db_path, 4)["rules_applied"]) == [
        "sender policy: block (Spam Co) -> screen out"
    ]
    # The audit trail: the arrival, then the rule's delegation; screened ones arrive screened.
    assert trail(db_path, 1) == [(None, "new"), ("new", "delegated")]
    assert trail(db_path, 2) == [(None, "new")]
    assert trail(db_path, 3) == [(None, "screened")]
    assert trail(db_path, 4) == [(None, "screened")]

    assert ids(as_json("queue")) == ["r2"]
    screened = as_json("queue", "--screened")
    assert {s["id"]: s["why"] for s in screened} == {
        "r3": "rule 3: subject~lottery -> screen out",
        "r4": "sender policy: block (Spam Co) -> screen out",
    }
    assert [(w["id"], w["waiting on"]) for w in as_json("queue", "--waiting")] == [
        ("r1", "Finance Team (t1)")
    ]

    r = ok("queue", "reopen", "r3")
    assert r.out.strip() == "reopened r3: back in the queue"
    assert ids(as_json("queue")) == ["r2", "r3"]
    assert request(db_path, 3)["status"] == "new"
    assert trail(db_path, 3) == [(None, "screened"), ("screened", "new")]


def test_a_bad_rule_stops_every_non_capture_command_with_file_and_line(
    config: WriteConfig,
) -> None:
    path = config(
        """\
        # screening
        [queue]
        rules = [
          "from.vip>=2 -> urgency high",
          "kind=fax -> urgency high",
        ]
        """
    )
    want = f"pa: error: {path}:5: rule 2: kind is one of "
    for args in (("queue",), ("report", "invoices")):
        r = usage_error(*args)
        assert r.err.startswith(want), r.err
        assert "'fax'" in r.err


def test_a_bad_rule_with_escaped_quotes_names_its_own_line(config: WriteConfig) -> None:
    path = config(
        """\
        [queue]
        rules = [
          "from.vip>=2 -> urgency high",
          "subject~\\"big deal\\" -> explode",
        ]
        """
    )
    r = usage_error("queue", "rules")
    assert r.err.startswith(f"pa: error: {path}:4: rule 2: unknown action 'explode'"), r.err


# ----------------------------------------------------------------------------- score, explain


def test_queue_json_and_explain_show_the_score_term_by_term(
    config: WriteConfig, db_path: Path
) -> None:
    config('[queue]\nrules = ["from.vip>=2 -> urgency high"]\n')
    ok("contact", "add", "Carl Berg", "--vip", "2")
    ok("call", "Carl Berg", "about the budget", "p3", env=at("2026-11-25T02:00"))  # r1, 6 h ago
    ok("call", "Stranger", "hello")  # r2, just now

    listed = as_json("queue")
    assert ids(listed) == ["r1", "r2"]
    first, second = listed
    # 25 urgency p2 (the rule) + 20 VIP tier 2 + 5 call + 1 age (6 h) + 25 past the VIP's 2 h.
    assert int(first["score"]) == 76 and first["late"] == "OVERDUE"
    assert (first["kind"], first["from"], first["age"]) == ("call", "Carl Berg", "6h")
    assert int(second["score"]) == 0 and second["late"] == ""  # -5 unknown sender + 5 call

    lines = ok("queue", "--explain", "r1").out.splitlines()
    assert lines[0] == "r1: score 76"
    end = next(n for n, text in enumerate(lines) if text.startswith("  waited "))
    terms = dict(text.strip().rsplit(None, 1) for text in lines[1:end])
    age = next(name for name in terms if name.startswith("age "))
    assert terms == {
        "urgency p2": "+25",
        "VIP tier 2": "+20",
        "sender known": "+0",
        "kind call": "+5",
        age: "+1",
        "unanswered past 2 h": "+25",
    }
    assert "  waited 6h; answer within 2h: OVERDUE" in lines
    assert "  applied on arrival: rule 1: from.vip>=2 -> urgency high" in lines

    found = as_json("queue", "--explain", "r1")
    assert found["id"] == "r1" and found["score"] == 76
    assert sum(t["points"] for t in found["terms"]) == found["score"]
    assert [t["term"] for t in found["terms"]][:4] == [
        "urgency p2",
        "VIP tier 2",
        "sender known",
        "kind call",
    ]
    assert found["overdue"] is True and found["answer_within"] == "2h"
    assert found["rules"] == ["rule 1: from.vip>=2 -> urgency high"]
    assert found["waiting_on"] is None


# ---------------------------------------------------------------------- triage from the shell


def test_queue_actions_from_the_shell(config: WriteConfig, db_path: Path) -> None:
    config(RULES_CONFIG)
    ok("contact", "add", "Carl Berg")  # c1
    ok("contact", "add", "Fin Staff", "--staff")  # c2
    ok("req", "-", stdin='meeting "Carl Berg" 30m budget talk\nemail Lucky You won a prize\n')
    ok("call", "-", stdin="Bob about the invoice\nAnn first\nDan second\nEve third\n")  # r3-r6

    # accept: a meeting books the first free slot with the sender as attendee.
    r = ok("queue", "accept", "r1")
    assert r.out.strip() == "accepted r1: e1 at 2026-11-25 09:00"
    assert rows(db_path, "SELECT title, start_local, end_local, tz FROM event") == [
        (
            "budget talk (Carl Berg)",
            "2026-11-25 09:00:00.000000",
            "2026-11-25 09:30:00.000000",
            "Europe/Stockholm",
        )
    ]
    assert rows(db_path, "SELECT event_id, contact_id FROM event_attendee") == [(1, 1)]
    assert request(db_path, 1)["event_id"] == 1
    assert trail(db_path, 1) == [(None, "new"), ("new", "accepted")]
    # A call gets a call-back task in the next free slot.
    r = ok("queue", "accept", "r3")
    assert r.out.strip() == "accepted r3: t1 at 2026-11-25 09:30"
    assert rows(db_path, "SELECT title, status, request_id FROM task WHERE id = 1") == [
        ("Call back Bob: about the invoice", "todo", 3)
    ]

    # decline keeps a reply from the config's template; accept kept the built-in one.
    r = ok("queue", "decline", "r2")
    assert r.out.strip() == "declined r2; reply draft: pa queue reply r2"
    assert ok("queue", "reply", "r2").out.strip() == "Dear Lucky, no to You won a prize."
    assert "will see you about budget talk on 2026-11-25 09:00" in ok("queue", "reply", "r1").out
    r = usage_error("queue", "accept", "r1")
    assert r.err.strip() == "pa: error: r1 is accepted already"
    r = usage_error("queue", "decline", "r2")
    assert r.err.strip() == "pa: error: r2 is declined already"

    # snooze hides an item until its time.
    r = ok("queue", "snooze", "r4", "fri", "9am")
    assert r.out.strip() == "snoozed r4 until 2026-11-27 09:00"
    assert request(db_path, 4)["snooze_until"] == "2026-11-27 08:00:00.000000"  # UTC
    assert ids(as_json("queue")) == ["r5", "r6"]
    assert "r4" in ids(as_json("queue", env=at("2026-11-27T09:00")))

    r = ok("queue", "delegate", "r5", "Fin")
    assert r.out.strip() == "delegated r5 to Fin Staff: t2 due 2026-11-27"
    assert rows(
        db_path, "SELECT title, status, delegated_to_id, request_id FROM task WHERE id = 2"
    ) == [("second (from Dan)", "waiting", 2, 5)]
    r = usage_error("queue", "delegate", "r6", "Nobody")
    assert "no single staff contact matches 'Nobody' (staff: Fin Staff)" in r.err

    assert ok("queue", "task", "r6").out.strip() == "r6 is now task t3"
    assert rows(db_path, "SELECT title, request_id FROM task WHERE id = 3") == [("third", 6)]
    assert ok("queue", "done", "r4").out.strip() == "done r4"  # a snoozed item is still open
    r = usage_error("queue", "done", "r4")
    assert r.err.strip() == "pa: error: r4 is done already"

    assert [(w["id"], w["waiting on"]) for w in as_json("queue", "--waiting")] == [
        ("r5", "Fin Staff (t2)")
    ]
    assert statuses(db_path) == {
        1: "accepted",
        2: "declined",
        3: "accepted",
        4: "done",
        5: "delegated",
        6: "converted",
    }
    assert trail(db_path, 4) == [(None, "new"), ("new", "deferred"), ("deferred", "done")]


def test_accept_draft_uses_the_config_accept_template(config: WriteConfig) -> None:
    config('[queue]\ntemplates = { accept = "Hi {name}, booked for {date}." }\n')
    ok("req", "meeting", "Carl Berg", "30m", "budget talk")
    ok("queue", "accept", "r1")
    assert ok("queue", "reply", "r1").out.strip() == "Hi Carl Berg, booked for 2026-11-25 09:00."


def test_snooze_note_is_in_the_principals_time(db_path: Path) -> None:
    ok("call", "Ann", "first")
    assert ok("queue", "snooze", "r1", "fri", "9am").out.strip() == (
        "snoozed r1 until 2026-11-27 09:00"
    )
    assert request(db_path, 1)["decision_note"] == "until 2026-11-27 09:00"


# ------------------------------------------------------------------------- documents, invoices


def test_documents_are_approved_paid_and_reported(db_path: Path) -> None:
    r = ok("req", "document", "Acme", "Invoice 1", "amt:1200.50EUR", "ref:INV-1", "due:2026-12-10")
    assert r.out.startswith('created r1 "Invoice 1"')
    ok(
        "req",
        "-",
        stdin="document Beta Invoice 2 amt:99USD ref:B-2 due:2026-11-20\n"  # r2, overdue
        "document Acme Invoice 3 amt:10EUR due:2026-11-01\n"  # r3, approved and paid
        "document Secret Invoice 4 amt:5000EUR conf:yes\n"  # r4, confidential
        "document Gamma Invoice 5 amt:7.05EUR due:2026-12-01\n",  # r5, open
    )

    r = ok("queue", "accept", "r1")
    assert r.out.strip() == (
        "approved r1: t1 Pay Acme 1,200.50 EUR ref INV-1 (Invoice 1) due 2026-12-10"
    )
    assert rows(
        db_path, "SELECT title, project, due_date, status, request_id FROM task WHERE id = 1"
    ) == [("Pay Acme 1,200.50 EUR ref INV-1 (Invoice 1)", "invoices", "2026-12-10", "todo", 1)]
    doc = rows(
        db_path,
        "SELECT amount_cents, currency, reference, due_date, approved_at IS NOT NULL, "
        "pay_task_id, paid_at FROM queue_document WHERE request_id = 1",
    )
    assert doc == [(120050, "EUR", "INV-1", "2026-12-10", 1, 1, None)]
    assert request(db_path, 1)["status"] == "accepted"

    ok("queue", "accept", "r3")
    assert ok("queue", "paid", "r3").out.strip() == "paid r3"
    assert rows(db_path, "SELECT status FROM task WHERE request_id = 3") == [("done",)]
    r = usage_error("queue", "paid", "r3")
    assert r.err.strip() == "pa: error: r3 was paid on 2026-11-25"

    report = as_json("report", "invoices")
    assert [(d["id"], d["vendor"], d["state"]) for d in report["documents"]] == [
        ("r3", "Acme", "paid"),
        ("r2", "Beta", "overdue"),
        ("r5", "Gamma", "open"),
        ("r1", "Acme", "approved"),
    ]
    assert report["documents"][-1] == {
        "id": "r1",
        "vendor": "Acme",
        "subject": "Invoice 1",
        "amount_cents": 120050,
        "currency": "EUR",
        "reference": "INV-1",
        "due": "2026-12-10",
        "state": "approved",
    }
    assert report["totals"] == [
        {"state": "approved", "currency": "EUR", "amount_cents": 120050},
        {"state": "open", "currency": "EUR", "amount_cents": 705},
        {"state": "overdue", "currency": "USD", "amount_cents": 9900},
        {"state": "paid", "currency": "EUR", "amount_cents": 1000},
    ]
    assert report["to_pay_by_vendor"] == [
        {"vendor": "Acme", "currency": "EUR", "amount_cents": 120050},
        {"vendor": "Beta", "currency": "USD", "amount_cents": 9900},
        {"vendor": "Gamma", "currency": "EUR", "amount_cents": 705},
    ]
    assert report["confidential_left_out"] == 1

    full = as_json("report", "invoices", "--include-confidential")
    assert full["confidential_left_out"] == 0
    assert ("r4", "open") in [(d["id"], d["state"]) for d in full["documents"]]
    assert {"state": "open", "currency": "EUR", "amount_cents": 500705} in full["totals"]
    assert {"vendor": "Secret", "currency": "EUR", "amount_cents": 500000} in full[
        "to_pay_by_vendor"
    ]

    text = ok("report", "invoices").out.splitlines()
    assert "r2\tOVERDUE\t2026-11-20\tBeta\t99.00 USD\tB-2\tInvoice 2" in text
    assert "total overdue   99.00 USD" in text
    assert "to pay    Acme: 1,200.50 EUR" in text
    assert text[-1] == "1 confidential left out (--include-confidential)"
    assert not any("Secret" in line for line in text)


# -------------------------------------------------------------------------------- queue report


def test_report_queue_week_counts_per_day(db_path: Path) -> None:
    ok("call", "-", stdin="Ann one\nBob two\n", env=at("2026-11-24T10:00"))  # r1, r2 Tuesday
    ok("queue", "done", "r1", env=at("2026-11-24T10:10"))  # 10 min
    ok("call", "Cat", "three", env=at("2026-11-25T07:00"))  # r3 Wednesday
    ok("queue", "done", "r3", env=at("2026-11-25T07:30"))  # 30 min
    ok("queue", "task", "r2", env=at("2026-11-25T09:00"))  # 23 h = 1380 min

    days = as_json("report", "queue", "--week", env=at("2026-11-25T12:00"))
    assert [d["day"] for d in days] == [f"2026-11-{n}" for n in range(19, 26)]
    figures = {
        d["day"]: (d["received"], d["decided"], d["median_minutes"], d["overdue"]) for d in days
    }
    assert figures["2026-11-24"] == (2, 1, 10.0, 1)  # r2 still open at midnight, past 4 h
    assert figures["2026-11-25"] == (1, 2, 705.0, 0)  # median of 30 and 1380
    assert all(figures[f"2026-11-{n}"] == (0, 0, None, 0) for n in range(19, 24))

    r = usage_error("report", "queue", "--days", "0")
    assert r.err.strip() == "pa: error: --days must be at least 1, not 0"


# ------------------------------------------------------------------------- the piped triage


def test_triage_reads_piped_answers_one_per_line(config: WriteConfig, db_path: Path) -> None:
    config(RULES_CONFIG)
    ok("contact", "add", "Staffer", "--staff")  # c1
    ok(
        "call",
        "-",
        stdin="Alice p1 about one\nBob p2 about two\nCat p3 about three\nDan p4 about four\n",
    )

    # x: the first item done; t: the second a task; q: stop.
    r = ok("queue", "triage", stdin="x\nt\nq\n")
    out = r.out.splitlines()
    assert out[0].startswith("a accept · c decline")
    assert "r1  call from Alice: about one" in out and "done r1" in out
    assert "r2 is now task t1" in out
    assert out[-1] == "stopped: 2 decided"
    assert statuses(db_path) == {1: "done", 2: "converted", 3: "new", 4: "new"}
    assert rows(db_path, "SELECT title, request_id FROM task") == [("about two", 2)]

    # x then u: done taken back; o 1: delegated to the only staff; c: declined by the template.
    r = ok("queue", "triage", stdin="x\nu\no\n1\nc\n")
    out = r.out.splitlines()
    assert "done r3" in out and "undid: done r3" in out
    assert "delegated r3 to Staffer: t2 due 2026-11-27" in out
    assert "declined r4; reply draft: pa queue reply r4" in out
    assert out[-1] == "queue clear: 2 decided"

    assert statuses(db_path) == {1: "done", 2: "converted", 3: "delegated", 4: "declined"}
    assert trail(db_path, 3) == [
        (None, "new"),
        ("new", "done"),
        ("done", "new"),
        ("new", "delegated"),
    ]
    assert rows(
        db_path, "SELECT title, status, delegated_to_id FROM task WHERE request_id = 3"
    ) == [("about three (from Cat)", "waiting", 1)]
    assert json.loads(request(db_path, 4)["extra"]) == {"reply": "Dear Dan, no to about four."}
