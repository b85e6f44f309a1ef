"""The main window: a sidebar of areas, the area shown, who is logged in. Main thread only."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kbang_desktop.i18n import _
from kbang_desktop.services.context import ROLE_NAMES
from kbang_desktop.services.registry import Services
from kbang_desktop.ui.prefs import prefs
from kbang_desktop.ui.tasks import Tasks


def _app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Kbang Desktop")
    app.setOrganizationName("Kbang Desktop")
    return app  # type: ignore[return-value]


class Area(QWidget):
    """One area of the window. Loads its data (in the background) the first time it is shown."""

    title = ""  # msgid

    def __init__(self, window: "MainWindow") -> None:
        super().__init__()
        self.window_ = window
        self.services = window.services
        self.tasks = window.tasks
        self.loaded = False

    @property
    def can_write(self) -> bool:
        return self.services.ctx.actor.role != "viewer"

    def activate(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.refresh()

    def refresh(self) -> None:
        """Fetch what the area shows; override."""


def area_classes() -> list[type[Area]]:
    from kbang_desktop.ui.admin import AuditArea, ReferenceArea
    from kbang_desktop.ui.certificates import CertificatesArea
    from kbang_desktop.ui.excel import ExcelArea
    from kbang_desktop.ui.literacy import LiteracyArea
    from kbang_desktop.ui.models_area import ModelsArea
    from kbang_desktop.ui.overview import OverviewArea
    from kbang_desktop.ui.people import CentresArea, PeopleArea
    from kbang_desktop.ui.reports import ReportsArea
    from kbang_desktop.ui.settings import SettingsArea
    from kbang_desktop.ui.sync import SyncArea

    return [OverviewArea, PeopleArea, CentresArea, LiteracyArea, ModelsArea, CertificatesArea, SyncArea, ReportsArea,
            ExcelArea, ReferenceArea, AuditArea, SettingsArea]


class MainWindow(QMainWindow):
    def __init__(self, services: Services, on_logout: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.services = services
        self.on_logout = on_logout
        self.logging_out = False
        self.tasks = Tasks(self)
        office = services.offices.this_office()
        self.office = office
        self.setWindowTitle(_("Kbang Desktop - {office}").format(office=office.name))
        self.setWindowIcon(app_icon())
        body = QWidget()
        outer = QVBoxLayout(body)
        top = QHBoxLayout()
        heading = QLabel(f"<b>{office.name}</b>")
        actor = services.ctx.actor
        self.who = QLabel(_("Đăng nhập: {name} ({role})").format(name=actor.display_name or actor.label,
                                                               role=_(ROLE_NAMES[actor.role])))
        self.who.setObjectName("who")
        logout = QPushButton(_("Đăng xuất"))
        logout.setObjectName("logout")
        logout.clicked.connect(self.logout)
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.who)
        top.addWidget(logout)
        outer.addLayout(top)
        row = QHBoxLayout()
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(260)
        self.sidebar.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 7px 6px; }")
        self.stack = QStackedWidget()
        self.areas: list[Area] = []
        for number, cls in enumerate(area_classes(), 1):
            area = cls(self)
            self.areas.append(area)
            self.stack.addWidget(area)
            item = QListWidgetItem(_(cls.title))
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
        self.statusBar().showMessage(_("Sẵn sàng."))
        settings = prefs()
        geometry = settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)
        self.sidebar.setCurrentRow(0)

    def _switch(self, row: int) -> None:
        if 0 <= row < len(self.areas):
            self.stack.setCurrentIndex(row)
            self.areas[row].activate()

    def show_area(self, row: int) -> None:
        self.sidebar.setCurrentRow(row)

    def area(self, cls: type) -> Area:
        return next(a for a in self.areas if isinstance(a, cls))

    def logout(self) -> None:
        self.logging_out = True
        if self.close() and self.on_logout is not None:
            self.on_logout()
        self.logging_out = False

    def closeEvent(self, event) -> None:
        unsaved = [a for a in self.areas if getattr(a, "has_unsaved", lambda: False)()]
        if unsaved:
            answer = QMessageBox.question(self, _("Chưa lưu"), _("Có thay đổi chưa lưu. Vẫn đóng cửa sổ?"))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        prefs().setValue("main/geometry", self.saveGeometry())
        self.tasks.wait(10_000)
        event.accept()
        if not self.logging_out and self.on_logout is not None:
            QApplication.quit()  # closed by the user: the application ends (log-out shows the log-in)


def app_icon() -> QIcon:
    from kbang_desktop.paths import resource

    path = resource("icons", "kbang.png")
    return QIcon(str(path)) if path.exists() else QIcon()


def summary_of(services: Services) -> dict[str, int]:
    return {"persons": services.persons.count(), "centres": len(services.centres.list()),
            "classes": len(services.literacy.classes())}


def run(services: Services) -> int:
    """Log in, show the window; log out returns to the log-in."""
    from kbang_desktop import i18n
    from kbang_desktop.ui.login import LoginDialog
    from kbang_desktop.ui.settings import install_qt_translations

    app = _app()
    app.setWindowIcon(app_icon())
    install_qt_translations(app, i18n.current_language())
    install_excepthook()
    windows: list[MainWindow] = []

    def login() -> None:
        dialog = LoginDialog(services)
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.actor is None:
            app.quit()
            return
        window = MainWindow(services.as_actor(dialog.actor), on_logout=login)
        windows[:] = [window]
        window.show()

    app.setQuitOnLastWindowClosed(False)
    login()
    if not windows:
        return 0
    return app.exec()


def install_excepthook() -> None:
    """An unexpected exception in a slot writes a report and says so; it never closes the window silently."""
    import traceback

    from kbang_desktop.ui.tasks import show_error, write_crash_report

    def hook(kind, error, trace) -> None:
        details = "".join(traceback.format_exception(kind, error, trace))
        write_crash_report(details)
        show_error(QApplication.activeWindow(), error, details)

    sys.excepthook = hook


def show_fatal(message: str) -> int:
    _app()
    QMessageBox.critical(None, "Kbang Desktop", message)
    return 1
