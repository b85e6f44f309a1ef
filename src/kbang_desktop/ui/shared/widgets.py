"""Small widgets every screen uses the same way: dates in the Vietnamese way, the message line."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDateEdit, QLabel


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
