"""Contacts with their emails, phones, relations and important dates."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from pa_tui.models.columns import optional_ref


class Contact(SQLModel, table=True):
    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    principal_id: int = Field(foreign_key="principal.id", index=True, ondelete="CASCADE")
    name: str = Field(index=True)
    given_name: str | None = None
    family_name: str | None = None
    org: str | None = None
    role: str | None = None
    vip: int = 0  # 0..3, 3 highest
    policy: str = "screen"  # through | screen | block
    is_staff: bool = False
    notes: str | None = None
    confidential: bool = False
    external_uid: str | None = Field(default=None, index=True)
    extra: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    created_at: datetime
    updated_at: datetime


class ContactEmail(SQLModel, table=True):
    __tablename__ = "contact_email"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    kind: str = "work"
    value: str = Field(index=True)


class ContactPhone(SQLModel, table=True):
    __tablename__ = "contact_phone"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    kind: str = "mobile"
    value: str
    # National significant digits (no country code, no trunk 0): +46 8 123 45 67 == 08-123 45 67.
    digits: str = Field(index=True)


class Relation(SQLModel, table=True):
    __tablename__ = "relation"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True, ondelete="CASCADE")
    kind: str  # spouse, partner, child, parent, assistant, reports-to, colleague, custom
    label: str | None = None  # for kind=custom
    other_contact_id: int | None = optional_ref("contact.id", ondelete="CASCADE")
    other_name: str | None = None  # when the relation is not a contact of its own


class ImportantDate(SQLModel, table=True):
    __tablename__ = "important_date"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int | None = optional_ref("contact.id", ondelete="CASCADE")
    relation_id: int | None = optional_ref("relation.id", ondelete="CASCADE")
    kind: str = "birthday"  # birthday | anniversary | custom
    label: str | None = None
    month: int
    day: int
    year: int | None = None  # birthdays without a year are common in phone exports
