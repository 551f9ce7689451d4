"""CSV with a header row: contacts (a `name` column) or tasks (a `title` or `description`
column). Column names are matched loosely (Email, E-mail Address, Phone, Due...); a bad value
names its file:line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from pa_tui.interop.taskwarrior import TaskItem
from pa_tui.interop.textfile import ImportFileError, decode

NAME = ("name", "full name", "display name", "fn")
TITLE = ("title", "description", "task", "subject")


@dataclass
class Record:
    kind: str  # contact | task
    line: int
    card: Any = None
    task: Any = None


def _key(header: str) -> str:
    return " ".join(header.strip().lower().replace("_", " ").replace("-", " ").split())


def read(data: bytes, path: str) -> list[Record]:
    from pa_tui.interop.vcard import Card
    from pa_tui.services.contacts import parse_partial_date

    text = decode(data, path)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ImportFileError(f"{path}:1: empty CSV")
    header = [_key(h) for h in rows[0]]
    col = {h: i for i, h in enumerate(header)}

    def get(row: list[str], *names: str) -> str:
        for name in names:
            for key, i in col.items():
                if (key == name or key.startswith(name)) and i < len(row) and row[i].strip():
                    return row[i].strip()
        return ""

    is_contact = any(h in NAME or h in ("first name", "given name") for h in header)
    is_task = any(h in TITLE for h in header)
    if not (is_contact or is_task):
        raise ImportFileError(f"{path}:1: no name or title column in the header")
    out: list[Record] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if is_contact:
            name = get(row, *NAME) or " ".join(
                x
                for x in (
                    get(row, "first name", "given name"),
                    get(row, "last name", "family name"),
                )
                if x
            )
            if not name:
                raise ImportFileError(f"{path}:{number}: a contact without a name")
            card = Card(line=number, version="csv", name=name, uid=get(row, "uid", "id") or None)
            card.org = get(row, "organisation", "organization", "company", "org") or None
            card.title = get(row, "job title", "role", "position") or None
            email = get(row, "email", "e mail")
            if email:
                card.emails.append(("work", email))
            phone = get(row, "phone", "mobile", "telephone")
            if phone:
                card.phones.append(("mobile", phone))
            birthday = get(row, "birthday", "bday")
            if birthday:
                try:
                    card.birthday = parse_partial_date(birthday)
                except Exception as exc:
                    raise ImportFileError(f"{path}:{number}: birthday: {exc}") from None
            card.notes = get(row, "notes", "note") or None
            out.append(Record("contact", number, card=card))
        else:
            title = get(row, *TITLE)
            if not title:
                raise ImportFileError(f"{path}:{number}: a task without a title")
            import hashlib

            uid = (
                get(row, "uid", "uuid", "id")
                or "pa-tui-csv-" + hashlib.sha1(title.encode()).hexdigest()[:16]
            )
            item = TaskItem(uid=uid, title=title)
            due = get(row, "due", "due date")
            if due:
                from datetime import date

                try:
                    item.due_date = date.fromisoformat(due[:10])
                except ValueError:
                    raise ImportFileError(
                        f"{path}:{number}: due {due!r} is not YYYY-MM-DD"
                    ) from None
            item.project = get(row, "project") or None
            item.notes = get(row, "notes", "note") or None
            out.append(Record("task", number, task=item))
    return out
