"""Small pieces every screen uses the same way: dates, messages, the buttons of a form."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QLabel

from kbang_desktop.i18n import _


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


def save_cancel(dialog: QDialog, save_text: str = "") -> QDialogButtonBox:
    """Save and Cancel buttons wired to the dialog: Enter saves, Escape cancels."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Save).setText(save_text or _("Lưu"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Hủy"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
