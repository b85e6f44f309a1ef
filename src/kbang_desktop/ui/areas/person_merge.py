"""Gộp hồ sơ trùng: the likely duplicate pairs and the merges made, the side-by-side form of a merge (field
by field, the record kept chosen), and the unmerge. Opened from Người dân ("Gộp hồ sơ trùng...")."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.i18n import N_, _, format_datetime
from kbang_desktop.services.merges import MERGE_FIELDS, REASONS, default_take
from kbang_desktop.ui.shared.dialogs import Dialog, ask, tell
from kbang_desktop.ui.shared.tables import Col, ListModel, empty_hint, table
from kbang_desktop.ui.shared.words import LEVELS, SEXES

PAIR_COLUMNS = (Col(N_("Họ và tên"), lambda p: p.first.full_name, width=26),
                Col(N_("Ngày sinh"), lambda p: _birth(p.first.birth), width=11),
                Col(N_("Thôn/Làng"), lambda p: p.first.village, width=18),
                Col(N_("Họ và tên"), lambda p: p.second.full_name, width=26),
                Col(N_("Ngày sinh"), lambda p: _birth(p.second.birth), width=11),
                Col(N_("Thôn/Làng"), lambda p: p.second.village, width=18),
                Col(N_("Lí do"), lambda p: ", ".join(_(REASONS[r]) for r in p.reasons), width=30))
MERGE_COLUMNS = (Col(N_("Hồ sơ giữ lại"), lambda m: m.kept, width=26),
                 Col(N_("Hồ sơ đã gộp vào"), lambda m: m.other, width=26),
                 Col(N_("Lúc gộp"), lambda m: format_datetime(m.merged_at), width=16),
                 Col(N_("Người gộp"), lambda m: m.merged_by.split(":", 1)[-1], width=14),
                 Col(N_("Tình trạng"), lambda m: _("Đã tách lại") if m.undone_at else _("Đang gộp"), width=12))
FIELD_LABELS = {"full_name": N_("Họ và tên"), "sex": N_("Giới tính"), "birth": N_("Ngày sinh"),
                "ethnic_code": N_("Dân tộc"), "village_id": N_("Thôn/Làng"), "household": N_("Hộ số"),
                "id_number": N_("Số định danh cá nhân"), "education": N_("Trình độ học vấn"),
                "disability": N_("Khuyết tật"), "exempt": N_("Không có khả năng học tập"),
                "literacy": N_("Biết chữ"), "note": N_("Ghi chú")}


def _birth(iso: str) -> str:
    return iso if len(iso) == 4 else f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def field_text(person: Any, field: str, names: dict[str, str]) -> str:
    """What the side-by-side form shows of one field of a person."""
    if field == "full_name":
        return person.full_name
    if field == "sex":
        return _(dict(SEXES).get(person.sex, ""))
    if field == "birth":
        return person.birth_date.strftime("%d/%m/%Y") if person.birth_date else str(person.birth_year)
    if field == "ethnic_code":
        return names.get(f"ethnic:{person.ethnic_code}", person.ethnic_code or "")
    if field == "village_id":
        return names.get(person.village_id or "", "")
    if field == "household":
        number = names.get(person.household_id or "", "")
        return f"{number} ({person.relation_to_head})" if number and person.relation_to_head else number
    if field in ("disability", "exempt"):
        return _("Có") if getattr(person, field) else _("Không")
    if field == "literacy":
        return _(LEVELS[person.literacy_level])
    return str(getattr(person, field) or "")


class MergeDialog(Dialog):
    """Two records side by side, field by field: which record is kept, and for each field that differs
    whose value it keeps; "Gộp" asks once more, naming both, then merges."""

    def __init__(self, parent: QWidget, services: Any, tasks: Any, pair: tuple[Any, Any, dict[str, str]]) -> None:
        super().__init__(parent, _("Gộp hồ sơ trùng"), width=100, form=False)
        self.services, self.tasks = services, tasks
        self.people = [pair[0], pair[1]]
        self.names = pair[2]
        self.done_merge: Any = None
        layout = QVBoxLayout(self)
        intro = QLabel(_("Hai hồ sơ này có thể là cùng một người. Chọn hồ sơ giữ lại và, ở mỗi dòng khác nhau, giá "
                         "trị cần giữ. Hồ sơ kia không bị xóa: nó không còn hiện trong các danh sách; các lớp học, "
                         "hộ, đăng ký và đánh giá của nó chuyển sang hồ sơ giữ lại. Có thể tách lại sau."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel(_("Hồ sơ giữ lại")))
        self.keep = QComboBox()
        self.keep.setObjectName("keep")
        for person in self.people:
            self.keep.addItem(f"{person.full_name} ({field_text(person, 'birth', self.names)}, {person.id[:8]})", person.id)
        keep_row.addWidget(self.keep, 1)
        layout.addLayout(keep_row)
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        self.choices: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        self.groups: list[QButtonGroup] = []
        self.keep.currentIndexChanged.connect(lambda _i: self.fill())
        self.fill()
        self.add_buttons(_("Gộp"), on_save=self.merge, layout=layout)

    @property
    def kept(self) -> Any:
        return self.people[self.keep.currentIndex()]

    @property
    def other(self) -> Any:
        return self.people[1 - self.keep.currentIndex()]

    def fill(self) -> None:
        """The grid: a header, then one row per field; the record kept on the left."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.choices.clear()
        self.groups.clear()
        kept, other = self.kept, self.other
        proposed = set(default_take(kept, other))
        for column, text in enumerate((_("Trường"), _("Hồ sơ giữ lại"), _("Hồ sơ gộp vào"))):
            self.grid.addWidget(QLabel(f"<b>{text}</b>"), 0, column)
        for row, field in enumerate(MERGE_FIELDS, start=1):
            self.grid.addWidget(QLabel(_(FIELD_LABELS[field])), row, 0)
            left, right = field_text(kept, field, self.names), field_text(other, field, self.names)
            if all(getattr(kept, c) == getattr(other, c) for c in MERGE_FIELDS[field]):
                self.grid.addWidget(QLabel(left), row, 1)
                self.grid.addWidget(QLabel(right), row, 2)
                continue
            mine, theirs = QRadioButton(left or _("(trống)")), QRadioButton(right or _("(trống)"))
            mine.setObjectName(f"keep_{field}")
            theirs.setObjectName(f"take_{field}")
            group = QButtonGroup(self)
            group.addButton(mine)
            group.addButton(theirs)
            (theirs if field in proposed else mine).setChecked(True)
            self.groups.append(group)
            self.choices[field] = (mine, theirs)
            left_aligned = Qt.AlignmentFlag.AlignLeft  # as wide as its text: a click beside it is no choice
            self.grid.addWidget(mine, row, 1, alignment=left_aligned)
            self.grid.addWidget(theirs, row, 2, alignment=left_aligned)

    def take(self) -> tuple[str, ...]:
        """The fields whose value comes from the record merged in."""
        return tuple(field for field, (_mine, theirs) in self.choices.items() if theirs.isChecked())

    def merge(self) -> None:
        kept, other = self.kept, self.other
        question = _("Gộp hồ sơ {other} ({other_birth}, mã {other_id}) vào hồ sơ {kept} ({kept_birth}, mã {kept_id})?"
                     ).format(other=other.full_name, other_birth=field_text(other, "birth", self.names),
                              other_id=other.id[:8], kept=kept.full_name,
                              kept_birth=field_text(kept, "birth", self.names), kept_id=kept.id[:8])
        if not ask(self, _("Gộp hồ sơ trùng"), question, _("Gộp"), _("Không gộp"),
                   detail=_("Hồ sơ gộp vào không bị xóa; có thể tách lại ở thẻ “Đã gộp”.")):
            return
        take = self.take()
        self.buttons.setEnabled(False)

        def done(merge: Any) -> None:
            self.done_merge = merge
            self.accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            from kbang_desktop.ui.shared.tasks import show_error

            show_error(self, error)

        self.tasks.run(lambda: self.services.merges.merge(kept.id, other.id, take), done, on_error=failed)


class DuplicatesDialog(Dialog):
    """Two tabs: the pairs that may be one person (to compare and merge) and the merges made (to undo)."""

    def __init__(self, area: Any, commune_id: str | None) -> None:
        super().__init__(area, _("Gộp hồ sơ trùng"), width=150, form=False)
        self.area, self.services, self.tasks = area, area.services, area.tasks
        self.commune_id = commune_id
        self.changed = False
        self.at_hub = bool(getattr(area, "at_hub", False))  # a hub never merges a commune's people
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        pairs = QWidget()
        pairs_layout = QVBoxLayout(pairs)
        intro = QLabel(_("Những cặp người đang sinh sống có thể là cùng một người: cùng họ tên, năm sinh (chênh nhau "
                         "không quá một năm) và thôn, làng, hoặc cùng số định danh cá nhân. Chọn một cặp rồi bấm "
                         "“So sánh và gộp...”."))
        intro.setWordWrap(True)
        pairs_layout.addWidget(intro)
        self.pairs = ListModel(PAIR_COLUMNS, (), self)
        self.pair_view = table(self.pairs, "duplicate_pairs")
        self.pair_hint = empty_hint(self.pair_view, lambda: _("Không thấy hồ sơ nào có thể trùng."))
        pairs_layout.addWidget(self.pair_view, 1)
        self.compare = QPushButton(_("So sánh và gộp..."))
        self.compare.setObjectName("compare")
        self.compare.setEnabled(False)
        self.compare.clicked.connect(self.open_pair)
        self.pair_view.doubleClicked.connect(lambda _i: self.open_pair())
        self.pair_view.selectionModel().selectionChanged.connect(
            lambda *_a: self.compare.setEnabled(self.selected(self.pair_view, self.pairs) is not None and area.can_write
                                                and not self.at_hub))
        if self.at_hub:
            from kbang_desktop.ui.areas.people import HUB_NO_MERGE

            self.compare.setToolTip(_(HUB_NO_MERGE))
        pairs_layout.addWidget(self.compare)
        self.tabs.addTab(pairs, _("Có thể trùng"))
        merged = QWidget()
        merged_layout = QVBoxLayout(merged)
        self.merges = ListModel(MERGE_COLUMNS, (), self)
        self.merge_view = table(self.merges, "person_merges")
        self.merge_hint = empty_hint(self.merge_view, lambda: _("Chưa có lần gộp hồ sơ nào."))
        merged_layout.addWidget(self.merge_view, 1)
        self.unmerge_button = QPushButton(_("Tách lại..."))
        self.unmerge_button.setObjectName("unmerge")
        self.unmerge_button.setEnabled(False)
        self.unmerge_button.clicked.connect(self.unmerge)
        self.merge_view.selectionModel().selectionChanged.connect(lambda *_a: self._enable_unmerge())
        merged_layout.addWidget(self.unmerge_button)
        self.tabs.addTab(merged, _("Đã gộp"))
        self.add_buttons(ok=True, save_text=_("Đóng"), layout=layout)
        self.buttons.button(self.buttons.StandardButton.Cancel).hide()
        self.load()

    @staticmethod
    def selected(view: Any, model: ListModel) -> Any:
        rows = view.selectionModel().selectedRows()
        return model.row_at(rows[0].row()) if rows else None

    def _enable_unmerge(self) -> None:
        row = self.selected(self.merge_view, self.merges)
        self.unmerge_button.setEnabled(row is not None and row.undone_at is None and self.area.can_write
                                       and not self.at_hub)

    def load(self) -> None:
        commune_id = self.commune_id

        def fetch() -> tuple[list[Any], list[Any]]:
            return (self.services.merges.duplicates(commune_id),
                    self.services.merges.merges(commune_id, undone=True))

        def shown(found: tuple[list[Any], list[Any]]) -> None:
            self.pairs.set_rows(found[0])
            self.merges.set_rows(found[1])
            self.compare.setEnabled(False)
            self.unmerge_button.setEnabled(False)

        self.tasks.run(fetch, shown)

    def open_pair(self) -> None:
        pair = self.selected(self.pair_view, self.pairs)
        if pair is None or not self.area.can_write:
            return

        def opened(found: tuple[Any, Any, dict[str, str]]) -> None:
            dialog = MergeDialog(self, self.services, self.tasks, found)
            if dialog.confirmed() and dialog.done_merge is not None:
                self.changed = True
                self.area.window_.statusBar().showMessage(_("Đã gộp hai hồ sơ."), 5000)
                self.load()

        self.tasks.run(lambda: self.services.merges.pair(pair.first.id, pair.second.id), opened)

    def unmerge(self) -> None:
        row = self.selected(self.merge_view, self.merges)
        if row is None or row.undone_at is not None:
            return
        if not ask(self, _("Tách lại"), _("Tách hồ sơ {other} ra khỏi hồ sơ {kept}?").format(other=row.other, kept=row.kept),
                   _("Tách lại"), _("Không tách"),
                   detail=_("Những gì lần gộp đã chuyển sang hồ sơ giữ lại được trả về như trước khi gộp.")):
            return

        def done(result: Any) -> None:
            self.changed = True
            if result.left:
                tell(self, _("Tách lại"), _("{n} trường đã được sửa sau khi gộp nên giữ như hiện nay.").format(
                    n=result.left))
            self.load()

        self.tasks.run(lambda: self.services.merges.unmerge(row.id), done)
