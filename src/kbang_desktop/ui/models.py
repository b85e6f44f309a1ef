"""Table models: rows come from services in pages, fetched off the GUI thread as the view scrolls.

`PagedModel` asks its `fetch(after, limit)` for the next page when the view needs more
(`canFetchMore` / `fetchMore`), through the window's background helper; a hub with 1.35 million
people opens at once and loads 500 rows at a time. `ListModel` holds a short list given whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from kbang_desktop.i18n import format_date, format_datetime, format_number, gettext

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Col:
    label: str  # msgid
    value: Callable[[Any], Any]
    align_right: bool = False
    width: int = 0  # characters; 0: as the header needs


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Có") if value else ""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int):
        return format_number(value)
    return str(value)


class ListModel(QAbstractTableModel):
    """A whole, short list of rows (frozen dataclasses) shown with `columns`."""

    def __init__(self, columns: Sequence[Col], rows: Sequence[Any] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = list(rows)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display(column.value(self.rows[index.row()]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self.rows[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return gettext(self.columns[section].label)
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None


class PagedModel(ListModel):
    """Rows fetched page by page in the background: `fetch(after_row_or_None, limit) -> rows`."""

    loaded = Signal(int)  # rows loaded so far, after each page

    PAGE = 500

    def __init__(self, columns: Sequence[Col], tasks: Any, parent: Any = None) -> None:
        super().__init__(columns, (), parent)
        self.tasks = tasks
        self.fetch: Callable[[Any, int], list[Any]] | None = None
        self.exhausted = True
        self.loading = False
        self.generation = 0

    def reload(self, fetch: Callable[[Any, int], list[Any]]) -> None:
        """Start over with a new source (a filter or a search changed)."""
        self.generation += 1
        self.beginResetModel()
        self.rows, self.fetch, self.exhausted, self.loading = [], fetch, False, False
        self.endResetModel()
        self._load()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self.exhausted and not self.loading and self.fetch is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self._load()

    def _load(self) -> None:
        if self.fetch is None or self.exhausted or self.loading:
            return
        self.loading = True
        generation, fetch = self.generation, self.fetch
        after = self.rows[-1] if self.rows else None

        def arrived(rows: list[Any]) -> None:
            if generation != self.generation or (self.rows[-1] if self.rows else None) is not after:
                return  # a newer search replaced this one while it ran, or this page is already here
            if len(rows) < self.PAGE:
                self.exhausted = True
            if rows:
                # Views and testers ask canFetchMore while rows are being inserted: this load counts as
                # running until the rows are in, or the same page would be asked for twice.
                self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
                self.rows.extend(rows)
                self.endInsertRows()
            self.loading = False
            self.loaded.emit(len(self.rows))

        def failed(error: BaseException) -> None:
            self.loading = False
            self.exhausted = True
            from kbang_desktop.ui.tasks import show_error

            show_error(None, error)

        self.tasks.run(lambda: fetch(after, self.PAGE), arrived, on_error=failed)
