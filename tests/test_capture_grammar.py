"""Table-driven tests of the quick-capture grammar (services/capture.py) and its row mapping.

`today` is fixed at Wednesday 2026-11-25. A string input goes through parse_line (stdin / cockpit,
shorthands on); a list input goes through parse_words (shell argv, shorthands off).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from pa_tui.services.capture import (
    Capture,
    CaptureError,
    Token,
    build_rule,
    first_occurrence,
    parse,
    parse_line,
    parse_words,
    tokens_from_argv,
    tokens_from_line,
)
from pa_tui.services.capture_rows import event_fields, request_fields, task_fields

TODAY = date(2026, 11, 25)  # a Wednesday
TZ = "Europe/Stockholm"

D = date
T = time


def M(minutes: int) -> timedelta:
    return timedelta(minutes=minutes)


# Every case checks all of these; a row overrides the ones that matter to it.
DEFAULTS: dict[str, object] = {
    "date": None,
    "time": None,
    "end_time": None,
    "duration": None,
    "due": None,
    "sched": None,
    "until": None,
    "priority": None,
    "project": None,
    "tags": [],
    "contact": None,
    "delegate": None,
    "principal": None,
    "location": None,
    "rrule": None,
    "recur_from_completion": False,
    "confidential": False,
}


def _parse(source: str | list[str]) -> Capture:
    if isinstance(source, list):
        return parse_words(source, today=TODAY)
    return parse_line(source, today=TODAY)


def case(source: str | list[str], id: str, marks=(), **expected: object):
    assert "title" in expected, id
    return pytest.param(source, expected, id=id, marks=marks)


# fmt: off
CASES = [
    # --- plain title, tags, project, people, place
    case("Buy milk", "plain-title", title="Buy milk"),
    case("Buy milk +errand", "tag", title="Buy milk", tags=["errand"]),
    case("+errand Buy +Home milk", "tags-anywhere-lowercased", title="Buy milk",
         tags=["errand", "home"]),
    case("Buy milk +errand +errand", "tag-dedup", title="Buy milk", tags=["errand"]),
    case("Draft memo project:board", "project-long", title="Draft memo", project="board"),
    case("Draft memo pro:board", "project-short", title="Draft memo", project="board"),
    case("Ring about invoice @bob", "contact", title="Ring about invoice", contact="bob"),
    case(["Ring", "@bob", "about", "invoice"], "contact-argv-mid", title="Ring about invoice",
         contact="bob"),
    case("Book flights to:anna", "delegate", title="Book flights", delegate="anna"),
    case("Sign letters for:ceo", "principal", title="Sign letters", principal="ceo"),
    case("Lunch at:Riche", "location-colon", title="Lunch", location="Riche"),
    case('Lunch at "HQ room 4"', "location-at-quoted", title="Lunch", location="HQ room 4"),
    case('Lunch at:"HQ room 4"', "location-colon-quoted", title="Lunch", location="HQ room 4"),
    case('Lunch at:"HQ"', "location-colon-quoted-one-word", title="Lunch", location="HQ"),
    case(["Lunch", "at", "HQ room 4"], "location-at-argv-spaces", title="Lunch",
         location="HQ room 4"),
    case("Meet at 3pm", "at-time-not-place", title="Meet", time=T(15)),
    case("Meet at 3 pm", "at-time-two-words", title="Meet", time=T(15)),
    # --- priority
    case("Fix roof p1", "p1", title="Fix roof", priority=1),
    case("Fix roof p2", "p2", title="Fix roof", priority=2),
    case("Fix roof p3", "p3", title="Fix roof", priority=3),
    case("Fix roof p4", "p4", title="Fix roof", priority=4),
    case("Fix roof P2", "p2-upper", title="Fix roof", priority=2),
    case("Fix roof p:urgent", "p-urgent", title="Fix roof", priority=1),
    case("Fix roof p:high", "p-high", title="Fix roof", priority=2),
    case("Fix roof p:medium", "p-medium", title="Fix roof", priority=3),
    case("Fix roof p:low", "p-low", title="Fix roof", priority=4),
    # --- dates
    case("Report today", "today", title="Report", date=D(2026, 11, 25)),
    case("Report tomorrow", "tomorrow", title="Report", date=D(2026, 11, 26)),
    case("Report mon", "mon", title="Report", date=D(2026, 11, 30)),
    case("Report tue", "tue", title="Report", date=D(2026, 12, 1)),
    case("Report wed", "wed-is-next-week", title="Report", date=D(2026, 12, 2)),
    case("Report wednesday", "wednesday-full", title="Report", date=D(2026, 12, 2)),
    case("Report thu", "thu", title="Report", date=D(2026, 11, 26)),
    case("Report fri", "fri", title="Report", date=D(2026, 11, 27)),
    case("Report friday", "friday-full", title="Report", date=D(2026, 11, 27)),
    case("Report sat", "sat", title="Report", date=D(2026, 11, 28)),
    case("Report sunday", "sunday-full", title="Report", date=D(2026, 11, 29)),
    case("Report Monday", "monday-capitalised", title="Report", date=D(2026, 11, 30)),
    case("Report next week", "next-week", title="Report", date=D(2026, 11, 30)),
    case("Report next month", "next-month", title="Report", date=D(2026, 12, 1)),
    case("Report in 3 days", "in-3-days", title="Report", date=D(2026, 11, 28)),
    case("Report in 2 weeks", "in-2-weeks", title="Report", date=D(2026, 12, 9)),
    case("Report in 1 month", "in-1-month", title="Report", date=D(2026, 12, 25)),
    case("Report 27 jan", "day-month-rolls-to-next-year", title="Report", date=D(2027, 1, 27)),
    case("Report 30 nov", "day-month-this-year", title="Report", date=D(2026, 11, 30)),
    case("Report 25 nov", "day-month-is-today", title="Report", date=D(2026, 11, 25)),
    case("Report 24 nov", "day-month-yesterday-rolls", title="Report", date=D(2027, 11, 24)),
    case("Report jan 27", "month-day", title="Report", date=D(2027, 1, 27)),
    case("Report 27jan", "daymonth-one-word", title="Report", date=D(2027, 1, 27)),
    case("Report 27 jan 2028", "day-month-year", title="Report", date=D(2028, 1, 27)),
    case("Report 2027-01-15", "iso-date", title="Report", date=D(2027, 1, 15)),
    case("Report on friday", "on-friday-consumes-on", title="Report", date=D(2026, 11, 27)),
    case("Report 29 feb", "29-feb-next-leap-year", title="Report", date=D(2028, 2, 29)),
    case("Report feb 29", "feb-29-next-leap-year", title="Report", date=D(2028, 2, 29)),
    case("Report by 27 jan", "by-date-consumes-by", title="Report", date=D(2027, 1, 27)),
    # --- times
    case("Call 15:00", "time-24h", title="Call", time=T(15)),
    case("Call 9:30", "time-24h-one-digit-hour", title="Call", time=T(9, 30)),
    case("Call 3pm", "time-pm", title="Call", time=T(15)),
    case("Call 3:30pm", "time-pm-minutes", title="Call", time=T(15, 30)),
    case("Call 12am", "12am-midnight", title="Call", time=T(0)),
    case("Call 12pm", "12pm-noon", title="Call", time=T(12)),
    case("Call noon", "noon", title="Call", time=T(12)),
    case("Call 3 pm", "time-two-words", title="Call", time=T(15)),
    case("Call 3 PM", "time-two-words-upper", title="Call", time=T(15)),
    case("Call 10:00-12:00", "range-24h", title="Call", time=T(10), end_time=T(12)),
    case("Call 3-4pm", "range-shared-pm", title="Call", time=T(15), end_time=T(16)),
    case("Call 9am-11am", "range-ampm", title="Call", time=T(9), end_time=T(11)),
    # --- durations
    case("Read 30m", "dur-30m", title="Read", duration=M(30)),
    case("Read 45min", "dur-45min", title="Read", duration=M(45)),
    case("Read 1h", "dur-1h", title="Read", duration=M(60)),
    case("Read 1h30", "dur-1h30", title="Read", duration=M(90)),
    case("Read 1h30m", "dur-1h30m", title="Read", duration=M(90)),
    case("Read for 45m", "dur-for-45m", title="Read", duration=M(45)),
    # --- due / sched / until
    case("Tax due:2027-01-15", "due-iso", title="Tax", due=D(2027, 1, 15)),
    case("Tax due:tomorrow", "due-tomorrow", title="Tax", due=D(2026, 11, 26)),
    case("Tax due:fri", "due-fri", title="Tax", due=D(2026, 11, 27)),
    case("Tax due:27jan", "due-27jan", title="Tax", due=D(2027, 1, 27)),
    case("Tax sched:mon", "sched-mon", title="Tax", sched=D(2026, 11, 30)),
    case("Tax until:2027-03-01", "until-alone", title="Tax", until=D(2027, 3, 1)),
    # --- recurrence
    case("Water plants every day", "every-day", title="Water plants", rrule="FREQ=DAILY"),
    case("Standup every weekday", "every-weekday", title="Standup",
         rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    case("Review every week", "every-week", title="Review", rrule="FREQ=WEEKLY"),
    case("Review every 2 weeks", "every-2-weeks", title="Review", rrule="FREQ=WEEKLY;INTERVAL=2"),
    case("Rent every month", "every-month", title="Rent", rrule="FREQ=MONTHLY"),
    case("Insurance every year", "every-year", title="Insurance", rrule="FREQ=YEARLY"),
    case("Gym every monday,friday", "every-mon-fri", title="Gym", rrule="FREQ=WEEKLY;BYDAY=MO,FR"),
    case("Gym every friday,monday", "every-days-sorted", title="Gym",
         rrule="FREQ=WEEKLY;BYDAY=MO,FR"),
    case("Board every 3rd friday", "every-3rd-friday", title="Board",
         rrule="FREQ=MONTHLY;BYDAY=3FR"),
    case("Drinks every last friday", "every-last-friday", title="Drinks",
         rrule="FREQ=MONTHLY;BYDAY=-1FR"),
    case("Payroll every last workday", "every-last-workday", title="Payroll",
         rrule="FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    case("Mow lawn every! 2 weeks", "every-bang-from-completion", title="Mow lawn",
         rrule="FREQ=WEEKLY;INTERVAL=2", recur_from_completion=True),
    case("Review every other week", "every-other-week", title="Review",
         rrule="FREQ=WEEKLY;INTERVAL=2"),
    # --- confidential
    case("HR case conf:yes", "conf-yes", title="HR case", confidential=True),
    case("HR case conf:no", "conf-no", title="HR case", confidential=False),
    # --- shorthands: parse_line only
    case("Fix bug #board", "hash-project-line", title="Fix bug", project="board"),
    case("Fix bug !1", "bang-priority-line", title="Fix bug", priority=1),
    case("Fix bug !4", "bang-4-line", title="Fix bug", priority=4),
    case(["Fix", "bug", "#board"], "hash-stays-title-argv", title="Fix bug #board"),
    case(["Fix", "bug", "!1"], "bang-stays-title-argv", title="Fix bug !1"),
    # --- dashes, `--`, literals
    case(["fix", "-v", "flag"], "dash-word-is-title", title="fix -v flag"),
    case("fix -v flag", "dash-word-is-title-line", title="fix -v flag"),
    case("x -- p1 tomorrow", "double-dash-line", title="x p1 tomorrow"),
    case(["x", "--", "p1", "tomorrow", "+tag"], "double-dash-argv", title="x p1 tomorrow +tag"),
    case("p2 x -- p1", "double-dash-after-token", title="x p1", priority=2),
    case('Read "p1 tomorrow" notes', "quoted-literal", title="Read p1 tomorrow notes"),
    case(["Read", "p1 tomorrow", "notes"], "argv-spaces-literal", title="Read p1 tomorrow notes"),
    case('Note "tomorrow"', "quoted-single-word-literal", title="Note tomorrow"),
    case("Ring @bob -- @bob", "double-dash-keeps-at-word", title="Ring @bob", contact="bob"),
    case('Email "@bob" @bob', "quoted-at-word-literal", title="Email @bob", contact="bob"),
    # --- unplaced words stay, in order
    case("meet at HQ", "at-bare-word-stays", title="meet at HQ"),
    case("shop for the team", "for-non-duration-stays", title="shop for the team"),
    case("on the way", "on-non-date-stays", title="on the way"),
    case("next steps in the box", "next-in-stay", title="next steps in the box"),
    case("every?", "every-question-mark-stays", title="every?"),
    case("p1 tomorrow Ring dentist", "tokens-first", title="Ring dentist",
         date=D(2026, 11, 26), priority=1),
    case("Call tomorrow tomorrow", "second-date-stays", title="Call tomorrow",
         date=D(2026, 11, 26)),
    # --- combinations
    case("Call Bob about the board pack tomorrow 3pm p1 pro:board @bob", "combo-call-bob",
         title="Call Bob about the board pack", date=D(2026, 11, 26), time=T(15), priority=1,
         project="board", contact="bob"),
    case('Board meeting fri 10:00-12:00 at "HQ room 4" every month', "combo-board-meeting",
         title="Board meeting", date=D(2026, 11, 27), time=T(10), end_time=T(12),
         location="HQ room 4", rrule="FREQ=MONTHLY"),
    case("wants 15 min re merger p1 conf:yes", "combo-request",
         title="wants 15 min re merger", priority=1, confidential=True),
    case("30m next week re budget", "combo-dur-next-week", title="re budget",
         duration=M(30), date=D(2026, 11, 30)),
    case("Renew passport due:2027-01-15 +travel to:anna", "combo-renew-passport",
         title="Renew passport", due=D(2027, 1, 15), tags=["travel"], delegate="anna"),
    case("Standup every weekday 9:00 15m", "combo-standup", title="Standup",
         rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time=T(9), duration=M(15)),
    case("Pay rent every! month p2 +home", "combo-rent", title="Pay rent",
         rrule="FREQ=MONTHLY", recur_from_completion=True, priority=2, tags=["home"]),
    case("Review every 3rd friday 14:00-15:00 at:boardroom", "combo-review", title="Review",
         rrule="FREQ=MONTHLY;BYDAY=3FR", time=T(14), end_time=T(15), location="boardroom"),
    case("Dinner sat 7pm for 2h at:Riche conf:no", "combo-dinner", title="Dinner",
         date=D(2026, 11, 28), time=T(19), duration=M(120), location="Riche"),
    case("Quarterly report due:fri sched:mon p:high pro:finance", "combo-due-sched",
         title="Quarterly report", due=D(2026, 11, 27), sched=D(2026, 11, 30), priority=2,
         project="finance"),
    case("Gym every monday,friday 7am 1h", "combo-gym", title="Gym",
         rrule="FREQ=WEEKLY;BYDAY=MO,FR", time=T(7), duration=M(60)),
    case("Call mum on friday at 6pm", "combo-on-at", title="Call mum", date=D(2026, 11, 27),
         time=T(18)),
    case("Flight 27 jan 2028 6:45 +travel", "combo-flight", title="Flight",
         date=D(2028, 1, 27), time=T(6, 45), tags=["travel"]),
    case("Prep in 2 weeks 1h30 p3 for:ceo", "combo-prep", title="Prep", date=D(2026, 12, 9),
         duration=M(90), priority=3, principal="ceo"),
    case("Team lunch next month noon at:Kitchen +team #social !2", "combo-lunch-shorthands",
         title="Team lunch", date=D(2026, 12, 1), time=T(12), location="Kitchen",
         tags=["team"], project="social", priority=2),
    case("Offsite until:2027-03-01 every week mon 9am-5pm", "combo-until",
         title="Offsite", until=D(2027, 3, 1), rrule="FREQ=WEEKLY", date=D(2026, 11, 30),
         time=T(9), end_time=T(17)),
    case(["Call", "Jane Roe", "tomorrow", "3 pm"], "argv-literal-then-tokens",
         title="Call Jane Roe 3 pm", date=D(2026, 11, 26)),
]
# fmt: on


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_grammar(source: str | list[str], expected: dict[str, object]) -> None:
    cap = _parse(source)
    want = {**DEFAULTS, **expected}
    got = {key: getattr(cap, key) for key in want}
    assert got == want


ERRORS = [
    ("Fix p0", "p0"),
    ("Fix p5", "p5"),
    ("Fix p9", "p9"),
    ("Fix p:foo", "p:foo"),
    ("Fix priority:9", "priority:9"),
    ("Fix !5", "!5"),
    ("Fix !0", "!0"),
    ("Report feb 30", "feb 30"),
    ("Report 30feb", "30feb"),
    ("Report 2026-02-30", "2026-02-30"),
    ("Report 31 apr", "31 apr"),
    ("Report 32 jan", "32 jan"),
    ("Report 2026-13-01", "2026-13-01"),
    ("Call 25:00", "25:00"),
    ("Call 12:60", "12:60"),
    ("Call 13pm", "13pm"),
    ("Call 3:75pm", "3:75pm"),
    ("Call at 25:00", "25:00"),
    ("Call 12:00-10:00", "12:00-10:00"),
    ("Call 4-3pm", "4-3pm"),
    ("Call 11am-9am", "11am-9am"),
    ("Call 10:00-10:00", "10:00-10:00"),
    ("Tax due:blah", "due:blah"),
    ("Tax sched:someday", "sched:someday"),
    ("Tax until:never", "until:never"),
    ("Tax due:feb30", "due:feb30"),
    ("Gym every blah", "blah"),
    ("Gym every 0 weeks", "0 weeks"),
    ("HR case conf:maybe", "conf:maybe"),
    ('Note "unclosed', '"unclosed'),
    (["Fix", "p0"], "p0"),
    (["Report", "feb", "30"], "feb 30"),
]


@pytest.mark.parametrize(("source", "bad"), ERRORS, ids=[f"err-{s!s}" for s, _ in ERRORS])
def test_grammar_errors(source: str | list[str], bad: str) -> None:
    with pytest.raises(CaptureError) as info:
        _parse(source)
    assert bad in info.value.token or bad in str(info.value)


# --- small pieces


def test_keep_in_title_keeps_the_at_word() -> None:
    cap = parse_line("Ring @bob about invoice", today=TODAY)
    assert cap.title == "Ring about invoice"
    cap.keep_in_title("@bob")
    assert cap.title == "Ring @bob about invoice"
    assert cap.contact == "bob"


def test_tokens() -> None:
    assert tokens_from_line("a 'b c' d") == [Token("a"), Token("b c", literal=True), Token("d")]
    assert tokens_from_argv(["a", "b c", ""]) == [
        Token("a"),
        Token("b c", literal=True),
        Token("", literal=True),
    ]
    cap = parse([Token("p1", literal=True), Token("p2")], today=TODAY)
    assert (cap.title, cap.priority) == ("p1", 2)


def test_build_rule_and_first_occurrence() -> None:
    rule = build_rule("FREQ=MONTHLY;BYDAY=-1FR", datetime(2026, 11, 25))
    assert rule.after(datetime(2026, 11, 25)) == datetime(2026, 11, 27)
    assert first_occurrence("FREQ=MONTHLY;BYDAY=3FR", TODAY) == D(2026, 12, 18)
    assert first_occurrence("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", TODAY) == D(
        2026, 11, 30
    )


# --- capture_rows


def test_task_fields_tomorrow_3pm() -> None:
    f = task_fields(parse_line("Call tomorrow 3pm", today=TODAY), today=TODAY, tz=TZ)
    assert f["due_date"] == D(2026, 11, 26)
    assert f["due_at"] == datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    assert f["priority"] == 4


def test_task_fields_every_3rd_friday_gets_first_occurrence() -> None:
    f = task_fields(parse_line("Board every 3rd friday", today=TODAY), today=TODAY, tz=TZ)
    assert f["due_date"] == D(2026, 12, 18)
    assert f["rrule"] == "FREQ=MONTHLY;BYDAY=3FR"


def test_event_fields_timed_range() -> None:
    f = event_fields(parse_line("Board fri 10:00-12:00", today=TODAY), today=TODAY, tz=TZ)
    assert f["start_local"] == datetime(2026, 11, 27, 10, 0)
    assert f["end_local"] == datetime(2026, 11, 27, 12, 0)
    assert f["start_utc"] == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert f["end_utc"] == datetime(2026, 11, 27, 11, 0, tzinfo=UTC)
    assert f["all_day"] is False
    assert f["tz"] == TZ


def test_event_fields_all_day() -> None:
    f = event_fields(parse_line("Offsite fri", today=TODAY), today=TODAY, tz=TZ)
    assert f["all_day"] is True
    assert (f["start_date"], f["end_date"]) == (D(2026, 11, 27), D(2026, 11, 28))
    assert f["start_local"] is None


def test_event_fields_needs_a_date_or_time() -> None:
    with pytest.raises(CaptureError):
        event_fields(parse_line("Board meeting", today=TODAY), today=TODAY, tz=TZ)


def test_event_fields_until_bounds_the_series() -> None:
    cap = parse_line("Standup until:2027-03-01 every week mon 9:00", today=TODAY)
    f = event_fields(cap, today=TODAY, tz=TZ)
    assert "UNTIL=20270301T235959" in f["rrule"]
    assert f["series_until_utc"] is not None
    assert f["series_until_utc"] == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # 10:00 CET + 1h


@pytest.mark.parametrize(
    ("kind", "stored"), [("meeting", "meeting_request"), ("call", "call"), ("Doc", "document")]
)
def test_request_fields_kinds(kind: str, stored: str) -> None:
    cap = parse_line("wants 15 min re merger p1 conf:yes", today=TODAY)
    f = request_fields(cap, kind=kind, today=TODAY, tz=TZ)
    assert f["kind"] == stored
    assert f["urgency"] == 1
    assert f["confidential"] is True


def test_request_fields_bogus_kind() -> None:
    cap = parse_line("wants a chat", today=TODAY)
    with pytest.raises(CaptureError) as info:
        request_fields(cap, kind="bogus", today=TODAY, tz=TZ)
    assert info.value.token == "bogus"
