"""Small pieces every screen uses the same way: dates, messages, the buttons of a form."""

from __future__ import annotations

import zlib
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView

from kbang_desktop.i18n import _
from kbang_desktop.ui.prefs import prefs


def date_edit(when: date, name: str = "") -> QDateEdit:
    """A date field in the Vietnamese way (dd/MM/yyyy) with a calendar."""
    edit = QDateEdit()
    if name:
        edit.setObjectName(name)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setDate(QDate(when.year, when.month, when.day))
    return edit


def picked(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def message_label(text: str = "") -> QLabel:
    """The line under a screen where the result of the last action is said."""
    label = QLabel(text)
    label.setObjectName("message")
    label.setWordWrap(True)
    return label


def save_cancel(dialog: QDialog, save_text: str = "", cancel_text: str = "", on_save: Any = None,
                ok: bool = False) -> QDialogButtonBox:
    """The buttons of a form: Save (or OK, `ok=True`) and Cancel with our wording, wired to the dialog
    (`on_save` instead of accepting at once, for a form that checks first): Enter saves, Escape cancels."""
    accept = QDialogButtonBox.StandardButton.Ok if ok else QDialogButtonBox.StandardButton.Save
    buttons = QDialogButtonBox(accept | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(accept).setText(save_text or _("Lưu"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text or _("Hủy"))
    buttons.accepted.connect(on_save or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def settings_key(model: Any, name: str) -> str:
    """Where a table's widths and hidden columns are kept: per set of columns, so a version that adds
    or removes a column starts from its own widths instead of a header state made for other columns."""
    labels = [c.label for c in getattr(model, "columns", [])]
    return f"{name}-{zlib.crc32(chr(31).join(labels).encode()):08x}" if labels else name


def confirmed(dialog: QDialog, fill: Any = None) -> bool:
    """Show a form and say whether it was saved; `fill(dialog)` stands in for the user in tests."""
    return bool(fill(dialog)) if fill else dialog.exec() == QDialog.DialogCode.Accepted


def reload_keeping_selection(view: QTableView, rows: list[Any]) -> None:
    """Put new rows into the view's list model, the record that was selected (by id) still selected:
    after a correction the details beside the list stay on the same record."""
    model = view.model()
    selected = view.selectionModel().selectedRows()
    chosen = model.row_at(selected[0].row()) if selected else None
    model.set_rows(rows)
    if chosen is not None:
        again = next((i for i, r in enumerate(rows) if getattr(r, "id", None) == getattr(chosen, "id", object())), None)
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
    for index, column in enumerate(getattr(model, "columns", [])):
        if column.width:
            header.resizeSection(index, column.width * char)
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
