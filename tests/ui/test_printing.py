"""Printing certificates: "In..." prints the PDF that "Lưu PDF" writes, landscape pages landscape and
whole (not shrunk onto half a portrait page), off the GUI thread; here the printer is Qt's PDF printer."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit

from kbang_desktop.ui.main_window import MainWindow
from tests.documents.helpers import issued_decision
from tests.ui.helpers import TIMEOUT, click_row, press


def choose_print_to_file(dialog) -> None:
    """Choose Qt's "Print to File (PDF)" in the print dialog's list of printers, as a user would: the
    list's last entry (Qt adds it after the system's printers), whatever printers (CUPS, a PDF printer)
    this PC has, so that the pages go to the file named below and to no real printer."""
    printers = dialog.findChild(QComboBox, "printers")
    if printers is not None and printers.count():
        printers.setCurrentIndex(printers.count() - 1)
    assert dialog.findChild(QLineEdit, "filename").isEnabled()  # the file entry is the one chosen


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
        choose_print_to_file(dialog)
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
        choose_print_to_file(dialog)
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


def _pictures(pdf, folder, name):
    """The pages of a PDF as 60-dpi greyscale pictures (poppler's pdftoppm)."""
    import subprocess

    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(folder / name)], check=True)
    return [Image.open(p).convert("L") for p in sorted(folder.glob(f"{name}-*.png"))]


def _difference(a, b) -> int:
    """How far apart two pictures of a page are: the largest difference of grey, 0-255, once both are
    blurred over 2 pixels (sub-pixel offsets of anti-aliased edges vanish, a word or a QR code does not).
    Qt's A4 is whole points, 595 × 842, against 595.28 × 841.89: a row of pixels may be missing from one."""
    from PIL import ImageChops, ImageFilter

    box = (0, 0, min(a.width, b.width), min(a.height, b.height))
    a, b = (p.crop(box).filter(ImageFilter.GaussianBlur(2)) for p in (a, b))
    return ImageChops.difference(a, b).getextrema()[1]


def test_printing_paints_the_saved_pdf_and_records_it(qtbot, window, services, tmp_path, answer, monkeypatch):
    """"In..." pressed (the dialog accepted, the printer a PDF file): three A4-landscape pages, vector,
    holding each certificate's words and QR code as the PDF "Lưu PDF" saves them, and looking like it;
    the print is recorded (serials 1-3, the codes the preview showed)."""
    import subprocess

    import zxingcpp
    from PIL import Image
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from kbang_desktop.documents.certificates import records_in_pdf
    from kbang_desktop.ui.areas import certificates as area_module
    from tests.documents.helpers import flat, pdf_pages
    from tests.ui.helpers import files

    decision = issued_decision(services)
    area = window.areas[5]
    window.show_area(5)
    qtbot.waitUntil(lambda: area.decisions.rowCount() == 1, timeout=TIMEOUT)
    click_row(area.list, 0)
    qtbot.waitUntil(lambda: area.document.pageCount() == 3 and area.print_button.isEnabled(), timeout=TIMEOUT)
    shown = records_in_pdf(area.preview_path.read_bytes())  # the QR codes the screen shows
    printed = tmp_path / "may-in.pdf"

    class FilePrinter(QPrinter):
        def __init__(self, *args):
            super().__init__(*args)
            self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.setOutputFileName(str(printed))

    class Accepting(QPrintDialog):
        def exec(self):
            return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(area_module, "QPrinter", FilePrinter)
    monkeypatch.setattr(area_module, "QPrintDialog", Accepting)
    answer(lambda dialog: None)  # the print dialog, accepted above
    press(area.print_button)
    qtbot.waitUntil(lambda: "Đã gửi 3 trang" in area.message.text(), timeout=TIMEOUT)
    assert "Đã ghi nhận lần in: 3 giấy, số vào sổ 1–3." in area.message.text()
    certificates = services.certificates.for_decision(decision.id)
    assert [c.serial for c in certificates] == [1, 2, 3]  # recorded, as "Lưu PDF" records
    assert all(len(services.certificates.prints(c.id)) == 1 for c in certificates)

    # "Lưu PDF" of the same decision now (a reprint: same serials, same codes)
    saved = tmp_path / "luu.pdf"
    files(monkeypatch, save=saved)

    def reason(dialog):
        dialog.text.setText("In thêm bản lưu")
        press(dialog.save_button)

    answer(reason)
    press(area.save_button)
    qtbot.waitUntil(lambda: saved.exists() and "Đã lưu" in area.message.text(), timeout=TIMEOUT)
    assert records_in_pdf(saved.read_bytes()) == shown

    pages = PdfReader(str(printed)).pages
    assert len(pages) == 3
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height and abs(width - 841.9) < 3 and abs(height - 595.3) < 3  # A4 landscape
        assert len(page.images) == 1  # vector: no picture of the page, only the QR code's (as in the saved PDF)
    assert [flat(t) for t in pdf_pages(printed)] == [flat(t) for t in pdf_pages(saved)]
    assert "Số vào sổ: 2/2026" in flat(pdf_pages(printed)[1])

    on_paper = _pictures(printed, tmp_path, "in")
    on_file = _pictures(saved, tmp_path, "luu")
    assert len(on_paper) == len(on_file) == 3
    for paper, file in zip(on_paper, on_file, strict=True):
        assert abs(paper.width - file.width) <= 1 and abs(paper.height - file.height) <= 1
    for index, (paper, file) in enumerate(zip(on_paper, on_file, strict=True)):
        assert _difference(paper, file) < 64, index  # the same page, but for anti-aliasing (measured: 40)
        assert _difference(paper, on_file[(index + 1) % 3]) > 96  # and not another one (measured: 117-146)
    scans = []
    for index in range(3):  # the QR code on paper is the one the screen showed
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(index + 1), "-l", str(index + 1), str(printed),
                        str(tmp_path / f"qr{index}")], check=True)
        picture = Image.open(next(tmp_path.glob(f"qr{index}-*.png"))).convert("L")
        scans += [code.text for code in zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert scans == shown


def test_tens_of_thousands_of_qt_calls_do_not_abort_the_program():
    """PySide6 6.12.0 on Python 3.11 loses a reference to None at every call of a Qt method that returns
    nothing; printing 500 certificates makes ~400,000 such calls. kbang_desktop.ui makes up for it."""
    import sys

    from PySide6.QtCore import QPointF


    point = QPointF()
    for _ in range(50_000):
        point.setX(1.0)
    assert sys.getrefcount(None) > 1000


def test_the_preview_folder_keeps_one_preview_and_goes_with_the_window(qtbot, services):
    """Each preview replaces the file of the one before; the folder is deleted when the window goes."""
    from tests.ui.helpers import choose

    issued_decision(services)
    win = MainWindow(services)
    win.tasks.quiet = True
    win.show()
    area = win.areas[5]
    win.show_area(5)
    qtbot.waitUntil(lambda: area.decisions.rowCount() == 1, timeout=TIMEOUT)
    click_row(area.list, 0)
    qtbot.waitUntil(lambda: area.document.pageCount() == 3, timeout=TIMEOUT)
    folder, first = area.folder, area.preview_path
    assert folder.is_dir() and first.parent == folder
    choose(area.what, "Danh sách kèm theo quyết định")
    qtbot.waitUntil(lambda: area.preview_path != first and area.document.pageCount() >= 1, timeout=TIMEOUT)
    assert list(folder.iterdir()) == [area.preview_path]  # the first preview's file is gone
    win.tasks.wait()
    win.close()
    win.deleteLater()
    qtbot.waitUntil(lambda: not folder.exists(), timeout=TIMEOUT)


def test_the_template_names_are_shown_whole(qtbot, window, services):
    """The list of templates is not cut to "Khổ A4, in r" by the narrow pane."""
    issued_decision(services)
    area = window.areas[5]
    window.show_area(5)
    qtbot.waitUntil(lambda: area.template.count() >= 2, timeout=TIMEOUT)
    qtbot.wait(50)
    combo = area.template
    longest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.width() >= combo.sizeHint().width() and combo.width() > longest
    what = area.what
    assert what.width() >= what.sizeHint().width()


def test_the_lists_beside_a_pane_show_no_needless_horizontal_scrollbar(qtbot, window, services):
    """Giấy công nhận and Xóa mù chữ at 1366 x 768: the list pane is as wide as its columns."""
    issued_decision(services)
    window.resize(1366, 768)
    for row, view in ((5, lambda: window.areas[5].list), (3, lambda: window.areas[3].class_view)):
        window.show_area(row)
        qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda view=view: not view().horizontalScrollBar().isVisible(), timeout=TIMEOUT)
        shown = view()
        assert shown.horizontalHeader().length() <= shown.viewport().width()
