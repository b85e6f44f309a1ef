"""Log-in at start: username and password, with the lock-out of the user service."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import _
from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import Services


class LoginDialog(QDialog):
    """Asks for a user of this database; `actor` is set when the password is right."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.setWindowTitle(_("Đăng nhập - Kbang Desktop"))
        office = services.offices.this_office()
        layout = QVBoxLayout(self)
        title = QLabel(f"<h3>{office.name}</h3>")
        layout.addWidget(title)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Đăng nhập"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Thoát"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.username.setFocus()

    def try_login(self) -> None:
        # scrypt takes a moment on purpose; short enough to stay on this thread before the window exists.
        try:
            self.actor = self.services.users.authenticate(self.username.text().strip(), self.password.text())
        except KbangError as error:
            self.message.setText(error.translated())
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
