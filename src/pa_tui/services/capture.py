"""The quick-capture grammar shared by the shell, stdin and the cockpit: words in, a Capture out.

Deterministic for a given `today`/`now`. Kept cheap to import (the capture path loads it on every
`pa add`): no dateutil.parser, and relativedelta only when month arithmetic is asked for.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

# Plain classes rather than dataclasses: `import dataclasses` alone costs the capture path ~13 ms.

# ---------------------------------------------------------------------------------------------
# Tokens


class Token:
    """One word; literal when quoted (or one argv word with spaces): never parsed, always title."""

    __slots__ = ("literal", "text")

    def __init__(self, text: str, literal: bool = False) -> None:
        self.text = text
        self.literal = literal

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Token) and (self.text, self.literal) == (other.text, other.literal)

    def __hash__(self) -> int:
        return hash((self.text, self.literal))

    def __repr__(self) -> str:
        return f"Token({self.text!r}{', literal=True' if self.literal else ''})"


class CaptureError(ValueError):
    """An impossible value (`feb 30`, `25:00`, `p9`): the message names the token."""

    def __init__(self, token: str, reason: str) -> None:
        super().__init__(f"{token!r}: {reason}")
        self.token = token
        self.reason = reason


def tokens_from_argv(words: list[str]) -> list[Token]:
    """Shell words: one argv word holding spaces came quoted, so it stays literal."""
    return [Token(w, literal=(" " in w.strip() or w == "")) for w in words]


def tokens_from_line(line: str) -> list[Token]:
    """A line from stdin or the capture bar: split on blanks, quotes make one literal token."""
    out: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "\"'":
            end = line.find(ch, i + 1)
            if end == -1:
                raise CaptureError(line[i:], "unclosed quote")
            out.append(Token(line[i + 1 : end], literal=True))
            i = end + 1
            continue
        m = _PREFIX_QUOTE.match(line, i)
        if m:  # at:"HQ room 4" -- a quoted value after a key
            q = m.group(2)
            end = line.find(q, m.end())
            if end == -1:
                raise CaptureError(line[i:], "unclosed quote")
            out.append(Token(m.group(1) + line[m.end() : end]))
            i = end + 1
            continue
        j = i
        while j < n and not line[j].isspace():
            j += 1
        out.append(Token(line[i:j]))
        i = j
    return out


_PREFIX_QUOTE = re.compile(r"""([^\s:"']+:)(["'])""")


# ---------------------------------------------------------------------------------------------
# Result


class Capture:
    """What a capture line means. Dates/times are local wall values in the principal's zone."""

    def __init__(self) -> None:
        self.title_words: list[str] = []
        self.kept: set[str] = set()  # @name / to:name words that did not resolve
        self.tags: list[str] = []
        self.project: str | None = None
        self.contact: str | None = None  # @name, resolved against contacts by the writer
        self.contact_word: str | None = None  # the word as typed, kept in the title if unresolved
        self.ref_positions: dict[str, int] = {}  # 'contact'/'delegate' -> index in title_words
        self.delegate: str | None = None  # to:name
        self.delegate_word: str | None = None
        self.principal: str | None = None  # for:name
        self.location: str | None = None
        self.priority: int | None = None
        self.date: date | None = None  # the plain date (task: due; event: start; request: wanted)
        self.time: time | None = None
        self.end_time: time | None = None
        self.duration: timedelta | None = None
        self.due: date | None = None  # due:DATE
        self.sched: date | None = None  # sched:DATE
        self.until: date | None = None  # until:DATE
        self.rrule: str | None = None
        self.recur_text: str | None = None  # the words as typed: "every 3rd friday"
        self.recur_from_completion = False
        self.confidential = False
        self.reminders: list[int] = []  # remind:15m,1h -> minutes before the start (or due time)
        self.amount_cents: int | None = None  # amt:1200.50EUR (documents: invoices)
        self.currency: str | None = None
        self.reference: str | None = None  # ref:INV-4411
        self.notes: list[str] = []  # what the parser wants the user to know

    def __repr__(self) -> str:
        return f"Capture({self.title!r}, {self.summary()})"

    @property
    def title(self) -> str:
        """Title words, less the @name/to:name words that resolved to a contact."""
        words = {"contact": self.contact_word, "delegate": self.delegate_word}
        drop = {pos for role, pos in self.ref_positions.items() if words[role] not in self.kept}
        return " ".join(w for i, w in enumerate(self.title_words) if i not in drop).strip()

    def keep_in_title(self, word: str | None) -> None:
        if word:
            self.kept.add(word)

    def start(self) -> datetime | None:
        if self.date is None and self.time is None:
            return None
        return datetime.combine(self.date or date.min, self.time or time())

    def summary(self) -> list[str]:
        """The parsed fields, in the order the confirmation line shows them."""
        parts: list[str] = []
        if self.date:
            parts.append(self.date.isoformat())
        if self.time:
            when = self.time.strftime("%H:%M")
            if self.end_time:
                when += "-" + self.end_time.strftime("%H:%M")
            parts.append(when)
        if self.duration and not self.end_time:
            parts.append(f"for {format_duration(self.duration)}")
        if self.due:
            parts.append(f"due:{self.due.isoformat()}")
        if self.sched:
            parts.append(f"sched:{self.sched.isoformat()}")
        if self.until:
            parts.append(f"until:{self.until.isoformat()}")
        if self.rrule:
            parts.append(self.recur_text or self.rrule)
        if self.priority:
            parts.append(f"p{self.priority}")
        if self.project:
            parts.append(f"pro:{self.project}")
        parts += [f"+{t}" for t in self.tags]
        if self.location:
            parts.append(f"at:{self.location}")
        if self.contact:
            parts.append(f"@{self.contact}")
        if self.delegate:
            parts.append(f"to:{self.delegate}")
        if self.principal:
            parts.append(f"for:{self.principal}")
        if self.confidential:
            parts.append("conf:yes")
        if self.reminders:
            parts.append("remind:" + ",".join(f"{m}m" for m in self.reminders))
        if self.amount_cents is not None:
            whole, cents = divmod(self.amount_cents, 100)
            parts.append(f"amt:{whole}.{cents:02d}{self.currency or ''}")
        if self.reference:
            parts.append(f"ref:{self.reference}")
        return parts


_AMOUNT = re.compile(r"^([A-Za-z]{3})?(\d{1,12})(?:[.,](\d{1,2}))?([A-Za-z]{3})?$")


def parse_amount(value: str, word: str) -> tuple[int, str]:
    """amt:1200.50EUR or amt:EUR1200 -> (120050, "EUR"): hundredths, no float money."""
    m = _AMOUNT.match(value.replace("_", ""))
    if not m or bool(m.group(1)) == bool(m.group(4)):
        raise CaptureError(word, "amt: takes an amount and a currency, e.g. amt:1200.50EUR")
    cents = int(m.group(2)) * 100 + int((m.group(3) or "0").ljust(2, "0"))
    return cents, (m.group(1) or m.group(4)).upper()


def format_duration(d: timedelta) -> str:
    minutes = int(d.total_seconds() // 60)
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h}h{m:02d}"
    return f"{h}h" if h else f"{m}m"


# ---------------------------------------------------------------------------------------------
# Vocabulary

WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
RRULE_DAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
PRIORITY_WORDS = {"urgent": 1, "high": 2, "medium": 3, "med": 3, "low": 4, "none": 4}
ORDINALS = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4,
            "fourth": 4, "5th": 5, "fifth": 5, "last": -1}  # fmt: skip
UNITS = {
    "day": "DAILY", "days": "DAILY", "week": "WEEKLY", "weeks": "WEEKLY",
    "month": "MONTHLY", "months": "MONTHLY", "year": "YEARLY", "years": "YEARLY",
}  # fmt: skip
WORKDAYS = "MO,TU,WE,TH,FR"
YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False,
       "0": False}  # fmt: skip

_TIME_24 = re.compile(r"^(\d{1,2}):(\d{2})$")
_TIME_AMPM = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)$")
_RANGE = re.compile(r"^([\d:]+(?:am|pm)?)-([\d:]+(?:am|pm)?)$")
_DURATION = re.compile(r"^(?:(\d+)h(?:(\d+)m?)?|(\d+)(?:m|min|mins)|(\d+)d)$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})([a-z]+)$")  # 27jan
_PRIORITY = re.compile(r"^p(\d+)$")
_HOUR_ONLY = re.compile(r"^\d{1,2}$")


# ---------------------------------------------------------------------------------------------
# Parser


class _Parser:
    def __init__(self, tokens: list[Token], today: date, shorthands: bool) -> None:
        self.toks = tokens
        self.today = today
        self.shorthands = shorthands
        self.i = 0
        self.cap = Capture()
        self.title: list[str] = []

    # -- helpers
    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def word(self, k: int = 0) -> str | None:
        t = self.peek(k)
        return t.text.lower() if t is not None and not t.literal else None

    def run(self) -> Capture:
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            if tok.literal:
                self.title.append(tok.text)
                self.i += 1
                continue
            if tok.text == "--":
                self.title += [t.text for t in self.toks[self.i + 1 :]]
                break
            consumed = self.step(tok.text)
            if consumed == 0:
                self.title.append(tok.text)
                self.i += 1
            else:
                self.i += consumed
        self.cap.title_words = self.title
        if self.cap.time is None and self.cap.duration is not None and self.cap.end_time:
            self.cap.end_time = None
        return self.cap

    # -- one position: returns how many tokens it consumed (0 = title word)
    def step(self, text: str) -> int:
        low = text.lower()
        for handler in (
            self.tag_like,
            self.keyed,
            self.priority,
            self.recurrence,
            self.relative,
            self.on_date,
            self.at_word,
            self.time_word,
            self.date_word,
            self.duration_word,
        ):
            n = handler(text, low)
            if n:
                return n
        return 0

    def tag_like(self, text: str, low: str) -> int:
        if len(text) > 1 and text[0] == "+" and _name_ok(text[1:]):
            tag = text[1:].lower()
            if tag not in self.cap.tags:
                self.cap.tags.append(tag)
            return 1
        if len(text) > 1 and text[0] == "@":
            self.cap.contact = text[1:]
            self.cap.contact_word = text
            self.cap.ref_positions["contact"] = len(self.title)
            self.title.append(text)
            return 1
        if self.shorthands and len(text) > 1 and text[0] == "#" and _name_ok(text[1:]):
            self.cap.project = text[1:]
            return 1
        if self.shorthands and re.fullmatch(r"!\d+", text):
            self.cap.priority = _priority_value(text, int(text[1:]))
            return 1
        return 0

    def keyed(self, text: str, low: str) -> int:
        key, sep, value = text.partition(":")
        if not sep or not value:
            return 0
        key = key.lower()
        if key in ("project", "pro", "proj"):
            self.cap.project = value
        elif key == "to":
            self.cap.delegate = value
            self.cap.delegate_word = text
            self.cap.ref_positions["delegate"] = len(self.title)
            self.title.append(text)
        elif key == "for":
            self.cap.principal = value
        elif key == "at":
            self.cap.location = value
        elif key in ("p", "pri", "priority"):
            if value.lower() in PRIORITY_WORDS:
                self.cap.priority = PRIORITY_WORDS[value.lower()]
            elif value.isdigit():
                self.cap.priority = _priority_value(text, int(value))
            else:
                raise CaptureError(text, "priority is p1..p4, or p:urgent|high|medium|low")
        elif key in ("due", "sched", "scheduled", "until", "wait"):
            day = self.single_date(value, text)
            if key == "due":
                self.cap.due = day
            elif key == "until":
                self.cap.until = day
            else:
                self.cap.sched = day
        elif key in ("remind", "rem", "alarm"):
            minutes = []
            for part in value.split(","):
                low_part = part.strip().lower()
                if low_part.isdigit():
                    low_part += "m"
                if not _DURATION.match(low_part):
                    raise CaptureError(text, "remind: takes times before, e.g. remind:15m,1h")
                minutes.append(int(_duration(low_part).total_seconds() // 60))
            self.cap.reminders = sorted(set(minutes), reverse=True)
        elif key in ("amt", "amount"):
            self.cap.amount_cents, self.cap.currency = parse_amount(value, text)
        elif key == "ref":
            self.cap.reference = value
        elif key in ("conf", "confidential"):
            if value.lower() not in YES:
                raise CaptureError(text, "conf: takes yes or no")
            self.cap.confidential = YES[value.lower()]
        else:
            return 0
        return 1

    def priority(self, text: str, low: str) -> int:
        m = _PRIORITY.match(low)
        if not m:
            return 0
        self.cap.priority = _priority_value(text, int(m.group(1)))
        return 1

    # -- recurrence: every / every!
    def recurrence(self, text: str, low: str) -> int:
        if low not in ("every", "every!"):
            return 0
        used = self._recurrence(text, low)
        self.cap.recur_text = " ".join(t.text for t in self.toks[self.i : self.i + used])
        return used

    def _recurrence(self, text: str, low: str) -> int:
        self.cap.recur_from_completion = low == "every!"
        w1, w2 = self.word(1), self.word(2)
        if w1 is None:
            raise CaptureError(text, "every what? (day, weekday, week, 2 weeks, monday,friday ...)")
        if w1 in ("day", "daily"):
            self.cap.rrule = "FREQ=DAILY"
            return 2
        if w1 in ("weekday", "weekdays", "workday", "workdays"):
            self.cap.rrule = f"FREQ=WEEKLY;BYDAY={WORKDAYS}"
            return 2
        if w1 in UNITS and w1 in ("week", "month", "year"):
            self.cap.rrule = f"FREQ={UNITS[w1]}"
            return 2
        if w1 == "other" and w2 in UNITS:
            self.cap.rrule = f"FREQ={UNITS[w2]};INTERVAL=2"
            return 3
        if w1.isdigit() and w2 in UNITS:
            n = int(w1)
            if n < 1:
                raise CaptureError(f"{w1} {w2}", "interval must be at least 1")
            self.cap.rrule = f"FREQ={UNITS[w2]}" + (f";INTERVAL={n}" if n > 1 else "")
            return 3
        if w1 in ORDINALS and w2 is not None:
            n = ORDINALS[w1]
            if w2 in ("workday", "weekday", "workdays", "weekdays"):
                self.cap.rrule = f"FREQ=MONTHLY;BYDAY={WORKDAYS};BYSETPOS={n}"
                return 3
            if w2 in WEEKDAYS:
                self.cap.rrule = f"FREQ=MONTHLY;BYDAY={n}{RRULE_DAY[WEEKDAYS[w2]]}"
                return 3
            if w2 == "day":
                self.cap.rrule = f"FREQ=MONTHLY;BYMONTHDAY={n}"
                return 3
        days = [d for d in w1.split(",") if d]
        if days and all(d in WEEKDAYS for d in days):
            codes = ",".join(RRULE_DAY[i] for i in sorted({WEEKDAYS[d] for d in days}))
            self.cap.rrule = f"FREQ=WEEKLY;BYDAY={codes}"
            return 2
        raise CaptureError(f"{text} {self.peek(1).text}", "unknown recurrence")  # type: ignore[union-attr]

    # -- relative phrases: next week/month, in N days, for 45m
    def relative(self, text: str, low: str) -> int:
        w1, w2 = self.word(1), self.word(2)
        if low == "next" and w1 in ("week", "month", "year") and self.cap.date is None:
            if w1 == "week":
                self.cap.date = self.today + timedelta(days=7 - self.today.weekday())
            elif w1 == "month":
                self.cap.date = _add_months(self.today.replace(day=1), 1)
            else:
                self.cap.date = date(self.today.year + 1, 1, 1)
            return 2
        if low == "next" and w1 in WEEKDAYS and self.cap.date is None:
            self.cap.date = _next_weekday(self.today, WEEKDAYS[w1])
            return 2
        if (
            low == "in"
            and w1 is not None
            and w1.isdigit()
            and w2 in UNITS
            and self.cap.date is None
        ):
            n = int(w1)
            unit = UNITS[w2]
            if unit == "DAILY":
                self.cap.date = self.today + timedelta(days=n)
            elif unit == "WEEKLY":
                self.cap.date = self.today + timedelta(weeks=n)
            elif unit == "MONTHLY":
                self.cap.date = _add_months(self.today, n)
            else:
                self.cap.date = _add_months(self.today, 12 * n)
            return 3
        if low == "for" and w1 is not None and _DURATION.match(w1) and self.cap.duration is None:
            self.cap.duration = _duration(w1)
            return 2
        return 0

    def on_date(self, text: str, low: str) -> int:
        """`on friday`, `by 27 jan`: the little word goes with the date."""
        if low not in ("on", "by") or self.word(1) is None or self.cap.date is not None:
            return 0
        saved = self.i
        self.i += 1
        n = self.date_word(self.peek().text, self.word() or "")  # type: ignore[union-attr]
        self.i = saved
        return 1 + n if n else 0

    def at_word(self, text: str, low: str) -> int:
        """`at 3pm` is a time; `at "HQ room 4"` (one quoted word) is a place."""
        if low != "at":
            return 0
        nxt = self.peek(1)
        if nxt is None:
            return 0
        if nxt.literal:
            self.cap.location = nxt.text
            return 2
        saved = self.i
        self.i += 1
        n = self.time_word(nxt.text, nxt.text.lower())
        self.i = saved
        return 1 + n if n else 0

    def time_word(self, text: str, low: str) -> int:
        if self.cap.time is not None:
            return 0
        if low in ("noon", "midday"):
            self.cap.time = time(12)
            return 1
        m = _RANGE.match(low)
        if m and (":" in low or "m" in low):
            start, end = m.group(1), m.group(2)
            # 3-4pm: the start takes the end's am/pm
            if not start.endswith(("am", "pm")) and end.endswith(("am", "pm")) and ":" not in start:
                start += end[-2:]
            t1, t2 = _time(start, text), _time(end, text)
            if t1 is None or t2 is None:
                return 0
            if t2 <= t1:
                raise CaptureError(text, "the range ends before it starts")
            self.cap.time, self.cap.end_time = t1, t2
            return 1
        t = _time(low, text)
        if t is not None:
            self.cap.time = t
            return 1
        # "3 pm" as two words
        if _HOUR_ONLY.match(low) and self.word(1) in ("am", "pm"):
            t = _time(low + (self.word(1) or ""), f"{text} {self.peek(1).text}")  # type: ignore[union-attr]
            if t is not None:
                self.cap.time = t
                return 2
        return 0

    def date_word(self, text: str, low: str) -> int:
        if self.cap.date is not None:
            return 0
        n, day = self.date_at(self.i)
        if n:
            self.cap.date = day
        return n

    def date_at(self, j: int) -> tuple[int, date | None]:
        """A date starting at token j: (tokens used, date); (0, None) when there is none."""
        tok = self.toks[j] if j < len(self.toks) else None
        if tok is None or tok.literal:
            return 0, None
        low = tok.text.lower()
        if low in ("today", "tod"):
            return 1, self.today
        if low in ("tomorrow", "tmrw", "tom"):
            return 1, self.today + timedelta(days=1)
        if low in WEEKDAYS:
            return 1, _next_weekday(self.today, WEEKDAYS[low])
        m = _ISO_DATE.match(low)
        if m:
            return 1, _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)), tok.text)
        nxt = self.toks[j + 1] if j + 1 < len(self.toks) else None
        nlow = nxt.text.lower() if nxt is not None and not nxt.literal else None
        # 27 jan [2027] / jan 27 [2027] / 27jan
        m = _DAY_MONTH.match(low)
        if m and m.group(2) in MONTHS:
            return self._with_year(j + 1, int(m.group(1)), MONTHS[m.group(2)], tok.text, 1)
        if low.isdigit() and nlow in MONTHS and len(low) <= 2:
            return self._with_year(j + 2, int(low), MONTHS[nlow], f"{tok.text} {nxt.text}", 2)  # type: ignore[union-attr]
        if low in MONTHS and nlow is not None and nlow.isdigit() and len(nlow) <= 2:
            return self._with_year(j + 2, int(nlow), MONTHS[low], f"{tok.text} {nxt.text}", 2)  # type: ignore[union-attr]
        return 0, None

    def _with_year(self, j: int, day: int, month: int, shown: str, used: int) -> tuple[int, date]:
        tok = self.toks[j] if j < len(self.toks) else None
        if tok is not None and not tok.literal and re.fullmatch(r"\d{4}", tok.text):
            return used + 1, _make_date(int(tok.text), month, day, f"{shown} {tok.text}")
        this_year = _make_date(self.today.year, month, day, shown, leap_ok=True)
        if this_year >= self.today:
            return used, this_year
        return used, _make_date(self.today.year + 1, month, day, shown, leap_ok=True)

    def single_date(self, value: str, shown: str) -> date:
        """The DATE of due:/sched:/until: -- one word (2027-01-15, fri, tomorrow, 27jan)."""
        sub = _Parser(tokens_from_line(value), self.today, False)
        n, day = sub.date_at(0)
        if not n or day is None or n != len(sub.toks):
            raise CaptureError(shown, "not a date (use YYYY-MM-DD, today, tomorrow, fri, 27jan)")
        return day

    def duration_word(self, text: str, low: str) -> int:
        if self.cap.duration is not None or not _DURATION.match(low):
            return 0
        self.cap.duration = _duration(low)
        return 1


# ---------------------------------------------------------------------------------------------
# Small pure helpers


def _name_ok(value: str) -> bool:
    return bool(re.fullmatch(r"[\w.\-/]+", value))


def _priority_value(token: str, n: int) -> int:
    if not 1 <= n <= 4:
        raise CaptureError(token, "priority is p1 (urgent) to p4 (none)")
    return n


def _time(low: str, shown: str) -> time | None:
    m = _TIME_24.match(low)
    if m:
        h, mi = int(m.group(1)), int(m.group(2))
        if h > 23 or mi > 59:
            raise CaptureError(shown, "no such time of day")
        return time(h, mi)
    m = _TIME_AMPM.match(low)
    if m:
        h, mi = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= h <= 12 or mi > 59:
            raise CaptureError(shown, "no such time of day")
        if m.group(3) == "pm" and h != 12:
            h += 12
        if m.group(3) == "am" and h == 12:
            h = 0
        return time(h, mi)
    return None


def _duration(low: str) -> timedelta:
    m = _DURATION.match(low)
    assert m is not None
    if m.group(4):
        minutes = int(m.group(4)) * 24 * 60
    elif m.group(3):
        minutes = int(m.group(3))
    else:
        minutes = int(m.group(1)) * 60 + int(m.group(2) or 0)
    if minutes <= 0:
        raise CaptureError(low, "a duration must be longer than zero")
    return timedelta(minutes=minutes)


def _make_date(y: int, m: int, d: int, shown: str, *, leap_ok: bool = False) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        # 29 feb without a year: the next leap year's
        if leap_ok and m == 2 and d == 29:
            for year in range(y, y + 8):
                try:
                    return date(year, 2, 29)
                except ValueError:
                    continue
        raise CaptureError(shown, "no such date") from None


def _next_weekday(today: date, weekday: int) -> date:
    """The next such weekday; on that weekday itself, next week's."""
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def _add_months(day: date, months: int) -> date:
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)


# ---------------------------------------------------------------------------------------------
# Entry points


def parse(tokens: list[Token], *, today: date, shorthands: bool = False) -> Capture:
    """Parse capture tokens for a given local `today`. Raises CaptureError on impossible values."""
    try:
        cap = _Parser(tokens, today, shorthands).run()
    except (ValueError, OverflowError) as exc:
        # "in 9999 years", "99999999999d", a superscript digit str.isdigit() takes: a number
        # the calendar cannot hold is the user's mistake, said like any other.
        word = next((t.text for t in tokens if any(c.isdigit() for c in t.text)), "")
        raise CaptureError(word or "number", f"number out of range ({exc})") from None
    if cap.until and not cap.rrule:
        cap.notes.append("until: without every ... has no effect")
    return cap


def parse_words(words: list[str], *, today: date) -> Capture:
    """Shell argv words (no shorthands: `#` and `!` mean other things to a shell)."""
    return parse(tokens_from_argv(words), today=today)


def parse_line(line: str, *, today: date) -> Capture:
    """A line from stdin or the cockpit's capture bar (shorthands #project and !1..!4 work)."""
    return parse(tokens_from_line(line), today=today, shorthands=True)


def build_rule(rrule: str, dtstart: datetime):  # type: ignore[no-untyped-def]
    """A dateutil rrule from the RRULE text this grammar writes, without dateutil.parser.

    (rrulestr imports dateutil.parser as soon as a rule has UNTIL: +50 ms on every capture.)
    """
    from dateutil import rrule as rr

    fields = dict(part.split("=", 1) for part in rrule.split(";"))
    kwargs: dict[str, object] = {"dtstart": dtstart}
    if "INTERVAL" in fields:
        kwargs["interval"] = int(fields["INTERVAL"])
    if "COUNT" in fields:
        kwargs["count"] = int(fields["COUNT"])
    if "UNTIL" in fields:
        kwargs["until"] = datetime.strptime(fields["UNTIL"].rstrip("Z"), "%Y%m%dT%H%M%S")
    if "BYSETPOS" in fields:
        kwargs["bysetpos"] = int(fields["BYSETPOS"])
    if "BYMONTHDAY" in fields:
        kwargs["bymonthday"] = int(fields["BYMONTHDAY"])
    if "BYDAY" in fields:
        days = []
        for code in fields["BYDAY"].split(","):
            m = re.fullmatch(r"(-?\d+)?([A-Z]{2})", code)
            if m is None:
                raise ValueError(f"bad BYDAY {code!r}")
            wd = getattr(rr, m.group(2))
            days.append(wd(int(m.group(1))) if m.group(1) else wd)
        kwargs["byweekday"] = days
    return rr.rrule(getattr(rr, fields["FREQ"]), **kwargs)  # type: ignore[arg-type]


def first_occurrence(rrule: str, start: date) -> date:
    """The first date on/after `start` that the rule allows (for `every 3rd friday`)."""
    first = build_rule(rrule, datetime.combine(start, time())).after(
        datetime.combine(start, time()), inc=True
    )
    return first.date() if first is not None else start


def with_until(rrule: str, until: date | None) -> str:
    return f"{rrule};UNTIL={until:%Y%m%d}T235959" if until else rrule


def parse_duration(text: str) -> timedelta:
    """45m, 1h, 1h30m, 90min, 2d; CaptureError naming the word otherwise."""
    low = text.strip().lower()
    if not _DURATION.match(low):
        raise CaptureError(text, "not a duration (e.g. 45m, 1h, 1h30m)")
    return _duration(low)


def parse_window(words: list[str], *, today: date) -> tuple[date, date]:
    """A range of days [first, end) for `pa free`: nothing = the next 7 days; "this week",
    "next week", "next month", "N days|weeks"; or one day in the capture grammar (fri, 3 dec)."""
    text = " ".join(words).strip().lower()
    monday = today - timedelta(days=today.weekday())
    if not text:
        return today, today + timedelta(days=7)
    if text == "this week":
        return today, monday + timedelta(days=7)
    if text == "next week":
        return monday + timedelta(days=7), monday + timedelta(days=14)
    if text == "this month":
        return today, _add_months(today.replace(day=1), 1)
    if text == "next month":
        first = _add_months(today.replace(day=1), 1)
        return first, _add_months(first, 1)
    m = re.fullmatch(r"(?:next |within )?(\d+) ?(days?|weeks?)", text)
    if m:
        n = int(m.group(1)) * (7 if m.group(2).startswith("week") else 1)
        return today, today + timedelta(days=max(1, n))
    cap = parse_line(text, today=today)
    day = cap.date or cap.due
    if day is None or cap.title:
        raise CaptureError(text, "not a window (next week, 2 weeks, fri, 3 dec)")
    return day, day + timedelta(days=1)
