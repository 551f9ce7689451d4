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
from pa_tui.store import Store


@dataclass(frozen=True)
class QueueConfig:
    """What [queue] in the config says, validated (config.load_queue)."""

    rules: tuple[tuple[str, str], ...] = ()  # (rule text, "file:line")
    answer: tuple[tuple[str, int], ...] = ()  # ("call", minutes)
    answer_vip: tuple[tuple[str, int], ...] = ()
    templates: tuple[tuple[str, str], ...] = ()  # ("decline", "Dear {name}, ...")
    # False when the config has no [queue] table: the store's rules are then left as they are
    # (another assistant's config may have set them on a shared store); `rules = []` clears.
    present: bool = False

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
    if _same(session, config):
        return False
    want_rules = list(config.rules)
    have, want = load_settings(session), config.settings()
    if [(r.source, r.origin) for r in stored_rules(session)] != want_rules:
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


def sync_from_config(store: Store, *, now: datetime, path: str | None = None) -> QueueConfig:
    """Read [queue] from the config and copy its rules and answer times into the store when they
    differ (a read first, so the write lock is taken only on a change). Returns the config."""
    from pa_tui.config import load_queue

    config = load_queue(path)
    if not config.present:
        return config
    with store.read() as session:
        same = _same(session, config)
    if not same:
        with store.write() as session:
            sync(session, config, now=now)
    return config


def _same(session: Session, config: QueueConfig) -> bool:
    have_rules = [(r.source, r.origin) for r in stored_rules(session)]
    return have_rules == list(config.rules) and load_settings(session) == config.settings()
