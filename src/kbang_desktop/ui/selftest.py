"""The desktop program's part of `--self-test` (cli/selftest.py runs the core checks first)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def window_steps(folder: Path, state: dict[str, Any]) -> list[tuple[str, Callable[[], str]]]:
    """The desktop program's own checks after the core ones: Qt and its plugins, the translated Qt
    strings, the main window on the self-test's database, the PDF viewer on its certificate."""
    import os

    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no window appears
    app: list[Any] = []

    def qt() -> str:
        from PySide6 import __version__ as pyside
        from PySide6.QtWidgets import QApplication

        from kbang_desktop.ui.startup import install_qt_translations

        app.append(QApplication.instance() or QApplication(["kbang-desktop"]))
        translated = install_qt_translations(app[0], "vi")
        return f"PySide6 {pyside}, {app[0].platformName()}, Qt strings in Vietnamese: {translated}"

    def window() -> str:
        from kbang_desktop.ui.main_window import MainWindow

        shown = MainWindow(state["services"])
        shown.show()
        for row in range(len(shown.areas)):
            shown.show_area(row)
            app[0].processEvents()
        shown.tasks.wait()
        count = len(shown.areas)
        shown.close()
        return f"{count} areas"

    def viewer() -> str:
        from PySide6.QtPdf import QPdfDocument

        document = QPdfDocument()
        document.load(str(folder / "certificate.pdf"))
        if document.pageCount() != 1:
            raise RuntimeError(f"QtPdf: {document.status()}")
        return "QtPdf reads the certificate"

    return [("Qt", qt), ("main window", window), ("PDF viewer", viewer)]
