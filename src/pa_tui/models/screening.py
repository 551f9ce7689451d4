"""The queue engine's stored settings: screening rules and answer times copied from the config (so
the capture path reads them without a config file), and the money side of document items."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from pa_tui.models.columns import optional_ref


class ScreeningRule(SQLModel, table=True):
    """One validated rule, as written: "kind=document and subject~invoice -> delegate Finance"."""

    __tablename__ = "screening_rule"

    id: int | None = Field(default=None, primary_key=True)
    position: int = Field(index=True)  # rules apply in this order
    source: str  # the rule text; services/screening.py parses it
    origin: str | None = None  # "config.toml:12", for messages
    updated_at: datetime


class QueueSetting(SQLModel, table=True):
    """Queue settings from the config: answer times per kind ("answer.call" = "240")."""

    __tablename__ = "queue_setting"

    key: str = Field(primary_key=True)
    value: str
    updated_at: datetime


class QueueDocument(SQLModel, table=True):
    """A document item's invoice side: who is paid, how much, by when, and whether it was."""

    __tablename__ = "queue_document"

    request_id: int = Field(foreign_key="request.id", primary_key=True, ondelete="CASCADE")
    vendor: str | None = Field(default=None, index=True)
    amount_cents: int | None = None  # hundredths of the currency unit: no float money
    currency: str | None = None  # ISO 4217, "EUR"
    reference: str | None = None  # invoice or contract number
    due_date: date | None = None
    approved_at: datetime | None = None
    paid_at: datetime | None = None
    pay_task_id: int | None = optional_ref("task.id")
