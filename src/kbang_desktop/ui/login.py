"""Log-in at start: username and password, with the lock-out of the user service.

The dialog opens at once; the data layer is imported and the database opened in the background
while the user types (a second on an old PC), and the log-in button comes alive when it is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import _
from kbang_desktop.ui.shared.area import opened
from kbang_desktop.ui.shared.dialogs import save_cancel
from kbang_desktop.ui.shared.tasks import Tasks

if TYPE_CHECKING:
    from kbang_desktop.services.context import Actor
    from kbang_desktop.services.registry import Services


class LoginDialog(QDialog):
    """Asks for a user of this database; `actor` is set when the password is right.

    Given a callable, the dialog calls it in the background: it returns the services (a plain
    database, opened while the user types) or a `Door` (an encrypted one, opened by the password)."""

    def __init__(self, services: "Services | Callable[[], Any]", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services: Any = None
        self.door: Any = None
        self.actor: Actor | None = None
        self.recovery_key: str | None = None  # set when this log-in encrypted an older plain database
        self.tasks = Tasks(self)
        self.setWindowTitle(_("Đăng nhập - Kbang Desktop"))
        layout = QVBoxLayout(self)
        self.title = QLabel("<h3>Kbang Desktop</h3>")
        layout.addWidget(self.title)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Tên đăng nhập"), self.username)
        form.addRow(_("Mật khẩu"), self.password)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a40000")
        layout.addWidget(self.message)
        buttons = save_cancel(self, _("Đăng nhập"), _("Thoát"), on_save=self.try_login, ok=True)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)
        self.username.setFocus()
        if callable(services):
            opener = services
            self.ok.setEnabled(False)
            self.status = QLabel(_("Đang mở dữ liệu..."))
            layout.insertWidget(1, self.status)
            self.tasks.run(lambda: _opened(opener()), self._ready, on_error=self._failed)
        else:
            self.status = QLabel("")
            self._ready(opened(services))

    def _ready(self, opened: tuple[Any, ...]) -> None:
        if opened[0] == "door":  # the log-in opens the data (encrypted: the office's name too) through it
            self.door = opened[1]
            if len(opened) > 2:
                self.title.setText(f"<h3>{opened[2].name}</h3>")
        else:
            self.services, office = opened[:2]
            self.title.setText(f"<h3>{office.name}</h3>")
        self.status.setText("")
        self.status.hide()
        self.ok.setEnabled(True)

    def _failed(self, error: BaseException) -> None:
        from kbang_desktop.ui.shared.tasks import write_crash_report

        if isinstance(error, KbangError):
            self.status.setText(error.translated())
        else:
            path = write_crash_report(error, "log-in")
            self.status.setText(_("Không mở được dữ liệu. Chi tiết đã ghi vào {path}.").format(path=path))
        self.status.setStyleSheet("color: #a40000")
        self.status.setWordWrap(True)

    def try_login(self) -> None:
        if self.door is not None:
            self._enter()
            return
        if self.services is None:
            return
        # scrypt takes a moment on purpose; short enough to stay on this thread before the window exists.
        try:
            self.actor = self.services.users.authenticate(self.username.text().strip(), self.password.text())
        except KbangError as error:
            self.message.setText(error.translated())
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


    def _enter(self) -> None:
        """Unseal the key with the password and open the data (a moment: scrypt, then the file) in the
        background; a plain database of an older version is encrypted now for an administrator."""
        username, password = self.username.text().strip(), self.password.text()
        self.ok.setEnabled(False)

        def done(result: tuple[Any, Any, str | None]) -> None:
            self.services, self.actor, self.recovery_key = result
            self.accept()

        def failed(error: BaseException) -> None:
            self.ok.setEnabled(True)
            if not isinstance(error, KbangError):
                self._failed(error)
                return
            self.message.setText(error.translated())
            self.password.clear()
            self.password.setFocus()

        door = self.door
        if door.encrypts_at_log_in:  # the first start of this version on a plain file: a while, with progress
            self.progress = None

            def work(token: Any) -> Any:
                self.progress = token
                return door.enter(username, password, lambda done: token.report(round(done * 100), 100))

            self.tasks.run(work, done, _("Đang mã hóa dữ liệu (lần đầu dùng phiên bản này; đã sao lưu trước), "
                                         "xin chờ..."), on_error=failed, can_cancel=False)
            return
        self.tasks.run(lambda: door.enter(username, password), done, _("Đang mở dữ liệu..."), on_error=failed)


def _opened(made: Any) -> tuple[Any, ...]:
    from kbang_desktop.services.registry import Door

    if isinstance(made, Door):
        return ("door", made) if made.locked else ("door", made, *opened(made.services)[1:])
    return opened(made)


def office_name(services: Any) -> str:
    """The name of this office for the recovery sheet ("" when it cannot be read)."""
    try:
        return services.offices.this_office().name
    except Exception:  # the sheet is still worth having without the name
        return ""


def show_recovery_key(parent: QWidget | None, recovery_key: str, office_name: str = "") -> None:
    """The recovery key, shown once: to be written down or saved as a sheet to print, kept in the office safe."""
    from kbang_desktop.ui.shared.dialogs import run_modal

    run_modal(RecoveryKeyDialog(parent, recovery_key, office_name))


class RecoveryKeyDialog(QDialog):
    """The recovery key in large groups, with "Lưu trang để in..." (a PDF sheet for the office safe) and "Đóng"."""

    def __init__(self, parent: QWidget | None, recovery_key: str, office_name: str = "") -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QPushButton

        super().__init__(parent)
        self.recovery_key, self.office_name = recovery_key, office_name
        self.setWindowTitle(_("Khóa khôi phục"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Dữ liệu của đơn vị được mã hóa. Khóa khôi phục:")))
        key = QLabel(f"<div style='font-size:20pt; font-family:monospace'><b>{recovery_key}</b></div>")
        key.setObjectName("recovery_key")
        key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(key)
        advice = QLabel(_("Hãy chép lại hoặc in ra ngay và cất ở tủ an toàn của cơ quan: khóa chỉ hiện lần này. Khi "
                          "quên hết mật khẩu, hoặc khi khôi phục một bản sao lưu ở máy khác, khóa này mở được dữ liệu; "
                          "ai có nó cũng mở được, nên đừng để cạnh máy tính."))
        advice.setWordWrap(True)
        layout.addWidget(advice)
        self.message = QLabel("")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_sheet = QPushButton(_("Lưu trang để in..."))
        self.save_sheet.setObjectName("save_sheet")
        buttons.addButton(self.save_sheet, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(_("Đóng"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setObjectName("close")
        self.save_sheet.clicked.connect(self.save)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    @staticmethod
    def sheet_folder() -> Path:
        """Where the sheet is offered: the folder used last time, else the user's Documents (never the
        program's working folder)."""
        from PySide6.QtCore import QStandardPaths

        from kbang_desktop.ui.shared.prefs import prefs

        last = str(prefs().value("recovery/folder", "") or "")
        if last and Path(last).is_dir():
            return Path(last)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def sheet_name(self) -> str:
        """The sheet's file name in the user's words: "Khóa khôi phục - UBND xã Kông Bơ La.pdf"."""
        office = "".join(c for c in self.office_name if c not in '\\/:*?"<>|').strip()
        name = _("Khóa khôi phục - {office}").format(office=office) if office else _("Khóa khôi phục")
        return name + ".pdf"

    def save(self) -> None:
        """Ask where, then write the sheet (a PDF, its owner's only); the box stays open for the key."""
        from PySide6.QtWidgets import QFileDialog

        from kbang_desktop.documents.recovery_sheet import write_recovery_sheet

        path, _filter = QFileDialog.getSaveFileName(self, _("Lưu trang khóa khôi phục"),
                                                    str(self.sheet_folder() / self.sheet_name()), "PDF (*.pdf)")
        if not path:
            return
        target = Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")
        from kbang_desktop.ui.shared.prefs import prefs

        prefs().setValue("recovery/folder", str(target.parent))
        try:
            write_recovery_sheet(target, self.office_name, self.recovery_key)
        except KbangError as error:
            self.message.setText(error.translated())
            return
        self.message.setText(_("Đã lưu trang {path}: hãy in ra, cất ở tủ an toàn của cơ quan rồi xóa tệp này "
                               "khỏi máy.").format(path=target))
