"""A first window over the services (the full desktop application is built in ui/ later)."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from kbang_desktop.i18n import _, format_number
from kbang_desktop.services.registry import Services


def _app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Kbang Desktop")
    return app  # type: ignore[return-value]


class MainWindow(QMainWindow):
    def __init__(self, services: Services, summary: dict[str, int]) -> None:
        super().__init__()
        office = services.offices.this_office()
        self.setWindowTitle(_("Kbang Desktop - {office}").format(office=office.name))
        body = QWidget()
        layout = QVBoxLayout(body)
        title = QLabel(f"<h2>{office.name}</h2>")
        layout.addWidget(title)
        for label, value in ((_("Người dân"), summary["persons"]),
                             (_("Trung tâm học tập cộng đồng"), summary["centres"]),
                             (_("Lớp xóa mù chữ"), summary["classes"])):
            layout.addWidget(QLabel(f"{label}: <b>{format_number(value)}</b>"))
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setCentralWidget(body)
        self.resize(720, 480)


def summary_of(services: Services) -> dict[str, int]:
    return {"persons": services.persons.count(), "centres": len(services.centres.list()),
            "classes": len(services.literacy.classes())}


def run(services: Services) -> int:
    app = _app()
    window = MainWindow(services, summary_of(services))
    window.show()
    return app.exec()


def show_fatal(message: str) -> int:
    _app()
    QMessageBox.critical(None, "Kbang Desktop", message)
    return 1
