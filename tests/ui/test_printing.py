"""Printing certificates: "In..." prints the PDF that "Lưu PDF" writes, landscape pages landscape and
whole (not shrunk onto half a portrait page), off the GUI thread; here the printer is Qt's PDF printer."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from kbang_desktop.ui.main_window import MainWindow
from tests.documents.helpers import issued_decision
from tests.ui.helpers import TIMEOUT, click_row, press


@pytest.fixture
def window(qtbot, services):
    win = MainWindow(services)
    win.tasks.quiet = True
    qtbot.addWidget(win)
    win.show()
    yield win
    win.tasks.wait()


def test_print_sends_every_certificate_landscape(qtbot, window, services, tmp_path, answer):
    decision = issued_decision(services)
    area = window.areas[5]
    window.show_area(5)
    qtbot.waitUntil(lambda: area.decisions.rowCount() == 1, timeout=TIMEOUT)
    click_row(area.list, 0)
    qtbot.waitUntil(lambda: area.document.pageCount() == 3 and area.print_button.isEnabled(), timeout=TIMEOUT)
    out = tmp_path / "may-in.pdf"
    seen = {}

    def choose_file_printer(dialog):
        seen["landscape"] = dialog.printer().pageLayout().orientation().name
        dialog.findChild(QLineEdit, "filename").setText(str(out))
        box = dialog.findChild(QDialogButtonBox)
        press(next(b for b in box.buttons() if box.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole))

    answer(choose_file_printer)
    press(area.print_button)
    qtbot.waitUntil(lambda: "Đã gửi 3 trang" in area.message.text(), timeout=TIMEOUT)
    assert seen["landscape"] == "Landscape"  # the dialog opens on the certificate's paper
    pages = PdfReader(str(out)).pages
    assert len(pages) == 3
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height and abs(width - 841.9) < 3 and abs(height - 595.3) < 3  # A4 landscape, whole
    assert [c.serial for c in services.certificates.for_decision(decision.id)] == [1, 2, 3]  # recorded
    window.tasks.wait()


def test_a_print_cancelled_while_drawing_records_nothing(qtbot, window, services, tmp_path, answer, monkeypatch):
    """Hủy pressed while the pages are drawn: no print-log line, no serial used, nothing sent."""
    import threading

    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from kbang_desktop.documents import certificates as drawing

    decision = issued_decision(services)
    area = window.areas[5]
    window.show_area(5)
    qtbot.waitUntil(lambda: area.decisions.rowCount() == 1, timeout=TIMEOUT)
    click_row(area.list, 0)
    qtbot.waitUntil(lambda: area.document.pageCount() == 3 and area.print_button.isEnabled(), timeout=TIMEOUT)
    go = threading.Event()
    real = drawing.layout_certificate

    def held(*args, **kwargs):
        go.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(drawing, "layout_certificate", held)
    out = tmp_path / "may-in.pdf"

    def choose_file_printer(dialog):
        dialog.findChild(QLineEdit, "filename").setText(str(out))
        box = dialog.findChild(QDialogButtonBox)
        press(next(b for b in box.buttons() if box.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole))

    answer(choose_file_printer)
    press(area.print_button)

    def progress():
        return next((d for d in window.findChildren(QProgressDialog) if d.isVisible()), None)

    qtbot.waitUntil(lambda: progress() is not None, timeout=TIMEOUT)
    press(progress().findChild(QPushButton))  # Hủy
    go.set()
    window.tasks.wait()
    qtbot.wait(50)
    assert services.certificates.for_decision(decision.id) == []  # no serial used, nothing in the log
    assert not out.exists()
    assert "Đã gửi" not in area.message.text()
