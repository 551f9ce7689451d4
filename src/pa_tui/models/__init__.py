"""SQLModel tables: the one description of the store's schema (the capture writer is tested against it)."""

from pa_tui.models.audit import AuditEntry
from pa_tui.models.contact import Contact, ContactEmail, ContactPhone, ImportantDate, Relation
from pa_tui.models.crm import KeepInTouch
from pa_tui.models.event import Event, EventAttendee
from pa_tui.models.interaction import Interaction
from pa_tui.models.meta import Meta
from pa_tui.models.principal import Principal
from pa_tui.models.request import Request
from pa_tui.models.schedule import PrincipalPrefs, ProtectedBlock, ReminderLog
from pa_tui.models.screening import QueueDocument, QueueSetting, ScreeningRule
from pa_tui.models.task import Task
from pa_tui.models.trip import Trip, TripSegment

__all__ = [
    "AuditEntry",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "Event",
    "EventAttendee",
    "ImportantDate",
    "Interaction",
    "KeepInTouch",
    "Meta",
    "Principal",
    "PrincipalPrefs",
    "ProtectedBlock",
    "QueueDocument",
    "QueueSetting",
    "Relation",
    "ReminderLog",
    "Request",
    "ScreeningRule",
    "Task",
    "Trip",
    "TripSegment",
]
