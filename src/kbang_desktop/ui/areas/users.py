"""Người dùng và nhật ký: the users of this database (an administrator adds one), the audit log and its
chain check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.services.context import ROLE_NAMES
from kbang_desktop.services.users import account_problems
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog, ask
from kbang_desktop.ui.shared.tables import Col, ListModel, reload_keeping_selection, table
from kbang_desktop.ui.shared.widgets import date_edit, message_label, picked
from kbang_desktop.ui.shared.words import ACTIONS, audit_action, audit_actor, record_kind


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _password_problem(password: str, again: str) -> str:
    """The first thing wrong with a new password typed twice (the service's own rule for its length)."""
    problems = account_problems("x", password, "viewer")
    if problems:
        return problems[0].translated()
    return "" if password == again else _("Hai lần nhập mật khẩu chưa giống nhau.")


class UserDialog(Dialog):
    """A new user: the rules of the account are checked before the form closes (nothing typed is lost)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, _("Thêm người dùng"), width=50)
        form = self.form
        self.username, self.name = QLineEdit(), QLineEdit()
        self.username.setObjectName("username")
        self.name.setObjectName("display_name")
        self.password, self.again = _password_edit("password"), _password_edit("again")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for role in ("officer", "viewer", "admin"):
            self.role.addItem(_(ROLE_NAMES[role]), role)
        form.addRow(_("Tên đăng nhập"), self.username)
        form.addRow(_("Họ và tên"), self.name)
        form.addRow(_("Vai trò"), self.role)
        form.addRow(_("Mật khẩu"), self.password)
        form.addRow(_("Nhập lại mật khẩu"), self.again)
        self.add_buttons()

    def problem_text(self) -> str:
        problems = account_problems(self.username.text().strip(), None, self.role.currentData())
        return problems[0].translated() if problems else _password_problem(self.password.text(), self.again.text())

    def values(self) -> tuple[str, str, str, str]:
        return self.username.text().strip(), self.name.text().strip(), self.role.currentData(), self.password.text()


class PasswordDialog(Dialog):
    """A new password for a user, typed twice."""

    def __init__(self, parent: QWidget, username: str) -> None:
        super().__init__(parent, _("Đổi mật khẩu"), width=50)
        self.form.addRow(QLabel(_("Mật khẩu mới của {username}:").format(username=username)))
        self.password, self.again = _password_edit("password"), _password_edit("again")
        self.form.addRow(_("Mật khẩu mới"), self.password)
        self.form.addRow(_("Nhập lại mật khẩu"), self.again)
        self.add_buttons(_("Đổi mật khẩu"))

    def problem_text(self) -> str:
        return _password_problem(self.password.text(), self.again.text())


class RoleDialog(Dialog):
    def __init__(self, parent: QWidget, user: Any) -> None:
        super().__init__(parent, _("Đổi vai trò"), width=40)
        self.form.addRow(QLabel(_("Vai trò của {username}:").format(username=user.username)))
        self.role = QComboBox()
        self.role.setObjectName("role")
        for role in ("officer", "viewer", "admin"):
            self.role.addItem(_(ROLE_NAMES[role]), role)
        self.role.setCurrentIndex(max(self.role.findData(user.role), 0))
        self.form.addRow(_("Vai trò"), self.role)
        self.add_buttons(_("Đổi vai trò"))


class AuditArea(Area):
    title = N_("Người dùng và nhật ký")

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Người dùng và nhật ký") + "</h2>"))
        self.tabs = tabs = QTabWidget()
        self.users = ListModel((Col(N_("Tên đăng nhập"), lambda u: u.username), Col(N_("Họ và tên"), lambda u: u.display_name),
                                Col(N_("Vai trò"), lambda u: _(ROLE_NAMES.get(u.role, u.role))),
                                Col(N_("Đang dùng"), lambda u: u.active)), (), self)
        users = QWidget()
        users_box = QVBoxLayout(users)
        users_bar = QHBoxLayout()
        self.add_user_button = QPushButton(_("Thêm người dùng..."))
        self.add_user_button.setObjectName("add_user")
        self.add_user_button.setEnabled(self.is_admin)
        self.add_user_button.clicked.connect(lambda: self.add_user())
        self.password_button = QPushButton(_("Đổi mật khẩu..."))
        self.password_button.setObjectName("set_password")
        self.password_button.setToolTip(_("Đặt mật khẩu mới cho người dùng đã chọn (hoặc cho chính mình)"))
        self.password_button.clicked.connect(lambda: self.set_password())
        self.role_button = QPushButton(_("Đổi vai trò..."))
        self.role_button.setObjectName("set_role")
        self.role_button.clicked.connect(lambda: self.set_role())
        self.active_button = QPushButton(_("Khóa tài khoản"))
        self.active_button.setObjectName("set_active")
        self.active_button.setToolTip(_("Người đã nghỉ việc: khóa tài khoản thì không đăng nhập được nữa; "
                                        "nhật ký của họ vẫn giữ nguyên"))
        self.active_button.clicked.connect(lambda: self.set_active())
        users_bar.addWidget(self.add_user_button)
        users_bar.addWidget(self.password_button)
        users_bar.addWidget(self.role_button)
        users_bar.addWidget(self.active_button)
        users_bar.addStretch(1)
        users_box.addLayout(users_bar)
        self.user_view = table(self.users, "users")
        self.user_view.selectionModel().selectionChanged.connect(lambda *_a: self.update_buttons())
        users_box.addWidget(self.user_view)
        self.user_message = message_label(_("Chọn một người dùng trong danh sách để đổi mật khẩu, vai trò hoặc "
                                            "khóa tài khoản.") if self.is_admin else "")
        users_box.addWidget(self.user_message)
        tabs.addTab(users, _("Người dùng"))
        log = QWidget()
        box = QVBoxLayout(log)
        bar = QHBoxLayout()
        self.actor = QLineEdit()
        self.actor.setObjectName("actor_filter")
        self.actor.setPlaceholderText(_("Lọc theo tên đăng nhập của người làm"))
        self.actor.returnPressed.connect(self.refresh)
        self.action = QComboBox()  # the actions by their names, not their codes
        self.action.setObjectName("action_filter")
        self.action.addItem(_("Mọi việc"), None)
        for code, name in sorted(ACTIONS.items(), key=lambda item: _(item[1])):
            if code not in ("export_bundle", "import_bundle", "edit"):
                self.action.addItem(_(name), code)
        self.action.currentIndexChanged.connect(lambda _i: self.refresh())
        self.since = date_edit(self.services.ctx.today().replace(day=1), "since")
        self.since.dateChanged.connect(lambda _d: self.refresh())
        check = QPushButton(_("Kiểm tra chuỗi nhật ký"))
        check.setObjectName("check_chain")
        check.clicked.connect(self.check_chain)
        bar.addWidget(self.actor, 1)
        bar.addWidget(self.action, 1)
        bar.addWidget(QLabel(_("từ ngày")))
        bar.addWidget(self.since)
        bar.addWidget(check)
        box.addLayout(bar)
        self.chain = QLabel("")
        self.chain.setObjectName("chain")
        box.addWidget(self.chain)
        self.events = ListModel((Col(N_("Số"), lambda e: e.seq, True), Col(N_("Lúc"), lambda e: e.at, width=16), Col(N_("Người làm"), lambda e: audit_actor(e.actor), width=24),
                                 Col(N_("Việc"), lambda e: audit_action(e.action), width=40),
                                 Col(N_("Loại"), lambda e: record_kind(e.record_type)),
                                 Col(N_("Bản ghi"), lambda e: e.record_id[:8])), (), self)
        box.addWidget(table(self.events, "audit"), 1)
        tabs.addTab(log, _("Nhật ký thao tác"))
        layout.addWidget(tabs, 1)
        self.update_buttons()

    def refresh(self) -> None:
        typed = self.actor.text().strip()
        actor = (typed if ":" in typed else f"user:{typed}") if typed else None  # the user's name is enough
        services, action = self.services, self.action.currentData()
        since = datetime.combine(picked(self.since), datetime.min.time())

        admin = self.is_admin

        def load() -> tuple[Any, Any]:
            users = services.users.list() if admin else []
            return users, services.audit.events(500, actor=actor, action=action, since=since)

        def fill(found: tuple[Any, Any]) -> None:
            reload_keeping_selection(self.user_view, found[0])
            self.events.set_rows(found[1])
            self.update_buttons()

        self.tasks.run(load, fill)

    def user(self) -> Any:
        rows = self.user_view.selectionModel().selectedRows()
        return self.users.row_at(rows[0].row()) if rows else None

    def update_buttons(self) -> None:
        """An administrator acts on the user chosen; anyone may change their own password."""
        user, admin = self.user(), self.is_admin
        self.password_button.setEnabled(admin and user is not None or not admin)
        self.role_button.setEnabled(admin and user is not None)
        self.active_button.setEnabled(admin and user is not None)
        self.active_button.setText(_("Mở lại tài khoản") if user is not None and not user.active else _("Khóa tài khoản"))

    def _me(self) -> str:
        label = self.services.ctx.actor.label
        return label.partition(":")[2] if label.startswith("user:") else ""

    def set_password(self) -> None:
        user = self.user() if self.is_admin else None
        username = user.username if user is not None else self._me()
        if not username:
            return
        dialog = PasswordDialog(self, username)
        if not dialog.confirmed():
            return
        services, password = self.services, dialog.password.text()
        self.tasks.run(lambda: services.users.set_password(username, password),
                       lambda _r: (self.user_message.setText(_("Đã đổi mật khẩu của {username}.").format(
                           username=username)), self.refresh()))

    def set_role(self) -> None:
        user = self.user()
        if user is None:
            return
        dialog = RoleDialog(self, user)
        if not dialog.confirmed() or dialog.role.currentData() == user.role:
            return
        services, role = self.services, dialog.role.currentData()
        self.tasks.run(lambda: services.users.set_role(user.username, role),
                       lambda _u: (self.user_message.setText(_("{username} nay có vai trò {role}.").format(
                           username=user.username, role=_(ROLE_NAMES[role]))), self.refresh()))

    def set_active(self) -> None:
        user = self.user()
        if user is None:
            return
        if user.active and not ask(self, _("Khóa tài khoản"), _("Khóa tài khoản {username}? Người này sẽ không đăng "
                                                                "nhập được nữa.").format(username=user.username),
                                   _("Khóa tài khoản"), _("Hủy")):
            return
        services, active = self.services, not user.active
        words = (_("Đã mở lại tài khoản {username}.") if active else _("Đã khóa tài khoản {username}.")).format(
            username=user.username)
        self.tasks.run(lambda: services.users.set_active(user.username, active),
                       lambda _u: (self.user_message.setText(words), self.refresh()))

    def add_user(self) -> None:
        """Administrators add a user: username, full name, role, first password."""
        dialog = UserDialog(self)
        if not dialog.confirmed():
            return
        services = self.services
        username, name, role, password = dialog.values()
        self.tasks.run(lambda: services.users.create(username, password, role, name),
                       lambda _u: (self.user_message.setText(_("Đã thêm người dùng {username}.").format(
                           username=username)), self.refresh()))

    def check_chain(self) -> None:
        def shown(report: Any) -> None:
            self.chain.setText(_("Nhật ký thao tác hợp lệ: {n} sự kiện.").format(n=format_number(report.events))
                               if report.ok else
                               _("Nhật ký thao tác đã bị sửa hoặc xóa, bắt đầu từ sự kiện số {seq}.").format(
                                   seq=report.first_bad_seq))

        self.tasks.run(self.services.audit.verify, shown, _("Đang kiểm tra nhật ký..."))
