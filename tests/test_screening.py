"""The queue engine's pure parts: the screening rule language, the score and its SQLite twin,
the [queue] config and its copy in the store.

Every field, operator, action and error of the rule language is exercised; the score is checked
term by term with exact points; the SQL order is held equal to sorting by the Python score,
custom answer times included."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from pa_tui import capture_store
from pa_tui.config import load_queue
from pa_tui.errors import PaError
from pa_tui.services import contacts, principals, queue, queue_settings, views
from pa_tui.services.queue_settings import QueueConfig, minutes_of
from pa_tui.services.scoring import (
    DEFAULT_ANSWER,
    DEFAULT_ANSWER_VIP,
    AnswerTimes,
    Score,
    queue_order_sql,
    queue_top_ids,
    score,
)
from pa_tui.services.screening import (
    FIELDS,
    KINDS,
    Action,
    Condition,
    Plan,
    RuleError,
    Sender,
    arrival,
    arrival_notes,
    delegated_task,
    facts,
    fold,
    parse_rule,
    parse_rules,
    staff_match,
    working_days_after,
)
from pa_tui.store import Store

# Wednesday 25 Nov 2026, 09:00 UTC.
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _matches(conditions: str, item: dict[str, Any], sender: Sender, principal: str = "") -> bool:
    """Whether every condition of `CONDITIONS -> confidential` holds for the item and sender."""
    rule = parse_rule(f"{conditions} -> confidential")
    known = facts(item, sender, principal)
    return all(c.test(known) for c in rule.conditions)


# ---- every field of the rule language

ANNA = Sender(
    name="Anna Ångström",
    known=True,
    vip=2,
    policy="through",
    org="Acme Bank",
    role="CFO",
    staff=False,
)
ITEM: dict[str, Any] = {
    "kind": "document",
    "subject": "Invoice 42",
    "body": "Please pay by Friday",
    "from_name": "raw name",
    "from_phone": "+46 70 123 45 67",
    "urgency": 3,
    "vendor": "Telia",
    "amount_cents": 123_450,
    "currency": "SEK",
}

# (field, a condition on it that holds for ITEM/ANNA/"Eva", one that does not)
FIELD_CASES: list[tuple[str, str, str]] = [
    ("kind", "kind=doc", "kind=call"),
    ("subject", "subject~invoice", "subject~receipt"),
    ("body", "body~friday", "body~monday"),
    ("text", "text~invoice and text~friday", "text~receipt"),
    ("from", "from=anna angstrom", "from=raw name"),
    ("from.org", "from.org~bank", "from.org=acme"),
    ("from.role", "from.role=cfo", "from.role!=CFO"),
    ("from.policy", "from.policy=through", "from.policy=screen"),
    ("from.vip", "from.vip>=2", "from.vip>2"),
    ("from.known", "from.known=yes", "from.known=no"),
    ("from.staff", "from.staff=no", "from.staff=yes"),
    ("phone", "phone~123 45", "phone~999"),
    ("urgency", "urgency=3", "urgency<3"),
    ("principal", "principal=eva", "principal=carl"),
    ("vendor", "vendor=TELIA", "vendor!=telia"),
    ("amount", "amount>=1000 and amount<=1234.5", "amount>1234.5"),
    ("currency", "currency=sek", "currency=eur"),
]


def test_the_field_cases_cover_every_field() -> None:
    assert [name for name, _, _ in FIELD_CASES] == list(FIELDS)


@pytest.mark.parametrize(("name", "holds", "fails"), FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_each_field_reads_its_fact(name: str, holds: str, fails: str) -> None:
    assert {c.field for c in parse_rule(f"{holds} -> confidential").conditions} == {name}
    assert _matches(holds, ITEM, ANNA, "Eva")
    assert not _matches(fails, ITEM, ANNA, "Eva")


def test_sender_fields_fall_back_to_the_item_for_an_unknown_sender() -> None:
    item = {"kind": "call", "from_name": "Bo Berg", "subject": "hi"}
    found = facts(item, Sender())
    assert found["from"] == "Bo Berg"
    assert found["vendor"] == "Bo Berg"
    assert found["from.policy"] == "unknown"
    assert (found["from.known"], found["from.staff"], found["from.vip"]) == (False, False, 0)
    assert found["urgency"] == 4  # no urgency on the item: the lowest
    assert found["amount"] is None
    assert found["text"] == "hi\n"


@pytest.mark.parametrize(
    ("sender", "policy"),
    [
        (Sender(), "unknown"),
        (Sender(name="X", known=False, policy="through"), "unknown"),
        (Sender(name="X", known=True, policy="through"), "through"),
        (Sender(name="X", known=True, policy="block"), "block"),
        (Sender(name="X", known=True), "screen"),
    ],
)
def test_from_policy_says_unknown_for_an_unknown_sender(sender: Sender, policy: str) -> None:
    assert facts({"kind": "call"}, sender)["from.policy"] == policy
    assert _matches(f"from.policy={policy}", {"kind": "call"}, sender)


# ---- every operator kind


@pytest.mark.parametrize(
    ("condition", "subject", "expected"),
    [
        ("subject=Invoice", "invoice", True),
        ("subject=invoice", "Invoice 42", False),  # = is the whole text
        ("subject!=invoice", "Invoice 42", True),
        ("subject!=INVOICE", "invoice", False),
        ("subject~voice", "INVOICE 42", True),
        ("subject~receipt", "Invoice 42", False),
        ("subject!~receipt", "Invoice 42", True),
        ("subject!~voice", "Invoice 42", False),
        ("subject~angstrom", "Ångström report", True),  # accents and case do not matter
        ("subject~ÅNGSTRÖM", "angstrom report", True),
        ("subject=cafe", "Café", True),
        ("subject~strasse", "Hauptstraße 1", True),  # casefold: ß is ss
        ("subject!~angstrom", "Ångström report", False),
        ('subject="Invoice 42"', "invoice 42", True),  # quotes are taken off
        ("subject~'  42'", "Invoice 42", False),  # ... and keep the spaces inside them
    ],
)
def test_text_operators(condition: str, subject: str, expected: bool) -> None:
    assert _matches(condition, {"kind": "email", "subject": subject}, Sender()) is expected


def test_fold_drops_case_and_accents() -> None:
    assert fold("Ångström") == "angstrom"
    assert fold("ÉCOLE Crème") == "ecole creme"
    assert fold("plain") == "plain"


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("amount=1234.5", True),
        ("amount=1234", False),
        ("amount!=1234", True),
        ("amount!=1234.50", False),
        ("amount>=1234.5", True),
        ("amount>=1234.51", False),
        ("amount<=1234.5", True),
        ("amount<=1234", False),
        ("amount>1234", True),
        ("amount>1234.5", False),
        ("amount<1235", True),
        ("amount<1234.5", False),
    ],
)
def test_number_operators(condition: str, expected: bool) -> None:
    assert _matches(condition, {"kind": "document", "amount_cents": 123_450}, Sender()) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [("amount!=5", True), ("amount=5", False), ("amount>=0", False), ("amount<1e9", False)],
)
def test_a_missing_number_only_differs(condition: str, expected: bool) -> None:
    assert _matches(condition, {"kind": "call"}, Sender()) is expected


@pytest.mark.parametrize(
    ("condition", "known", "expected"),
    [
        ("from.known=yes", True, True),
        ("from.known=yes", False, False),
        ("from.known=no", False, True),
        ("from.known=no", True, False),
        ("from.known!=yes", False, True),
        ("from.known!=yes", True, False),
        ("from.known!=no", True, True),
        ("from.known!=no", False, False),
        ("from.known=TRUE", True, True),
        ("from.known=1", True, True),
        ("from.known=false", False, True),
        ("from.known=0", True, False),
    ],
)
def test_flag_operators(condition: str, known: bool, expected: bool) -> None:
    assert _matches(condition, {"kind": "call"}, Sender(name="X", known=known)) is expected


# ---- parsing: conditions, kinds, actions


def test_a_rule_parses_into_conditions_and_actions() -> None:
    rule = parse_rule("  kind=document AND subject ~ invoice -> delegate Finance, confidential ", 3)
    assert rule.source == "kind=document AND subject ~ invoice -> delegate Finance, confidential"
    assert rule.conditions == (
        Condition("kind", "=", "document"),
        Condition("subject", "~", "invoice"),
    )
    assert rule.actions == (Action("delegate", "Finance"), Action("confidential"))
    assert rule.label() == f"rule 3: {rule.source}"


@pytest.mark.parametrize("arrow", ["->", "→", "=>", " -> ", "->  "])
def test_every_arrow_spelling(arrow: str) -> None:
    rule = parse_rule(f"kind=call{arrow}urgency high")
    assert rule.conditions == (Condition("kind", "=", "call"),)
    assert rule.actions == (Action("urgency", "2"),)


def test_parse_rules_numbers_them_from_one() -> None:
    rules = parse_rules(["kind=call -> urgency 1", "kind=email -> urgency 4"])
    assert [r.number for r in rules] == [1, 2]
    assert rules[1].label() == "rule 2: kind=email -> urgency 4"
    with pytest.raises(RuleError, match="unknown field 'colour'"):
        parse_rules(["kind=call -> urgency 1", "colour=red -> urgency 1"])


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("meeting", "meeting_request"),
        ("request", "meeting_request"),
        ("Meeting", "meeting_request"),
        ("doc", "document"),
        ("CALL", "call"),
        ("meeting_request", "meeting_request"),
        *((k, k) for k in KINDS),
    ],
)
def test_kind_aliases(written: str, kind: str) -> None:
    (condition,) = parse_rule(f"kind={written} -> confidential").conditions
    assert condition == Condition("kind", "=", kind)
    assert _matches(f"kind={written}", {"kind": kind}, Sender())


@pytest.mark.parametrize(
    ("action", "urgency"),
    [
        ("urgency 1", "1"),
        ("urgency 2", "2"),
        ("urgency 3", "3"),
        ("urgency 4", "4"),
        ("urgency p1", "1"),
        ("urgency P4", "4"),
        ("urgency urgent", "1"),
        ("urgency high", "2"),
        ("urgency normal", "3"),
        ("urgency medium", "3"),
        ("urgency low", "4"),
        ("URGENCY High", "2"),
    ],
)
def test_urgency_by_number_and_by_word(action: str, urgency: str) -> None:
    assert parse_rule(f"kind=call -> {action}").actions == (Action("urgency", urgency),)


@pytest.mark.parametrize(
    ("action", "parsed"),
    [
        ("delegate Finance", Action("delegate", "Finance")),
        ("delegate Finance Team", Action("delegate", "Finance Team")),
        ('delegate "Anna Berg"', Action("delegate", "Anna Berg")),
        ("screen out", Action("screen-out")),
        ("Screen OUT", Action("screen-out")),
        ("screen-out", Action("screen-out")),
        ("block", Action("screen-out")),
        ("confidential", Action("confidential")),
        ("Confidential", Action("confidential")),
    ],
)
def test_every_action(action: str, parsed: Action) -> None:
    assert parse_rule(f"kind=call -> {action}").actions == (parsed,)


def test_actions_are_comma_separated_and_blank_ones_skipped() -> None:
    rule = parse_rule("kind=call -> urgency low , , delegate Bo,confidential")
    assert rule.actions == (
        Action("urgency", "4"),
        Action("delegate", "Bo"),
        Action("confidential"),
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("colour=red -> urgency 1", "unknown field 'colour'"),
        ("from.name=Bo -> urgency 1", "unknown field 'from.name'"),
        ("subject>3 -> urgency 1", "subject takes != !~ = ~, not >"),
        ("kind<=call -> urgency 1", "kind takes != !~ = ~, not <="),
        ("amount~5 -> urgency 1", "amount takes != < <= = > >=, not ~"),
        ("from.vip!~2 -> urgency 1", "from.vip takes != < <= = > >=, not !~"),
        ("from.known~yes -> urgency 1", "from.known takes != =, not ~"),
        ("from.staff>=1 -> urgency 1", "from.staff takes != =, not >="),
        ("subject= -> urgency 1", "subject= needs a value"),
        ('subject~"" -> urgency 1', "subject~ needs a value"),
        ("amount>= -> urgency 1", "amount>= needs a value"),
        ("amount>=lots -> urgency 1", "amount compares numbers, not 'lots'"),
        ("from.vip=high -> urgency 1", "from.vip compares numbers, not 'high'"),
        ("from.known=maybe -> urgency 1", "from.known is yes or no, not 'maybe'"),
        ("from.staff=y -> urgency 1", "from.staff is yes or no, not 'y'"),
        ("kind=fax -> urgency 1", "kind is one of call, email, meeting_request, visitor,"),
        ("kind=fax -> urgency 1", "not 'fax'"),
        ("kind -> urgency 1", "'kind' is not FIELD OP VALUE"),
        ("kind=call and x -> urgency 1", "'x' is not FIELD OP VALUE"),
        ("kind=call urgency 1", "a rule is CONDITIONS -> ACTIONS"),
        ("-> urgency 1", "a rule is CONDITIONS -> ACTIONS"),
        ("kind=call ->", "a rule is CONDITIONS -> ACTIONS"),
        ("kind=call -> ,", "no action after ->"),
        ("kind=call -> , ,", "no action after ->"),
        ("kind=call -> archive", "unknown action 'archive'"),
        ("kind=call -> confidential please", "unknown action 'confidential please'"),
        ("kind=call -> screen in", "unknown action 'screen in'"),
        ("kind=call -> delegate", "delegate needs a staff contact's name"),
        ("kind=call -> urgency 5", "urgency takes 1-4 or urgent|high|normal|medium|low, not '5'"),
        ("kind=call -> urgency 0", "not '0'"),
        ("kind=call -> urgency p9", "not 'p9'"),
        ("kind=call -> urgency soon", "not 'soon'"),
        ("kind=call -> urgency", "urgency takes 1-4"),
    ],
)
def test_rule_errors_name_the_problem(source: str, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(source)
    assert message in str(caught.value)


def test_rule_error_is_a_value_error() -> None:
    assert issubclass(RuleError, ValueError)


def test_field_names_are_case_insensitive() -> None:
    assert parse_rule("Kind=call -> urgency 1").conditions == (Condition("kind", "=", "call"),)


def test_a_quoted_value_may_hold_and() -> None:
    rule = parse_rule('subject~"black and white" -> urgency low')
    assert rule.conditions == (Condition("subject", "~", "black and white"),)


# ---- arrival: the sender's policy, then the rules in order


def _plan(rules: list[str], item: dict[str, Any] | None = None, sender: Sender = ANNA) -> Plan:
    return arrival(item or {"kind": "call", "subject": "hello"}, sender, parse_rules(rules))


def test_a_later_urgency_wins() -> None:
    plan = _plan(["kind=call -> urgency high", "kind=call -> urgency low"])
    assert plan.urgency == 4
    assert plan.applied == [
        "rule 1: kind=call -> urgency high",
        "rule 2: kind=call -> urgency low",
    ]


def test_a_rule_sees_the_urgency_an_earlier_rule_set() -> None:
    plan = _plan(["kind=call -> urgency urgent", "urgency<=1 -> confidential"])
    assert (plan.urgency, plan.confidential) == (1, True)


def test_the_first_delegate_wins() -> None:
    plan = _plan(["kind=call -> delegate Finance", "kind=call -> delegate Legal, urgency 2"])
    assert plan.delegate_to == "Finance"
    assert plan.urgency == 2
    assert plan.status == "new" and plan.note is None


@pytest.mark.parametrize(
    "rules",
    [
        ["kind=call -> delegate Finance", "subject~hello -> screen out"],
        ["kind=call -> screen out", "subject~hello -> delegate Finance"],
        ["kind=call -> delegate Finance, block"],
    ],
)
def test_screen_out_cancels_delegation(rules: list[str]) -> None:
    plan = _plan(rules)
    assert (plan.status, plan.delegate_to, plan.note) == ("screened", None, "screened out")
    assert len(plan.applied) == len(rules)


def test_a_blocked_sender_is_screened_out_whatever_the_rules_say() -> None:
    spam = Sender(name="Spam Inc", known=True, policy="block")
    plan = _plan(["kind=call -> delegate Finance, urgency 1"], sender=spam)
    assert plan.status == "screened"
    assert plan.delegate_to is None
    assert plan.urgency == 1
    assert plan.applied == [
        "sender policy: block (Spam Inc) -> screen out",
        "rule 1: kind=call -> delegate Finance, urgency 1",
    ]


@pytest.mark.parametrize("sender", [Sender(), Sender(name="Bo", known=False, policy="block")])
def test_an_unknown_sender_keeps_status_new(sender: Sender) -> None:
    plan = arrival({"kind": "call", "urgency": 2}, sender, [])
    assert (plan.status, plan.urgency, plan.applied, plan.delegate_to) == ("new", 2, [], None)


def test_a_rule_for_unknown_senders_screens_them_out() -> None:
    rules = parse_rules(["from.policy=unknown and text~lottery -> screen out"])
    item = {"kind": "call", "subject": "You won the LOTTERY"}
    assert arrival(item, Sender(), rules).status == "screened"
    assert arrival(item, ANNA, rules).status == "new"


def test_a_rule_that_does_not_match_leaves_the_item_alone() -> None:
    item = {"kind": "email", "subject": "hi", "urgency": 3, "confidential": True}
    plan = arrival(item, ANNA, parse_rules(["kind=call -> urgency 1, delegate X, screen out"]))
    assert plan == Plan(urgency=3, status="new", confidential=True)


# ---- delegation helpers and notes

STAFF = [(1, "Finance"), (2, "Finance Team"), (3, "Anna Berg"), (4, "Bo Berg"), (5, "Émile")]


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("Finance", 1),  # exact beats the one that starts so
        ("finance team", 2),
        ("Anna", 3),  # starts so, and only one does
        ("emile", 5),  # accents and case do not matter
        ("Berg", None),  # a word of two names: ambiguous
        ("Fin", None),  # starts two names
        ("Carl", None),
    ],
)
def test_staff_match(name: str, found: int | None) -> None:
    assert staff_match(name, STAFF) == found


@pytest.mark.parametrize(
    ("day", "n", "after"),
    [
        (date(2026, 11, 27), 2, date(2026, 12, 1)),  # Fri + 2 = Tue
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Fri + 1 = Mon
        (date(2026, 11, 25), 2, date(2026, 11, 27)),  # Wed + 2 = Fri
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # Sat + 1 = Mon
        (date(2026, 11, 29), 5, date(2026, 12, 4)),  # Sun + 5 = Fri
        (date(2026, 11, 26), 10, date(2026, 12, 10)),  # two full weeks
        (date(2026, 11, 28), 0, date(2026, 11, 28)),
    ],
)
def test_working_days_after_skips_weekends(day: date, n: int, after: date) -> None:
    assert working_days_after(day, n) == after


def test_delegated_task_is_due_in_two_working_days() -> None:
    item = {"subject": "Invoice 7", "urgency": 2, "contact_id": 9, "confidential": True}
    assert delegated_task(item, "Anna", 4, date(2026, 11, 27)) == {
        "title": "Invoice 7 (from Anna)",
        "due_date": date(2026, 12, 1),
        "priority": 2,
        "contact_id": 9,
        "delegated_to_id": 4,
        "confidential": True,
        "status": "waiting",
    }
    bare = delegated_task({}, "Bo", 1, date(2026, 11, 25))
    assert (bare["title"], bare["priority"], bare["confidential"]) == (
        "(no subject) (from Bo)",
        4,
        False,
    )
    assert bare["due_date"] == date(2026, 11, 27)


def test_arrival_notes() -> None:
    screened = Plan(urgency=4, status="screened", applied=["rule 1: x"], delegate_to=None)
    assert arrival_notes(screened, None) == [
        "screened: rule 1: x",
        "screened out: see `pa queue --screened`; `pa queue reopen ID` undoes it",
    ]
    missing = Plan(urgency=4, delegate_to="Finance", applied=["rule 2: y"])
    assert arrival_notes(missing, None) == [
        "screened: rule 2: y",
        "no staff contact 'Finance' to delegate to; left in the queue",
    ]
    assert arrival_notes(missing, "Finance Team") == [
        "screened: rule 2: y",
        "delegated to Finance Team",
    ]
    assert arrival_notes(Plan(urgency=3), None) == []


# ---- the score, term by term

LONG = AnswerTimes({k: timedelta(days=365) for k in KINDS}, {k: timedelta(days=365) for k in KINDS})


def _score(**kwargs: Any) -> Score:
    """A score where every term is zero unless the test sets it."""
    args: dict[str, Any] = {
        "urgency": 4,
        "vip": 0,
        "received_at": NOW,
        "deadline": None,
        "now": NOW,
        "kind": "other",
        "known": True,
        "policy": "screen",
    }
    args.update(kwargs)
    return score(**args)


def test_a_score_of_nothing_is_zero() -> None:
    s = _score()
    assert (s.total, s.overdue, s.explain()) == (0, False, "0")
    assert s.table() == [
        ("urgency p4", 0),
        ("VIP tier 0", 0),
        ("sender known", 0),
        ("kind other", 0),
        ("age 0.0d", 0),
    ]


@pytest.mark.parametrize(("urgency", "points"), [(1, 40), (2, 25), (3, 10), (4, 0), (7, 0)])
def test_urgency_points(urgency: int, points: int) -> None:
    s = _score(urgency=urgency)
    assert s.terms[0] == (f"urgency p{urgency}", points)
    assert s.total == points


@pytest.mark.parametrize(
    ("vip", "tier", "points"),
    [(-1, 0, 0), (0, 0, 0), (1, 1, 10), (2, 2, 20), (3, 3, 30), (9, 3, 30)],
)
def test_vip_points_per_tier_clamped(vip: int, tier: int, points: int) -> None:
    s = _score(vip=vip)
    assert s.terms[1] == (f"VIP tier {tier}", points)
    assert s.total == points


@pytest.mark.parametrize(
    ("known", "policy", "label", "points"),
    [
        (True, "through", "sender through", 15),
        (True, "screen", "sender known", 0),
        (True, "block", "sender known", 0),
        (True, None, "sender known", 0),
        (False, "through", "sender unknown", -5),
        (False, None, "sender unknown", -5),
    ],
)
def test_sender_relation_points(known: bool, policy: str | None, label: str, points: int) -> None:
    s = _score(known=known, policy=policy)
    assert s.terms[2] == (label, points)
    assert s.total == points


@pytest.mark.parametrize(
    ("kind", "points"),
    [
        ("visitor", 20),
        ("call", 5),
        ("email", 0),
        ("meeting_request", 0),
        ("document", 0),
        ("other", 0),
    ],
)
def test_kind_points(kind: str, points: int) -> None:
    s = _score(kind=kind)
    assert s.terms[3] == (f"kind {kind}", points)
    assert s.total == points


@pytest.mark.parametrize(
    ("waited", "label", "points"),
    [
        (timedelta(0), "age 0.0d", 0),
        (timedelta(hours=5, minutes=59), "age 0.2d", 0),
        (timedelta(hours=6), "age 0.2d", 1),  # 0.25 d shows as 0.2 but earns its point
        (timedelta(days=1), "age 1.0d", 4),
        (timedelta(days=2, hours=12), "age 2.5d", 10),
        (timedelta(days=4, hours=23), "age 5.0d", 19),
        (timedelta(days=5), "age 5.0d", 20),
        (timedelta(days=9), "age 9.0d", 20),  # the cap
        (timedelta(days=300), "age 300.0d", 20),
        (-timedelta(days=1), "age 0.0d", 0),  # received in the future: no age
    ],
)
def test_age_points_with_the_cap(waited: timedelta, label: str, points: int) -> None:
    s = _score(received_at=NOW - waited, times=LONG)
    assert s.terms[4] == (label, points)
    assert s.total == points
    assert not s.overdue


@pytest.mark.parametrize(
    ("left", "term"),
    [
        (-timedelta(days=30), ("deadline passed", 40)),
        (-timedelta(seconds=1), ("deadline passed", 40)),
        (timedelta(0), ("deadline within 24 h", 30)),
        (timedelta(hours=23, minutes=59), ("deadline within 24 h", 30)),
        (timedelta(days=1), ("deadline within 3 days", 15)),
        (timedelta(days=2, hours=23), ("deadline within 3 days", 15)),
        (timedelta(days=3), None),
        (timedelta(days=30), None),
    ],
)
def test_deadline_points(left: timedelta, term: tuple[str, int] | None) -> None:
    s = _score(deadline=NOW + left)
    assert s.terms[5:] == ((term,) if term else ())
    assert s.total == (term[1] if term else 0)


def test_no_deadline_no_deadline_term() -> None:
    assert len(_score(deadline=None).terms) == 5


def test_a_naive_deadline_counts_as_utc() -> None:
    naive = (NOW + timedelta(hours=2)).replace(tzinfo=None)
    assert ("deadline within 24 h", 30) in _score(deadline=naive).terms


NORMAL_LABELS = {
    "call": "4 h",
    "email": "24 h",
    "meeting_request": "48 h",
    "visitor": "15 min",
    "document": "72 h",
    "other": "48 h",
}
VIP_LABELS = {
    "call": "2 h",
    "email": "8 h",
    "meeting_request": "24 h",
    "visitor": "5 min",
    "document": "48 h",
    "other": "24 h",
}
KIND_BONUS = {"visitor": 20, "call": 5}


def _age(waited: timedelta) -> int:
    return min(20, int(waited / timedelta(days=1) * 4))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("vip", [0, 1, 2, 3])
def test_overdue_by_kind_with_normal_and_vip_answer_times(kind: str, vip: int) -> None:
    table, labels = (
        (DEFAULT_ANSWER_VIP, VIP_LABELS) if vip >= 2 else (DEFAULT_ANSWER, NORMAL_LABELS)
    )
    limit = table[kind]
    fixed = 10 * vip + KIND_BONUS.get(kind, 0)
    on_time = _score(kind=kind, vip=vip, received_at=NOW - limit)
    assert not on_time.overdue
    assert on_time.total == fixed + _age(limit)
    late = _score(kind=kind, vip=vip, received_at=NOW - limit - timedelta(seconds=1))
    assert late.overdue
    assert late.terms[-1] == (f"unanswered past {labels[kind]}", 25)
    assert late.total == fixed + _age(limit + timedelta(seconds=1)) + 25


def test_vip_tier_two_waits_less_than_tier_one() -> None:
    three_hours = NOW - timedelta(hours=3)
    assert not _score(kind="call", vip=1, received_at=three_hours).overdue
    assert _score(kind="call", vip=2, received_at=three_hours).overdue
    assert _score(kind="call", vip=9, received_at=three_hours).overdue  # clamped to 3: VIP


def test_answer_times_from_settings_in_minutes_ignoring_junk() -> None:
    times = AnswerTimes.from_settings(
        {
            "answer.call": "90",
            "answer_vip.call": "30",
            "answer.email": "1h",  # not a number of minutes
            "answer.visitor": "-5",
            "answer_vip.visitor": "",
            "other.document": "1",  # not an answer table
            "answervip.document": "1",
            "answer_vip.other": " 7",
        }
    )
    assert times.normal == {**DEFAULT_ANSWER, "call": timedelta(minutes=90)}
    assert times.vip == {**DEFAULT_ANSWER_VIP, "call": timedelta(minutes=30)}
    assert times.within("call", 0) == timedelta(minutes=90)
    assert times.within("call", 1) == timedelta(minutes=90)
    assert times.within("call", 2) == timedelta(minutes=30)
    assert times.within("fax", 0) == DEFAULT_ANSWER["other"]
    assert AnswerTimes.from_settings({}) == AnswerTimes()


def test_custom_answer_times_decide_lateness_and_label() -> None:
    times = AnswerTimes.from_settings({"answer.call": "90", "answer_vip.call": "30"})
    waited = NOW - timedelta(minutes=45)
    assert not _score(kind="call", received_at=waited, times=times).overdue
    vip = _score(kind="call", vip=2, received_at=waited, times=times)
    assert vip.overdue and vip.terms[-1] == ("unanswered past 30 min", 25)
    normal = _score(kind="call", received_at=NOW - timedelta(minutes=91), times=times)
    assert normal.terms[-1] == ("unanswered past 90 min", 25)


def test_explain_lists_the_terms_that_count() -> None:
    s = _score(
        urgency=1,
        vip=2,
        kind="visitor",
        policy="through",
        received_at=NOW - timedelta(minutes=4),
        deadline=NOW + timedelta(hours=2),
    )
    assert s.explain() == (
        "urgency p1 40 + VIP tier 2 20 + sender through 15 + kind visitor 20"
        " + deadline within 24 h 30"
    )
    assert s.total == 125
    unknown = _score(known=False, received_at=NOW - timedelta(days=3))
    assert unknown.explain() == "sender unknown -5 + age 3.0d 12 + unanswered past 48 h 25"
    assert unknown.total == 32


@settings(max_examples=200, deadline=None)
@given(
    urgency=st.integers(0, 5),
    vip=st.integers(-2, 6),
    waited=st.integers(-3600, 10 * 86400),
    left=st.one_of(st.none(), st.integers(-5 * 86400, 5 * 86400)),
    kind=st.sampled_from(KINDS),
    known=st.booleans(),
    policy=st.sampled_from(["through", "screen", "block", None]),
)
def test_total_is_the_sum_of_the_terms(
    urgency: int,
    vip: int,
    waited: int,
    left: int | None,
    kind: str,
    known: bool,
    policy: str | None,
) -> None:
    s = score(
        urgency=urgency,
        vip=vip,
        received_at=NOW - timedelta(seconds=waited),
        deadline=None if left is None else NOW + timedelta(seconds=left),
        now=NOW,
        kind=kind,
        known=known,
        policy=policy,
    )
    assert s.total == sum(points for _, points in s.terms)
    assert s.overdue == any(name.startswith("unanswered past") for name, _ in s.terms)


# ---- the SQL twin: SQLite sorts by the same score


@dataclass(frozen=True)
class _Item:
    id: int
    urgency: int
    kind: str
    received_at: datetime
    deadline: datetime | None
    contact: tuple[int, str] | None  # (vip, policy)


def _python_order(items: list[_Item], times: AnswerTimes, now: datetime = NOW) -> list[int]:
    def key(item: _Item) -> tuple[int, datetime, int]:
        vip, policy = item.contact or (0, None)
        s = score(
            urgency=item.urgency,
            vip=vip,
            received_at=item.received_at,
            deadline=item.deadline,
            now=now,
            kind=item.kind,
            known=item.contact is not None,
            policy=policy,
            times=times,
        )
        return (-s.total, item.received_at, item.id)

    return [i.id for i in sorted(items, key=key)]


TIMES = [
    AnswerTimes(),
    AnswerTimes.from_settings({"answer.call": "30", "answer_vip.call": "10"}),
    AnswerTimes.from_settings(
        {
            "answer.visitor": "1",
            "answer.email": "60",
            "answer_vip.email": "600",
            "answer.other": "5",
        }
    ),
]

_rows = st.lists(
    st.tuples(
        st.integers(1, 4),  # urgency
        st.sampled_from(KINDS),
        st.integers(-60, 8 * 24 * 60),  # received, minutes ago
        st.one_of(st.none(), st.integers(-3 * 24 * 60, 5 * 24 * 60)),  # deadline, minutes ahead
        st.one_of(st.none(), st.tuples(st.integers(-1, 5), st.sampled_from(["screen", "through"]))),
        st.sampled_from(["new", "new", "deferred", "done", "screened", "snoozed", "woke"]),
    ),
    max_size=40,
)


def _fill(conn: sqlite3.Connection, rows: list[Any]) -> tuple[int, list[_Item]]:
    """The rows as requests of one principal (raw inserts); the open ones as _Items."""
    for table in ("request", "contact", "principal"):
        conn.execute(f"DELETE FROM {table}")
    pid = capture_store.add_principal(conn, "me", "Europe/Stockholm", NOW)
    other = capture_store.add_principal(conn, "other", "Europe/Stockholm", NOW)
    open_items = []
    for n, (urgency, kind, ago, ahead, contact, status) in enumerate(rows):
        contact_id = None
        if contact is not None:
            contact_id = capture_store.insert(
                conn,
                "contact",
                {"principal_id": pid, "name": f"c{n}", "vip": contact[0], "policy": contact[1],
                 "is_staff": False, "confidential": False, "created_at": NOW, "updated_at": NOW},
            )  # fmt: skip
        snooze = {"snoozed": NOW + timedelta(hours=1), "woke": NOW - timedelta(hours=1)}.get(status)
        received = NOW - timedelta(minutes=ago)
        deadline = None if ahead is None else NOW + timedelta(minutes=ahead)
        rid = capture_store.insert(
            conn,
            "request",
            {"principal_id": pid, "kind": kind, "contact_id": contact_id, "subject": "s",
             "received_at": received, "urgency": urgency, "deadline": deadline,
             "status": "deferred" if snooze else status, "snooze_until": snooze,
             "confidential": False, "created_at": NOW, "updated_at": NOW},
        )  # fmt: skip
        if status in ("new", "deferred", "woke"):
            open_items.append(_Item(rid, urgency, kind, received, deadline, contact))
    # Another principal's item never shows.
    capture_store.insert(
        conn,
        "request",
        {"principal_id": other, "kind": "visitor", "subject": "x", "received_at": NOW,
         "urgency": 1, "status": "new", "created_at": NOW, "updated_at": NOW},
    )  # fmt: skip
    return pid, open_items


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=_rows, which=st.integers(0, len(TIMES) - 1), limit=st.integers(1, 6))
def test_sql_order_equals_sorting_by_the_python_score(
    store: Store, db_path: Path, rows: list[Any], which: int, limit: int
) -> None:
    times = TIMES[which]
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        pid, items = _fill(conn, rows)
        expected = _python_order(items, times)
        full = [r[0] for r in conn.execute(*queue_order_sql(pid, NOW, times=times))]
        top = queue_top_ids(conn.execute, pid, NOW, limit, times=times)
        some = [i.id for i in items[::2]]
        only = [r[0] for r in conn.execute(*queue_order_sql(pid, NOW, only=some, times=times))]
    finally:
        conn.close()
    assert full == expected
    assert top == expected[:limit]
    assert only == [i for i in expected if i in some]


def test_custom_answer_times_change_the_order_in_both() -> None:
    """The items of the store test below, as _Items: a call waiting 45 minutes is late only when
    calls are answered within 30, so the custom times must reach both orders."""
    call = _Item(1, 4, "call", NOW - timedelta(minutes=45), None, (0, "screen"))
    email = _Item(2, 3, "email", NOW - timedelta(minutes=50), None, (0, "screen"))
    thirty = AnswerTimes.from_settings({"answer.call": "30"})
    assert _python_order([call, email], AnswerTimes()) == [2, 1]
    assert _python_order([call, email], thirty) == [1, 2]


def test_the_store_answer_times_reach_the_sql_and_python_queue_orders(store: Store) -> None:
    with store.write() as session:
        changed = queue_settings.sync(
            session, QueueConfig(answer=(("call", 30),), present=True), now=NOW
        )
        assert changed
        p = principals.add_principal(session, name="Eva", tz="Europe/Stockholm", now=NOW)
        people = [
            contacts.create_contact(
                session, principal=p, name=f"P{v}", now=NOW, vip=v,
                policy="through" if v == 1 else "screen",
            )
            for v in range(4)
        ]  # fmt: skip
        made: list[_Item] = []
        specs = [
            # (urgency, kind, minutes ago, contact index or None)
            (4, "call", 45, 0),  # late only with the 30-minute answer time
            (3, "email", 50, 0),
            (4, "call", 20, None),
            (2, "visitor", 3, 3),
            (4, "call", 100, 2),  # VIP: its answer time is still 2 h
            (1, "document", 60 * 30, 1),
            (3, "meeting_request", 60 * 50, None),
            (4, "other", 60 * 24 * 6, 2),
        ]
        for n, (urgency, kind, ago, who) in enumerate(specs):
            sender = people[who] if who is not None else None
            item = queue.create_request(
                session,
                principal=p,
                subject=f"item {n}",
                now=NOW,
                kind=kind,
                urgency=urgency,
                contact_id=sender.id if sender else None,
                received_at=NOW - timedelta(minutes=ago),
            )
            assert item.id is not None and item.status == "new"
            made.append(
                _Item(
                    item.id,
                    urgency,
                    kind,
                    NOW - timedelta(minutes=ago),
                    None,
                    (sender.vip, sender.policy) if sender else None,
                )
            )
    thirty = AnswerTimes.from_settings({"answer.call": "30"})
    expected = _python_order(made, thirty)
    assert expected != _python_order(made, AnswerTimes())
    with store.read() as session:
        assert queue_settings.answer_times(session) == thirty
        assert views._queue_ids_sql(session, p, now=NOW, only=None) == expected
        assert views._queue_ids_python(session, p, now=NOW, only=None) == expected
        assert views.queue_ids(session, p, now=NOW) == expected

        def run(sql: str, params: dict[str, Any]) -> Any:
            return session.connection().execute(text(sql), params)

        assert queue_top_ids(run, p.id or 0, NOW, 3, times=thirty) == expected[:3]


def test_sql_age_agrees_below_a_millisecond(store: Store, db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        items = [
            ((4, "other", 0, None, None, "new"), NOW - timedelta(hours=30, microseconds=-100)),
            ((4, "call", 60, None, None, "new"), NOW - timedelta(hours=1)),
        ]
        pid, made = _fill(conn, [row for row, _ in items])
        ids = [m.id for m in made]
        for rid, (_, received) in zip(ids, items, strict=True):
            conn.execute(
                "UPDATE request SET received_at = ? WHERE id = ?",
                (received.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f"), rid),
            )
        fixed = [
            _Item(m.id, m.urgency, m.kind, received, None, None)
            for m, (_, received) in zip(made, items, strict=True)
        ]
        full = [r[0] for r in conn.execute(*queue_order_sql(pid, NOW))]
    finally:
        conn.close()
    assert _python_order(fixed, AnswerTimes()) == [ids[1], ids[0]]
    assert full == [ids[1], ids[0]]


# ---- the [queue] config


def _write(tmp_path: Path, text: str, name: str = "config.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_valid_queue_config(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """# my config
[queue]
rules = [
  "kind=document and subject~invoice -> delegate Finance",
  "from.vip>=2 -> urgency high",
]
answer = { call = "4h", email = "1d", visitor = "15m" }
answer_vip = { meeting_request = "1h30m" }
templates = { decline = "Dear {name}, {principal} cannot take {subject}; {alternative}?" }
""",
    )
    config = load_queue(path)
    assert config.rules == (
        ("kind=document and subject~invoice -> delegate Finance", f"{path}:4"),
        ("from.vip>=2 -> urgency high", f"{path}:5"),
    )
    assert config.answer == (("call", 240), ("email", 1440), ("visitor", 15))
    assert config.answer_vip == (("meeting_request", 90),)
    assert config.templates == (
        ("decline", "Dear {name}, {principal} cannot take {subject}; {alternative}?"),
    )
    assert config.present
    assert config.settings() == {
        "answer.call": "240",
        "answer.email": "1440",
        "answer.visitor": "15",
        "answer_vip.meeting_request": "90",
    }


def test_no_queue_table_is_an_empty_config(tmp_path: Path) -> None:
    assert load_queue(_write(tmp_path, '[keys]\nquit = "q"\n')) == QueueConfig(present=False)
    assert load_queue(str(tmp_path / "missing.toml")) == QueueConfig(present=False)
    assert load_queue(_write(tmp_path, "[queue]\nrules = []\n")) == QueueConfig(present=True)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[queue]\nrules = []\ncolour = "red"\n', 3, "unknown key 'colour' in [queue]"),
        (
            '[queue]\nrules = "kind=call -> urgency 1"\n',
            2,
            "queue.rules must be a list of strings",
        ),
        (
            '[queue]\nrules = [\n  "kind=call -> urgency 1",\n  "colour=red -> urgency 1",\n]\n',
            4,
            "rule 2: unknown field 'colour'",
        ),
        (
            '[queue]\nrules = [\n  "kind=call -> urgency 9",\n]\n',
            3,
            "rule 1: urgency takes 1-4",
        ),
        ('[queue]\nrules = ["kind=call"]\n', 2, "rule 1: a rule is CONDITIONS -> ACTIONS"),
        ('[queue]\nanswer = "4h"\n', 2, "queue.answer must be a table"),
        (
            '[queue]\nrules = []\nanswer = { fax = "2h" }\n',
            3,
            "queue.answer.fax: kind is one of call, email, meeting_request",
        ),
        (
            '[queue]\nanswer = { email = "1d" }\nanswer_vip = { document = "soon" }\n',
            3,
            'queue.answer_vip.document must be a duration like "2h"',
        ),
        (
            "[queue]\n\nanswer = { visitor = 15 }\n",
            3,
            'queue.answer.visitor must be a duration like "2h"',
        ),
        ('[queue]\nanswer = { email = "0m" }\n', 2, "queue.answer.email must be a duration"),
        ('[queue]\ntemplates = "x"\n', 2, "queue.templates must be a table"),
        (
            '[queue]\nrules = []\ntemplates = { decline = "Dear {foo}" }\n',
            3,
            "queue.templates.decline: unknown placeholder {foo} (use {name}, {subject},",
        ),
        (
            '[queue]\ntemplates = { polite = "Dear {name.__class__}" }\n',
            2,
            "queue.templates.polite: unknown placeholder {name.__class__}",
        ),
        (
            "[queue]\nrules = []\n\ntemplates = { decline = 3 }\n",
            4,
            "queue.templates.decline must be a string",
        ),
        (
            '[queue]\ntemplates = { decline = "Dear {name" }\n',
            2,
            "queue.templates.decline: ",
        ),
        ('[queue]\nrules = [\n "a" "b"]\n', 3, "Unclosed array"),  # not TOML at all
    ],
)
def test_queue_config_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(PaError) as caught:
        load_queue(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[queue]\nrules = ["kind=call -> urgency high"]\nanswer = { call = "soon" }\n', 3),
        ('[queue]\nanswer = { call = "2h" }\nanswer_vip = { call = "never" }\n', 3),
        (
            '[queue]\nrules = ["subject~decline -> urgency 4"]\n'
            'templates = { decline = "Dear {foo}" }\n',
            3,
        ),
    ],
)
def test_queue_config_errors_name_the_line_of_the_mistake(
    tmp_path: Path, text: str, line: int
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(PaError) as caught:
        load_queue(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_a_rule_with_escapes_keeps_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[queue]\nrules = [\n  "subject~\\"re: x\\" -> urgency 2",\n]\n')
    assert load_queue(path).rules == (('subject~"re: x" -> urgency 2', f"{path}:3"),)


# ---- the config's copy in the store


def _stored(session: Any) -> tuple[list[tuple[str, str | None]], dict[str, str]]:
    rules = [(r.source, r.origin) for r in queue_settings.stored_rules(session)]
    return rules, queue_settings.load_settings(session)


def test_sync_writes_only_on_a_change(store: Store) -> None:
    first = QueueConfig(
        rules=(("kind=call -> urgency high", "c.toml:3"), ("from.vip>=2 -> urgency 1", "c.toml:4")),
        answer=(("call", 30), ("email", 600)),
        answer_vip=(("call", 10),),
        present=True,
    )
    steps = [
        (first, True),
        (first, False),
        (QueueConfig(first.rules, first.answer, first.answer_vip, present=True), False),
        (QueueConfig(first.rules[::-1], first.answer, first.answer_vip, present=True), True),
        (QueueConfig(first.rules[::-1], (("call", 31),), present=True), True),
        (QueueConfig(((first.rules[0][0], "c.toml:9"),), (("call", 31),), present=True), True),
        (QueueConfig(((first.rules[0][0], "c.toml:9"),), (("call", 31),), present=True), False),
        (QueueConfig(present=True), True),
        (QueueConfig(present=True), False),
    ]
    for config, changed in steps:
        with store.write() as session:
            assert queue_settings.sync(session, config, now=NOW) is changed
        with store.read() as session:
            assert _stored(session) == (list(config.rules), config.settings())
            assert [r.source for r in queue_settings.load_rules(session)] == [
                text for text, _ in config.rules
            ]
            assert queue_settings.answer_times(session) == AnswerTimes.from_settings(
                config.settings()
            )


def test_stored_rules_keep_their_order(store: Store) -> None:
    rules = tuple((f"urgency>={n} -> urgency {n}", f"c.toml:{n}") for n in (3, 1, 4, 2))
    with store.write() as session:
        queue_settings.sync(session, QueueConfig(rules=rules, present=True), now=NOW)
    with store.read() as session:
        loaded = queue_settings.load_rules(session)
    assert [(r.number, r.source) for r in loaded] == [(n, s) for n, (s, _) in enumerate(rules, 1)]


def test_sync_from_config_copies_a_queue_table_and_leaves_the_store_without_one(
    store: Store, tmp_path: Path
) -> None:
    path = _write(
        tmp_path, '[queue]\nrules = ["kind=call -> urgency 2"]\nanswer = { call = "1h" }\n'
    )
    config = queue_settings.sync_from_config(store, now=NOW, path=path)
    with store.read() as session:
        assert _stored(session) == (
            [("kind=call -> urgency 2", f"{path}:2")],
            {"answer.call": "60"},
        )
    assert config.answer == (("call", 60),)
    other = _write(tmp_path, '[keys]\nquit = "q"\n', "other.toml")
    assert not queue_settings.sync_from_config(store, now=NOW, path=other).present
    with store.read() as session:
        assert _stored(session)[0] == [("kind=call -> urgency 2", f"{path}:2")]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1h30m", 90),
        ("2h", 120),
        ("90m", 90),
        ("45min", 45),
        ("3d", 3 * 24 * 60),
        ("1d 2h 5m", 24 * 60 + 125),
        (" 2H ", 120),
        ("0m", 0),
        ("", None),
        ("2", None),
        ("soon", None),
        ("1h30", None),
        ("h", None),
        ("-2h", None),
        ("2h1d", None),
    ],
)
def test_minutes_of(text: str, minutes: int | None) -> None:
    assert minutes_of(text) == minutes
