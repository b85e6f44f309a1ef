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
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog
from kbang_desktop.ui.shared.tables import Col, ListModel, table
from kbang_desktop.ui.shared.widgets import date_edit, picked
from kbang_desktop.ui.shared.words import ACTIONS, audit_action, audit_actor, record_kind


class UserDialog(Dialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, _("Thêm người dùng"))
        form = self.form
        self.username, self.name, self.password = QLineEdit(), QLineEdit(), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        for role in ("officer", "viewer", "admin"):
            self.role.addItem(_(ROLE_NAMES[role]), role)
        form.addRow(_("Tên đăng nhập"), self.username)
        form.addRow(_("Họ và tên"), self.name)
        form.addRow(_("Vai trò"), self.role)
        form.addRow(_("Mật khẩu"), self.password)
        self.add_buttons()

    def values(self) -> tuple[str, str, str, str]:
        return self.username.text().strip(), self.name.text().strip(), self.role.currentData(), self.password.text()


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
        users_bar.addStretch(1)
        users_bar.addWidget(self.add_user_button)
        users_box.addLayout(users_bar)
        users_box.addWidget(table(self.users, "users"))
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
        self.events = ListModel((Col(N_("Số"), lambda e: e.seq, True), Col(N_("Lúc"), lambda e: e.at, width=20), Col(N_("Người làm"), lambda e: audit_actor(e.actor), width=26),
                                 Col(N_("Việc"), lambda e: audit_action(e.action), width=36),
                                 Col(N_("Loại"), lambda e: record_kind(e.record_type)),
                                 Col(N_("Bản ghi"), lambda e: e.record_id[:8])), (), self)
        box.addWidget(table(self.events, "audit"), 1)
        tabs.addTab(log, _("Nhật ký thao tác"))
        layout.addWidget(tabs, 1)

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
            self.users.set_rows(found[0])
            self.events.set_rows(found[1])

        self.tasks.run(load, fill)

    def add_user(self) -> None:
        """Administrators add a user: username, full name, role, first password."""
        dialog = UserDialog(self)
        if not dialog.confirmed():
            return
        services = self.services
        username, name, role, password = dialog.values()
        self.tasks.run(lambda: services.users.create(username, password, role, name), lambda _u: self.refresh())

    def check_chain(self) -> None:
        def shown(report: Any) -> None:
            self.chain.setText(_("Nhật ký thao tác hợp lệ: {n} sự kiện.").format(n=format_number(report.events))
                               if report.ok else
                               _("Nhật ký thao tác đã bị sửa hoặc xóa, bắt đầu từ sự kiện số {seq}.").format(
                                   seq=report.first_bad_seq))

        self.tasks.run(self.services.audit.verify, shown, _("Đang kiểm tra nhật ký..."))
