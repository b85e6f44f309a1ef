"""Danh mục: administrative units and their successions, ethnic groups, criteria sets (an administrator
edits one), certificate templates."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.i18n import N_, _
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog
from kbang_desktop.ui.shared.tables import Col, ListModel, table
from kbang_desktop.ui.shared.widgets import date_edit, message_label, picked
from kbang_desktop.ui.shared.words import template_name

UNIT_KINDS = {"province": N_("Tỉnh"), "district": N_("Huyện"), "commune": N_("Xã"), "town": N_("Thị trấn"),
              "ward": N_("Phường"), "village": N_("Thôn, làng")}


class ReferenceArea(Area):
    title = N_("Danh mục")
    shows = frozenset({"admin_unit", "admin_succession", "unit_designation", "ethnic_group", "criteria_set", "office_setting"})

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Danh mục") + "</h2>"))
        self.tabs = tabs = QTabWidget()
        self.units = ListModel((Col(N_("Tên"), lambda u: u.name, width=24), Col(N_("Cấp"), lambda u: _(UNIT_KINDS.get(u.kind, u.kind))),
                                Col(N_("Từ ngày"), lambda u: u.valid_from), Col(N_("Đến ngày"), lambda u: u.valid_to),
                                Col(N_("Ghi chú"), lambda u: u.note)), (), self)
        self.groups = ListModel((Col(N_("Mã"), lambda g: g.code), Col(N_("Dân tộc"), lambda g: g.name),
                                 Col(N_("Dân tộc thiểu số"), lambda g: g.minority),
                                 Col(N_("Cách viết khác"), lambda g: g.aliases.replace(";", ", "))), (), self)
        self.criteria = ListModel((Col(N_("Bộ tiêu chí"), lambda c: c.name, width=40), Col(N_("Căn cứ"), lambda c: c.legal_source),
                                   Col(N_("Hiệu lực từ"), lambda c: c.effective_from), Col(N_("Phiên bản"), lambda c: c.version, True),
                                   Col(N_("Mẫu cần đối chiếu"), lambda c: c.is_template)), (), self)
        self.templates = ListModel((Col(N_("Mẫu giấy"), lambda t: template_name(t[0]), width=30),
                                    Col(N_("Có sẵn"), lambda t: t[1])), (), self)
        self.successions = ListModel((Col(N_("Đơn vị cũ"), lambda r: r[1], width=20), Col(N_("Đơn vị mới"), lambda r: r[2], width=20),
                                      Col(N_("Từ ngày"), lambda r: r[0].effective),
                                      Col(N_("Toàn bộ hay một phần"), lambda r: _(SHARES.get(r[0].share, r[0].share))),
                                      Col(N_("Ghi chú"), lambda r: r[0].note)), (), self)
        at_hub = getattr(window.office, "kind", "") == "hub"
        units_tab = QWidget()
        units_layout = QVBoxLayout(units_tab)
        units_bar = QHBoxLayout()
        self.add_commune_button = QPushButton(_("Thêm xã, phường..."))
        self.add_commune_button.setObjectName("add_commune")
        self.add_commune_button.setEnabled(self.is_admin and at_hub)  # reference data is the hub's (write policy)
        self.add_commune_button.setToolTip(
            _("Thêm một xã, phường của tỉnh (tên, ngày có hiệu lực, đơn vị cũ); các xã nhận qua gói dữ liệu.") if at_hub
            else _("Xã, phường do đơn vị đầu mối thêm và gửi về qua gói dữ liệu; xã không thêm được."))
        self.add_commune_button.clicked.connect(lambda: self.add_commune())
        self.add_village_button = QPushButton(_("Thêm thôn, làng..."))
        self.add_village_button.setObjectName("add_village")
        self.add_village_button.setEnabled(self.can_write)
        self.add_village_button.clicked.connect(lambda: self.add_village())
        units_bar.addStretch(1)
        units_bar.addWidget(self.add_commune_button)
        units_bar.addWidget(self.add_village_button)
        units_layout.addLayout(units_bar)
        units_layout.addWidget(table(self.units, "units"))
        self.units_message = message_label()
        units_layout.addWidget(self.units_message)
        self.all_units: list[Any] = []
        tabs.addTab(units_tab, _("Đơn vị hành chính"))
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
        self.edit_criteria_button.setEnabled(self.is_admin and at_hub)  # criteria sets are the hub's (write policy)
        if not at_hub:
            self.edit_criteria_button.setToolTip(_("Bộ tiêu chí do đơn vị đầu mối ban hành và gửi về qua gói dữ liệu; "
                                                   "xã không sửa được."))
        self.refusals: dict[str, str] = {}
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

    def add_commune(self) -> None:
        """At the hub: a commune (ward, town) of the province, its first day and the units it continues."""
        dialog = CommuneDialog(self, [u for u in self.all_units if u.kind in COMMUNE_KINDS], self.services.ctx.today())
        if not dialog.confirmed():
            return
        services, values = self.services, dialog.values()
        self.tasks.run(lambda: services.units.add_commune(**values),
                       lambda unit: (self.units_message.setText(
                           _("Đã thêm {name}, có hiệu lực từ ngày {date}. Các xã nhận đơn vị này qua gói dữ liệu lần "
                             "tới.").format(name=unit.name, date=unit.valid_from.strftime("%d/%m/%Y"))), self.refresh()))

    def add_village(self) -> None:
        today = self.services.ctx.today()
        communes = [u for u in self.all_units if u.kind in COMMUNE_KINDS and u.valid_from <= today
                    and (u.valid_to is None or today <= u.valid_to)]
        dialog = VillageDialog(self, communes, today)
        if not dialog.confirmed():
            return
        services, values = self.services, dialog.values()
        self.tasks.run(lambda: services.units.add_village(**values),
                       lambda village: (self.units_message.setText(
                           _("Đã thêm thôn, làng {name}.").format(name=village.name)), self.refresh()))

    def edit_criteria(self) -> None:
        rows = self.criteria_view.selectionModel().selectedRows()
        criteria = self.criteria.row_at(rows[0].row()) if rows else None
        if criteria is None:
            self.message.setText(_("Chọn một bộ tiêu chí."))
            return
        if self.refusals.get(criteria.id):
            self.message.setText(self.refusals[criteria.id])
            return
        dialog = CriteriaDialog(self, criteria)
        if not dialog.confirmed():
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
            criteria = services.criteria.list()
            refusals = {c.id: services.ctx.change_refusal("criteria_set", c) for c in criteria}
            return (sorted(units, key=lambda u: (u.kind != "province", u.valid_from, u.name)),
                    services.persons.ethnic_groups(), criteria, services.certificates.template_names(),
                    successions, refusals)

        def fill(found: tuple[Any, ...]) -> None:
            units, groups, criteria, templates, successions, self.refusals = found
            self.all_units = units
            self.successions.set_rows(successions)
            self.units.set_rows(units)
            self.groups.set_rows(groups)
            self.criteria.set_rows(criteria)
            self.templates.set_rows(templates)

        self.tasks.run(load, fill)


SHARES = {"whole": N_("Toàn bộ"), "part": N_("Một phần")}
COMMUNE_KINDS = ("commune", "ward", "town")


def _label(unit: Any) -> str:
    until = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else ""
    return f"{_(UNIT_KINDS.get(unit.kind, unit.kind))} {unit.name} ({unit.valid_from.strftime('%d/%m/%Y')} - {until})"


class CommuneDialog(Dialog):
    """A new commune of the province: name, kind, first day, the units it continues wholly or in part."""

    def __init__(self, parent: QWidget, communes: list[Any], today: Any) -> None:
        super().__init__(parent, _("Thêm xã, phường"), width=60)
        assert self.form is not None
        self.name = QLineEdit()
        self.name.setObjectName("commune_name")
        self.kind = QComboBox()
        self.kind.setObjectName("commune_kind")
        for kind in COMMUNE_KINDS:
            self.kind.addItem(_(UNIT_KINDS[kind]), kind)
        self.valid_from = date_edit(today, "commune_from")
        self.predecessors = QListWidget()
        self.predecessors.setObjectName("predecessors")
        for unit in sorted(communes, key=lambda u: (u.name, u.valid_from)):
            item = QListWidgetItem(_label(unit))
            item.setData(Qt.ItemDataRole.UserRole, unit)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.predecessors.addItem(item)
        self.part = QCheckBox(_("Chỉ nhận một phần các đơn vị cũ đã chọn (các đơn vị đó vẫn còn)"))
        self.part.setObjectName("part")
        self.form.addRow(_("Tên"), self.name)
        self.form.addRow(_("Cấp"), self.kind)
        self.form.addRow(_("Có hiệu lực từ ngày"), self.valid_from)
        self.form.addRow(_("Đơn vị cũ nhập vào"), self.predecessors)
        self.form.addRow(self.part)
        self.add_buttons()
        self.save_button.setEnabled(False)
        self.name.textChanged.connect(lambda text: self.save_button.setEnabled(bool(text.strip())))

    def values(self) -> dict[str, Any]:
        when = picked(self.valid_from)
        chosen = [self.predecessors.item(i).data(Qt.ItemDataRole.UserRole).name for i in range(self.predecessors.count())
                  if self.predecessors.item(i).checkState() == Qt.CheckState.Checked]
        whole, part = ([], chosen) if self.part.isChecked() else (chosen, [])
        return {"name": self.name.text(), "valid_from": when, "predecessors": whole, "part_of": part,
                "kind": self.kind.currentData()}


class VillageDialog(Dialog):
    """A village (thôn, làng, buôn, tổ dân phố) of a commune in force today, from a date."""

    def __init__(self, parent: QWidget, communes: list[Any], today: Any) -> None:
        super().__init__(parent, _("Thêm thôn, làng"), width=50)
        assert self.form is not None
        self.commune = QComboBox()
        self.commune.setObjectName("village_commune")
        for unit in sorted(communes, key=lambda u: u.name):
            self.commune.addItem(unit.name, unit)
        self.name = QLineEdit()
        self.name.setObjectName("village_name")
        self.valid_from = date_edit(today, "village_from")
        self.form.addRow(_("Xã, phường"), self.commune)
        self.form.addRow(_("Tên thôn, làng"), self.name)
        self.form.addRow(_("Có từ ngày"), self.valid_from)
        self.add_buttons()
        self.save_button.setEnabled(False)
        self.name.textChanged.connect(lambda text: self.save_button.setEnabled(bool(text.strip())))

    def values(self) -> dict[str, Any]:
        unit = self.commune.currentData()
        when = picked(self.valid_from)
        return {"commune_name": unit.name if unit else "", "name": self.name.text(),
                "valid_from": max(when, unit.valid_from) if unit else when}


class CriteriaDialog(Dialog):
    """The criteria and items of a set as JSON, checked by the same rules before saving."""

    def __init__(self, parent: QWidget, criteria: Any) -> None:
        super().__init__(parent, _("Sửa bộ tiêu chí: {name}").format(name=criteria.name), form=False)
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
        self.add_buttons(layout=layout)
        self.resize(760, 620)
