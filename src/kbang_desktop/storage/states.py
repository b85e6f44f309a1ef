"""Whole record states as JSON: what travels in join files and bundles (DESIGN §5).

A state is every column of a syncable record with JSON-ready values and its type
under "_type". Applying a state writes it as it is (its rev included); the write
hook then logs it under the site that made the rev.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer
from sqlalchemy.orm import Session

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_
from kbang_desktop.storage.models import SYNCABLE
from kbang_desktop.storage.writes import row_state

TYPE_KEY = "_type"


def record_state(session: Session, table: str, record_id: str) -> dict[str, Any]:
    row = session.get(SYNCABLE[table], record_id)
    if row is None:
        raise KbangError(N_("Không tìm thấy bản ghi {id}."), id=record_id)
    return {TYPE_KEY: table, **row_state(row)}


def _python(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(column.key)
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(column.key)
        return value
    if not isinstance(value, str):
        raise ValueError(column.key)
    return value


def decode_state(state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Check a state against its table and turn JSON values into column values; ValueError if malformed."""
    table = state.get(TYPE_KEY)
    if table not in SYNCABLE:
        raise ValueError(f"unknown record type {table!r}")
    model = SYNCABLE[table]
    columns = {c.key: c for c in model.__table__.columns}
    unknown = set(state) - set(columns) - {TYPE_KEY}
    missing = set(columns) - set(state)
    if unknown or missing:
        raise ValueError(f"{table}: unknown {sorted(unknown)} missing {sorted(missing)}")
    return table, {key: _python(column, state[key]) for key, column in columns.items()}


def apply_state(session: Session, state: dict[str, Any]) -> str:
    """Insert or overwrite a record with a received state (the session's writer must be sync_apply)."""
    table, values = decode_state(state)
    model = SYNCABLE[table]
    row = session.get(model, values["id"])
    if row is None:
        session.add(model(**values))
        result = "new"
    else:
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
        result = "updated"
    session.flush()
    return result
