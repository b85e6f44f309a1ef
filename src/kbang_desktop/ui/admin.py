"""Danh mục (reference data) and Người dùng và nhật ký (users, the audit log and its chain check)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.services.context import ROLE_NAMES
from kbang_desktop.ui.main_window import Area
from kbang_desktop.ui.models import Col, ListModel
from kbang_desktop.ui.widgets import confirmed, date_edit, message_label, picked, save_cancel, table

UNIT_KINDS = {"province": N_("Tỉnh"), "district": N_("Huyện"), "commune": N_("Xã"), "town": N_("Thị trấn"),
              "ward": N_("Phường"), "village": N_("Thôn, làng")}


class ReferenceArea(Area):
    title = N_("Danh mục")

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Danh mục") + "</h2>"))
        tabs = QTabWidget()
        self.units = ListModel((Col(N_("Tên"), lambda u: u.name, width=24), Col(N_("Cấp"), lambda u: _(UNIT_KINDS.get(u.kind, u.kind))),
                                Col(N_("Từ ngày"), lambda u: u.valid_from), Col(N_("Đến ngày"), lambda u: u.valid_to),
                                Col(N_("Ghi chú"), lambda u: u.note)), (), self)
        self.groups = ListModel((Col(N_("Mã"), lambda g: g.code), Col(N_("Dân tộc"), lambda g: g.name),
                                 Col(N_("Dân tộc thiểu số"), lambda g: g.minority),
                                 Col(N_("Cách viết khác"), lambda g: g.aliases.replace(";", ", "))), (), self)
        self.criteria = ListModel((Col(N_("Bộ tiêu chí"), lambda c: c.name, width=40), Col(N_("Căn cứ"), lambda c: c.legal_source),
                                   Col(N_("Hiệu lực từ"), lambda c: c.effective_from), Col(N_("Phiên bản"), lambda c: c.version, True),
                                   Col(N_("Mẫu cần đối chiếu"), lambda c: c.is_template)), (), self)
        self.templates = ListModel((Col(N_("Mẫu giấy"), lambda t: t[0]),
                                    Col(N_("Có sẵn"), lambda t: t[1])), (), self)
        self.successions = ListModel((Col(N_("Đơn vị cũ"), lambda r: r[1], width=20), Col(N_("Đơn vị mới"), lambda r: r[2], width=20),
                                      Col(N_("Từ ngày"), lambda r: r[0].effective),
                                      Col(N_("Toàn bộ hay một phần"), lambda r: _(SHARES.get(r[0].share, r[0].share))),
                                      Col(N_("Ghi chú"), lambda r: r[0].note)), (), self)
        tabs.addTab(table(self.units, "units"), _("Đơn vị hành chính"))
        tabs.addTab(table(self.successions, "successions"), _("Sáp nhập, chia tách"))
        tabs.addTab(table(self.groups, "ethnic_groups"), _("Dân tộc"))
        criteria = QVBoxLayout()
        warning = QLabel(_("Bộ tiêu chí đánh dấu \"Mẫu cần đối chiếu\" là mẫu dựng theo QĐ 448/QĐ-KHVN, chưa phải tiêu chí "
                           "chính thức hiện hành: quản trị viên cần đối chiếu và sửa trước khi dùng."))
        warning.setWordWrap(True)
        warning.setObjectName("template_warning")
        warning.setStyleSheet("color: #8a5a00")
        holder = QWidget()
        holder.setLayout(criteria)
        criteria.addWidget(warning)
        criteria_bar = QHBoxLayout()
        self.edit_criteria_button = QPushButton(_("Sửa bộ tiêu chí..."))
        self.edit_criteria_button.setObjectName("edit_criteria")
        self.edit_criteria_button.setEnabled(self.is_admin)
        self.edit_criteria_button.clicked.connect(lambda: self.edit_criteria())
        criteria_bar.addStretch(1)
        criteria_bar.addWidget(self.edit_criteria_button)
        criteria.addLayout(criteria_bar)
        self.criteria_view = table(self.criteria, "criteria")
        criteria.addWidget(self.criteria_view)
        self.message = message_label()
        criteria.addWidget(self.message)
        tabs.addTab(holder, _("Bộ tiêu chí"))
        tabs.addTab(table(self.templates, "templates"), _("Mẫu giấy công nhận"))
        layout.addWidget(tabs, 1)

    def edit_criteria(self, fill: Any = None) -> None:
        rows = self.criteria_view.selectionModel().selectedRows()
        criteria = self.criteria.row_at(rows[0].row()) if rows else None
        if criteria is None:
            self.message.setText(_("Chọn một bộ tiêu chí."))
            return
        dialog = CriteriaDialog(self, criteria)
        if not confirmed(dialog, fill):
            return
        try:
            definition = json.loads(dialog.text.toPlainText())
        except ValueError as error:
            self.message.setText(_("Không đọc được JSON: {error}").format(error=error))
            return
        services, template = self.services, dialog.template.isChecked()
        self.tasks.run(lambda: services.criteria.update_definition(criteria.id, definition, template),
                       lambda _c: (self.message.setText(_("Đã lưu bộ tiêu chí.")), self.refresh()))

    def refresh(self) -> None:
        services = self.services

        def load() -> tuple[Any, ...]:
            units = services.units.list()
            names = {u.id: u.name for u in units}
            successions = [(s, names.get(s.predecessor_id, "?"), names.get(s.successor_id, "?"))
                           for s in sorted(services.units.successions(), key=lambda s: s.effective)]
            return (sorted(units, key=lambda u: (u.kind != "province", u.valid_from, u.name)),
                    services.persons.ethnic_groups(), services.criteria.list(), services.certificates.template_names(),
                    successions)

        def fill(found: tuple[Any, ...]) -> None:
            units, groups, criteria, templates, successions = found
            self.successions.set_rows(successions)
            self.units.set_rows(units)
            self.groups.set_rows(groups)
            self.criteria.set_rows(criteria)
            self.templates.set_rows(templates)

        self.tasks.run(load, fill)


class UserDialog(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Thêm người dùng"))
        form = QFormLayout(self)
        self.username, self.name, self.password = QLineEdit(), QLineEdit(), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        for role in ("officer", "viewer", "admin"):
            self.role.addItem(_(ROLE_NAMES[role]), role)
        form.addRow(_("Tên đăng nhập"), self.username)
        form.addRow(_("Họ và tên"), self.name)
        form.addRow(_("Vai trò"), self.role)
        form.addRow(_("Mật khẩu"), self.password)
        form.addRow(save_cancel(self))

    def values(self) -> tuple[str, str, str, str]:
        return self.username.text().strip(), self.name.text().strip(), self.role.currentData(), self.password.text()


SHARES = {"whole": N_("Toàn bộ"), "part": N_("Một phần")}


class CriteriaDialog(QDialog):
    """The criteria and items of a set as JSON, checked by the same rules before saving."""

    def __init__(self, parent: QWidget, criteria: Any) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sửa bộ tiêu chí: {name}").format(name=criteria.name))
        layout = QVBoxLayout(self)
        note = QLabel(_("Nội dung, điểm tối đa và điều kiện đạt (JSON). Bộ đã dùng để đánh giá thì không sửa được: "
                        "hãy tạo phiên bản mới bằng lệnh kbang hoặc nhận bộ mới từ đơn vị đầu mối."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.text = QPlainTextEdit(json.dumps(json.loads(criteria.definition), ensure_ascii=False, indent=1))
        self.text.setObjectName("definition")
        layout.addWidget(self.text, 1)
        self.template = QCheckBox(_("Vẫn là mẫu cần đối chiếu"))
        self.template.setChecked(criteria.is_template)
        layout.addWidget(self.template)
        layout.addWidget(save_cancel(self))
        self.resize(760, 620)


class AuditArea(Area):
    title = N_("Người dùng và nhật ký")

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Người dùng và nhật ký") + "</h2>"))
        tabs = QTabWidget()
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
        self.actor.setPlaceholderText(_("Lọc theo người làm, ví dụ user:admin"))
        self.actor.returnPressed.connect(self.refresh)
        self.action = QLineEdit()
        self.action.setObjectName("action_filter")
        self.action.setPlaceholderText(_("Lọc theo việc, ví dụ add_person"))
        self.action.returnPressed.connect(self.refresh)
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
        self.events = ListModel((Col(N_("Số"), lambda e: e.seq, True), Col(N_("Lúc"), lambda e: e.at, width=20), Col(N_("Người làm"), lambda e: e.actor),
                                 Col(N_("Việc"), lambda e: e.action, width=24), Col(N_("Loại"), lambda e: e.record_type),
                                 Col(N_("Bản ghi"), lambda e: e.record_id[:8])), (), self)
        box.addWidget(table(self.events, "audit"), 1)
        tabs.addTab(log, _("Nhật ký thao tác"))
        layout.addWidget(tabs, 1)

    def refresh(self) -> None:
        services, actor, action = self.services, self.actor.text().strip() or None, self.action.text().strip() or None
        since = datetime.combine(picked(self.since), datetime.min.time())

        admin = self.is_admin

        def load() -> tuple[Any, Any]:
            users = services.users.list() if admin else []
            return users, services.audit.events(500, actor=actor, action=action, since=since)

        def fill(found: tuple[Any, Any]) -> None:
            self.users.set_rows(found[0])
            self.events.set_rows(found[1])

        self.tasks.run(load, fill)

    def add_user(self, values: tuple[str, str, str, str] | None = None) -> None:
        """Administrators add a user: username, full name, role, first password."""
        if values is None:
            dialog = UserDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        services = self.services
        username, name, role, password = values
        self.tasks.run(lambda: services.users.create(username, password, role, name), lambda _u: self.refresh())

    def check_chain(self) -> None:
        def shown(report: Any) -> None:
            self.chain.setText(_("Nhật ký thao tác hợp lệ: {n} sự kiện.").format(n=format_number(report.events))
                               if report.ok else
                               _("Nhật ký thao tác đã bị sửa hoặc xóa, bắt đầu từ sự kiện số {seq}.").format(
                                   seq=report.first_bad_seq))

        self.tasks.run(self.services.audit.verify, shown, _("Đang kiểm tra nhật ký..."))
