"""Inserting and updating many whole rows at the speed of the driver's executemany.

Values go through each column type's own bind processor (what SQLAlchemy would do row by
row) once per value, and the statement goes straight to the DBAPI cursor: the same rows in
the same format as the ORM would write them, on SQLite and on PostgreSQL, without the
per-row overhead of building SQL parameters. Used by sync import for records that arrive
whole; stamps, change log and audit are the caller's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from kbang_desktop.storage.models import derive


class RowWriter:
    """executemany INSERT and UPDATE (by id) of whole rows of one table."""

    def __init__(self, session: Session, table: Table, generated: tuple[str, ...] = ()) -> None:
        """`generated`: columns the database fills in (an autoincrement key), left out of INSERT."""
        dialect = session.get_bind().dialect
        quote = dialect.identifier_preparer.quote
        columns = [c for c in table.columns if c.key not in generated]
        self.session = session
        self.table = table.name
        self.copy_sql = ""
        if dialect.name == "postgresql":  # COPY: one stream instead of a statement per row
            self.copy_sql = f"COPY {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) FROM STDIN"
        self.keys = [c.key for c in columns]
        self.processors = [c.type.bind_processor(dialect) for c in columns]
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(quote(c.name) for c in columns)
        self.insert_sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join([mark] * len(self.keys))})"
        self.insert_rows = self._builder(self.keys, self.processors)
        self.update_sql = ""
        if "id" in table.c:
            settable = [c for c in columns if c.key != "id"]
            self.update_keys = [c.key for c in settable] + ["id"]
            self.update_processors = [c.type.bind_processor(dialect) for c in settable] + [
                table.c.id.type.bind_processor(dialect)]
            assignments = ", ".join(f"{quote(c.name)} = {mark}" for c in settable)
            self.update_sql = f"UPDATE {quote(table.name)} SET {assignments} WHERE {quote('id')} = {mark}"
            self.update_rows = self._builder(self.update_keys, self.update_processors)

    @staticmethod
    def _builder(keys: Sequence[str], processors: Sequence[Any]) -> Any:
        """rows -> list of tuples, generated once (a call per value costs more than the insert)."""
        parts = []
        namespace: dict[str, Any] = {}
        for index, (key, processor) in enumerate(zip(keys, processors, strict=True)):
            if processor is None:
                parts.append(f"row[{key!r}]")
            else:
                namespace[f"p{index}"] = processor
                parts.append(f"(None if row[{key!r}] is None else p{index}(row[{key!r}]))")
        source = f"def build(rows):\n    return [({', '.join(parts)},) for row in rows]"
        exec(compile(source, "<row builder>", "exec"), namespace)  # our own generated source, no input in it
        return namespace["build"]

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        for row in rows:
            derive(self.table, row)
        if self.copy_sql:
            driver = self.session.connection().connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row([row[k] for k in self.keys])  # psycopg adapts dates, times and booleans itself
            return
        self.session.connection().exec_driver_sql(self.insert_sql, self.insert_rows(rows))

    def update(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            derive(self.table, row)
        if rows:
            self.session.connection().exec_driver_sql(self.update_sql, self.update_rows(rows))
