"""A logical dump of a database: every row of every table, in a stable order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kbang_desktop.services.registry import Services
from kbang_desktop.storage.models import SYNCABLE, Base

SKIP = {"alembic_version"}


def dump(services: Services, tables: list[str] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with services.ctx.db.read() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIP or (tables is not None and table.name not in tables):
                continue
            rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(row) for row in rows]
    return out


def records(services: Services) -> dict[str, dict[str, tuple[Any, ...]]]:
    """Every syncable record by type and id, with all its columns (what must converge)."""
    out: dict[str, dict[str, tuple[Any, ...]]] = {}
    with services.ctx.db.read() as session:
        for name, model in SYNCABLE.items():
            table = model.__table__  # type: ignore[attr-defined]
            out[name] = {row.id: tuple(row) for row in session.execute(select(table))}
    return out
