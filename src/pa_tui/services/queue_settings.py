"""The queue engine's settings in the store: screening rules and answer times, copied there from
the config by the cockpit and the non-capture commands, so every writer (the capture path reads
no config file) screens the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from pa_tui.models import QueueSetting, ScreeningRule
from pa_tui.services import screening
from pa_tui.services.scoring import AnswerTimes


@dataclass(frozen=True)
class QueueConfig:
    """What [queue] in the config says, validated (config.load_queue)."""

    rules: tuple[tuple[str, str], ...] = ()  # (rule text, "file:line")
    answer: tuple[tuple[str, int], ...] = ()  # ("call", minutes)
    answer_vip: tuple[tuple[str, int], ...] = ()
    templates: tuple[tuple[str, str], ...] = ()  # ("decline", "Dear {name}, ...")

    def settings(self) -> dict[str, str]:
        out = {f"answer.{k}": str(m) for k, m in self.answer}
        out.update({f"answer_vip.{k}": str(m) for k, m in self.answer_vip})
        return out


def load_settings(session: Session) -> dict[str, str]:
    return {s.key: s.value for s in session.exec(select(QueueSetting)).all()}


def answer_times(session: Session) -> AnswerTimes:
    return AnswerTimes.from_settings(load_settings(session))


def stored_rules(session: Session) -> list[ScreeningRule]:
    return list(
        session.exec(
            select(ScreeningRule).order_by(col(ScreeningRule.position), col(ScreeningRule.id))
        ).all()
    )


def load_rules(session: Session) -> list[screening.Rule]:
    return screening.parse_rules([r.source for r in stored_rules(session)])


def sync(session: Session, config: QueueConfig, *, now: datetime) -> bool:
    """Make the store's rules and settings equal the config's; True when anything changed.

    Compared first, so a command run a thousand times a day takes no write lock for nothing."""
    have_rules = [(r.source, r.origin) for r in stored_rules(session)]
    want_rules = [(text, origin) for text, origin in config.rules]
    have = load_settings(session)
    want = config.settings()
    if have_rules == want_rules and have == want:
        return False
    if have_rules != want_rules:
        session.exec(delete(ScreeningRule))
        for n, (text, origin) in enumerate(config.rules, start=1):
            session.add(ScreeningRule(position=n, source=text, origin=origin, updated_at=now))
    if have != want:
        session.exec(delete(QueueSetting))
        for key, value in want.items():
            session.add(QueueSetting(key=key, value=value, updated_at=now))
    session.flush()
    return True


def minutes_of(text: str) -> int | None:
    """ "2h", "90m", "1h30m", "3d" -> minutes; None when it is not a duration."""
    import re

    m = re.fullmatch(r"\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*", text.lower())
    if not m or not any(m.groups()):
        return None
    d, h, mi = (int(x) if x else 0 for x in m.groups())
    return int(timedelta(days=d, hours=h, minutes=mi).total_seconds() // 60)
