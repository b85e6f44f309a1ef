"""The main window: a sidebar of areas (each in its own module of ui/areas/), the area shown, who is
logged in. Main thread only."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.i18n import N_, _
from kbang_desktop.ui.shared.area import Area, opened
from kbang_desktop.ui.shared.changes import Changes, ChangeWatch
from kbang_desktop.ui.shared.dialogs import ask, tell
from kbang_desktop.ui.shared.prefs import prefs
from kbang_desktop.ui.shared.tasks import Tasks
from kbang_desktop.ui.shared.widgets import app_icon

if TYPE_CHECKING:
    from kbang_desktop.services.registry import Services


# (title, module, class): each area's module is imported the first time the area is shown, so the
# window opens without QtCharts, QtPdf, ReportLab or openpyxl.
AREAS = (
    (N_("Tổng quan"), "overview", "OverviewArea"),
    (N_("Người dân và hộ gia đình"), "people", "PeopleArea"),
    (N_("Trung tâm học tập cộng đồng"), "centres", "CentresArea"),
    (N_("Xóa mù chữ"), "literacy", "LiteracyArea"),
    (N_("Mô hình học tập"), "learning_models", "ModelsArea"),
    (N_("Giấy công nhận"), "certificates", "CertificatesArea"),
    (N_("Đồng bộ dữ liệu"), "sync", "SyncArea"),
    (N_("Báo cáo"), "reports", "ReportsArea"),
    (N_("Nhập Excel"), "excel", "ExcelArea"),
    (N_("Danh mục"), "reference", "ReferenceArea"),
    (N_("Người dùng và nhật ký"), "users", "AuditArea"),
    (N_("Cài đặt"), "settings", "SettingsArea"),
)


def area_class(row: int) -> type[Area]:
    import importlib

    _title, module, name = AREAS[row]
    return getattr(importlib.import_module(f"kbang_desktop.ui.areas.{module}"), name)


class MainWindow(QMainWindow):
    """The window. Given the services, it is ready at once; given a function that opens them, the
    window is on screen and answering while the data layer is imported and the database opened in
    the background (a second, on an old PC), and each area appears as soon as the data is there."""

    def __init__(self, services: "Services | Callable[[], Services]", on_logout: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.on_logout = on_logout
        self.logging_out = False
        self.tasks = Tasks(self)
        self.services: Any = None
        self.office: Any = None
        self.setWindowTitle("Kbang Desktop")
        self.setWindowIcon(app_icon())
        body = QWidget()
        outer = QVBoxLayout(body)
        top = QHBoxLayout()
        self.heading = QLabel("<b>Kbang Desktop</b>")
        self.who = QLabel(_("Đang mở dữ liệu..."))
        self.who.setObjectName("who")
        logout = QPushButton(_("Đăng xuất"))
        logout.setObjectName("logout")
        logout.clicked.connect(self.logout)
        help_button = QPushButton(_("Trợ giúp"))
        help_button.setObjectName("help")
        help_menu = QMenu(help_button)
        guide = help_menu.addAction(_("Hướng dẫn sử dụng"), lambda: self.show_help("guide"))
        guide.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.addAction(guide)
        help_menu.addAction(_("Dành cho đơn vị đầu mối"), lambda: self.show_help("hub"))
        help_menu.addSeparator()
        help_menu.addAction(_("Giới thiệu Kbang Desktop"), self.about)
        help_button.setMenu(help_menu)
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.who)
        top.addWidget(help_button)
        top.addWidget(logout)
        outer.addLayout(top)
        self.clock_warning = QLabel()  # shown at start when this PC's clock is far wrong
        self.clock_warning.setObjectName("clock_warning")
        self.clock_warning.setWordWrap(True)
        self.clock_warning.setStyleSheet("QLabel { background: #fde2e1; color: #8a1c14; padding: 6px; }")
        self.clock_warning.hide()
        outer.addWidget(self.clock_warning)
        self.backup_warning = QLabel()  # the day's backup (or the check before it) failed beside the window
        self.backup_warning.setObjectName("backup_warning")
        self.backup_warning.setWordWrap(True)
        self.backup_warning.setStyleSheet("QLabel { background: #fde2e1; color: #8a1c14; padding: 6px; }")
        self.backup_warning.hide()
        outer.addWidget(self.backup_warning)
        row = QHBoxLayout()
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(260)
        self.sidebar.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 7px 6px; }")
        self.stack = QStackedWidget()
        self.built: dict[int, Area] = {}
        for number, (title, _module, _name) in enumerate(AREAS, 1):
            placeholder = QLabel(_("Đang mở dữ liệu..."))
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.stack.addWidget(placeholder)  # until the area is first shown
            item = QListWidgetItem(_(title))
            item.setToolTip(f"Ctrl+{number}" if number < 10 else "")
            self.sidebar.addItem(item)
            if number < 10:
                action = QAction(self)
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
                action.triggered.connect(lambda _checked=False, n=number - 1: self.show_area(n))
                self.addAction(action)
        self.sidebar.currentRowChanged.connect(self._switch)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        outer.addLayout(row, 1)
        self.setCentralWidget(body)
        self.statusBar().showMessage(_("Đang mở dữ liệu..."))
        settings = prefs()
        geometry = settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:  # the first time: as large as is comfortable on this screen (1366x768 laptops included)
            screen = QApplication.primaryScreen()
            room = screen.availableGeometry() if screen is not None else None
            self.resize(min(1200, int(room.width() * 0.95)) if room else 1200,
                        min(760, int(room.height() * 0.9)) if room else 760)
        if callable(services):
            opener = services
            self.tasks.run(lambda: opened(opener()), self._ready, _("Đang mở dữ liệu..."))
        else:
            self._ready(opened(services))
        self.sidebar.setCurrentRow(0)

    def _ready(self, opened: tuple[Any, Any, Any]) -> None:
        from kbang_desktop.services.context import ROLE_NAMES

        self.services, self.office, mark = opened
        self.tasks.watch = ChangeWatch(self.services, mark)
        self.tasks.changed.connect(self.broadcast)
        self.setWindowTitle(_("Kbang Desktop - {office}").format(office=self.office.name))
        self.heading.setText(f"<b>{self.office.name}</b>")
        actor = self.services.ctx.actor
        self.who.setText(_("Đăng nhập: {name} ({role})").format(name=actor.display_name or actor.label,
                                                             role=_(ROLE_NAMES[actor.role])))
        self.statusBar().showMessage(_("Sẵn sàng."))
        self._switch(self.sidebar.currentRow())
        from kbang_desktop.services.clock import clock_warning

        ctx = self.services.ctx
        self.tasks.run(lambda: clock_warning(ctx), self._clock_told)

    def watch_background(self, job: Any) -> None:
        """Tell in the window, above the areas and in the status bar, when the day's backup running beside it
        fails (a full disk, a folder gone, damage found by the check before it): what happened and what to do."""
        if job is None:
            return
        from PySide6.QtCore import QTimer

        timer = QTimer(self)

        def look() -> None:
            if job.is_alive():
                return
            timer.stop()
            if job.problem is not None:
                self.show_backup_problem(job.problem)

        timer.timeout.connect(look)
        timer.start(300)
        look()

    def show_backup_problem(self, problem: BaseException) -> None:
        from kbang_desktop.core.errors import KbangError

        what = problem.translated() if isinstance(problem, KbangError) else type(problem).__name__
        text = _("Sao lưu hằng ngày chưa làm được: {problem} Dữ liệu đang dùng không bị thay đổi; hãy khắc phục "
                 "điều trên rồi mở lại chương trình để sao lưu (hoặc báo cho cán bộ phụ trách máy).").format(problem=what)
        self.backup_warning.setText(text)
        self.backup_warning.show()
        self.statusBar().showMessage(_("Chưa sao lưu được hôm nay."))

    def _clock_told(self, wrong: Any) -> None:
        if wrong is not None:
            self.clock_warning.setText(_("Cảnh báo: {problem}").format(problem=wrong.translated()))
            self.clock_warning.show()

    @property
    def areas(self) -> list[Area]:
        """Every area, built now if not yet (tests and closing look at all of them)."""
        return [self.build(row) for row in range(len(AREAS))]

    def build(self, row: int) -> Area:
        """An area is made the first time it is needed: the window opens without the others' imports."""
        if row not in self.built:
            area = area_class(row)(self)
            # In a scroll area: on a small screen or at 150% scaling, or in a language with longer
            # words, the area scrolls instead of making the window wider than the screen.
            holder = QScrollArea()
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            holder.setWidget(area)
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, holder)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.built[row] = area
        return self.built[row]

    def _switch(self, row: int) -> None:
        if not 0 <= row < len(AREAS):
            return
        if self.services is None:
            self.stack.setCurrentIndex(row)  # the area is made once the data is open
            return
        if 0 <= row < len(AREAS):
            area = self.build(row)
            self.stack.setCurrentIndex(row)
            area.activate()

    def broadcast(self, changes: Changes) -> None:
        """A write changed `changes`: every area made so far refreshes what it shows (now or when next
        shown); areas not made yet load fresh when first shown."""
        for area in list(self.built.values()):
            area.changed(changes)

    def show_area(self, row: int) -> None:
        self.sidebar.setCurrentRow(row)

    def show_help(self, which: str) -> None:
        from kbang_desktop.ui.help import HelpDialog

        dialog = HelpDialog(self, which)
        dialog.show()  # beside the window, not blocking it: read while working

    def about(self) -> None:
        from kbang_desktop import __version__

        tell(self, _("Giới thiệu Kbang Desktop"), _(
            "Kbang Desktop {version}: xây dựng xã hội học tập. Phần mềm tự do theo giấy phép GPL-3.0-or-later; "
            "phông chữ Liberation Serif theo giấy phép SIL Open Font License.").format(version=__version__))

    def logout(self) -> None:
        self.logging_out = True
        if self.close() and self.on_logout is not None:
            self.on_logout()
        self.logging_out = False

    def closeEvent(self, event) -> None:
        unsaved = [a for a in self.built.values() if getattr(a, "has_unsaved", lambda: False)()]
        if unsaved:
            if not ask(self, _("Chưa lưu"), _("Có thay đổi chưa lưu. Vẫn đóng cửa sổ?"), _("Đóng cửa sổ"),
                       _("Quay lại")):
                event.ignore()
                return
        prefs().setValue("main/geometry", self.saveGeometry())
        self.tasks.wait(10_000)
        event.accept()
        if not self.logging_out and self.on_logout is not None:
            QApplication.quit()  # closed by the user: the application ends (log-out shows the log-in)
