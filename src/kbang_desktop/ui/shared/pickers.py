"""Choosing a person from a list searched as the user types (without diacritics), each shown with their
birth and village so that two people of the same name are told apart. Main thread only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.ui.shared.dialogs import Dialog
from kbang_desktop.ui.shared.tables import Col, ListModel, empty_hint, table
from kbang_desktop.ui.shared.words import SEXES

LIMIT = 50


def birth_text(iso: str) -> str:
    """"1978-02-05" as 05/02/1978; a year alone stays as it is."""
    return iso if len(iso) == 4 else f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def person_words(row: Any) -> str:
    """"Đinh Thị Bŏk (sinh 1990, Làng A)": a person named so that a namesake is not mistaken for them."""
    place = ", ".join(p for p in (_("sinh {birth}").format(birth=birth_text(row.birth)), row.village) if p)
    return f"{row.full_name} ({place})"


PICKER_COLUMNS = (Col(N_("Họ và tên"), lambda r: r.full_name, width=28),
                  Col(N_("Ngày sinh"), lambda r: birth_text(r.birth), width=11),
                  Col(N_("Giới tính"), lambda r: _(dict(SEXES).get(r.sex, ""))),
                  Col(N_("Thôn/Làng"), lambda r: r.village, width=20), Col(N_("Xã"), lambda r: r.commune, width=16))


class PersonPicker(Dialog):
    """A person to choose: type part of the name (with or without diacritics), pick the row. The button
    waits for a row; a double-click on a row chooses it. `relations` adds the relation to choose with it."""

    def __init__(self, parent: QWidget, services: Any, tasks: Any, title: str, ok_text: str,
                 commune: str | None = None, relations: tuple[str, ...] = (), note: str = "") -> None:
        super().__init__(parent, title, width=100, form=False)
        self.services, self.tasks, self.commune = services, tasks, commune
        layout = QVBoxLayout(self)
        if note:
            told = QLabel(note)
            told.setWordWrap(True)
            layout.addWidget(told)
        self.search = QLineEdit()
        self.search.setObjectName("picker_search")
        self.search.setPlaceholderText(_("Gõ tên để tìm (không dấu cũng được, ví dụ: dinh thi bok)"))
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.model = ListModel(PICKER_COLUMNS, (), self)
        self.view = table(self.model, "person_picker")
        self.view.setMinimumHeight(self.fontMetrics().height() * 14)
        self.hint = empty_hint(self.view, self._hint)
        layout.addWidget(self.view, 1)
        self.count = QLabel("")
        self.count.setObjectName("picker_count")
        layout.addWidget(self.count)
        self.relation: QComboBox | None = None
        if relations:
            self.relation = QComboBox()
            self.relation.setObjectName("picker_relation")
            self.relation.setEditable(True)
            self.relation.addItem("", "")
            for relation in relations:
                self.relation.addItem(_(relation), relation)
            row = QVBoxLayout()
            row.addWidget(QLabel(_("Quan hệ với chủ hộ")))
            row.addWidget(self.relation)
            layout.addLayout(row)
            self.relation.editTextChanged.connect(lambda _t: self._enable())
        self.add_buttons(ok_text, ok=True, layout=layout)
        self.save_button.setEnabled(False)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.view.doubleClicked.connect(lambda _i: self.save_button.isEnabled() and self.accept())
        self.typing = QTimer(self)
        self.typing.setSingleShot(True)
        self.typing.setInterval(150)
        self.typing.timeout.connect(self.find)
        self.search.textChanged.connect(lambda _t: self.typing.start())
        self.asked = ""

    def _hint(self) -> str:
        if not self.asked:
            return _("Gõ vài chữ của họ tên vào ô trên để tìm.")
        return _("Không tìm thấy ai có tên như “{text}”. Người chưa có trong danh sách thì thêm ở mục "
                 "“Người dân và hộ gia đình” trước.").format(text=self.asked)

    def find(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.asked = ""
            self.model.set_rows([])
            self.count.setText("")
            return
        services, commune = self.services, self.commune

        def shown(rows: list[Any], asked: str = text) -> None:
            if asked != self.search.text().strip():
                return  # typed on since: a newer search is on its way
            self.asked = asked
            self.model.set_rows(rows)
            if len(rows) == 1:
                self.view.selectRow(0)
            words = _("Tìm thấy {n} người.").format(n=format_number(len(rows))) if rows else ""  # none: the hint says
            if len(rows) >= LIMIT:
                words += " " + _("Chỉ hiện {n} người đầu tiên; gõ thêm để thu hẹp.").format(n=format_number(LIMIT))
            elif len(rows) > 1:
                words += " " + _("Xem ngày sinh và thôn, làng để chọn đúng người.")
            self.count.setText(words)
            self._enable()

        def search() -> list[Any]:
            if commune:
                try:
                    return services.persons.search(text, LIMIT, commune)
                except KbangError:  # the commune's name is not one unit today: search everywhere
                    pass
            return services.persons.search(text, LIMIT)

        self.tasks.run(search, shown)

    def chosen(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def relation_value(self) -> str:
        if self.relation is None:
            return ""
        typed = self.relation.currentText().strip()
        index = self.relation.findText(typed)
        return self.relation.itemData(index) if typed and index >= 0 else typed

    def _enable(self) -> None:
        self.save_button.setEnabled(self.chosen() is not None and (self.relation is None or bool(self.relation_value())))


def pick_person(parent: QWidget, services: Any, tasks: Any, title: str, ok_text: str, commune: str | None = None,
                note: str = "") -> Any:
    """The person chosen (a PersonRow), or None when the user cancelled."""
    picker = PersonPicker(parent, services, tasks, title, ok_text, commune, note=note)
    return picker.chosen() if picker.confirmed() else None
