"""Người dân và hộ gia đình: the list of people (searched without diacritics, page by page) and the person form."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QTimer
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

from kbang_desktop.core.dates import parse_birth, validate_birth
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.services.people import HEAD, DuplicatePerson, life_status
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog, ask
from kbang_desktop.ui.shared.tables import Col, ListModel, PagedModel, empty_hint, reload_keeping_selection, table
from kbang_desktop.ui.shared.widgets import date_edit, message_label, picked
from kbang_desktop.ui.shared.words import LEVELS, LIFE_STATUS, RELATIONS, SEXES

NAME_MAX = 120  # as core.validation keeps it
STATUS_FILTER = (("present", N_("Đang sinh sống tại xã")), ("moved", N_("Đã chuyển đi")),
                 ("deceased", N_("Đã mất")), (None, N_("Mọi tình trạng")))
# Age bands of the literacy programme (whole years today): 15-35 and 15-60, and 15-25 of an
# especially difficult commune.
# The items carry text ("15-35"): Qt does not find a Python tuple among item data.
AGE_FILTER = ((None, N_("Mọi độ tuổi")), ("15-25", N_("15 đến 25 tuổi")), ("15-35", N_("15 đến 35 tuổi")),
              ("15-60", N_("15 đến 60 tuổi")), ("0-14", N_("Dưới 15 tuổi")), ("61-150", N_("Trên 60 tuổi")))


PERSON_COLUMNS = (Col(N_("Họ và tên"), lambda r: r.full_name, width=30),
                  Col(N_("Ngày sinh"), lambda r: _birth_text(r.birth), width=12),
                  Col(N_("Giới tính"), lambda r: _(dict(SEXES).get(r.sex, ""))),
                  Col(N_("Thôn/Làng"), lambda r: r.village, width=24),
                  Col(N_("Xã"), lambda r: r.commune, width=18), Col(N_("Biết chữ"), lambda r: _(LEVELS[r.literacy_level])),
                  Col(N_("Tình trạng"), lambda r: _(dict(LIFE_STATUS)[r.status]) if r.status else "", width=14))


def _birth_text(iso: str) -> str:
    return iso if len(iso) == 4 else f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


HUB_NO_MERGE = N_("Đơn vị đầu mối không gộp hồ sơ người dân của xã: xã có hồ sơ gộp rồi gửi lên trong gói dữ liệu.")


class PersonDialog(Dialog):
    """A new person: checked as the user types, the reason beside the field; Enter saves, Escape cancels."""

    def __init__(self, area: "PeopleArea", person: Any = None, place: tuple[str, str, str] | None = None,
                 preset: tuple[str, str] | None = None, read_only: str = "") -> None:
        """`place`: for an existing person, the commune, village and household number shown; `preset`:
        for a new person, the village and household number to start from (a household's new member).
        `read_only`: why this office may not change the person (another office owns it): shown, nothing editable."""
        title = _("Thông tin người") if read_only else _("Sửa thông tin người") if person is not None else _("Thêm người")
        super().__init__(area, title, width=80)
        self.area = area
        self.person = person  # an existing person to correct, or None for a new one
        self.read_only = read_only
        form = self.form
        self.name = QLineEdit()
        self.name.setObjectName("full_name")
        self.name.setMaxLength(NAME_MAX + 1)  # one more: the reason shows as typed, instead of a silent cut
        self.birth = QLineEdit()
        self.birth.setObjectName("birth")
        self.birth.setPlaceholderText(_("05/02/1978 hoặc 1978"))
        self.sex = QComboBox()
        self.sex.setObjectName("sex")
        for code, label in SEXES:
            self.sex.addItem(_(label), code)
        self.ethnic = QComboBox()
        self.ethnic.setObjectName("ethnic")
        self.ethnic.setEditable(True)  # type-ahead over the 54 groups
        self.village = QComboBox()
        self.village.setObjectName("village")
        self.village.setEditable(True)
        self.commune = QLineEdit(area.default_commune())
        self.commune.setObjectName("commune")
        self.household = QLineEdit()
        self.household.setObjectName("household")
        self.household.setPlaceholderText(_("số hộ; để trống nếu chưa có"))
        self.relation = QComboBox()
        self.relation.setObjectName("relation")
        self.relation.setEditable(True)
        self.relation.addItem("", "")  # none until chosen: a relation is recorded only as chosen
        for relation in RELATIONS:
            self.relation.addItem(_(relation), relation)
        status_row = QWidget()
        status_layout = QHBoxLayout(status_row)
        status_layout.setContentsMargins(0, 0, 0, 0)
        self.status = QComboBox()
        self.status.setObjectName("life_status")
        for code, label in LIFE_STATUS:
            self.status.addItem(_(label), code)
        self.status_date = date_edit(area.services.ctx.today(), "status_date")
        self.status_date.setEnabled(False)
        self.status.currentIndexChanged.connect(lambda _i: self.status_date.setEnabled(bool(self.status.currentData())))
        status_layout.addWidget(self.status, 1)
        status_layout.addWidget(QLabel(_("từ ngày")))
        status_layout.addWidget(self.status_date)
        self.problems: dict[str, QLabel] = {}
        fields = [(_("Họ và tên"), self.name, "full_name"), (_("Ngày sinh"), self.birth, "birth"),
                  (_("Giới tính"), self.sex, "sex"), (_("Dân tộc"), self.ethnic, "ethnic"),
                  (_("Xã"), self.commune, "commune"), (_("Thôn/Làng"), self.village, "village"),
                  (_("Hộ số"), self.household, "household"), (_("Quan hệ với chủ hộ"), self.relation, "relation")]
        if person is not None:
            fields.append((_("Tình trạng"), status_row, "status"))
        for label, widget, key in fields:
            row = QHBoxLayout()
            row.addWidget(widget, 1)
            problem = QLabel("")
            problem.setObjectName(f"problem_{key}")
            problem.setStyleSheet("color: #a40000")
            self.problems[key] = problem
            row.addWidget(problem)
            form.addRow(label, row)
        self.add_buttons(on_save=self.save, cancel_text=_("Đóng") if read_only else "")
        self.name.textChanged.connect(self.check)
        self.name.textChanged.connect(self._sex_from_name)
        self.birth.textChanged.connect(self.check)
        self.sex.activated.connect(lambda _i: setattr(self, "sex_chosen", True))
        self.sex_chosen = person is not None  # a sex the user chose is never changed from the name
        self.villages: list[Any] = []  # the commune's villages and households, to pass their ids
        self.households: list[Any] = []
        self.loaded = person is not None  # a new person waits for the ids of the places
        self.saved: Any = None
        self.place: tuple[str, str, str, str] = ("", "", "", "")
        self._fill_choices()
        if person is not None:
            self._fill_person(person, place or ("", "", ""))
        elif preset is not None:
            self.village.setCurrentText(preset[0])
            self.household.setText(preset[1])
        if read_only:  # another office's record: shown as it is, with whose it is
            note = QLabel(read_only)
            note.setObjectName("read_only_note")
            note.setWordWrap(True)
            form.insertRow(0, note)
            for widget in (self.name, self.birth, self.sex, self.ethnic, self.commune, self.village, self.household,
                           self.relation, self.status, self.status_date):
                widget.setEnabled(False)
        self.check()
        self._load_places(person.commune_id if person is not None else area.default_commune_id())

    def _load_places(self, commune_id: str | None) -> None:
        """The villages and households of the commune (Save waits for them: the form passes their ids)."""
        services = self.area.services

        def load() -> tuple[list[Any], list[Any]]:
            if not commune_id:
                return [], []
            return services.units.villages_of(commune_id), services.households.list(commune_id)

        def loaded(found: tuple[list[Any], list[Any]]) -> None:
            self.villages, self.households = found
            self.commune_id, self.loaded = commune_id, True
            known = {self.village.itemText(i) for i in range(self.village.count())}
            typed = self.village.currentText()
            for village in self.villages:
                if village.name not in known:
                    self.village.addItem(village.name)
            self.village.setCurrentText(typed)
            self.check()

        self.commune_id = commune_id
        self.area.tasks.run(load, loaded)

    def _sex_from_name(self, text: str) -> None:
        """Vietnamese middle names: "Thị" is a woman's, "Văn" a man's (until the user chooses)."""
        if self.sex_chosen:
            return
        words = fold(text).split()[1:-1]
        if "thi" in words:
            self.sex.setCurrentIndex(self.sex.findData("F"))
        elif "van" in words:
            self.sex.setCurrentIndex(self.sex.findData("M"))

    def relation_value(self) -> str:
        """The relation chosen (its msgid) or typed (as typed)."""
        typed = self.relation.currentText().strip()
        index = self.relation.findText(typed)
        return self.relation.itemData(index) if typed and index >= 0 else typed

    def place_ids(self) -> dict[str, Any]:
        """What the form names, as ids of what is recorded and names of what is new."""
        typed = self.village.currentText().strip()
        village = next((v for v in self.villages if fold(v.name) == fold(typed)), None) if typed else None
        number = self.household.text().strip()
        relation = self.relation_value()
        village_id = village.id if village else None
        household = next((h for h in self.households if h.number == number and h.village_id == village_id
                          and (number or h.head_person_id is None)), None) if village or not typed else None
        new_household = None if household else number if number or relation == HEAD else None
        return {"village_id": village_id, "new_village": "" if village else typed,
                "household_id": household.id if household else None, "new_household": new_household,
                "relation": relation}

    def _fill_person(self, person: Any, place: tuple[str, str, str]) -> None:
        """An existing person: corrections (name, birth, sex, ethnic group), a move to another village
        or household of the commune, moving away or death with its date. The commune is kept: someone
        who moves to another commune is recorded there and marked "moved away" here."""
        self.name.setText(person.full_name)
        self.birth.setText(person.birth_date.strftime("%d/%m/%Y") if person.birth_date else str(person.birth_year))
        self.sex.setCurrentIndex(max(self.sex.findData(person.sex), 0))
        found = self.ethnic.findData(person.ethnic_code)
        if found >= 0:
            self.ethnic.setCurrentIndex(found)
        commune, village, number = place
        self.commune.setText(commune)
        self.commune.setEnabled(False)
        self.village.setCurrentText(village)
        self.household.setText(number)
        relation = self.relation.findData(person.relation_to_head)
        if relation >= 0:
            self.relation.setCurrentIndex(relation)
        else:
            self.relation.setCurrentText(person.relation_to_head)
        status = "deceased" if person.died_on else "moved" if person.moved_away_on else ""
        self.status.setCurrentIndex(self.status.findData(status))
        when = person.died_on or person.moved_away_on
        if when:
            self.status_date.setDate(QDate(when.year, when.month, when.day))
        self.place = (village, number, self.relation.currentText(), status)

    def _fill_choices(self) -> None:
        for code, name in self.area.ethnic_choices():
            self.ethnic.addItem(name, code)
        ba_na = self.ethnic.findData("13")
        if ba_na >= 0:
            self.ethnic.setCurrentIndex(ba_na)
        for name in self.area.village_choices():
            self.village.addItem(name)
        self.village.setCurrentText("")

    def check(self) -> bool:
        """The name and the birth checked as typed, by the rules the service keeps (length, range)."""
        ok = True
        name = self.name.text().strip()
        message = _("Cần họ và tên.") if len(name) < 2 else ""
        if len(name) > NAME_MAX:
            message = _("Họ và tên dài quá 120 ký tự.")
        self.problems["full_name"].setText(message)
        ok &= not message
        text = self.birth.text().strip()
        message = ""
        if not text:
            message = _("Cần ngày sinh hoặc năm sinh.")
        else:
            today = self.area.services.ctx.today()
            try:
                problems = validate_birth(parse_birth(text, today), today)
                message = problems[0].translated() if problems else ""
            except ValueError as error:
                message = _(str(error.args[0]))
        self.problems["birth"].setText(message)
        ok &= not message
        self.save_button.setEnabled(bool(ok) and self.area.can_write and self.loaded and not self.read_only)
        return bool(ok)

    def save(self) -> None:
        if self.read_only or not self.check():
            return
        values = (self.name.text().strip(), self.sex.currentData(), self.birth.text().strip(),
                  self.ethnic.currentData() or self.ethnic.currentText(), self.commune.text().strip(),
                  self.village.currentText().strip() or None)
        place, commune_id = self.place_ids(), self.commune_id
        number = self.household.text().strip()
        relation = self.relation_value()
        self.buttons.setEnabled(False)

        existing, moved, status = self.person, self.place_changed(), self.life_change()
        self.run_save(existing, moved, status, values, place, commune_id, number, relation, False)

    def run_save(self, existing: Any, moved: bool, status: Any, values: tuple, place: dict[str, Any],
                 commune_id: str | None, number: str, relation: str, allow_duplicate: bool) -> None:
        services = self.area.services

        def work() -> Any:
            if existing is not None:
                person = services.persons.update(existing.id, full_name=values[0], sex=values[1], birth=values[2],
                                                 ethnic_code=self.area.ethnic_code(values[3]))
                if moved:
                    person = services.persons.move(existing.id, values[5], number, relation)
                if status is not None:
                    person = services.persons.set_life_status(existing.id, *status)
                return person
            if not commune_id:
                raise KbangError(N_("Chưa chọn xã."))
            return services.persons.add_in_household(*values[:4], commune_id, **place, allow_duplicate=allow_duplicate)

        def done(person: Any) -> None:
            self.saved = person
            self.accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            from kbang_desktop.core.errors import ValidationError

            if isinstance(error, DuplicatePerson):  # a likely duplicate: the user says whether they are two people
                other = error.other
                if ask(self, _("Có thể trùng hồ sơ"),
                       _("Đã có {name}, sinh {birth}, ở {village}, cùng họ tên, năm sinh và thôn, làng. Đây có phải "
                         "là hai người khác nhau không?").format(name=other.full_name, birth=_birth_text(other.birth),
                                                                 village=other.village or other.commune),
                       _("Vẫn thêm"), _("Không thêm"), detail=_("Mã của người đã có: {id}").format(id=other.id)):
                    self.buttons.setEnabled(False)
                    self.run_save(existing, moved, status, values, place, commune_id, number, relation, True)
                else:
                    self.problems["full_name"].setText(_("Chưa thêm: đã có người này."))
                return
            if isinstance(error, ValidationError):
                for problem in error.problems:
                    key = {"ethnic_code": "ethnic"}.get(problem.field, problem.field)
                    self.problems.get(key, self.problems["full_name"]).setText(problem.translated())
            elif isinstance(error, KbangError):
                self.problems["commune"].setText(error.translated())
            else:
                from kbang_desktop.ui.shared.tasks import show_error

                show_error(self, error)

        self.area.tasks.run(work, done, on_error=failed)

    def place_changed(self) -> bool:
        return self.person is not None and (self.village.currentText().strip(), self.household.text().strip(),
                                            self.relation.currentText().strip()) != self.place[:3]

    def life_change(self) -> tuple[str, Any] | None:
        """(status, date) when the person's status was changed here, else None."""
        if self.person is None:
            return None
        status = self.status.currentData()
        recorded = self.person.died_on or self.person.moved_away_on
        if status == self.place[3] and (not status or picked(self.status_date) == recorded):
            return None
        return status, picked(self.status_date) if status else None

    def has_unsaved(self) -> bool:
        if self.person is not None:
            return (self.name.text().strip() != self.person.full_name or self.place_changed()
                    or self.life_change() is not None)
        return bool(self.name.text().strip() or self.birth.text().strip())

    def reject(self) -> None:
        if self.has_unsaved() and self.saved is None and self.isVisible():
            if not ask(self, _("Chưa lưu"), _("Bỏ những gì đã nhập?"), _("Bỏ"), _("Quay lại")):
                return
        super().reject()


class HouseholdForm(Dialog):
    """A new household: its village (chosen, or typed to add one), its number and, if already recorded,
    its head chosen from the people (searched without diacritics)."""

    def __init__(self, area: "PeopleArea", commune_id: str, villages: list[Any], village_id: str | None) -> None:
        super().__init__(area, _("Thêm hộ gia đình"), width=60)
        self.area, self.commune_id, self.villages = area, commune_id, villages
        self.village = QComboBox()
        self.village.setObjectName("household_village")
        self.village.setEditable(True)
        for village in villages:
            self.village.addItem(village.name, village.id)
        self.village.setCurrentIndex(self.village.findData(village_id) if village_id else -1)
        if not village_id:
            self.village.setCurrentText("")
        self.number = QLineEdit()
        self.number.setObjectName("household_number")
        self.number.setPlaceholderText(_("như trong sổ của thôn, ví dụ: 12"))
        head_row = QHBoxLayout()
        self.head_text = QLabel(_("(chưa chọn; có thể chọn sau)"))
        self.head_text.setObjectName("household_head")
        self.head_button = QPushButton(_("Chọn chủ hộ..."))
        self.head_button.setObjectName("choose_head")
        self.head_button.clicked.connect(self.choose_head)
        head_row.addWidget(self.head_text, 1)
        head_row.addWidget(self.head_button)
        self.problem = QLabel("")
        self.problem.setObjectName("problem_household")
        self.problem.setStyleSheet("color: #a40000")
        self.problem.setWordWrap(True)
        self.form.addRow(_("Thôn/Làng"), self.village)
        self.form.addRow(_("Hộ số"), self.number)
        self.form.addRow(_("Chủ hộ"), head_row)
        self.form.addRow(self.problem)
        self.add_buttons(on_save=self.save)
        self.head: Any = None
        self.saved: Any = None
        self.number.textChanged.connect(lambda _t: self.check())
        self.village.editTextChanged.connect(lambda _t: self.check())
        self.check()

    def choose_head(self) -> None:
        from kbang_desktop.ui.shared.pickers import person_words, pick_person

        chosen = pick_person(self, self.area.services, self.area.tasks, _("Chọn chủ hộ"), _("Chọn"),
                             self.area.commune_name(self.commune_id))
        if chosen is not None:
            self.head = chosen
            self.head_text.setText(person_words(chosen))
            if not self.village.currentText().strip() and chosen.village:
                self.village.setCurrentText(chosen.village)

    def check(self) -> bool:
        message = "" if self.number.text().strip() else _("Cần số hộ.")
        if not message and not self.village.currentText().strip():
            message = _("Cần thôn, làng của hộ (chọn trong danh sách hoặc gõ tên thôn mới).")
        self.problem.setText(message)
        self.save_button.setEnabled(not message and self.area.can_write)
        return not message

    def save(self) -> None:
        if not self.check():
            return
        typed = self.village.currentText().strip()
        village = next((v for v in self.villages if fold(v.name) == fold(typed)), None)
        services, commune_id, number = self.area.services, self.commune_id, self.number.text().strip()
        head_id = self.head.id if self.head is not None else None
        self.buttons.setEnabled(False)

        def done(household: Any) -> None:
            self.saved = household
            self.accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            if isinstance(error, KbangError):
                self.problem.setText(error.translated())
            else:
                from kbang_desktop.ui.shared.tasks import show_error

                show_error(self, error)

        self.area.tasks.run(lambda: services.households.create(
            commune_id, village.id if village else None, "" if village else typed, number, head_id), done,
            on_error=failed)


MEMBER_COLUMNS = (Col(N_("Họ và tên"), lambda p: p.full_name, width=28),
                  Col(N_("Ngày sinh"), lambda p: p.birth_date.strftime("%d/%m/%Y") if p.birth_date else str(p.birth_year),
                      width=11),
                  Col(N_("Giới tính"), lambda p: _(dict(SEXES).get(p.sex, ""))),
                  Col(N_("Quan hệ với chủ hộ"), lambda p: _(p.relation_to_head) if p.relation_to_head else "", width=16),
                  Col(N_("Tình trạng"), lambda p: _(dict(LIFE_STATUS)[life_status(p)]), width=16))


class HouseholdDialog(Dialog):
    """One household: who lives in it, and the changes a register of households needs: a new person
    born or come into it, a person already recorded joining it, another head, a correction, a person
    leaving it. Each goes through the services and the list is read again."""

    def __init__(self, area: "PeopleArea", household: Any) -> None:
        super().__init__(area, _("Hộ số {number} - {village}").format(number=household.number or "?",
                                                                      village=household.village or "?"),
                         width=100, form=False)
        self.area, self.household = area, household
        layout = QVBoxLayout(self)
        self.heading = QLabel("")
        self.heading.setObjectName("household_heading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.model = ListModel(MEMBER_COLUMNS, (), self)
        self.view = table(self.model, "household_members")
        self.view.setMinimumHeight(self.fontMetrics().height() * 12)
        self.view.doubleClicked.connect(lambda _i: self.edit_member())
        self.hint = empty_hint(self.view, lambda: _(
            "Hộ chưa có ai. Bấm “Thêm người mới vào hộ...” hoặc “Thêm người đã có...”."))
        layout.addWidget(self.view, 1)
        bar = QHBoxLayout()
        self.new_member = QPushButton(_("Thêm người mới vào hộ..."))
        self.new_member.setObjectName("new_member")
        self.new_member.clicked.connect(self.add_new)
        self.existing_member = QPushButton(_("Thêm người đã có..."))
        self.existing_member.setObjectName("existing_member")
        self.existing_member.clicked.connect(self.add_existing)
        self.head_button = QPushButton(_("Đặt làm chủ hộ"))
        self.head_button.setObjectName("make_head")
        self.head_button.clicked.connect(self.make_head)
        self.edit_button = QPushButton(_("Sửa thông tin..."))
        self.edit_button.setObjectName("edit_member")
        self.edit_button.clicked.connect(self.edit_member)
        self.leave_button = QPushButton(_("Đưa ra khỏi hộ"))
        self.leave_button.setObjectName("leave_household")
        self.leave_button.clicked.connect(self.leave)
        for button in (self.new_member, self.existing_member):
            button.setEnabled(area.can_write)
            bar.addWidget(button)
        bar.addStretch(1)
        for button in (self.head_button, self.edit_button, self.leave_button):
            button.setEnabled(False)
            bar.addWidget(button)
        layout.addLayout(bar)
        self.message = message_label()
        layout.addWidget(self.message)
        self.add_buttons(ok=True, save_text=_("Đóng"), layout=layout)
        self.buttons.button(self.buttons.StandardButton.Cancel).hide()
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.changed = False  # something was written: the area's list is read again after
        self.load()

    def load(self) -> None:
        services, household_id = self.area.services, self.household.id

        def fetch() -> tuple[Any, list[Any]]:
            return services.households.get(household_id), services.households.members(household_id)

        self.area.tasks.run(fetch, self.show_members)

    def show_members(self, found: tuple[Any, list[Any]]) -> None:
        household, members = found
        head = next((p.full_name for p in members if p.id == household.head_person_id), "")
        living = sum(1 for p in members if not life_status(p))
        self.heading.setText(_("Thôn/Làng: {village}    Hộ số: {number}    Chủ hộ: {head}    Số người đang ở: {n}").format(
            village=self.household.village or _("(chưa ghi)"), number=household.number or _("(chưa ghi)"),
            head=head or _("(chưa ghi)"), n=format_number(living)))
        self.head_id = household.head_person_id
        reload_keeping_selection(self.view, members)
        self._enable()

    def member(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _enable(self) -> None:
        member, write = self.member(), self.area.can_write
        self.edit_button.setEnabled(member is not None and write)
        self.leave_button.setEnabled(member is not None and write)
        self.head_button.setEnabled(member is not None and write and member.id != getattr(self, "head_id", None)
                                    and not life_status(member))

    def _done(self, words: str) -> Any:
        def done(_result: Any) -> None:
            self.changed = True
            self.message.setText(words)
            self.load()
        return done

    def add_new(self) -> None:
        dialog = PersonDialog(self.area, preset=(self.household.village, self.household.number))
        if dialog.confirmed() and dialog.saved is not None:
            self._done(_("Đã thêm {name} vào hộ.").format(name=dialog.saved.full_name))(None)

    def add_existing(self) -> None:
        from kbang_desktop.ui.shared.pickers import PersonPicker, person_words

        picker = PersonPicker(self, self.area.services, self.area.tasks, _("Thêm người đã có vào hộ"),
                              _("Thêm vào hộ"), self.area.commune_name(self.household_commune()),
                              relations=RELATIONS,
                              note=_("Người đang ở hộ khác sẽ chuyển sang hộ này."))
        if not picker.confirmed() or picker.chosen() is None:
            return
        person, relation = picker.chosen(), picker.relation_value()
        services, household_id = self.area.services, self.household.id

        def work() -> Any:
            if relation == HEAD:
                return services.households.set_head(household_id, person.id)
            return services.households.add_member(household_id, person.id, relation)

        self.area.tasks.run(work, self._done(_("Đã thêm {person} vào hộ.").format(person=person_words(person))))

    def household_commune(self) -> str | None:
        return self.area.commune.currentData() or self.area.window_.office.unit_id

    def make_head(self) -> None:
        member = self.member()
        if member is None:
            return
        services, household_id = self.area.services, self.household.id
        self.area.tasks.run(lambda: services.households.set_head(household_id, member.id),
                            self._done(_("{name} nay là chủ hộ.").format(name=member.full_name)))

    def edit_member(self) -> None:
        member = self.member()
        if member is not None and self.area.can_write:
            self.area.open_person(member.id, lambda person: self._done(
                _("Đã lưu {name}.").format(name=person.full_name))(None))

    def leave(self) -> None:
        member = self.member()
        if member is None:
            return
        if not ask(self, _("Đưa ra khỏi hộ"), _("Đưa {name} ra khỏi hộ số {number}?").format(
                name=member.full_name, number=self.household.number),
                _("Đưa ra khỏi hộ"), _("Không"),
                _("Người vẫn ở thôn, làng {village}; chỉ không còn thuộc hộ này.").format(
                    village=self.household.village or "")):
            return
        services = self.area.services
        self.area.tasks.run(lambda: services.persons.move(member.id, self.household.village or None, "", ""),
                            self._done(_("{name} không còn thuộc hộ này.").format(name=member.full_name)))


HOUSEHOLD_COLUMNS = (Col(N_("Thôn/Làng"), lambda h: h.village, width=22), Col(N_("Hộ số"), lambda h: h.number, width=8),
                     Col(N_("Số người"), lambda h: h.members, True, width=9), Col(N_("Chủ hộ"), lambda h: h.head, width=28))


class PeopleArea(Area):
    title = N_("Người dân và hộ gia đình")
    shows = frozenset({"person", "household", "admin_unit", "ethnic_group", "literacy_attainment", "person_merge"})

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Người dân và hộ gia đình") + "</h2>"))
        places = QHBoxLayout()
        self.commune = QComboBox()
        self.commune.setObjectName("commune_filter")
        self.village = QComboBox()
        self.village.setObjectName("village_filter")
        self.village.addItem(_("Tất cả các thôn, làng"), None)
        for box in (self.commune, self.village):  # filled after they are shown: as wide as their names
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        places.addWidget(QLabel(_("Xã")))
        places.addWidget(self.commune)
        places.addWidget(QLabel(_("Thôn/Làng")))
        places.addWidget(self.village)
        places.addStretch(1)
        layout.addLayout(places)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("people_tabs")
        layout.addWidget(self.tabs, 1)
        people = QWidget()
        people_layout = QVBoxLayout(people)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Tìm theo tên (gõ không dấu cũng được, ví dụ: dinh van hmuk)"))
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setObjectName("status_filter")
        for code, label in STATUS_FILTER:
            self.status.addItem(_(label), code)
        self.age = QComboBox()
        self.age.setObjectName("age_filter")
        for band, label in AGE_FILTER:
            self.age.addItem(_(label), band)
        self.add_button = QPushButton(_("Thêm người..."))
        self.add_button.setObjectName("add_person")
        self.add_button.setEnabled(self.can_write)
        self.add_button.clicked.connect(self.add_person)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status)
        bar.addWidget(self.age)
        bar.addWidget(self.add_button)
        self.duplicates_button = QPushButton(_("Gộp hồ sơ trùng..."))
        self.duplicates_button.setObjectName("duplicates")
        self.duplicates_button.clicked.connect(self.open_duplicates)
        office = self.window_.office
        self.at_hub = bool(office) and office.kind == "hub"
        if self.at_hub:  # the service refuses it too: only the office that owns both people merges them
            self.duplicates_button.setEnabled(False)
            self.duplicates_button.setToolTip(_(HUB_NO_MERGE))
        bar.addWidget(self.duplicates_button)
        people_layout.addLayout(bar)
        self.count = QLabel("")
        self.model = PagedModel(PERSON_COLUMNS, self.tasks, self)
        self.total: int | None = None  # people the filters select (the list loads them page by page)
        self.model.loaded.connect(lambda _n: self.show_count())
        self.view = table(self.model, "people")
        self.view.doubleClicked.connect(lambda index: self.edit_person(index.row()))
        self.hint = empty_hint(self.view, self.people_hint)
        people_layout.addWidget(self.view, 1)
        people_layout.addWidget(self.count)
        self.tabs.addTab(people, _("Người dân"))
        homes = QWidget()
        homes_layout = QVBoxLayout(homes)
        home_bar = QHBoxLayout()
        self.add_household_button = QPushButton(_("Thêm hộ..."))
        self.add_household_button.setObjectName("add_household")
        self.add_household_button.clicked.connect(self.add_household)
        self.open_household_button = QPushButton(_("Xem và sửa thành viên..."))
        self.open_household_button.setObjectName("open_household")
        self.open_household_button.clicked.connect(lambda: self.open_household())
        self.open_household_button.setEnabled(False)
        home_bar.addWidget(self.add_household_button)
        home_bar.addWidget(self.open_household_button)
        home_bar.addStretch(1)
        homes_layout.addLayout(home_bar)
        self.households = ListModel(HOUSEHOLD_COLUMNS, (), self)
        self.household_view = table(self.households, "households")
        self.household_view.doubleClicked.connect(lambda _i: self.open_household())
        self.household_view.selectionModel().selectionChanged.connect(
            lambda *_a: self.open_household_button.setEnabled(self.household() is not None))
        self.household_hint = empty_hint(self.household_view, self.household_hint_text)
        homes_layout.addWidget(self.household_view, 1)
        self.household_count = QLabel("")
        self.household_count.setObjectName("household_count")
        homes_layout.addWidget(self.household_count)
        self.tabs.addTab(homes, _("Hộ gia đình"))
        self.typing = QTimer(self)
        self.typing.setSingleShot(True)
        self.typing.setInterval(150)  # search as you type, once the typing pauses
        self.typing.timeout.connect(self.refresh_people)
        self.search.textChanged.connect(lambda _t: self.typing.start())
        self.commune.currentIndexChanged.connect(lambda _i: self.load_villages())
        self.village.currentIndexChanged.connect(lambda _i: self.refresh_lists())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh_people())
        self.age.currentIndexChanged.connect(lambda _i: self.refresh_people())
        self._units: list[Any] = []
        self._groups: list[tuple[str, str]] = []
        self._villages: list[Any] = []
        self._enable_households()

    def people_hint(self) -> str:
        if self.search.text().strip():
            return _("Không tìm thấy ai có tên như “{text}”.").format(text=self.search.text().strip())
        if self.village.currentData() or self.status.currentData() != "present":
            return _("Không có ai ứng với các lựa chọn ở trên.")
        return _("Chưa có người dân nào. Bấm “Thêm người...” để ghi từng người, hoặc nhập cả danh sách từ tệp "
                 "Excel ở mục “Nhập Excel” (bên trái).")

    def household_hint_text(self) -> str:
        if not self.commune.currentData():
            return _("Chọn một xã ở trên để xem các hộ của xã.")
        if self.village.currentData():
            return _("Thôn, làng này chưa có hộ nào. Bấm “Thêm hộ...” để ghi hộ đầu tiên.")
        return _("Chưa có hộ gia đình nào. Bấm “Thêm hộ...”, hoặc thêm người với “Chủ hộ” và số hộ ở thẻ "
                 "“Người dân”.")

    def _enable_households(self) -> None:
        self.add_household_button.setEnabled(self.can_write and bool(self.commune.currentData()))

    def activate(self) -> None:
        if self.loaded:
            super().activate()  # refreshes when a write made it stale
        else:
            self.loaded = True
            services = self.services

            def units() -> tuple[list[Any], list[tuple[str, str]]]:
                today = services.ctx.today()
                return (sorted(services.units.list(today, "commune") + services.units.list(today, "ward")
                               + services.units.list(today, "town"), key=lambda u: u.name),
                        [(g.code, g.name) for g in services.persons.ethnic_groups()])

            def fill(found: tuple[list[Any], list[tuple[str, str]]]) -> None:
                self._units, self._groups = found
                self.commune.blockSignals(True)
                self.commune.addItem(_("Tất cả các xã"), None)
                for unit in self._units:
                    self.commune.addItem(unit.name, unit.id)
                own = self.window_.office.unit_id
                if own and self.commune.findData(own) >= 0:
                    self.commune.setCurrentIndex(self.commune.findData(own))
                self.commune.blockSignals(False)
                self.load_villages()

            self.tasks.run(units, fill)

    def load_villages(self) -> None:
        """The village filter follows the commune chosen; then the lists are loaded again."""
        services, commune_id = self.services, self.commune.currentData()
        self._enable_households()

        def fill(villages: list[Any]) -> None:
            self._villages = villages
            chosen = self.village.currentData()
            self.village.blockSignals(True)
            self.village.clear()
            self.village.addItem(_("Tất cả các thôn, làng"), None)
            for village in villages:
                self.village.addItem(village.name, village.id)
            self.village.setCurrentIndex(max(self.village.findData(chosen), 0))
            self.village.blockSignals(False)
            self.refresh_lists()

        self.tasks.run(lambda: services.units.villages_of(commune_id) if commune_id else [], fill)

    def refresh(self) -> None:
        """Everything again (after a write): the villages of the filter, then both lists."""
        self.load_villages()

    def refresh_lists(self) -> None:
        self.refresh_people()
        self.refresh_households()

    def refresh_households(self) -> None:
        """The households of the commune chosen (of the village, when one is chosen)."""
        services, commune_id, village_id = self.services, self.commune.currentData(), self.village.currentData()
        if not commune_id:
            self.households.set_rows([])
            self.household_count.setText("")
            return

        def shown(rows: list[Any], asked: tuple = (commune_id, village_id)) -> None:
            if asked != (self.commune.currentData(), self.village.currentData()):
                return  # the filters changed since: their own list is on its way
            reload_keeping_selection(self.household_view, rows)
            self.open_household_button.setEnabled(self.household() is not None)
            self.household_count.setText(_("{n} hộ, {people} người đang ở").format(
                n=format_number(len(rows)), people=format_number(sum(r.members for r in rows))))

        self.tasks.run(lambda: services.households.rows(commune_id, village_id), shown)

    def filters(self) -> tuple[str, str | None, str | None, str | None, tuple[int, int] | None]:
        """What the list shows: the text searched, commune, village, status and age band chosen."""
        band = self.age.currentData()
        low, _sep, high = (band or "").partition("-")
        return (self.search.text().strip(), self.commune.currentData(), self.village.currentData(),
                self.status.currentData(), (int(low), int(high)) if band else None)

    def refresh_people(self) -> None:
        """The list again from the first page: people in Vietnamese order, the search and every filter
        applied by the service's query (so a filtered search shows every match, page by page), and
        beside it how many the filters select."""
        services = self.services
        asked = self.filters()
        text, commune_id, village_id, status, age = asked

        def rows(after: Any, limit: int) -> list[Any]:
            start = (after.sort_key, after.id) if after is not None else None
            if text:
                return services.persons.search(text, limit, None, start, commune_id, village_id, status, age)
            return services.persons.page(start, limit, commune_id, village_id, status, age)

        self.model.reload(rows)
        self.total = None

        def counted(total: int) -> None:
            if asked == self.filters():  # not a count for filters changed since
                self.total = total
                self.show_count()

        self.tasks.run(lambda: services.persons.count(commune_id, village_id, status, text or None, age), counted)

    def show_count(self) -> None:
        """"500 / 2.314 người": shown so far and how many the filters (and the search) select."""
        shown = len(self.model.rows)
        if self.total is None:
            text = _("{shown} người").format(shown=format_number(shown))
        else:
            text = _("{shown} / {total} người").format(shown=format_number(shown), total=format_number(self.total))
        self.count.setText(text)

    def default_commune_id(self) -> str | None:
        return self.window_.office.unit_id or self.commune.currentData()

    def default_commune(self) -> str:
        unit_id = self.window_.office.unit_id
        return next((u.name for u in self._units if u.id == unit_id), self.commune.currentText()
                    if self.commune.currentData() else "")

    def ethnic_choices(self) -> list[tuple[str, str]]:
        return self._groups

    def village_choices(self) -> list[str]:
        commune_id = self.commune.currentData() or self.window_.office.unit_id
        return sorted({r.village for r in self.model.rows if r.village}) if commune_id else []

    def add_person(self) -> None:
        dialog = PersonDialog(self)
        if dialog.confirmed() and dialog.saved is not None:
            self.window_.statusBar().showMessage(_("Đã lưu {name}.").format(name=dialog.saved.full_name), 5000)
            self.refresh()

    def open_duplicates(self) -> None:
        """The likely duplicates of the commune chosen above and the merges made (ui/areas/person_merge.py)."""
        from kbang_desktop.ui.areas.person_merge import DuplicatesDialog

        dialog = DuplicatesDialog(self, self.commune.currentData())
        dialog.confirmed()
        if dialog.changed:
            self.refresh()

    def commune_name(self, commune_id: str | None) -> str | None:
        """The name of a commune of the filter (to search its people), None when not known."""
        return next((u.name for u in self._units if u.id == commune_id), None) if commune_id else None

    def household(self) -> Any:
        rows = self.household_view.selectionModel().selectedRows()
        return self.households.row_at(rows[0].row()) if rows else None

    def add_household(self) -> None:
        commune_id = self.commune.currentData()
        if not commune_id or not self.can_write:
            return
        form = HouseholdForm(self, commune_id, self._villages, self.village.currentData())
        if form.confirmed() and form.saved is not None:
            self.window_.statusBar().showMessage(_("Đã thêm hộ số {number}.").format(number=form.saved.number), 5000)
            self.refresh()
            household = form.saved

            def opened(rows: list[Any]) -> None:
                row = next((r for r in rows if r.id == household.id), None)
                if row is not None:
                    self.open_household(row)

            self.tasks.run(lambda: self.services.households.rows(commune_id, household.village_id), opened)

    def open_household(self, row: Any = None) -> None:
        """The household's members, to see and change (double-click a household, or the button)."""
        row = row or self.household()
        if row is None:
            return
        dialog = HouseholdDialog(self, row)
        dialog.confirmed()
        if dialog.changed:
            self.refresh()

    def open_person(self, person_id: str, saved: Any = None) -> None:
        """The form of a recorded person, to correct them; `saved(person)` after a save."""
        services = self.services

        def load() -> tuple[Any, tuple[str, str, str], None, str]:
            person = services.persons.get(person_id)
            return person, services.persons.place_of(person), None, services.persons.editable(person.id)

        def opened(found: tuple[Any, tuple[str, str, str], None, str]) -> None:
            dialog = PersonDialog(self, *found)
            if dialog.confirmed() and dialog.saved is not None:
                self.window_.statusBar().showMessage(_("Đã lưu {name}.").format(name=dialog.saved.full_name), 5000)
                if saved is not None:
                    saved(dialog.saved)
                self.refresh()

        self.tasks.run(load, opened)

    def ethnic_code(self, text: str) -> str:
        """A code from the ethnic combo box: its data, or the group whose name was typed."""
        folded = text.strip().lower()
        return next((code for code, name in self._groups if code == text or name.lower() == folded), text)

    def edit_person(self, row: int) -> None:
        """Double-click a person: the form with what is recorded, to correct it."""
        shown = self.model.row_at(row)
        if shown is not None and self.can_write:
            self.open_person(shown.id)
