"""The personal-CRM services at a fixed clock (NOW = Wed 25 Nov 2026 08:00 Stockholm): important
dates (29 Feb, year-less birthdays, the window's edges, relations' dates told as sentences), the
yearly date reminders, relations read both ways, interactions and keep-in-touch cadences,
dossiers, and finding and merging duplicate contacts without losing a linked row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import Session, col, select

from conftest import NOW, ZONE
from pa_tui.errors import NotFound, PaError
from pa_tui.models import (
    Contact,
    ContactEmail,
    Event,
    EventAttendee,
    ImportantDate,
    Interaction,
    KeepInTouch,
    Principal,
    Relation,
    Request,
    Task,
)
from pa_tui.services import (
    contacts,
    crm,
    dossier,
    duplicates,
    events,
    principals,
    queue,
    relations,
    tasks,
)
from pa_tui.services.anniversaries import UpcomingDate, next_anniversary, window_codes
from pa_tui.store import Store

TODAY = date(2026, 11, 25)  # NOW's local date, a Wednesday
DAY = timedelta(days=1)


# ------------------------------------------------------------------------------------- helpers


@pytest.fixture
def s(store: Store) -> Iterator[Session]:
    """One write session for the whole test (rolled into the temp store on success)."""
    with store.write() as session:
        yield session


def boss(session: Session, name: str = "Boss") -> Principal:
    return principals.add_principal(session, name=name, tz=ZONE, now=NOW)


def person_of(session: Session, principal: Principal, name: str, **kwargs: object) -> Contact:
    return contacts.create_contact(session, principal=principal, name=name, now=NOW, **kwargs)  # type: ignore[arg-type]


def meeting(
    session: Session,
    principal: Principal,
    title: str,
    start: datetime,
    attendees: list[Contact],
    *,
    cancelled: bool = False,
) -> Event:
    """A one-hour meeting at a local wall time in ZONE, attended by `attendees`."""
    ev = events.create_event(
        session,
        principal=principal,
        title=title,
        now=NOW,
        start_local=start,
        end_local=start + timedelta(hours=1),
        tz=ZONE,
    )
    ev.cancelled = cancelled
    session.add(ev)
    for c in attendees:
        session.add(EventAttendee(event_id=ev.id or 0, contact_id=c.id or 0))
    session.flush()
    return ev


def item(
    when: date,
    *,
    kind: str = "birthday",
    turns: int | None = None,
    label: str | None = None,
    relation_name: str | None = None,
    name: str = "Anna Lind",
    cid: int = 1,
) -> UpcomingDate:
    contact = SimpleNamespace(id=cid, name=name, confidential=False)
    return UpcomingDate(when, contact, kind, label, turns, relation_name)


# ---------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("month", "day", "today", "expected"),
    [
        (2, 29, date(2027, 2, 1), date(2027, 2, 28)),  # common year: kept on the 28th
        (2, 29, date(2027, 2, 28), date(2027, 2, 28)),  # ... which is today
        (2, 29, date(2027, 3, 1), date(2028, 2, 29)),  # passed: next year is a leap year
        (2, 29, date(2028, 2, 1), date(2028, 2, 29)),  # leap year: on the day itself
        (2, 29, date(2028, 3, 1), date(2029, 2, 28)),
        (11, 25, TODAY, TODAY),  # today counts
        (11, 24, TODAY, date(2027, 11, 24)),  # yesterday is next year's
        (1, 1, TODAY, date(2027, 1, 1)),
    ],
)
def test_next_anniversary(month: int, day: int, today: date, expected: date) -> None:
    assert next_anniversary(month, day, today) == expected


def test_window_codes_today_included_end_excluded_and_feb29_on_the_28th() -> None:
    assert window_codes(TODAY, 3) == {1125, 1126, 1127}
    assert window_codes(TODAY, 0) == set()
    assert window_codes(date(2026, 12, 30), 4) == {1230, 1231, 101, 102}
    # A common year's window holding 28 Feb also looks for 29 Feb birthdays ...
    assert window_codes(date(2027, 2, 20), 14) >= {228, 229, 301, 305}
    assert window_codes(date(2027, 2, 28), 1) == {228, 229}
    # ... and not when it stops before the 28th or starts after it.
    assert 229 not in window_codes(date(2027, 2, 20), 8)  # 20..27 Feb
    assert 229 not in window_codes(date(2027, 3, 1), 30)
    assert window_codes(date(2028, 2, 27), 3) == {227, 228, 229}


def test_upcoming_dates_feb29_birthday_in_common_and_leap_years(s: Session) -> None:
    p = boss(s)
    lena = person_of(s, p, "Lena Skott", birthday="1988-02-29")
    nils = person_of(s, p, "Nils Ahl", birthday="--02-29")

    found = contacts.upcoming_dates(s, p, today=date(2027, 2, 20), days=14)
    assert [(u.contact.id, u.when, u.turns) for u in found] == [
        (lena.id, date(2027, 2, 28), 39),
        (nils.id, date(2027, 2, 28), None),  # no year, no age
    ]
    assert all(u.kind == "birthday" and u.relation_name is None for u in found)

    found = contacts.upcoming_dates(s, p, today=date(2028, 2, 20), days=14)
    assert [(u.contact.id, u.when, u.turns) for u in found] == [
        (lena.id, date(2028, 2, 29), 40),
        (nils.id, date(2028, 2, 29), None),
    ]
    # A leap year's window ending on the 28th does not reach the 29th.
    assert contacts.upcoming_dates(s, p, today=date(2028, 2, 20), days=9) == []
    # On 28 Feb 2027 itself (days=1) it is today.
    today_only = contacts.upcoming_dates(s, p, today=date(2027, 2, 28), days=1)
    assert {u.contact.id for u in today_only} == {lena.id, nils.id}


def test_upcoming_dates_window_boundary_and_yearless_age(s: Session) -> None:
    p = boss(s)
    today = person_of(s, p, "Tove Idag", birthday="1990-11-25")
    last_in = person_of(s, p, "Sixten Sist", birthday="--12-01")  # today + 6
    person_of(s, p, "Sam Utanfor", birthday="1970-12-02")  # today + 7: excluded
    person_of(s, p, "Igor Igar", birthday="1970-11-24")  # yesterday: next year
    found = contacts.upcoming_dates(s, p, today=TODAY, days=7)
    assert [(u.contact.id, u.when, u.turns) for u in found] == [
        (today.id, TODAY, 36),
        (last_in.id, date(2026, 12, 1), None),
    ]
    assert [u.contact.name for u in contacts.upcoming_dates(s, p, today=TODAY, days=8)] == [
        "Tove Idag",
        "Sixten Sist",
        "Sam Utanfor",
    ]


def test_parse_partial_date() -> None:
    assert contacts.parse_partial_date("1980-05-17") == (1980, 5, 17)
    assert contacts.parse_partial_date("--02-29") == (None, 2, 29)
    assert contacts.parse_partial_date(" 05-17 ") == (None, 5, 17)
    for bad in ("2023-02-29", "--02-30", "17/05/1980", "", "1980-13-01"):
        with pytest.raises(PaError):
            contacts.parse_partial_date(bad)


def test_relation_date_of_a_plain_name_in_crm_upcoming(s: Session) -> None:
    p = boss(s)
    maria = person_of(s, p, "Maria Berg")
    leo = relations.add_relation(s, maria, "child", other_name="Leo")
    row = crm.add_date(s, maria, "birthday", "2016-11-27", relation=leo)
    assert (row.contact_id, row.relation_id, row.year) == (maria.id, leo.id, 2016)

    found = crm.upcoming(s, p, today=TODAY)
    assert [text for _, text in found] == ["Maria Berg's child Leo turns 10 on Fri 27 Nov"]
    assert found[0][0].relation_name == "child Leo"
    assert found[0][0].date_id == row.id


def test_relation_date_of_a_custom_relation_uses_its_label(s: Session) -> None:
    p = boss(s)
    maria = person_of(s, p, "Maria Berg")
    leo = relations.add_relation(s, maria, "custom", other_name="Leo", label="godchild")
    crm.add_date(s, maria, "birthday", "2016-11-27", relation=leo)
    assert [text for _, text in crm.upcoming(s, p, today=TODAY)] == [
        "Maria Berg's godchild Leo turns 10 on Fri 27 Nov"
    ]


def test_contact_who_is_another_contacts_child_says_whose(s: Session) -> None:
    p = boss(s)
    maria = person_of(s, p, "Maria Berg")
    leo = person_of(s, p, "Leo Berg", birthday="2016-11-27")
    coach = person_of(s, p, "Carl Coach")
    # A colleague link sorts before "parent" by label, yet family wins.
    relations.add_relation(s, leo, "colleague", other=coach)
    relations.add_relation(s, maria, "child", other=leo)
    assert [text for _, text in crm.upcoming(s, p, today=TODAY)] == [
        "Leo Berg (Maria Berg's child) turns 10 on Fri 27 Nov"
    ]
    # Only a colleague: that is what is said.
    olle = person_of(s, p, "Olle Ek", birthday="1996-11-26")
    relations.add_relation(s, olle, "colleague", other=coach)
    texts = [text for _, text in crm.upcoming(s, p, today=TODAY)]
    assert texts[0] == "Olle Ek (Carl Coach's colleague) turns 30 tomorrow"


def test_crm_upcoming_anniversary_with_years_and_custom_dates(s: Session) -> None:
    p = boss(s)
    maria = person_of(s, p, "Maria Berg")
    crm.add_date(s, maria, "anniversary", "2016-11-28", label="wedding")
    crm.add_date(s, maria, "custom", "--11-25", label="name day")
    crm.add_date(s, maria, "anniversary", "--11-26")
    assert [text for _, text in crm.upcoming(s, p, today=TODAY)] == [
        "Maria Berg: name day today",
        "Maria Berg: anniversary tomorrow",
        "Maria Berg: wedding (10 years) on Sat 28 Nov",
    ]
    with pytest.raises(PaError, match="custom date needs a label"):
        crm.add_date(s, maria, "custom", "--01-01", label="  ")
    with pytest.raises(PaError, match="date kind"):
        crm.add_date(s, maria, "deathday", "--01-01")
    with pytest.raises(PaError, match="not a date"):
        crm.add_date(s, maria, "birthday", "soon")


@pytest.mark.parametrize(
    ("upcoming", "relation_of", "expected"),
    [
        (item(TODAY, turns=40), None, "Anna Lind turns 40 today"),
        (item(TODAY + DAY, turns=40), None, "Anna Lind turns 40 tomorrow"),
        (item(TODAY + 3 * DAY, turns=40), None, "Anna Lind turns 40 on Sat 28 Nov"),
        (item(TODAY), None, "Anna Lind's birthday is today"),
        (item(TODAY + DAY), None, "Anna Lind's birthday is tomorrow"),
        (item(TODAY + 3 * DAY), None, "Anna Lind's birthday on Sat 28 Nov"),
        (
            item(TODAY + 2 * DAY, turns=10, relation_name="child Leo"),
            None,
            "Anna Lind's child Leo turns 10 on Fri 27 Nov",
        ),
        (
            item(TODAY, turns=10, name="Leo Berg", cid=7),
            {7: "Maria Berg's child"},
            "Leo Berg (Maria Berg's child) turns 10 today",
        ),
        (
            item(TODAY, turns=10, name="Leo Berg", cid=7),
            {8: "Maria Berg's child"},
            "Leo Berg turns 10 today",
        ),
        (
            item(TODAY + 3 * DAY, kind="anniversary", turns=25, label="wedding"),
            None,
            "Anna Lind: wedding (25 years) on Sat 28 Nov",
        ),
        (item(TODAY, kind="anniversary", turns=1), None, "Anna Lind: anniversary (1 years) today"),
        (item(TODAY + DAY, kind="anniversary"), None, "Anna Lind: anniversary tomorrow"),
        (
            item(TODAY + 40 * DAY, kind="custom", label="name day"),
            None,
            "Anna Lind: name day on Mon 04 Jan",
        ),
    ],
)
def test_sentence_wording(
    upcoming: UpcomingDate, relation_of: dict[int, str] | None, expected: str
) -> None:
    assert crm.sentence(upcoming, TODAY, relation_of) == expected


# ------------------------------------------------------------------------------ date reminders


def _dates_tasks(session: Session) -> list[Task]:
    return list(
        session.exec(select(Task).where(col(Task.project) == "dates").order_by(col(Task.id))).all()
    )


def test_date_reminders_one_task_per_date_once_a_year(s: Session) -> None:
    p = boss(s)
    anna = person_of(s, p, "Anna Lind", birthday="1986-11-27")  # today + 2
    bo = person_of(s, p, "Bo Ek", birthday="--12-02")  # today + 7: the last day in
    person_of(s, p, "Cleo Ny", birthday="--12-03")  # today + 8: not yet
    wed = person_of(s, p, "Dag Gift")
    crm.add_date(s, wed, "anniversary", "2006-11-25", label="wedding")  # today
    person_of(s, p, "Eva Hemlig", birthday="--11-26", confidential=True)

    made = crm.date_reminders(s, p, now=NOW)
    assert [text for text, _ in made] == [
        "Dag Gift: wedding (20 years) on Wed 25 Nov",
        "Anna Lind turns 40 on Fri 27 Nov",
        "Bo Ek's birthday on Wed 02 Dec",
    ]
    rows = _dates_tasks(s)
    assert [t.id for t in rows] == [tid for _, tid in made]
    assert [t.title for t in rows] == [
        "Remember: Dag Gift: wedding (20 years) on Wed 25 Nov",
        "Gift: Anna Lind turns 40 on Fri 27 Nov",
        "Gift: Bo Ek's birthday on Wed 02 Dec",
    ]
    whens = [TODAY, date(2026, 11, 27), date(2026, 12, 2)]
    assert [t.due_date for t in rows] == [max(TODAY, w - timedelta(days=7)) for w in whens]
    assert [t.contact_id for t in rows] == [wed.id, anna.id, bo.id]
    assert all(t.project == "dates" and not t.confidential and t.status == "todo" for t in rows)

    # Again, the same day or later the same year: nothing new for the same dates.
    assert crm.date_reminders(s, p, now=NOW) == []
    assert crm.date_reminders(s, p, now=NOW + timedelta(hours=5)) == []
    # A day later Cleo's comes into the window: only hers is made.
    later = crm.date_reminders(s, p, now=NOW + DAY)
    assert [text for text, _ in later] == ["Cleo Ny's birthday on Thu 03 Dec"]
    assert len(_dates_tasks(s)) == 4

    # The confidential contact only when asked, and the task is confidential too.
    secret = crm.date_reminders(s, p, now=NOW, include_confidential=True)
    assert [text for text, _ in secret] == ["Eva Hemlig's birthday on Thu 26 Nov"]
    assert s.get(Task, secret[0][1]).confidential  # type: ignore[union-attr]
    assert crm.date_reminders(s, p, now=NOW, include_confidential=True) == []

    # Next year the same dates make new tasks.
    next_year = crm.date_reminders(s, p, now=NOW + timedelta(days=365))
    assert [text for text, _ in next_year] == [
        "Dag Gift: wedding (21 years) on Thu 25 Nov",
        "Anna Lind turns 41 on Sat 27 Nov",
        "Bo Ek's birthday on Thu 02 Dec",
    ]


def test_date_reminders_ahead_sets_the_window_and_due_date(s: Session) -> None:
    p = boss(s)
    person_of(s, p, "Anna Lind", birthday="--11-28")  # today + 3
    person_of(s, p, "Bo Ek", birthday="--11-29")  # today + 4
    made = crm.date_reminders(s, p, now=NOW, ahead=3)
    assert [text for text, _ in made] == ["Anna Lind's birthday on Sat 28 Nov"]
    (task,) = _dates_tasks(s)
    assert task.due_date == max(TODAY, date(2026, 11, 28) - timedelta(days=3)) == TODAY
    assert crm.date_reminders(s, p, now=NOW, ahead=0) == []


def test_date_reminders_only_for_this_principal(s: Session) -> None:
    p, other = boss(s), boss(s, "Other")
    person_of(s, other, "Anna Lind", birthday="--11-26")
    assert crm.date_reminders(s, p, now=NOW) == []
    assert len(crm.date_reminders(s, other, now=NOW)) == 1


# ----------------------------------------------------------------------------------- relations

SYMMETRY = [
    ("spouse", None, "spouse", "spouse"),
    ("partner", None, "partner", "partner"),
    ("child", None, "child", "parent"),
    ("parent", None, "parent", "child"),
    ("assistant", None, "assistant", "assists"),
    ("reports-to", None, "reports-to", "manages"),
    ("colleague", None, "colleague", "colleague"),
    ("custom", "godmother", "godmother", "godmother of"),
]


def test_symmetry_table_covers_every_kind() -> None:
    assert [k for k, *_ in SYMMETRY] == list(relations.KINDS)
    assert set(relations.INVERSE) == set(relations.KINDS) - {"custom"}


@pytest.mark.parametrize(("kind", "label", "forward", "inverse"), SYMMETRY)
def test_relation_reads_both_ways(
    s: Session, kind: str, label: str | None, forward: str, inverse: str
) -> None:
    p = boss(s)
    anna = person_of(s, p, "Anna Lind")
    bo = person_of(s, p, "Bo Ek")
    rel = relations.add_relation(s, anna, kind, other=bo, label=label)  # Anna's KIND is Bo
    assert rel.id is not None
    assert (rel.contact_id, rel.other_contact_id, rel.other_name) == (anna.id, bo.id, None)
    assert relations.label_of(rel, forward=True) == forward
    assert relations.label_of(rel, forward=False) == inverse

    (from_anna,) = relations.links_of(s, anna.id or 0)
    (from_bo,) = relations.links_of(s, bo.id or 0)
    assert from_anna == relations.Link(forward, "Bo Ek", bo.id, rel.id, True, inverse)
    assert from_bo == relations.Link(inverse, "Anna Lind", anna.id, rel.id, False, forward)
    # Each contact as the other's relation.
    assert from_anna.phrase() == f"Bo Ek's {inverse}"  # Anna is Bo's <inverse>
    assert from_bo.phrase() == f"Anna Lind's {forward}"  # Bo is Anna's <forward>
    if kind in relations.INVERSE:
        assert relations.INVERSE[kind] == inverse


def test_plain_name_relation_and_phrase_without_seen_as(s: Session) -> None:
    p = boss(s)
    maria = person_of(s, p, "Maria Berg")
    rel = relations.add_relation(s, maria, " Child ", other_name="  Leo ")
    assert (rel.kind, rel.other_name, rel.other_contact_id) == ("child", "Leo", None)
    (link,) = relations.links_of(s, maria.id or 0)
    assert link == relations.Link("child", "Leo", None, rel.id or 0, True, "parent")
    assert link.phrase() == "Leo's parent"
    assert relations.Link("child", "Leo", None, 1, True).phrase() == "child Leo"
    rel2 = relations.add_relation(s, maria, "custom", other_name="Gun", label=" mentor ")
    assert rel2.label == "mentor"


def test_links_of_sorted_by_label_then_name(s: Session) -> None:
    p = boss(s)
    maria = person_of(s, p, "Maria Berg")
    erik = person_of(s, p, "erik Ek")
    relations.add_relation(s, maria, "child", other_name="Leo")
    relations.add_relation(s, maria, "child", other_name="Alva")
    relations.add_relation(s, erik, "reports-to", other=maria)
    relations.add_relation(s, maria, "colleague", other=erik)
    assert [(lk.label, lk.name) for lk in relations.links_of(s, maria.id or 0)] == [
        ("child", "Alva"),
        ("child", "Leo"),
        ("colleague", "erik Ek"),
        ("manages", "erik Ek"),
    ]


def test_relation_refusals(s: Session) -> None:
    p, other_p = boss(s), boss(s, "Other")
    anna = person_of(s, p, "Anna Lind")
    bo = person_of(s, p, "Bo Ek")
    stranger = person_of(s, other_p, "Sven Annan")

    with pytest.raises(PaError, match="themselves"):
        relations.add_relation(s, anna, "spouse", other=anna)
    with pytest.raises(PaError, match="must be one of"):
        relations.add_relation(s, anna, "cousin", other=bo)
    for bad_label in (None, "", "   "):
        with pytest.raises(PaError, match="needs a label"):
            relations.add_relation(s, anna, "custom", other=bo, label=bad_label)
    with pytest.raises(PaError, match="one contact or one plain name"):
        relations.add_relation(s, anna, "child", other=bo, other_name="Leo")
    with pytest.raises(PaError, match="one contact or one plain name"):
        relations.add_relation(s, anna, "child")
    with pytest.raises(PaError, match="one contact or one plain name"):
        relations.add_relation(s, anna, "child", other_name="  ")
    with pytest.raises(PaError, match="another principal"):
        relations.add_relation(s, anna, "colleague", other=stranger)

    relations.add_relation(s, anna, "child", other=bo)
    with pytest.raises(PaError, match="already has child Bo Ek"):
        relations.add_relation(s, anna, "child", other=bo)
    # The same link stated from the other side is the same link.
    with pytest.raises(PaError, match="already has parent Anna Lind"):
        relations.add_relation(s, bo, "parent", other=anna)
    relations.add_relation(s, anna, "child", other_name="Leo")
    with pytest.raises(PaError, match="already has child Leo"):
        relations.add_relation(s, anna, "child", other_name=" Leo ")
    relations.add_relation(s, anna, "custom", other=bo, label="godmother")
    with pytest.raises(PaError, match="already has godmother Bo Ek"):
        relations.add_relation(s, anna, "custom", other=bo, label="godmother")
    # A different kind to the same person is allowed.
    relations.add_relation(s, anna, "colleague", other=bo)
    assert len(s.exec(select(Relation)).all()) == 4


def test_custom_relation_duplicate_with_padded_label_refused(s: Session) -> None:
    p = boss(s)
    anna = person_of(s, p, "Anna Lind")
    bo = person_of(s, p, "Bo Ek")
    relations.add_relation(s, anna, "custom", other=bo, label="godmother")
    with pytest.raises(PaError, match="already has"):
        relations.add_relation(s, anna, "custom", other=bo, label=" godmother ")


# -------------------------------------------------------------------- interactions and cadence


def test_log_interaction_validation(s: Session) -> None:
    p = boss(s)
    anna = person_of(s, p, "Anna Lind")
    with pytest.raises(PaError, match="interaction kind"):
        crm.log_interaction(s, anna, "tweet", "hello", at=NOW)
    with pytest.raises(PaError, match="what the interaction was about"):
        crm.log_interaction(s, anna, "call", "   ", at=NOW)
    assert s.exec(select(Interaction)).all() == []
    for kind in crm.INTERACTION_KINDS:
        row = crm.log_interaction(s, anna, kind, f"  {kind} about X ", at=NOW, confidential=True)
        assert (row.contact_id, row.kind, row.summary, row.confidential) == (
            anna.id,
            kind,
            f"{kind} about X",
            True,
        )
    assert len(s.exec(select(Interaction)).all()) == len(crm.INTERACTION_KINDS)


def test_last_contacted_interactions_and_past_meetings(s: Session) -> None:
    p = boss(s)
    anna = person_of(s, p, "Anna Lind")
    bo = person_of(s, p, "Bo Ek")
    cleo = person_of(s, p, "Cleo Ny")
    dag = person_of(s, p, "Dag Tyst")

    # Anna: an interaction 10 days ago, a meeting 5 days ago (wins); future and cancelled
    # ones do not count.
    crm.log_interaction(s, anna, "call", "old call", at=NOW - 10 * DAY)
    crm.log_interaction(s, anna, "note", "planned", at=NOW + 2 * DAY)
    meeting(s, p, "Lunch", datetime(2026, 11, 20, 12, 0), [anna, bo])  # 11:00 UTC
    meeting(s, p, "Board", datetime(2026, 11, 26, 9, 0), [anna])  # tomorrow
    meeting(s, p, "Called off", datetime(2026, 11, 24, 9, 0), [anna], cancelled=True)
    # Bo: the same lunch, but an email 3 days ago is later.
    crm.log_interaction(s, bo, "email", "sent notes", at=NOW - 3 * DAY)
    # Cleo: only a cancelled meeting and a future interaction.
    meeting(s, p, "Cancelled coffee", datetime(2026, 11, 23, 9, 0), [cleo], cancelled=True)
    crm.log_interaction(s, cleo, "call", "will call", at=NOW + DAY)
    # Dag: a meeting that started an hour ago counts.
    meeting(s, p, "Standup", datetime(2026, 11, 25, 7, 0), [dag])  # 06:00 UTC

    ids = [c.id or 0 for c in (anna, bo, cleo, dag)]
    found = crm.last_contacted(s, ids, now=NOW)
    assert found == {
        anna.id: datetime(2026, 11, 20, 11, 0, tzinfo=UTC),
        bo.id: NOW - 3 * DAY,
        dag.id: datetime(2026, 11, 25, 6, 0, tzinfo=UTC),
    }
    assert all(v.tzinfo is not None for v in found.values())
    assert crm.last_contacted(s, [], now=NOW) == {}
    # At a later clock the future ones count.
    later = crm.last_contacted(s, ids, now=NOW + 3 * DAY)
    assert later[anna.id or 0] == NOW + 2 * DAY
    assert later[cleo.id or 0] == NOW + DAY


def test_last_contacted_starts_from_the_contacts_not_every_past_event(s: Session) -> None:
    """With the attendee table's key leading with the event, SQLite walked every past event and
    probed each for the contacts (`pa brief` on the 100k demo: 16 s). Every statement that
    reads attendees must start from the contact index, whatever the statistics say."""
    from sqlalchemy import event as sa_event

    p = boss(s)
    people = [person_of(s, p, f"P{n}") for n in range(3)]
    for n in range(30):
        meeting(s, p, f"m{n}", datetime(2026, 10, 1, 9, 0) + n * DAY, people[n % 3 : n % 3 + 1])
    seen: list[tuple[str, object]] = []
    engine = s.get_bind()

    def record(_c: object, _cur: object, sql: str, params: object, _x: object, _m: object) -> None:
        seen.append((sql, params))

    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        found = crm.last_contacted(s, [c.id or 0 for c in people], now=NOW)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert len(found) == 3
    raw = s.connection().connection.driver_connection
    plans = [
        " / ".join(row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params))
        for sql, params in seen
        if "event_attendee" in sql
    ]
    assert plans and all("INDEX ix_event_attendee_contact (contact_id=?)" in p for p in plans)
    assert not any("event USING INDEX" in p for p in plans), plans


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("6w", 42),
        ("every 2 months", 60),
        ("10d", 10),
        ("every 6 weeks", 42),
        ("3 months", 90),
        ("1 day", 1),
        ("2W", 14),
        (" 5 d ", 5),
        ("1m", 30),
    ],
)
def test_parse_cadence(text: str, days: int) -> None:
    assert crm.parse_cadence(text) == days


@pytest.mark.parametrize(
    "text", ["", "soon", "0d", "every 0 weeks", "6y", "-3d", "3.5w", "every", "w6", "6 fortnights"]
)
def test_parse_cadence_refuses(text: str) -> None:
    with pytest.raises(PaError, match="not a cadence"):
        crm.parse_cadence(text)


def test_overdue_touches(s: Session) -> None:
    p, other_p = boss(s), boss(s, "Other")
    anna = person_of(s, p, "Anna Lind")  # 14 days, last 20 days ago: 6 over
    bo = person_of(s, p, "Bo Ek")  # 14 days, last 3 days ago: fine
    cleo = person_of(s, p, "Cleo Ny")  # 14 days, never, set 14 days ago: due now
    dag = person_of(s, p, "Dag Ny")  # 14 days, never, set 13 days ago: not yet
    eva = person_of(s, p, "Eva Lång")  # 7 days, last 30 days ago: 23 over
    fia = person_of(s, p, "Fia Hemlig", confidential=True)  # overdue but confidential
    gus = person_of(s, p, "Gus Möte")  # 14 days, last seen at a meeting 15 days ago
    stranger = person_of(s, other_p, "Sven Annan")  # another principal's

    crm.set_cadence(s, anna, 14, now=NOW - 60 * DAY)
    crm.log_interaction(s, anna, "call", "catch-up", at=NOW - 20 * DAY)
    crm.set_cadence(s, bo, 14, now=NOW - 60 * DAY)
    crm.log_interaction(s, bo, "call", "catch-up", at=NOW - 3 * DAY)
    crm.set_cadence(s, cleo, 14, now=NOW - 14 * DAY)
    crm.set_cadence(s, dag, 14, now=NOW - 13 * DAY)
    crm.set_cadence(s, eva, 7, now=NOW - 90 * DAY)
    crm.log_interaction(s, eva, "email", "hello", at=NOW - 30 * DAY)
    crm.set_cadence(s, fia, 7, now=NOW - 90 * DAY)
    crm.set_cadence(s, gus, 14, now=NOW - 90 * DAY)
    meeting(s, p, "Review", datetime(2026, 11, 10, 8, 0), [gus])  # 07:00 UTC, 15 days ago
    crm.set_cadence(s, stranger, 1, now=NOW - 90 * DAY)

    over = crm.overdue_touches(s, p, now=NOW)
    assert [o.contact.name for o in over] == ["Eva Lång", "Anna Lind", "Gus Möte", "Cleo Ny"]
    assert [o.days_over(NOW) for o in over] == [23, 6, 1, 0]
    eva_o, anna_o, gus_o, cleo_o = over
    assert (eva_o.every_days, eva_o.last, eva_o.due) == (7, NOW - 30 * DAY, NOW - 23 * DAY)
    assert anna_o.last == NOW - 20 * DAY and anna_o.due == NOW - 6 * DAY
    assert gus_o.last == datetime(2026, 11, 10, 7, 0, tzinfo=UTC)
    assert cleo_o.last is None and cleo_o.due == NOW
    # Dag becomes due a day later; Bo only after 11 more days.
    assert "Dag Ny" in [o.contact.name for o in crm.overdue_touches(s, p, now=NOW + DAY)]
    assert "Bo Ek" not in [o.contact.name for o in crm.overdue_touches(s, p, now=NOW + 10 * DAY)]
    assert "Bo Ek" in [o.contact.name for o in crm.overdue_touches(s, p, now=NOW + 11 * DAY)]

    with_secret = crm.overdue_touches(s, p, now=NOW, include_confidential=True)
    assert [o.contact.name for o in with_secret][:2] == ["Fia Hemlig", "Eva Lång"]

    # No cadence, no entry; setting None twice is harmless.
    crm.set_cadence(s, anna, None, now=NOW)
    crm.set_cadence(s, anna, None, now=NOW)
    assert s.get(KeepInTouch, anna.id) is None
    assert "Anna Lind" not in [o.contact.name for o in crm.overdue_touches(s, p, now=NOW)]
    # Changing a cadence keeps when it started: Cleo at 30 days is not due any more.
    crm.set_cadence(s, cleo, 30, now=NOW)
    cadence = s.get(KeepInTouch, cleo.id)
    assert cadence is not None and cadence.every_days == 30
    assert "Cleo Ny" not in [o.contact.name for o in crm.overdue_touches(s, p, now=NOW)]
    with pytest.raises(PaError, match="at least one day"):
        crm.set_cadence(s, bo, 0, now=NOW)
    assert [o.contact.name for o in crm.overdue_touches(s, other_p, now=NOW)] == ["Sven Annan"]


# ------------------------------------------------------------------------------------- dossier


@pytest.fixture
def world(s: Session) -> SimpleNamespace:
    """Maria Berg with everything a dossier shows, plus an event and queue items."""
    p = boss(s)
    maria = person_of(
        s,
        p,
        "Maria Berg",
        emails=["maria@example.com", "M.Berg@Work.se"],
        phones=["+46 8 123 45 67"],
        org="Berg AB",
        role="CEO",
        vip=2,
        notes="Prefers tea",
        birthday="1980-12-10",
    )
    johan = person_of(s, p, "Johan Berg", birthday="--12-01")
    erik = person_of(s, p, "Erik Ek", emails=["erik@example.com"])
    secret = person_of(s, p, "Sara Hemlig", confidential=True)
    relations.add_relation(s, maria, "spouse", other=johan)
    relations.add_relation(s, erik, "reports-to", other=maria)
    leo = relations.add_relation(s, maria, "child", other_name="Leo")
    crm.add_date(s, maria, "birthday", "2016-11-27", relation=leo)
    crm.add_date(s, maria, "anniversary", "2000-06-01", label="wedding")  # outside 60 days
    for k in range(1, 8):
        crm.log_interaction(s, maria, "call", f"call {k} days ago", at=NOW - k * DAY)
    crm.log_interaction(
        s, maria, "note", "private matter", at=NOW - timedelta(hours=12), confidential=True
    )
    own = tasks.create_task(
        s, principal=p, title="Send contract", now=NOW, contact_id=maria.id, due_date=TODAY
    )
    delegated = tasks.create_task(
        s,
        principal=p,
        title="Book flights",
        now=NOW,
        delegated_to_id=maria.id,
        status="waiting",
        due_date=TODAY + DAY,
    )
    tasks.create_task(s, principal=p, title="Old", now=NOW, contact_id=maria.id, status="done")
    hidden_task = tasks.create_task(
        s, principal=p, title="Secret gift", now=NOW, contact_id=maria.id, confidential=True
    )
    req_new = queue.create_request(
        s, principal=p, subject="Call back", now=NOW, contact_id=maria.id, screen=False
    )
    req_def = queue.create_request(
        s,
        principal=p,
        subject="Lunch next month",
        now=NOW - DAY,
        received_at=NOW - DAY,
        contact_id=maria.id,
        screen=False,
    )
    req_def.status = "deferred"
    req_done = queue.create_request(
        s, principal=p, subject="Done thing", now=NOW, contact_id=maria.id, screen=False
    )
    req_done.status = "done"
    stranger = queue.create_request(
        s, principal=p, subject="Who is this", now=NOW, from_name="Okänd", screen=False
    )
    board = meeting(s, p, "Board meeting", datetime(2026, 11, 27, 9, 0), [maria, erik, secret])
    s.flush()
    return SimpleNamespace(
        p=p,
        maria=maria,
        johan=johan,
        erik=erik,
        secret=secret,
        own=own,
        delegated=delegated,
        hidden_task=hidden_task,
        req_new=req_new,
        req_def=req_def,
        stranger=stranger,
        board=board,
    )


def test_dossier_person_fields(s: Session, world: SimpleNamespace) -> None:
    w = world
    found = dossier.person(s, w.maria, now=NOW, zone=ZONE, include_confidential=False)
    assert sorted(found.emails) == ["m.berg@work.se", "maria@example.com"]
    assert found.phones == ["+46 8 123 45 67"]
    assert [(lk.label, lk.name, lk.forward) for lk in found.links] == [
        ("child", "Leo", True),
        ("manages", "Erik Ek", False),
        ("spouse", "Johan Berg", True),
    ]
    assert found.dates == [
        (date(2026, 11, 27), "child Leo: birthday (turns 10)"),
        (date(2026, 12, 1), "Johan Berg: birthday"),
        (date(2026, 12, 10), "birthday (turns 46)"),
    ]
    assert [i.summary for i in found.interactions] == [f"call {k} days ago" for k in range(1, 6)]
    assert found.last_contacted is not None
    assert found.cadence_days is None
    assert [t.id for t in found.open_tasks] == [w.own.id, w.delegated.id]
    assert [r.id for r in found.open_requests] == [w.req_new.id, w.req_def.id]

    lines = found.lines()
    assert lines[:5] == [
        ("name", "Maria Berg"),
        ("organisation", "Berg AB"),
        ("role", "CEO"),
        ("VIP", "★★"),
        ("policy", "screen"),
    ]
    assert ("phone", "+46 8 123 45 67") in lines
    assert ("manages", "Erik Ek") in lines
    assert ("Fri 27 Nov", "child Leo: birthday (turns 10)") in lines
    assert ("last contact", "2026-11-24") in lines
    assert (f"t{w.own.id}", "Send contract") in lines
    assert (f"r{w.req_def.id}", "Lunch next month") in lines
    assert lines[-1] == ("notes", "Prefers tea")
    assert not any(v == "" for _, v in lines)

    crm.set_cadence(s, w.maria, 42, now=NOW)
    everything = dossier.person(s, w.maria, now=NOW, zone=ZONE, include_confidential=True)
    assert everything.cadence_days == 42
    assert everything.last_contacted == NOW - timedelta(hours=12)
    assert ("keep in touch", "every 42 days") in everything.lines()
    assert [i.summary for i in everything.interactions] == ["private matter"] + [
        f"call {k} days ago" for k in range(1, 5)
    ]
    assert w.hidden_task.id in [t.id for t in everything.open_tasks]


def test_dossier_dates_of_contact_are_local_days(s: Session) -> None:
    p = boss(s)
    anna = person_of(s, p, "Anna Lind")
    at = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # 00:30 on Wed 25 Nov in Stockholm
    crm.log_interaction(s, anna, "call", "late call", at=at)
    lines = dossier.person(s, anna, now=NOW, zone=ZONE, include_confidential=False).lines()
    assert ("last contact", "2026-11-25") in lines
    assert ("2026-11-25 call", "late call") in lines


def test_dossier_privacy_lines_keep_only_who_they_are(s: Session, world: SimpleNamespace) -> None:
    found = dossier.person(s, world.maria, now=NOW, zone=ZONE, include_confidential=True)
    assert found.lines(privacy=True) == [
        ("name", "Maria Berg"),
        ("organisation", "Berg AB"),
        ("role", "CEO"),
        ("VIP", "★★"),
        ("policy", "screen"),
    ]
    johan = dossier.person(s, world.johan, now=NOW, zone=ZONE, include_confidential=True)
    assert johan.lines(privacy=True) == [("name", "Johan Berg"), ("policy", "screen")]


@pytest.mark.parametrize(
    "term",
    [
        "+46 8 123 45 67",
        "08-123 45 67",
        "0812345 67",
        "+46812345 67",
        "MARIA@EXAMPLE.COM",
        "maria@",
        "m.berg@work.se",
        "Maria Berg",
        "maria berg",
        "maria",
    ],
)
def test_for_term_finds_maria(s: Session, world: SimpleNamespace, term: str) -> None:
    found = dossier.for_term(s, world.p, term, now=NOW)
    assert [pp.contact.id for pp in found.people] == [world.maria.id]
    assert found.title == term
    assert found.hidden == 0


def test_for_term_typed_ids(s: Session, world: SimpleNamespace) -> None:
    w = world
    by_id = dossier.for_term(s, w.p, f"c{w.maria.id}", now=NOW)
    assert (by_id.title, [pp.contact.id for pp in by_id.people]) == ("Maria Berg", [w.maria.id])
    assert dossier.for_term(s, w.p, f"C{w.erik.id}", now=NOW).people[0].contact.name == "Erik Ek"

    ev = dossier.for_term(s, w.p, f"e{w.board.id}", now=NOW)
    assert ev.title == "Board meeting"
    assert [pp.contact.name for pp in ev.people] == ["Erik Ek", "Maria Berg"]
    assert ev.hidden == 1
    ev_all = dossier.for_event(s, w.p, w.board.id, now=NOW, include_confidential=True)
    assert [pp.contact.name for pp in ev_all.people] == ["Erik Ek", "Maria Berg", "Sara Hemlig"]
    assert ev_all.hidden == 0

    req = dossier.for_term(s, w.p, f"r{w.req_new.id}", now=NOW)
    assert (req.title, [pp.contact.id for pp in req.people]) == ("Call back", [w.maria.id])
    unknown = dossier.for_request(s, w.p, w.stranger.id, now=NOW)
    assert (unknown.title, unknown.people) == ("Who is this (from Okänd)", [])

    for missing in ("c9999", "e9999", "r9999"):
        with pytest.raises(NotFound):
            dossier.for_term(s, w.p, missing, now=NOW)
    with pytest.raises(NotFound):
        dossier.for_term(s, w.p, "Nobody Atall", now=NOW)
    with pytest.raises(NotFound):
        dossier.find_people(s, w.p, "070-999 99 99")


def test_dossier_confidential_left_out_and_counted(s: Session, world: SimpleNamespace) -> None:
    w = world
    assert contacts.looks_like_phone("08-123 45 67")
    assert not contacts.looks_like_phone("c12345")
    assert not contacts.looks_like_phone("1234")
    found = dossier.for_term(s, w.p, "Sara Hemlig", now=NOW)
    assert (found.people, found.hidden) == ([], 1)
    shown = dossier.for_term(s, w.p, "Sara Hemlig", now=NOW, include_confidential=True)
    assert ([pp.contact.id for pp in shown.people], shown.hidden) == ([w.secret.id], 0)
    assert dossier.for_term(s, w.p, f"c{w.secret.id}", now=NOW).hidden == 1

    # Confidential events and queue items are refused without the flag.
    w.board.confidential = True
    w.req_new.confidential = True
    s.flush()
    with pytest.raises(PaError, match="confidential"):
        dossier.for_event(s, w.p, w.board.id, now=NOW)
    with pytest.raises(PaError, match="confidential"):
        dossier.for_request(s, w.p, w.req_new.id, now=NOW)
    assert dossier.for_request(s, w.p, w.req_new.id, now=NOW, include_confidential=True).people


def test_match_contacts_by_email_prefix_and_phone_formats(s: Session) -> None:
    p = boss(s)
    ann = person_of(s, p, "Ann Al", emails=["ann@example.com"], phones=["070-123 45 67"])
    anna = person_of(s, p, "Anna Bo", emails=["anna@example.com"])
    assert [c.id for c in contacts.match_contacts(s, p, "ANN@example.com")] == [ann.id]
    assert {c.id for c in contacts.match_contacts(s, p, "ann")} == {ann.id, anna.id}
    assert [c.id for c in contacts.match_contacts(s, p, "anna@")] == [anna.id]
    for number in ("+46 70 123 45 67", "0701234567", "0046 70-123 45 67"):
        assert [c.id for c in contacts.match_contacts(s, p, number)] == [ann.id]
    assert contacts.match_contacts(s, p, "  ") == []
    assert contacts.match_contacts(s, boss(s, "Other"), "Ann Al") == []


# ---------------------------------------------------------------------------------- duplicates


def _pairs(session: Session, principal: Principal) -> dict[tuple[str, str], str]:
    return {(pr.keep.name, pr.other.name): pr.reason for pr in duplicates.find(session, principal)}


def test_find_duplicates(s: Session) -> None:
    p, other_p = boss(s), boss(s, "Other")
    person_of(s, p, "Anna Björk")
    person_of(s, p, "björk anna")
    person_of(s, p, "Maria Berg")
    person_of(s, p, "Marie Berg")
    carl = person_of(s, p, "Carl Holm", emails=["carl@example.com"])
    kalle = person_of(s, p, "Kalle H")
    s.add(ContactEmail(contact_id=kalle.id or 0, value="Carl@Example.COM"))  # kept as typed
    person_of(s, p, "Per Svensson", phones=["070-123 45 67"])
    person_of(s, p, "Olof Lund", phones=["0701234567"])
    person_of(s, p, "Bengt Svensson")  # unrelated to all
    person_of(s, p, "Lars Holm")
    person_of(s, p, "Sven Short", phones=["12345"])  # too short to compare
    person_of(s, p, "Tor Short", phones=["12345"])
    person_of(s, other_p, "Maria Berg", emails=["carl@example.com"])  # another principal's
    s.flush()

    assert _pairs(s, p) == {
        ("Anna Björk", "björk anna"): "same name",
        ("Maria Berg", "Marie Berg"): "similar names",
        ("Carl Holm", "Kalle H"): "same email carl@example.com",
        ("Per Svensson", "Olof Lund"): "same phone …4567",
    }
    by_keep = {pr.keep.name: pr for pr in duplicates.find(s, p)}
    assert (by_keep["Carl Holm"].keep.id, by_keep["Carl Holm"].other.id) == (carl.id, kalle.id)
    assert duplicates.find(s, other_p) == []


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ("Anna Björk", "björk anna", "same name"),
        ("Anna Björk", "Anna Bjork", "same name"),
        ("Berg, Anna", "anna berg", "same name"),
        ("ÅSA STRÖM", "asa strom", "same name"),
        ("Maria Berg", "Marie Berg", "similar names"),
        ("Karl Lindqvist", "Karl Lindkvist", "similar names"),
        ("Maria Berg", "Bengt Svensson", None),
        ("Anna Berg", "Anna Lind", None),
        ("Maria Berg", "Karl Lind", None),
    ],
)
def test_find_duplicate_names(s: Session, first: str, second: str, reason: str | None) -> None:
    p = boss(s)
    person_of(s, p, first)
    person_of(s, p, second)
    assert _pairs(s, p) == ({(first, second): reason} if reason else {})


def test_find_duplicates_same_phone_with_and_without_country_code(s: Session) -> None:
    p = boss(s)
    person_of(s, p, "Per Svensson", phones=["+46 70 123 45 67"])
    person_of(s, p, "Olof Lund", phones=["070-123 45 67"])
    assert _pairs(s, p) == {("Per Svensson", "Olof Lund"): "same phone …4567"}


@pytest.fixture
def pair(s: Session) -> SimpleNamespace:
    """Two records of one person, each with a row in every table that points at a contact."""
    p = boss(s)
    keep = person_of(
        s,
        p,
        "Maria Berg",
        emails=["maria@example.com", "mb@home.se"],
        phones=["070-111 22 33"],
        role="CEO",
        notes="Likes tea",
        vip=1,
        policy="through",
        birthday="1980-12-10",
    )
    other = person_of(
        s,
        p,
        "Marie Berg",
        emails=["MARIA@example.com", "marie@work.se"],
        phones=["0701112233", "08-555 66 77"],
        org="Berg AB",
        role="Chair",
        notes="Allergic to nuts",
        vip=3,
        policy="block",
    )
    johan = person_of(s, p, "Johan Berg")
    erik = person_of(s, p, "Erik Ek")
    ulla = person_of(s, p, "Ulla Assist")
    relations.add_relation(s, keep, "spouse", other=johan)  # keep ->
    relations.add_relation(s, erik, "reports-to", other=other)  # -> other
    leo = relations.add_relation(s, other, "child", other_name="Leo")  # other ->
    relations.add_relation(s, other, "assistant", other=ulla)  # other ->
    relations.add_relation(s, keep, "colleague", other=other)  # between the two: goes
    crm.add_date(s, other, "custom", "--07-22", label="name day")
    crm.add_date(s, other, "birthday", "2016-11-27", relation=leo)
    for k in range(2):
        crm.log_interaction(s, keep, "call", f"keep call {k}", at=NOW - (k + 1) * DAY)
    for k in range(3):
        crm.log_interaction(s, other, "email", f"other email {k}", at=NOW - (k + 5) * DAY)
    shared = meeting(s, p, "Board", datetime(2026, 11, 2, 9, 0), [keep, other])
    only_other = meeting(s, p, "Lunch", datetime(2026, 11, 3, 12, 0), [other])
    meeting(s, p, "Dinner", datetime(2026, 11, 4, 19, 0), [keep])
    t1 = tasks.create_task(s, principal=p, title="About other", now=NOW, contact_id=other.id)
    t2 = tasks.create_task(s, principal=p, title="By other", now=NOW, delegated_to_id=other.id)
    t3 = tasks.create_task(s, principal=p, title="About keep", now=NOW, contact_id=keep.id)
    r1 = queue.create_request(
        s, principal=p, subject="From other", now=NOW, contact_id=other.id, screen=False
    )
    queue.create_request(
        s, principal=p, subject="From keep", now=NOW, contact_id=keep.id, screen=False
    )
    crm.set_cadence(s, keep, 30, now=NOW - 100 * DAY)
    crm.set_cadence(s, other, 14, now=NOW - 50 * DAY)
    s.flush()
    return SimpleNamespace(
        p=p,
        keep=keep,
        other=other,
        kid=keep.id,
        oid=other.id,
        shared=shared,
        only_other=only_other,
        tasks=(t1, t2, t3),
        r1=r1,
    )


def test_merge_keeps_every_linked_row(s: Session, pair: SimpleNamespace) -> None:
    w = pair
    ids = [w.kid, w.oid]
    before = duplicates.linked_counts(s, ids)
    assert before == {
        "contact_email.contact_id": 4,
        "contact_phone.contact_id": 3,
        "relation.contact_id": 4,  # keep: spouse, colleague; other: child, assistant
        "relation.other_contact_id": 2,  # Erik -> other; keep's colleague -> other
        "important_date.contact_id": 3,
        "interaction.contact_id": 5,
        "event_attendee.contact_id": 4,
        "task.contact_id": 2,
        "task.delegated_to_id": 1,
        "request.contact_id": 2,
        "keep_in_touch.contact_id": 2,
    }
    collapsed = {
        "contact_email.contact_id": 1,  # maria@example.com twice
        "contact_phone.contact_id": 1,  # 070-111 22 33 == 0701112233
        "relation.contact_id": 1,  # the relation between the two ...
        "relation.other_contact_id": 1,  # ... counted from both ends
        "event_attendee.contact_id": 1,  # the shared board meeting
        "keep_in_touch.contact_id": 1,  # one cadence, the tighter
    }

    moved = duplicates.merge(s, w.keep, w.other)
    s.flush()
    after = duplicates.linked_counts(s, ids)
    assert after == {k: v - collapsed.get(k, 0) for k, v in before.items()}
    assert sum(before.values()) - sum(collapsed.values()) == sum(after.values())
    assert duplicates.linked_counts(s, [w.kid]) == after
    assert duplicates.linked_counts(s, [w.oid]) == dict.fromkeys(after, 0)
    assert moved == {
        "contact_email": 1,
        "contact_phone": 1,
        "event_attendee": 1,
        "relation.contact_id": 2,
        "relation.other_contact_id": 1,
        "important_date.contact_id": 2,
        "interaction.contact_id": 3,
        "task.contact_id": 1,
        "task.delegated_to_id": 1,
        "request.contact_id": 1,
    }

    # The other is gone; nothing points at it.
    assert s.get(Contact, w.oid) is None
    assert s.exec(select(Contact).where(col(Contact.name) == "Marie Berg")).all() == []
    keep = s.get(Contact, w.kid)
    assert keep is not None
    assert (keep.org, keep.role) == ("Berg AB", "CEO")  # filled only where empty
    assert keep.notes == "Likes tea\n\nAllergic to nuts"
    assert (keep.vip, keep.policy) == (3, "block")
    assert sorted(e.value for e in contacts.emails_of(s, w.kid)) == [
        "maria@example.com",
        "marie@work.se",
        "mb@home.se",
    ]
    assert sorted(ph.value for ph in contacts.phones_of(s, w.kid)) == [
        "070-111 22 33",
        "08-555 66 77",
    ]
    links = relations.links_of(s, w.kid)
    assert [(lk.label, lk.name) for lk in links] == [
        ("assistant", "Ulla Assist"),
        ("child", "Leo"),
        ("manages", "Erik Ek"),
        ("spouse", "Johan Berg"),
    ]
    assert all(lk.contact_id != w.kid for lk in links)  # no self-relation
    assert (
        s.exec(
            select(Relation).where(col(Relation.contact_id) == col(Relation.other_contact_id))
        ).all()
        == []
    )
    attending = s.exec(select(EventAttendee).where(col(EventAttendee.contact_id) == w.kid)).all()
    assert len(attending) == 3
    assert {a.event_id for a in attending} >= {w.shared.id, w.only_other.id}
    cadence = s.get(KeepInTouch, w.kid)
    assert cadence is not None and cadence.every_days == 14
    t1, t2, t3 = (s.get(Task, t.id) for t in w.tasks)
    assert t1 is not None and t1.contact_id == w.kid
    assert t2 is not None and t2.delegated_to_id == w.kid
    assert t3 is not None and t3.contact_id == w.kid
    assert s.get(Request, w.r1.id).contact_id == w.kid  # type: ignore[union-attr]
    # Leo's birthday came along with his relation and is still told as Maria's child's.
    assert [text for _, text in crm.upcoming(s, w.p, today=TODAY)] == [
        "Maria Berg's child Leo turns 10 on Fri 27 Nov"
    ]
    assert len(s.exec(select(Interaction)).all()) == 5
    assert len(s.exec(select(ImportantDate)).all()) == 3


def test_merge_policy_and_cadence_the_other_way(s: Session) -> None:
    p = boss(s)
    keep = person_of(s, p, "Anna Lind", policy="block", vip=2, org="Keep AB", notes="Same")
    other = person_of(s, p, "Anna Lindh", policy="through", vip=0, org="Other AB", notes="Same")
    crm.set_cadence(s, other, 21, now=NOW - 5 * DAY)
    moved = duplicates.merge(s, keep, other)
    assert moved == {"keep_in_touch": 1}
    assert (keep.policy, keep.vip, keep.org, keep.notes) == ("block", 2, "Keep AB", "Same")
    cadence = s.get(KeepInTouch, keep.id)
    assert cadence is not None
    assert (cadence.every_days, cadence.since.replace(tzinfo=UTC)) == (21, NOW - 5 * DAY)


def test_merge_refusals(s: Session) -> None:
    p, other_p = boss(s), boss(s, "Other")
    anna = person_of(s, p, "Anna Lind")
    twin = person_of(s, other_p, "Anna Lind")
    with pytest.raises(PaError, match="into itself"):
        duplicates.merge(s, anna, anna)
    with pytest.raises(PaError, match="different principals"):
        duplicates.merge(s, anna, twin)
    assert s.get(Contact, twin.id) is not None and s.get(Contact, anna.id) is not None


def test_merge_collapses_the_same_relation_to_a_third_contact(s: Session) -> None:
    p = boss(s)
    keep = person_of(s, p, "Maria Berg")
    other = person_of(s, p, "Marie Berg")
    zed = person_of(s, p, "Zed Colleague")
    relations.add_relation(s, keep, "colleague", other=zed)
    relations.add_relation(s, other, "colleague", other=zed)
    duplicates.merge(s, keep, other)
    assert [(lk.label, lk.name) for lk in relations.links_of(s, keep.id or 0)] == [
        ("colleague", "Zed Colleague")
    ]


def test_merge_collapses_the_same_birthday(s: Session) -> None:
    p = boss(s)
    keep = person_of(s, p, "Maria Berg", birthday="1980-11-27")
    other = person_of(s, p, "Marie Berg", birthday="1980-11-27")
    duplicates.merge(s, keep, other)
    assert [text for _, text in crm.upcoming(s, p, today=TODAY)] == [
        "Maria Berg turns 46 on Fri 27 Nov"
    ]
