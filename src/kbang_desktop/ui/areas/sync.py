"""Đồng bộ: export a bundle, import one with its plan shown first, join a hub, peers, conflicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_, _, format_number
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.dialogs import Dialog, ask, choose, tell
from kbang_desktop.ui.shared.prefs import prefs
from kbang_desktop.ui.shared.tables import Col, ListModel, empty_hint, table
from kbang_desktop.ui.shared.widgets import fit_columns, message_label
from kbang_desktop.ui.shared.words import field_name, field_value, record_kind

COUNT_NAMES = (("new", N_("Mới")), ("updated", N_("Cập nhật")), ("unchanged", N_("Không đổi")),
               ("conflicts", N_("Xung đột")), ("refused", N_("Từ chối")))


def last_folder() -> str:
    """Where the last bundle, join request or welcome file was (the USB stick): the next dialog opens there."""
    folder = str(prefs().value("sync/folder", "") or "")
    return folder if folder and Path(folder).is_dir() else ""


def remember_folder(folder: str) -> None:
    prefs().setValue("sync/folder", folder)


class PlanDialog(Dialog):
    """The plan of an import: what would change, per record type; applied only on confirmation."""

    def __init__(self, parent: QWidget, plan: Any) -> None:
        super().__init__(parent, _("Xem trước khi nhập"), form=False)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Gói từ {office}. Chưa có gì được ghi vào dữ liệu.").format(
            office=plan.from_office_name or plan.from_office)))
        rows = sorted(((record_kind(kind), *(counts.get(key, 0) for key, _label in COUNT_NAMES))
                       for kind, counts in plan.per_type.items()), key=lambda row: fold(row[0]))
        rows.append((_("Tổng cộng"), *(plan.counts.get(key, 0) for key, _label in COUNT_NAMES)))
        model = ListModel((Col(N_("Loại bản ghi"), lambda r: r[0]),
                           *(Col(label, lambda r, i=i: r[i + 1], True) for i, (_k, label) in enumerate(COUNT_NAMES))),
                          rows, self)
        view = table(model, "import_plan")
        layout.addWidget(view)
        reasons: dict[str, int] = {}
        for refused in plan.refused:  # each reason once, with how many records it refuses
            reasons[refused["reason"]] = reasons.get(refused["reason"], 0) + 1
        for reason, n in reasons.items():
            label = QLabel(_("Từ chối {n} bản ghi: {reason}").format(n=format_number(n), reason=reason))
            label.setWordWrap(True)
            label.setObjectName("refused")
            layout.addWidget(label)
        for warning in plan.warnings:
            layout.addWidget(QLabel(warning))
        self.add_buttons(_("Nhập gói"), _("Không nhập"), ok=True, layout=layout)
        self.resize(820, 480)
        fit_columns(view)  # "Sáp nhập, chia tách" whole, not "Sáp nhập, ch..."


class ConflictDialog(Dialog):
    """Both versions side by side, field by field, with a choice per field."""

    def __init__(self, parent: QWidget, conflict: Any) -> None:
        super().__init__(parent, _("Xung đột dữ liệu"), form=False)
        self.conflict = conflict
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("{kind} {id}: hai nơi cùng sửa. Chọn bản giữ lại cho từng trường.").format(
            kind=record_kind(conflict.record_type), id=conflict.record_id[:8])))
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>" + _("Trường") + "</b>"), 0, 0)
        grid.addWidget(QLabel("<b>" + _("Bản trên máy này") + "</b>"), 0, 1)
        grid.addWidget(QLabel("<b>" + _("Bản nhận được") + "</b>"), 0, 2)
        self.groups: dict[str, QButtonGroup] = {}
        for row, name in enumerate(conflict.differing, 1):
            grid.addWidget(QLabel(field_name(name)), row, 0)
            group = QButtonGroup(self)
            for column, side in ((1, "local"), (2, "incoming")):
                value = (conflict.local if side == "local" else conflict.incoming).get(name)
                button = QRadioButton(field_value(value))
                button.setObjectName(f"{name}:{side}")
                button.setChecked(side == conflict.kept)
                group.addButton(button)
                button.setProperty("side", side)
                grid.addWidget(button, row, column)
            self.groups[name] = group
        layout.addLayout(grid)
        self.add_buttons(_("Ghi lựa chọn"), _("Để sau"), ok=True, layout=layout)

    def choice(self) -> dict[str, str]:
        return {name: group.checkedButton().property("side") for name, group in self.groups.items()}


class SyncArea(Area):
    title = N_("Đồng bộ dữ liệu")
    shows = frozenset({"peer", "peer_site", "conflict", "bundle_ledger", "site", "office"})

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Đồng bộ dữ liệu") + "</h2>"))
        bar = QHBoxLayout()
        self.peer = QComboBox()
        self.peer.setObjectName("peer")
        self.peer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Sở GD&ĐT Gia Lai" whole
        self.export_button = QPushButton(_("Xuất gói..."))
        self.export_button.setObjectName("export")
        self.export_button.clicked.connect(lambda: self.export())
        self.import_button = QPushButton(_("Nhập gói..."))
        self.import_button.setObjectName("import")
        self.import_button.clicked.connect(lambda: self.import_())
        for widget in (QLabel(_("Gửi cho")), self.peer, self.export_button, self.import_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        hub = getattr(self.window_.office, "kind", "") == "hub"
        join = QPushButton(_("Đăng ký xã...") if hub else _("Tham gia đơn vị đầu mối..."))
        join.setObjectName("join")
        join.clicked.connect(self.join)
        bar.addWidget(join)
        layout.addLayout(bar)
        for button in (self.export_button, self.import_button, join):
            button.setEnabled(self.can_write)
        self.message = message_label()
        layout.addWidget(self.message)
        self.tabs = tabs = QTabWidget()
        self.peers = ListModel((Col(N_("Đơn vị"), lambda p: p.name), Col(N_("Gửi lần cuối"), lambda p: p.last_sent_at),
                                Col(N_("Xác nhận lần cuối"), lambda p: p.acked_at),
                                Col(N_("Chưa được xác nhận"), lambda p: p.unacknowledged, True),
                                Col(N_("Nhận lần cuối"), lambda p: p.last_received_at),
                                Col(N_("Chỗ thiếu"), lambda p: len(p.gaps), True)), (), self)
        self.peer_view = peer_view = table(self.peers, "peers")
        self.peer_hint = empty_hint(peer_view, lambda: _(
            "Chưa trao đổi dữ liệu với xã nào. Khi nhận được yêu cầu tham gia (tệp .kbj) của một xã, bấm "
            "“Đăng ký xã...”; sau đó “Nhập gói...” để nhận dữ liệu của xã.") if hub else _(
            "Chưa trao đổi dữ liệu với đơn vị nào. Bấm “Tham gia đơn vị đầu mối...” để ghi yêu cầu tham gia "
            "ra USB gửi đơn vị đầu mối; khi đã được nhận, bấm “Xuất gói...” để gửi dữ liệu."))
        tabs.addTab(peer_view, _("Từng đơn vị"))
        conflicts = QWidget()
        box = QVBoxLayout(conflicts)
        self.conflicts = ListModel((Col(N_("Loại"), lambda c: record_kind(c.record_type)),
                                    Col(N_("Bản ghi"), lambda c: c.record_id[:8]),
                                    Col(N_("Phát hiện lúc"), lambda c: c.detected_at),
                                    Col(N_("Các trường khác nhau"), lambda c: ", ".join(field_name(f) for f in c.differing))),
                                   (), self)
        self.conflict_view = table(self.conflicts, "conflicts")
        self.conflict_view.doubleClicked.connect(lambda index: self.resolve(index.row()))
        self.conflict_hint = empty_hint(self.conflict_view, lambda: _("Không có xung đột nào cần xử lý."))
        box.addWidget(self.conflict_view)
        box.addWidget(QLabel(_("Bấm đúp vào một xung đột để xem hai bản và chọn.")))
        tabs.addTab(conflicts, _("Xung đột dữ liệu"))
        layout.addWidget(tabs, 1)

    def refresh(self) -> None:
        services = self.services

        def load() -> tuple[list[Any], list[Any]]:
            from kbang_desktop.sync.conflicts import list_conflicts
            from kbang_desktop.sync.exchange import status

            return status(services), list_conflicts(services)

        def fill(found: tuple[list[Any], list[Any]]) -> None:
            peers, conflicts = found
            self.peers.set_rows(peers)
            self.conflicts.set_rows(conflicts)
            fit_columns(self.peer_view)  # the dates and the hub's name whole
            fit_columns(self.conflict_view)
            self.peer.clear()
            for peer in peers:
                self.peer.addItem(peer.name, peer.office_id)

        self.tasks.run(load, fill)

    def export(self) -> None:
        office_id = self.peer.currentData()
        if office_id is None:
            self.message.setText(_("Chưa có đơn vị nào để gửi: hãy tham gia đơn vị đầu mối trước."))
            return
        folder = QFileDialog.getExistingDirectory(self, _("Chọn thư mục hoặc USB để lưu gói"), last_folder())
        if not folder:
            return
        remember_folder(folder)
        services = self.services

        def work() -> Any:
            from kbang_desktop.sync.exchange import export_bundle

            return export_bundle(services, office_id, Path(folder))

        def done(result: Any) -> None:
            self.message.setText(_("Đã xuất {records} bản ghi vào {file}.").format(
                records=format_number(result.records), file=result.file))
            self.refresh()

        self.tasks.run(work, done, _("Đang xuất gói dữ liệu..."))

    def import_(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Chọn gói dữ liệu"), last_folder(), _("Gói dữ liệu (*.kbb)"))
        if not path:
            return
        remember_folder(str(Path(path).parent))
        services, file = self.services, Path(path)

        def plan() -> Any:
            from kbang_desktop.sync.exchange import import_bundle

            return import_bundle(services, file, dry_run=True)

        def planned(result: Any) -> None:
            if result.status != "dry-run":
                self.message.setText(result.reason or _("Gói này đã được nhập trước đây."))
                return
            dialog = PlanDialog(self, result)
            if not dialog.confirmed():
                self.message.setText(_("Không nhập gói; dữ liệu giữ nguyên."))
                return

            def apply() -> Any:
                from kbang_desktop.sync.exchange import import_bundle

                return import_bundle(services, file)

            def applied(done: Any) -> None:
                counts = done.counts
                text = (_("Đã nhập gói: {new} mới, {updated} cập nhật, {conflicts} xung đột, {refused} từ chối.")
                        .format(**{k: format_number(v) for k, v in counts.items()})
                        if done.status == "applied" else done.reason or "")
                if getattr(done, "backup", None):  # the copy made just before: where to go back to
                    text += "\n" + _("Bản sao lưu trước khi nhập: {path}").format(path=done.backup)
                self.message.setText(text)
                self.refresh()

            self.tasks.run(apply, applied, _("Đang nhập gói dữ liệu..."))

        self.tasks.run(plan, planned, _("Đang kiểm tra gói dữ liệu..."))

    def resolve(self, row: int) -> None:
        conflict = self.conflicts.row_at(row)
        if conflict is None:
            return
        dialog = ConflictDialog(self, conflict)
        if not dialog.confirmed():
            return
        services, choice = self.services, dialog.choice()

        def work() -> Any:
            from kbang_desktop.sync.conflicts import resolve

            return resolve(services, conflict.id, choice)

        self.tasks.run(work, lambda _view: (self.message.setText(_("Đã xử lý xung đột.")), self.refresh()))

    def join(self) -> None:
        """At a commune: write a join request; then trust the hub's welcome file after comparing fingerprints."""
        services = self.services
        if self.window_.office.kind == "hub":
            self.register_commune()
            return
        answer = choose(self, _("Tham gia đơn vị đầu mối"),
                        _("Đã có tệp chào mừng (.kbw) từ đơn vị đầu mối chưa? Nếu có, chọn tệp đó để tin cậy đơn vị "
                          "đầu mối; nếu chưa, tạo yêu cầu tham gia để mang tới đơn vị đầu mối."),
                        [_("Chọn tệp chào mừng..."), _("Tạo yêu cầu tham gia...")])
        if answer is None:
            return
        from kbang_desktop.sync import join as joining

        if answer == 0:
            path, _filter = QFileDialog.getOpenFileName(self, _("Tệp chào mừng"), last_folder(),
                                                        _("Tệp chào mừng (*.kbw)"))
            if path:
                remember_folder(str(Path(path).parent))
                self.tasks.run(lambda: joining.welcome_fingerprint(services, Path(path)),
                               lambda found: self._confirm_trust(Path(path), found.fingerprint))
        else:
            folder = QFileDialog.getExistingDirectory(self, _("Lưu yêu cầu tham gia vào"), last_folder())
            if folder:
                remember_folder(folder)
                target = Path(folder)  # a name of its own per PC: a second PC never overwrites the first's
                self.tasks.run(lambda: joining.join_request(services, target),
                               lambda file: self.message.setText(_("Đã ghi {file}; mang tệp này tới đơn vị đầu mối.")
                                                                 .format(file=file)))

    def _confirm_trust(self, path: Path, fingerprint: str) -> None:
        """Trust the hub only when the officer says the code read over the phone is the one shown."""
        if not ask(self, _("Mã nhận diện khóa"),
                   f"<div style='font-size:24pt; font-family:monospace'><b>{fingerprint}</b></div>",
                   _("Hai mã giống nhau: tin cậy"), _("Khác nhau: không tin cậy"),
                   _("Gọi điện cho đơn vị đầu mối và nghe họ đọc mã của họ. Chỉ tin cậy khi hai mã giống hệt nhau; "
                     "nếu khác, tệp đã bị đổi trên đường mang về.")):
            self.message.setText(_("Chưa tin cậy đơn vị đầu mối."))
            return
        from kbang_desktop.sync import join as joining

        services = self.services
        self.tasks.run(lambda: joining.trust(services, path, fingerprint),
                       lambda _done: (self.message.setText(_("Đã tin cậy đơn vị đầu mối; từ nay có thể trao đổi "
                                                             "gói dữ liệu.")), self.refresh()))

    def register_commune(self) -> None:
        """At the hub: register a commune from its join request and write the welcome file to take back;
        the fingerprint is shown large, to be read over the phone with the commune."""
        services = self.services
        path, _filter = QFileDialog.getOpenFileName(self, _("Yêu cầu tham gia của xã"), last_folder(),
                                                    _("Yêu cầu tham gia (*.kbj)"))
        if not path:
            return
        remember_folder(str(Path(path).parent))
        request = Path(path)
        chosen = QFileDialog.getExistingDirectory(self, _("Lưu tệp chào mừng vào (USB của xã)"), str(request.parent))
        if not chosen:
            return
        folder = Path(chosen)
        from kbang_desktop.sync import join as joining

        def done(result: Any) -> None:
            self.message.setText(_("Đã đăng ký xã; mang tệp {file} về xã.").format(file=result.file))
            self._fingerprint(result)

        self.tasks.run(lambda: joining.register(services, request, folder), done)

    def _fingerprint(self, result: Any) -> None:
        tell(self, _("Mã nhận diện khóa"), f"<div style='font-size:24pt; font-family:monospace'><b>{result.fingerprint}</b></div>",
             _("Đọc mã này qua điện thoại với đơn vị đầu mối; hai bên phải thấy cùng một mã."))
        self.refresh()

