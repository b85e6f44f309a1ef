"""The dialog base of every form, its buttons, and the one place a modal dialog is shown.

`Dialog.confirmed()` shows a form modally and says whether it was saved; `ask()` asks a yes/no
question in the user's words. Both go through `run_modal()`, where tests answer instead of a user:
`answering(fn)` makes `fn(dialog)` run inside the dialog's own event loop, where it fills the fields
and presses the real buttons (a dialog left open is closed, so a test never hangs). Main thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from kbang_desktop.i18n import _

Responder = Callable[[QDialog], None]
_responders: list[Responder] = []  # tests only: the innermost answers


@contextmanager
def answering(responder: Responder) -> Iterator[None]:
    """Tests: every modal dialog shown meanwhile is handed to `responder` instead of waiting for a user."""
    _responders.append(responder)
    try:
        yield
    finally:
        _responders.remove(responder)


def run_modal(dialog: QDialog) -> int:
    """Show `dialog` modally and return its result (QDialog.DialogCode or a QMessageBox button)."""
    if _responders:
        responder = _responders[-1]

        def respond() -> None:
            try:
                responder(dialog)
            finally:
                if dialog.isVisible():  # the answer did not close it (a Save button stayed disabled)
                    dialog.done(QDialog.DialogCode.Rejected)

        QTimer.singleShot(0, respond)
    return dialog.exec()


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


def accept_button(buttons: QDialogButtonBox) -> Any:
    """The Save or OK button of a `save_cancel()` box."""
    return (buttons.button(QDialogButtonBox.StandardButton.Save)
            or buttons.button(QDialogButtonBox.StandardButton.Ok))


class Dialog(QDialog):
    """A form: its title, a minimum width in characters, a form layout (`self.form`) and, once the
    fields are in, the buttons (`add_buttons()`). `confirmed()` shows it and says whether it was saved.

    A form whose `problem_text()` says what is wrong is not closed by Save: the sentence is written in red
    above the buttons and everything typed stays, to be corrected (bad input never loses the form)."""

    def __init__(self, parent: QWidget | None, title: str, width: int = 0, form: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        if width:
            self.setMinimumWidth(self.fontMetrics().horizontalAdvance("n") * width)
        self.form = QFormLayout(self) if form else None
        self.buttons: QDialogButtonBox | None = None

    def add_buttons(self, save_text: str = "", cancel_text: str = "", on_save: Any = None, ok: bool = False,
                    layout: Any = None) -> QDialogButtonBox:
        self.buttons = save_cancel(self, save_text, cancel_text, on_save or self.save_checked, ok)
        self.form_problem = QLabel("")
        self.form_problem.setObjectName("form_problem")
        self.form_problem.setStyleSheet("color: #a40000")
        self.form_problem.setWordWrap(True)
        self.form_problem.setVisible(False)
        target = layout if layout is not None else self.form
        if isinstance(target, QFormLayout):
            target.addRow(self.form_problem)
            target.addRow(self.buttons)
        else:
            target.addWidget(self.form_problem)
            target.addWidget(self.buttons)
        return self.buttons

    def problem_text(self) -> str:
        """What keeps the form from being saved, in one sentence; "" when it can be saved (override)."""
        return ""

    def save_checked(self) -> None:
        """Save: close the form only when `problem_text()` finds nothing, else say what to correct."""
        text = self.problem_text()
        self.form_problem.setText(text)
        self.form_problem.setVisible(bool(text))
        if not text:
            self.accept()

    @property
    def save_button(self) -> Any:
        return accept_button(self.buttons) if self.buttons is not None else None

    def confirmed(self) -> bool:
        """Show the form modally; True when it was saved."""
        return run_modal(self) == QDialog.DialogCode.Accepted


def ask(parent: QWidget | None, title: str, text: str, yes: str = "", no: str = "", detail: str = "") -> bool:
    """A question with two answers in the user's words (default "Có" / "Không"); True for the first."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    if detail:
        box.setInformativeText(detail)
    first = box.addButton(yes or _("Có"), QMessageBox.ButtonRole.AcceptRole)
    second = box.addButton(no or _("Không"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(second)
    box.setEscapeButton(second)
    run_modal(box)
    return box.clickedButton() is first


def choose(parent: QWidget | None, title: str, text: str, options: list[str], detail: str = "") -> int | None:
    """A question with several answers and "Hủy": the index of the answer pressed, None for Hủy or Escape."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    if detail:
        box.setInformativeText(detail)
    buttons = [box.addButton(option, QMessageBox.ButtonRole.AcceptRole) for option in options]
    cancel = box.addButton(_("Hủy"), QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(cancel)
    run_modal(box)
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None


def tell(parent: QWidget | None, title: str, text: str, detail: str = "", warning: bool = False) -> None:
    """A message the user closes with "Đóng"."""
    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    if detail:
        box.setInformativeText(detail)
    box.addButton(_("Đóng"), QMessageBox.ButtonRole.AcceptRole)
    run_modal(box)


class TextDialog(Dialog):
    """One line to write (a reason), required: the OK button waits for it."""

    def __init__(self, parent: QWidget | None, title: str, label: str, ok_text: str = "") -> None:
        from PySide6.QtWidgets import QLineEdit

        super().__init__(parent, title, width=50)
        question = QLabel(label)
        question.setWordWrap(True)
        self.form.addRow(question)
        self.text = QLineEdit()
        self.text.setObjectName("text")
        self.form.addRow(self.text)
        self.add_buttons(ok_text or _("Đồng ý"), ok=True)
        self.save_button.setEnabled(False)
        self.text.textChanged.connect(lambda value: self.save_button.setEnabled(bool(value.strip())))

    def value(self) -> str:
        return self.text.text().strip()


def ask_text(parent: QWidget | None, title: str, label: str, ok_text: str = "") -> str | None:
    """The line the user wrote, or None when they cancelled."""
    dialog = TextDialog(parent, title, label, ok_text)
    return dialog.value() if dialog.confirmed() else None


class PrinterWords(QObject):
    """Qt's page set-up and printer properties dialogs list a real printer's paper sizes by the names in
    its driver ("US Letter", "Envelope #10"), in the driver's language, and show the driver's own
    options in an "Advanced" tab that only the driver could translate. Each time such a dialog is
    shown, the paper sizes Qt knows get Qt's names (translated by qtbase_vi.ts: "Phong bì DL") and the
    driver's tab is hidden; what the dialog prints is unchanged (each entry keeps its size)."""

    PAPER_LISTS = ("pageSizeCombo",)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog):
            kind = watched.metaObject().className()
            if kind in ("QPageSetupDialog", "QPrintPropertiesDialog", "QUnixPageSetupDialog"):
                paper_names(watched)
            if kind == "QPrintPropertiesDialog":
                driver_tab_hidden(watched)
        return False


def paper_names(dialog: QWidget) -> None:
    """Retitle the paper sizes of the dialog that Qt knows by Qt's own (translated) names."""
    from PySide6.QtGui import QPageSize

    for combo in dialog.findChildren(QComboBox):
        if combo.objectName() not in PrinterWords.PAPER_LISTS:
            continue
        for index in range(combo.count()):
            size = combo.itemData(index)
            if isinstance(size, QPageSize) and size.id() != QPageSize.PageSizeId.Custom:
                combo.setItemText(index, QPageSize.name(size.id()))


def driver_tab_hidden(dialog: QWidget) -> None:
    advanced = QCoreApplication.translate("QPrintPropertiesWidget", "Advanced")
    for tabs in dialog.findChildren(QTabWidget):
        for index in range(tabs.count()):
            if tabs.tabText(index).replace("&", "") in (advanced.replace("&", ""), "Advanced"):
                tabs.setTabVisible(index, False)


def install_printer_words(app: QObject) -> PrinterWords:
    """Watch the application's dialogs (once, at start): see PrinterWords."""
    words = PrinterWords(app)
    app.installEventFilter(words)
    return words
