"""Qt's own dialogs (file, print, page set-up, message box) in Vietnamese: every word they show is
translated by translations/qt/qtbase_vi.ts (a word left in English fails here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from kbang_desktop.i18n import translations_dir

# Words that are the same in both languages: units and the names of paper standards (like "A4").
SAME = {"PDF", "pdf", "ANSI", "JIS", "PRC", "Letter", "Legal", "Ledger", "Tabloid", "Executive", "Folio", "Quarto",
        "Super", "Cicero", "Didot", "Pica", "in", "mm", "pt", "CC", "DD", "Kbang", "RA", "SRA"}


def english(text: str) -> bool:
    """A text with a word of two letters or more that is not a name both languages use; not a path."""
    return not text.startswith("/") and any(w not in SAME for w in re.findall(r"[A-Za-z]{2,}", text))


def words(widget: QWidget) -> set[str]:
    """The texts of the dialog that read as English."""
    return {text for text in texts(widget) if english(text)}


def texts(widget: QWidget) -> set[str]:
    """Every text a user can read in the dialog (titles, labels, buttons, list entries, tabs, tooltips)."""
    found = {widget.windowTitle()}
    for child in [widget, *widget.findChildren(QWidget)]:
        found.add(child.toolTip())
        if isinstance(child, (QLabel, QAbstractButton)):
            found.add(child.text())
        if isinstance(child, QGroupBox):
            found.add(child.title())
        if isinstance(child, QLineEdit):
            found.add(child.placeholderText())
        if isinstance(child, QComboBox):
            found.update(child.itemText(i) for i in range(child.count()))
        if isinstance(child, QTabWidget):
            found.update(child.tabText(i) for i in range(child.count()))
        if isinstance(child, QAbstractItemView) and child.model() is not None:
            model = child.model()
            found.update(str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                         for c in range(model.columnCount()))
    return {text.replace("&", "").strip() for text in found if text}


def dialogs() -> list[QWidget]:
    files = QFileDialog(None, "x", "", "PDF (*.pdf)")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    files.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    opening = QFileDialog(None, "x")
    opening.setOption(QFileDialog.Option.DontUseNativeDialog)
    printer = QPrinter()
    printing = QPrintDialog(printer)
    setup = QPageSetupDialog(printer)
    box = QMessageBox(QMessageBox.Icon.Warning, "x", "x", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Close)
    box.setDetailedText("x")
    shown = [files, opening, printing, setup, box]
    for dialog in shown:
        dialog.show()
    QApplication.processEvents()
    options = [b for b in printing.findChildren(QAbstractButton) if "Options" in b.text() or "Tùy chọn" in b.text()]
    for button in options:  # the hidden half of the print dialog ("Options >>")
        button.click()
    QApplication.processEvents()
    return shown


def left_in_english() -> dict[str, list[str]]:
    """In a fresh application (no translator yet): the dialogs' texts in Qt's English, then with ours;
    the texts that did not change and read as English."""
    app = QApplication.instance() or QApplication([])
    english = [words(d) for d in dialogs()]
    translator = QTranslator(app)
    assert translator.load(str(translations_dir() / "qt" / "qtbase_vi.qm")), "make compile makes qtbase_vi.qm"
    QCoreApplication.installTranslator(translator)
    from kbang_desktop.ui.shared.dialogs import install_printer_words

    install_printer_words(app)  # as the application does at start: a real printer's paper names in Qt's words
    vietnamese = dialogs()
    # the names of this PC's printers (a printer called "PDF", "Generic CUPS-PDF Printer") are names, not words
    printers = {text for info in QPrinterInfo.availablePrinters() for text in (info.printerName(), info.makeAndModel(),
                                                                                  info.description(), info.location())}
    left = {}
    for before, dialog in zip(english, vietnamese, strict=True):
        same = (before & words(dialog)) - printers
        if same:
            left[type(dialog).__name__] = sorted(same)
    assert any("Tên tệp" in w for w in texts(vietnamese[0])), "the words really changed"
    return left


def test_qt_dialogs_have_no_english_word_left():
    # Its own process: the other tests' application already has the Vietnamese translator installed.
    result = subprocess.run([sys.executable, __file__], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


if __name__ == "__main__":
    left = left_in_english()
    print(left)
    sys.exit(1 if left else 0)
