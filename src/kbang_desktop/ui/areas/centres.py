"""Trung tâm học tập cộng đồng: centres, their facilities, activities and yearly ranking."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.i18n import N_, _
from kbang_desktop.services.centres import ACTIVITY_NAMES
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog
from kbang_desktop.ui.shared.tables import Col, ListModel, empty_hint, reload_keeping_selection, table
from kbang_desktop.ui.shared.widgets import date_edit, fit_columns, picked
from kbang_desktop.ui.shared.words import CENTRE_STATUS

STAFF_ROLE_NAMES = {"director": N_("Giám đốc"), "deputy": N_("Phó Giám đốc"), "staff": N_("Cán bộ")}
RANKING_NAMES = {"tot": N_("Tốt"), "kha": N_("Khá"), "trung_binh": N_("Trung bình"), "yeu": N_("Yếu")}


class _Form(Dialog):
    def __init__(self, parent: QWidget, title: str) -> None:
        super().__init__(parent, title, width=60)

    def finish(self) -> None:
        self.add_buttons()


class CentreDialog(_Form):
    """A new centre, or corrections to one (its facilities each year, its status)."""

    def __init__(self, parent: QWidget, commune: str, today: date, centre: Any = None) -> None:
        super().__init__(parent, _("Sửa trung tâm học tập cộng đồng") if centre is not None
                         else _("Trung tâm học tập cộng đồng mới"))
        self.name, self.decision, self.commune = QLineEdit(), QLineEdit(), QLineEdit(commune)
        self.name.setObjectName("centre_name")
        self.founded = date_edit(today)
        self.flags = {key: QCheckBox(_(label)) for key, label in (
            ("has_premises", N_("Có trụ sở riêng")), ("has_seal", N_("Có con dấu")),
            ("has_bank_account", N_("Có tài khoản")), ("has_internet", N_("Có internet")),
            ("has_book_corner", N_("Có tủ sách")))}
        self.computers = QSpinBox()
        self.computers.setRange(0, 500)
        self.form.addRow(_("Tên trung tâm"), self.name)
        self.form.addRow(_("Xã"), self.commune)
        self.form.addRow(_("Quyết định thành lập"), self.decision)
        self.form.addRow(_("Ngày thành lập"), self.founded)
        for box in self.flags.values():
            self.form.addRow("", box)
        self.form.addRow(_("Máy tính"), self.computers)
        self.status = QComboBox()
        self.status.setObjectName("centre_status")
        for key, label in CENTRE_STATUS.items():
            self.status.addItem(_(label), key)
        if centre is not None:
            self.form.addRow(_("Trạng thái"), self.status)
            self.name.setText(centre.name)
            self.decision.setText(centre.founding_decision)
            if centre.founded_on:
                self.founded.setDate(QDate(centre.founded_on.year, centre.founded_on.month, centre.founded_on.day))
            for key, box in self.flags.items():
                box.setChecked(bool(getattr(centre, key)))
            self.computers.setValue(centre.computers)
            self.status.setCurrentIndex(max(self.status.findData(centre.status), 0))
            self.commune.setEnabled(False)
        self.finish()

    def problem_text(self) -> str:
        if not self.name.text().strip():
            return _("Chưa nhập tên trung tâm.")
        if not self.commune.text().strip():
            return _("Chưa nhập tên xã.")
        return ""

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {key: box.isChecked() for key, box in self.flags.items()}
        values.update(computers=self.computers.value(), name=self.name.text().strip(),
                      founding_decision=self.decision.text().strip(), founded_on=picked(self.founded))
        return values


class StaffDialog(_Form):
    def __init__(self, parent: QWidget, today: date) -> None:
        super().__init__(parent, _("Cán bộ của trung tâm"))
        self.name, self.position = QLineEdit(), QLineEdit()
        self.name.setObjectName("staff_name")
        self.role = QComboBox()
        for key, label in STAFF_ROLE_NAMES.items():
            self.role.addItem(_(label), key)
        self.since = date_edit(today)
        self.form.addRow(_("Họ và tên"), self.name)
        self.form.addRow(_("Chức danh"), self.role)
        self.form.addRow(_("Chức vụ"), self.position)
        self.position.setPlaceholderText(_("ví dụ: Phó Chủ tịch UBND xã"))
        self.form.addRow(_("Từ ngày"), self.since)
        self.finish()

    def problem_text(self) -> str:
        return "" if self.name.text().strip() else _("Chưa nhập họ và tên.")


class ActivityDialog(_Form):
    def __init__(self, parent: QWidget, today: date) -> None:
        super().__init__(parent, _("Hoạt động mới"))
        self.kind = QComboBox()
        for key, label in ACTIVITY_NAMES.items():
            self.kind.addItem(_(label), key)
        self.title_ = QLineEdit()
        self.start = date_edit(today)
        self.form.addRow(_("Loại hoạt động"), self.kind)
        self.form.addRow(_("Nội dung"), self.title_)
        self.form.addRow(_("Ngày bắt đầu"), self.start)
        self.numbers = {}
        for key, label in (("sessions", N_("Số buổi")), ("participants_total", N_("Lượt người tham gia")),
                           ("participants_female", N_("Nữ")), ("participants_minority", N_("Dân tộc thiểu số"))):
            spin = QSpinBox()
            spin.setObjectName(key)
            spin.setRange(0, 100_000)
            self.numbers[key] = spin
            self.form.addRow(_(label), spin)
        self.numbers["sessions"].setValue(1)
        self.finish()

    def problem_text(self) -> str:
        total = self.numbers["participants_total"].value()
        if max(self.numbers["participants_female"].value(), self.numbers["participants_minority"].value()) > total:
            return _("Số nữ và số người dân tộc thiểu số không được lớn hơn tổng số lượt người tham gia.")
        return ""


class RankingDialog(_Form):
    """The ranking of a centre for a year (Tốt, Khá, Trung bình, Yếu)."""

    def __init__(self, parent: QWidget, centre: str, year: int) -> None:
        super().__init__(parent, _("Xếp loại năm"))
        self.form.addRow(QLabel(centre))
        self.year = QSpinBox()
        self.year.setObjectName("ranking_year")
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.ranking = QComboBox()
        self.ranking.setObjectName("ranking")
        for key, label in RANKING_NAMES.items():
            self.ranking.addItem(_(label), key)
        self.notes = QLineEdit()
        self.form.addRow(_("Năm"), self.year)
        self.form.addRow(_("Xếp loại"), self.ranking)
        self.form.addRow(_("Ghi chú"), self.notes)
        self.finish()


class CentresArea(Area):
    title = N_("Trung tâm học tập cộng đồng")
    shows = frozenset({"learning_centre", "centre_staff", "centre_activity", "centre_ranking", "admin_unit"})

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Trung tâm học tập cộng đồng") + "</h2>"))
        bar = QHBoxLayout()
        self.buttons = {}
        for key, label, slot in (("add_centre", N_("Thêm trung tâm..."), self.add_centre),
                                 ("edit_centre", N_("Sửa trung tâm..."), self.edit_centre),
                                 ("add_staff", N_("Thêm cán bộ..."), self.add_staff),
                                 ("add_activity", N_("Thêm hoạt động..."), self.add_activity),
                                 ("ranking", N_("Xếp loại năm..."), self.set_ranking)):
            button = QPushButton(_(label))
            button.setObjectName(key)
            button.setEnabled(self.can_write)
            button.clicked.connect(lambda _c=False, s=slot: s())
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        layout.addLayout(bar)
        split = QSplitter()
        self.centres = ListModel((Col(N_("Tên trung tâm"), lambda c: c.name, width=34),
                                  Col(N_("Ngày thành lập"), lambda c: c.founded_on),
                                  Col(N_("Có trụ sở"), lambda c: c.has_premises), Col(N_("Có con dấu"), lambda c: c.has_seal),
                                  Col(N_("Máy tính"), lambda c: c.computers, True),
                                  Col(N_("Internet"), lambda c: c.has_internet), Col(N_("Tủ sách"), lambda c: c.has_book_corner),
                                  Col(N_("Trạng thái"), lambda c: _(CENTRE_STATUS.get(c.status, c.status)))), (), self)
        self.centre_view = table(self.centres, "centres")
        self.centre_hint = empty_hint(self.centre_view, lambda: _(
            "Chưa có trung tâm nào. Bấm “Thêm trung tâm...” để ghi trung tâm học tập cộng đồng của xã; "
            "sau đó mới mở được lớp xóa mù chữ."))
        self.centre_view.selectionModel().selectionChanged.connect(lambda *_a: (self.load_details(), self._enable()))
        self.centre_view.doubleClicked.connect(lambda _index: self.edit_centre())
        split.addWidget(self.centre_view)
        details = QWidget()
        box = QVBoxLayout(details)
        self.activities = ListModel((Col(N_("Ngày"), lambda a: a.start_date), Col(N_("Loại"), lambda a: _(ACTIVITY_NAMES[a.kind])),
                                     Col(N_("Nội dung"), lambda a: a.title, width=28),
                                     Col(N_("Buổi"), lambda a: a.sessions, True),
                                     Col(N_("Lượt người tham gia"), lambda a: a.participants_total, True),
                                     Col(N_("Nữ"), lambda a: a.participants_female, True),
                                     Col(N_("Dân tộc thiểu số"), lambda a: a.participants_minority, True)), (), self)
        self.rankings = ListModel((Col(N_("Năm"), lambda r: str(r.year)),
                                   Col(N_("Xếp loại"), lambda r: _(RANKING_NAMES.get(r.ranking, r.ranking))),
                                   Col(N_("Ghi chú"), lambda r: r.notes)), (), self)
        self.staff = ListModel((Col(N_("Họ và tên"), lambda s: s.full_name),
                                Col(N_("Chức danh"), lambda s: _(STAFF_ROLE_NAMES.get(s.role, s.role))),
                                Col(N_("Chức vụ"), lambda s: s.position)), (), self)
        self.hints = []
        self.detail_views: list[Any] = []
        for title, model, name, stretch, hint in (
                (_("Hoạt động"), self.activities, "activities", 2, N_("Chưa có hoạt động nào. Bấm “Thêm hoạt động...”.")),
                (_("Xếp loại hằng năm"), self.rankings, "rankings", 1, N_("Chưa xếp loại năm nào. Bấm “Xếp loại năm...”.")),
                (_("Cán bộ"), self.staff, "staff", 1, N_("Chưa có cán bộ nào. Bấm “Thêm cán bộ...”."))):
            box.addWidget(QLabel("<b>" + title + "</b>"))
            view = table(model, name)
            self.detail_views.append(view)
            self.hints.append(empty_hint(view, lambda hint=hint: _(hint) if self.centre() is not None
                                         else _("Chọn một trung tâm trong danh sách bên trái.")))
            box.addWidget(view, stretch)
        split.addWidget(details)
        split.setSizes([520, 700])
        layout.addWidget(split, 1)
        self._enable()

    def refresh(self) -> None:
        services = self.services
        def shown(rows: list[Any]) -> None:
            reload_keeping_selection(self.centre_view, rows)
            if len(rows) == 1 and self.centre() is None:
                self.centre_view.selectRow(0)  # the commune's one centre: its details at once
            if self.centre() is None:
                self.load_details()
            self._enable()
            for hint in self.hints:
                hint.update_hint()

        self.tasks.run(lambda: sorted(services.centres.list(), key=lambda c: c.name), shown)

    def _enable(self) -> None:
        """The buttons about one centre wait for a centre chosen in the list."""
        for key in ("edit_centre", "add_staff", "add_activity", "ranking"):
            self.buttons[key].setEnabled(self.can_write and self.centre() is not None)

    def centre(self) -> Any:
        rows = self.centre_view.selectionModel().selectedRows()
        return self.centres.row_at(rows[0].row()) if rows else None

    def load_details(self) -> None:
        centre = self.centre()
        if centre is None:  # nothing chosen: the three lists say to choose a centre
            for model in (self.activities, self.rankings, self.staff):
                model.set_rows([])
            return
        services = self.services

        def load() -> tuple[Any, Any, Any]:
            return (sorted(services.centres.activities(centre.id), key=lambda a: a.start_date, reverse=True),
                    sorted(services.centres.rankings(centre.id), key=lambda r: r.year, reverse=True),
                    services.centres.staff(centre.id))

        def fill(found: tuple[Any, Any, Any]) -> None:
            if self.centre() is None or self.centre().id != centre.id:
                return  # another centre was chosen meanwhile
            for view, rows in zip(self.detail_views, found, strict=True):
                view.model().set_rows(rows)
                fit_columns(view)

        self.tasks.run(load, fill)

    def add_centre(self) -> None:
        """A new centre, in this office's commune (its unit's name, whatever the office is called)."""
        services = self.services
        office = self.window_.office
        unit_id = getattr(office, "unit_id", None) if office is not None else None

        def opened(unit: Any) -> None:
            dialog = CentreDialog(self, unit.name if unit is not None else "", services.ctx.today())
            if not dialog.confirmed():
                return
            values, commune = dialog.values(), dialog.commune.text().strip()
            name, decision, founded = values.pop("name"), values.pop("founding_decision"), values.pop("founded_on")
            self.tasks.run(lambda: services.centres.add(commune, name, decision, founded, **values),
                           lambda _c: self.refresh())

        self.tasks.run(lambda: services.units.get(unit_id) if unit_id else None, opened)

    def edit_centre(self) -> None:
        centre = self.centre()
        if centre is None or not self.can_write:
            return
        services = self.services

        def opened(commune: Any) -> None:
            dialog = CentreDialog(self, commune.name, services.ctx.today(), centre)
            if not dialog.confirmed():
                return
            values = dialog.values()
            values["status"] = dialog.status.currentData()
            self.tasks.run(lambda: services.centres.update(centre.id, **values), lambda _c: self.refresh())

        self.tasks.run(lambda: services.units.get(centre.commune_id), opened)

    def add_staff(self) -> None:
        centre = self.centre()
        if centre is None:
            return
        dialog = StaffDialog(self, self.services.ctx.today())
        if not dialog.confirmed():
            return
        services = self.services
        name, role, position, since = (dialog.name.text().strip(), dialog.role.currentData(),
                                       dialog.position.text().strip(), picked(dialog.since))
        self.tasks.run(lambda: services.centres.add_staff(centre.id, name, role, position, since),
                       lambda _s: self.load_details())

    def add_activity(self) -> None:
        centre = self.centre()
        if centre is None:
            return
        dialog = ActivityDialog(self, self.services.ctx.today())
        if not dialog.confirmed():
            return
        services = self.services
        numbers = {key: spin.value() for key, spin in dialog.numbers.items()}
        kind, title, start = dialog.kind.currentData(), dialog.title_.text().strip(), picked(dialog.start)
        self.tasks.run(lambda: services.centres.add_activity(centre.id, kind, title, start, **numbers),
                       lambda _a: self.load_details())

    def set_ranking(self) -> None:
        centre = self.centre()
        if centre is None:
            return
        dialog = RankingDialog(self, centre.name, self.services.ctx.today().year)
        if not dialog.confirmed():
            return
        services = self.services
        year, ranking, notes = dialog.year.value(), dialog.ranking.currentData(), dialog.notes.text().strip()
        self.tasks.run(lambda: services.centres.set_ranking(centre.id, year, ranking, notes), lambda _r: self.load_details())
