"""Tables: the models (rows from services, in pages fetched off the GUI thread as the view scrolls) and
the view every list uses (`table()`: widths and hidden columns remembered).

`PagedModel` asks its `fetch(after, limit)` for the next page when the view needs more
(`canFetchMore` / `fetchMore`), through the window's background helper; a hub with 1.35 million
people opens at once and loads 500 rows at a time. `ListModel` holds a short list given whole.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView

from kbang_desktop.i18n import N_, format_date, format_datetime, format_number, gettext
from kbang_desktop.ui.shared.prefs import prefs

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
        self._filled = bool(rows)  # rows given at least once: an empty list is then really empty

    @property
    def filled(self) -> bool:
        """The rows are here (an empty list means there is nothing, not that it is still loading)."""
        return self._filled

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._filled = True
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

    @property
    def filled(self) -> bool:
        return self.fetch is not None and self.exhausted and not self.loading

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
            from kbang_desktop.ui.shared.tasks import show_error

            show_error(None, error)

        self.tasks.run(lambda: fetch(after, self.PAGE), arrived, on_error=failed)


def settings_key(model: Any, name: str) -> str:
    """Where a table's widths and hidden columns are kept: per set of columns, so a version that adds
    or removes a column starts from its own widths instead of a header state made for other columns."""
    labels = [c.label for c in getattr(model, "columns", [])]
    return f"{name}-{zlib.crc32(chr(31).join(labels).encode()):08x}" if labels else name


def reload_keeping_selection(view: QTableView, rows: list[Any],
                             key: Callable[[Any], Any] = lambda row: getattr(row, "id", None)) -> None:
    """Put new rows into the view's list model, the record that was selected (by `key`, its id) still
    selected: after a correction, or a refresh after a write, the details beside the list stay."""
    model = view.model()
    selected = view.selectionModel().selectedRows()
    chosen = model.row_at(selected[0].row()) if selected else None
    model.set_rows(rows)
    if chosen is not None and key(chosen) is not None:
        again = next((i for i, r in enumerate(rows) if key(r) == key(chosen)), None)
        if again is not None:
            view.selectRow(again)


def table(model: Any, name: str) -> QTableView:
    """A table view that remembers its column widths under `name`."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    char = view.fontMetrics().horizontalAdvance("n")
    header_font = header.fontMetrics()
    for index, column in enumerate(getattr(model, "columns", [])):
        if column.width:
            header.resizeSection(index, column.width * char)
        else:  # at least its whole heading ("Ngày thành lập" cut to "gày thành lậ" otherwise)
            header.resizeSection(index, max(header.sectionSize(index),
                                            header_font.horizontalAdvance(gettext(column.label)) + 2 * char))
    name = settings_key(model, name)
    state = prefs().value(f"tables/{name}")
    if state is not None:
        header.restoreState(state)
    elif not any(getattr(c, "width", 0) for c in getattr(model, "columns", [])):
        model.modelReset.connect(view.resizeColumnsToContents)  # short lists: fit the columns once filled
    header.sectionResized.connect(lambda *_a: prefs().setValue(f"tables/{name}", header.saveState()))
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(lambda point: choose_columns(view, name, header.mapToGlobal(point)))
    return view


class ProblemList(ListModel):
    """The problems of a file checked before an import, by row: (row, column, what is wrong)."""

    def show(self, problems: Sequence[Any], more: Sequence[tuple[int, str, str]] = ()) -> None:
        """`problems` with `row`, `column`, `message` (a msgid) and `params`, and `more` rows already worded."""
        self.set_rows(sorted([*((p.row, p.column, gettext(p.message).format(**p.params)) for p in problems), *more]))


def problems_table(name: str, parent: Any = None) -> tuple[ProblemList, QTableView]:
    """The list of problems every import shows before anything is saved (Dòng | Cột | Vấn đề)."""
    model = ProblemList((Col(N_("Dòng"), lambda p: p[0], True), Col(N_("Cột"), lambda p: p[1]),
                         Col(N_("Vấn đề"), lambda p: p[2])), (), parent)
    return model, table(model, name)


def choose_columns(view: QTableView, name: str, where: Any) -> None:
    """Right-click on a header: tick the columns to show; the choice is remembered with the widths."""
    from PySide6.QtWidgets import QMenu

    header, model = view.horizontalHeader(), view.model()
    menu = QMenu(view)
    for column in range(model.columnCount()):
        action = menu.addAction(str(model.headerData(column, Qt.Orientation.Horizontal)))
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(column))
        action.toggled.connect(lambda shown, c=column: (header.setSectionHidden(c, not shown),
                                                         prefs().setValue(f"tables/{name}", header.saveState())))
    menu.popup(where)


class EmptyHint(QLabel):
    """What to do, written across an empty list ("Chưa có hộ nào. Bấm “Thêm hộ...” ..."): shown once the
    list has loaded and has no row, hidden as soon as a row arrives. `text()` of the function given is
    asked each time, so the hint can follow the filters (nothing found / nothing recorded yet)."""

    def __init__(self, view: QTableView, hint: Callable[[], str]) -> None:
        super().__init__(view.viewport())
        self.setObjectName("empty_hint")
        self.view, self.hint = view, hint
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet("QLabel { color: #4a5566; font-size: 11pt; padding: 24px; background: transparent; }")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update_hint)
        if isinstance(model, PagedModel):
            model.loaded.connect(lambda _n: self.update_hint())
        view.viewport().installEventFilter(self)
        self.update_hint()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.view.viewport().rect())
        return False

    def update_hint(self, *_args: Any) -> None:
        model = self.view.model()
        empty = model.rowCount() == 0 and getattr(model, "filled", True)
        if empty:
            self.setText(self.hint())
            self.setGeometry(self.view.viewport().rect())
        self.setVisible(empty and bool(self.text()))


def empty_hint(view: QTableView, hint: Callable[[], str]) -> EmptyHint:
    """Write `hint()` across `view` while its list is loaded and empty (see EmptyHint)."""
    return EmptyHint(view, hint)
