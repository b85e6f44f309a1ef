"""Small widgets every screen uses the same way: dates in the Vietnamese way, the message line."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDateEdit, QLabel, QSplitter


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


def file_name(*parts: str, ext: str) -> str:
    """A file name to suggest in a save dialog, in the user's words: "Giấy công nhận QĐ 12-QĐ-UBND.pdf"
    (what Windows and a USB stick refuse in a name, such as / or :, becomes -)."""
    text = " ".join(part.strip() for part in parts if part.strip())
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", text).strip(" .").strip("-")
    return f"{text or 'kbang'}.{ext}"


def fit_columns(view: Any, most: int = 40) -> None:
    """Widen the columns of a short list to what its rows need ("Phó Giám đốc", not "Phó Giá..."), up to
    `most` characters; a column is never narrowed, so widths the user chose stay. The last one stretches."""
    header = view.horizontalHeader()
    limit = view.fontMetrics().horizontalAdvance("n") * most
    for column in range(view.model().columnCount() - 1):
        if not header.isSectionHidden(column):
            wanted = min(max(view.sizeHintForColumn(column), header.sectionSizeHint(column)), limit)
            if wanted > header.sectionSize(column):
                header.resizeSection(column, wanted)


def message_label(text: str = "") -> QLabel:
    """The line under a screen where the result of the last action is said."""
    label = QLabel(text)
    label.setObjectName("message")
    label.setWordWrap(True)
    return label


def app_icon() -> QIcon:
    from kbang_desktop.paths import resource

    path = resource("icons", "kbang.png")
    return QIcon(str(path)) if path.exists() else QIcon()


class ListSplitter(QSplitter):
    """A list beside a pane: the first pane (the list given to `fit_list`, or what holds it) is widened by
    what its columns lack, so that it shows no needless horizontal scrollbar, the other pane keeping the
    rest, as long as that pane keeps what it needs itself (a small screen) and until the user drags the
    divider (a width chosen stays)."""

    def __init__(self) -> None:
        super().__init__()
        self.list_view: Any = None
        self.chosen = False
        self.splitterMoved.connect(self._dragged)

    def _dragged(self, *_args: Any) -> None:
        self.chosen = True

    def fit_list(self, view: Any) -> None:
        self.list_view = view
        view.model().modelReset.connect(self._later)  # columns fitted to the rows shown

    def _later(self) -> None:
        QTimer.singleShot(0, self._fit)  # once the panes are laid out at their new size

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._later()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._later()

    def _fit(self) -> None:
        view = self.list_view
        if view is None or self.chosen or not shiboken6.isValid(self) or not self.isVisible():
            return
        lacking = view.horizontalHeader().length() - view.viewport().width()
        sizes = self.sizes()
        total, other = sum(sizes), self.widget(1).minimumSizeHint().width()
        if lacking > 0 and sizes[0] + lacking <= total - other:
            self.setSizes([sizes[0] + lacking, total - sizes[0] - lacking])
