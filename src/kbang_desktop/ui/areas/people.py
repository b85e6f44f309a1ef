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
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.core.dates import parse_birth, validate_birth
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.services.people import HEAD
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog, ask
from kbang_desktop.ui.shared.tables import Col, PagedModel, table
from kbang_desktop.ui.shared.widgets import date_edit, picked
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


class PersonDialog(Dialog):
    """A new person: checked as the user types, the reason beside the field; Enter saves, Escape cancels."""

    def __init__(self, area: "PeopleArea", person: Any = None, place: tuple[str, str, str] | None = None) -> None:
        """`place`: for an existing person, the commune, village and household number shown."""
        super().__init__(area, _("Sửa thông tin người") if person is not None else _("Thêm người"))
        self.area = area
        self.person = person  # an existing person to correct, or None for a new one
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
        self.add_buttons(on_save=self.save)
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
        self.save_button.setEnabled(bool(ok) and self.area.can_write and self.loaded)
        return bool(ok)

    def save(self) -> None:
        if not self.check():
            return
        services = self.area.services
        values = (self.name.text().strip(), self.sex.currentData(), self.birth.text().strip(),
                  self.ethnic.currentData() or self.ethnic.currentText(), self.commune.text().strip(),
                  self.village.currentText().strip() or None)
        place, commune_id = self.place_ids(), self.commune_id
        number = self.household.text().strip()
        relation = self.relation_value()
        self.buttons.setEnabled(False)

        existing, moved, status = self.person, self.place_changed(), self.life_change()

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
            return services.persons.add_in_household(*values[:4], commune_id, **place)

        def done(person: Any) -> None:
            self.saved = person
            self.accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            from kbang_desktop.core.errors import ValidationError

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


class PeopleArea(Area):
    title = N_("Người dân và hộ gia đình")
    shows = frozenset({"person", "household", "admin_unit", "ethnic_group", "literacy_attainment"})

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Người dân và hộ gia đình") + "</h2>"))
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Tìm theo tên (gõ không dấu cũng được, ví dụ: dinh van hmuk)"))
        self.search.setClearButtonEnabled(True)
        self.commune = QComboBox()
        self.commune.setObjectName("commune_filter")
        self.village = QComboBox()
        self.village.setObjectName("village_filter")
        self.village.addItem(_("Tất cả các thôn, làng"), None)
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
        bar.addWidget(self.commune)
        bar.addWidget(self.village)
        bar.addWidget(self.status)
        bar.addWidget(self.age)
        bar.addWidget(self.add_button)
        layout.addLayout(bar)
        self.count = QLabel("")
        self.model = PagedModel(PERSON_COLUMNS, self.tasks, self)
        self.total: int | None = None  # people the filters select (the list loads them page by page)
        self.model.loaded.connect(lambda _n: self.show_count())
        self.view = table(self.model, "people")
        self.view.doubleClicked.connect(lambda index: self.edit_person(index.row()))
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self.typing = QTimer(self)
        self.typing.setSingleShot(True)
        self.typing.setInterval(150)  # search as you type, once the typing pauses
        self.typing.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.typing.start())
        self.commune.currentIndexChanged.connect(lambda _i: self.load_villages())
        self.village.currentIndexChanged.connect(lambda _i: self.refresh())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.age.currentIndexChanged.connect(lambda _i: self.refresh())
        self._units: list[Any] = []
        self._groups: list[tuple[str, str]] = []

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
        """The village filter follows the commune chosen; then the list is loaded again."""
        services, commune_id = self.services, self.commune.currentData()

        def fill(villages: list[Any]) -> None:
            self.village.blockSignals(True)
            self.village.clear()
            self.village.addItem(_("Tất cả các thôn, làng"), None)
            for village in villages:
                self.village.addItem(village.name, village.id)
            self.village.blockSignals(False)
            self.refresh()

        self.tasks.run(lambda: services.units.villages_of(commune_id) if commune_id else [], fill)

    def filters(self) -> tuple[str, str | None, str | None, str | None, tuple[int, int] | None]:
        """What the list shows: the text searched, commune, village, status and age band chosen."""
        band = self.age.currentData()
        low, _sep, high = (band or "").partition("-")
        return (self.search.text().strip(), self.commune.currentData(), self.village.currentData(),
                self.status.currentData(), (int(low), int(high)) if band else None)

    def refresh(self) -> None:
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

    def ethnic_code(self, text: str) -> str:
        """A code from the ethnic combo box: its data, or the group whose name was typed."""
        folded = text.strip().lower()
        return next((code for code, name in self._groups if code == text or name.lower() == folded), text)

    def edit_person(self, row: int) -> None:
        """Double-click a person: the form with what is recorded, to correct it."""
        shown = self.model.row_at(row)
        if shown is None or not self.can_write:
            return
        services = self.services

        def load() -> tuple[Any, tuple[str, str, str]]:
            person = services.persons.get(shown.id)
            return person, services.persons.place_of(person)

        def opened(found: tuple[Any, tuple[str, str, str]]) -> None:
            dialog = PersonDialog(self, *found)
            if dialog.confirmed() and dialog.saved is not None:
                self.window_.statusBar().showMessage(_("Đã lưu {name}.").format(name=dialog.saved.full_name), 5000)
                self.refresh()

        self.tasks.run(load, opened)
