"""Travel: a trip groups segments (flight, train, hotel, car, meeting). Each segment is an event
(so it is on the agenda, conflict-checked and reminded) plus what travel adds: a confirmation
code, places, and the arrival's own wall time and zone."""

from datetime import datetime

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel


class Trip(SQLModel, table=True):
    __tablename__ = "trip"

    id: int | None = Field(default=None, primary_key=True)
    principal_id: int = Field(foreign_key="principal.id", index=True, ondelete="CASCADE")
    title: str
    notes: str | None = None
    confidential: bool = False
    created_at: datetime
    updated_at: datetime


class TripSegment(SQLModel, table=True):
    __tablename__ = "trip_segment"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    trip_id: int = Field(foreign_key="trip.id", index=True, ondelete="CASCADE")
    kind: str  # flight | train | hotel | car | meeting | other
    confirmation: str | None = None
    origin: str | None = None  # ARN, Stockholm C, the hotel's address
    destination: str | None = None
    # Where the segment ends, in its own zone (a flight lands in another one).
    end_tz: str | None = None
    end_local: NaiveDatetime | None = None
