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


def _default(column: Any) -> Any:
    """The value a column added by a later migration takes in a state written before it."""
    if column.default is not None and getattr(column.default, "is_scalar", False):
        return column.default.arg
    if column.nullable:
        return None
    raise ValueError(column.key)


def decode_state(state: dict[str, Any], fill_missing: bool = False) -> tuple[str, dict[str, Any]]:
    """Check a state against its table and turn JSON values into column values; ValueError if malformed.

    `fill_missing` migrates a state written by an older schema: columns it lacks take their default.
    """
    table = state.get(TYPE_KEY)
    if table not in SYNCABLE:
        raise ValueError(f"unknown record type {table!r}")
    model = SYNCABLE[table]
    columns = {c.key: c for c in model.__table__.columns}
    unknown = set(state) - set(columns) - {TYPE_KEY}
    missing = set(columns) - set(state)
    if unknown or (missing and not fill_missing):
        raise ValueError(f"{table}: unknown {sorted(unknown)} missing {sorted(missing)}")
    values = {key: _python(column, state[key]) for key, column in columns.items() if key in state}
    for key in missing:
        values[key] = _default(columns[key])
    for key in ("id", "owner_office_id", "rev"):
        if not values.get(key):
            raise ValueError(key)
    return table, values


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
