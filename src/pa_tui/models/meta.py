"""Key/value table holding the schema version on databases without PRAGMA user_version."""

from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    __tablename__ = "pa_meta"

    key: str = Field(primary_key=True)
    value: str
