"""Whole record states as JSON: what travels in join files and bundles (DESIGN §5).

A state is every column of a syncable record with JSON-ready values and its type
under "_type". Applying a state writes it as it is (its rev included); the write
hook then logs it under the site that made the rev.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer
from sqlalchemy.orm import Session

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_
from kbang_desktop.storage.models import DERIVED, SYNCABLE, derive
from kbang_desktop.storage.writes import row_state

TYPE_KEY = "_type"


def record_state(session: Session, table: str, record_id: str) -> dict[str, Any]:
    row = session.get(SYNCABLE[table], record_id)
    if row is None:
        raise KbangError(N_("Không tìm thấy bản ghi {id}."), id=record_id)
    return {TYPE_KEY: table, **row_state(row)}


_STR, _INT, _BOOL, _DATE, _DATETIME = range(5)


def _kind(column: Any) -> int:
    kind = column.type
    if isinstance(kind, DateTime):
        return _DATETIME
    if isinstance(kind, Date):
        return _DATE
    if isinstance(kind, Boolean):
        return _BOOL
    if isinstance(kind, Integer):
        return _INT
    return _STR


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to check and convert one table's states, worked out once."""

    columns: tuple[tuple[str, int, bool, int | None], ...]  # key, kind, nullable, max length
    keys: frozenset[str]
    by_key: dict[str, Any]
    convert_all: Any  # state -> values, for a state with exactly the table's keys


def _compile(table: str, columns: tuple[tuple[str, int, bool, int | None], ...]) -> Any:
    """One straight-line function per table that checks and converts every column.

    Generated source, like `dataclasses` does: a bundle of 30,000 records calls it 30,000 times,
    and a loop over columns with a call per value costs more than the database insert.
    """
    lines = ["def convert(state):"]
    for index, (key, kind, nullable, length) in enumerate(columns):
        v = f"v{index}"
        lines.append(f"    {v} = state[{key!r}]")
        if nullable:
            lines.append(f"    if {v} is not None:")
            pad = "        "
        else:
            lines.append(f"    if {v} is None: raise ValueError({key!r})")
            pad = "    "
        if kind == _STR:
            limit = f" or len({v}) > {length}" if length else ""
            lines.append(f"{pad}if type({v}) is not str{limit}: raise ValueError({key!r})")
        elif kind == _DATETIME:
            lines.append(f"{pad}{v} = datetime.fromisoformat({v})")
        elif kind == _DATE:
            lines.append(f"{pad}{v} = date.fromisoformat({v})")
        elif kind == _BOOL:
            lines.append(f"{pad}if type({v}) is not bool: raise ValueError({key!r})")
        else:
            lines.append(f"{pad}if type({v}) is not int: raise ValueError({key!r})")
    body = ", ".join(f"{key!r}: v{index}" for index, (key, *_rest) in enumerate(columns))
    lines.append(f"    return {{{body}}}")
    namespace: dict[str, Any] = {"datetime": datetime, "date": date}
    exec(compile("\n".join(lines), f"<decode {table}>", "exec"), namespace)  # our own generated source, no input in it
    return namespace["convert"]


@cache
def _plan(table: str) -> _Plan:
    model = SYNCABLE[table]
    derived = DERIVED.get(table, {})
    columns = tuple((c.key, _kind(c), bool(c.nullable), getattr(c.type, "length", None))
                    for c in model.__table__.columns if c.key not in derived)
    return _Plan(columns, frozenset(key for key, *_ in columns), {c.key: c for c in model.__table__.columns},
                 _compile(table, columns))


def _default(column: Any) -> Any:
    """The value a column added by a later migration takes in a state written before it."""
    if column.default is not None and getattr(column.default, "is_scalar", False):
        return column.default.arg
    if column.nullable:
        return None
    raise ValueError(column.key)


def decode_state(state: dict[str, Any], fill_missing: bool = False) -> tuple[str, dict[str, Any]]:
    """Check a state against its table and turn JSON values into column values; ValueError if malformed.

    Types, NOT NULL and string lengths are checked here, so a bad value is refused before it
    reaches a database (SQLite would store it; PostgreSQL would fail the whole transaction).
    `fill_missing` migrates a state written by an older schema: columns it lacks take their default.
    """
    table = state.get(TYPE_KEY)
    if table not in SYNCABLE:
        raise ValueError(f"unknown record type {table!r}")
    plan = _plan(table)
    if len(state) == len(plan.keys) + 1 and state.keys() - plan.keys == {TYPE_KEY}:
        values = plan.convert_all(state)
    else:
        unknown = set(state) - plan.keys - {TYPE_KEY} - DERIVED.get(table, {}).keys()  # derived: worked out here
        missing = plan.keys - set(state)
        if unknown or (missing and not fill_missing):
            raise ValueError(f"{table}: unknown {sorted(unknown)} missing {sorted(missing)}")
        values = plan.convert_all({**state, **{key: _default(plan.by_key[key]) for key in missing}})
    for key in ("id", "owner_office_id", "rev"):
        if not values.get(key):
            raise ValueError(key)
    return table, values


def apply_state(session: Session, state: dict[str, Any]) -> str:
    """Insert or overwrite a record with a received state (the session's writer must be sync_apply)."""
    table, values = decode_state(state)
    derive(table, values)  # the sender's derived values carry no weight
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
