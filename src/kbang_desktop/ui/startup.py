"""Start-up: the application object, Qt's own strings in the user's language, the error hook, and the
loop of log-in and main window (log-out returns to the log-in). Main thread only."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from kbang_desktop.i18n import translations_dir
from kbang_desktop.ui.shared.dialogs import install_printer_words
from kbang_desktop.ui.shared.prefs import saved_language
from kbang_desktop.ui.shared.widgets import app_icon

__all__ = ["install_qt_translations", "prepared_app", "run", "saved_language"]

if TYPE_CHECKING:
    from kbang_desktop.services.registry import Services


def install_qt_translations(app: QApplication, lang: str) -> bool:
    """Qt's own buttons and dialogs in the chosen language (our Vietnamese file; Qt's for others).
    False when the file is missing (an incomplete installation: the self-test says so)."""
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese if lang == "vi" else QLocale.Language.English))
    translator = QTranslator(app)
    if lang == "vi":
        loaded = translator.load(str(translations_dir() / "qt" / "qtbase_vi.qm"))
    else:
        loaded = translator.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if loaded:
        app.installTranslator(translator)
    return loaded


def _app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Kbang Desktop")
    app.setOrganizationName("Kbang Desktop")
    return app  # type: ignore[return-value]


def prepared_app() -> QApplication:
    """The application with its icon, Qt's own strings in the user's language and the error hook,
    set once, for whatever shows first (the set-up assistant or the log-in)."""
    from kbang_desktop import i18n

    app = _app()
    if not app.property("kbang_prepared"):
        app.setProperty("kbang_prepared", True)
        app.setWindowIcon(app_icon())
        install_qt_translations(app, i18n.current_language())
        install_printer_words(app)  # a printer driver's paper names and options: see PrinterWords
        install_excepthook()
    return app


def run(services: "Services | Callable[[], Any]") -> int:
    """Log in, show the window; log out returns to the log-in."""
    from kbang_desktop.ui.login import LoginDialog
    from kbang_desktop.ui.main_window import MainWindow

    app = prepared_app()
    windows: list[MainWindow] = []
    opened: list[Any] = []

    def login() -> None:
        dialog = LoginDialog(opened[0] if opened else services)
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.actor is None:
            app.quit()
            return
        opened[:] = [dialog.services]
        window = MainWindow(dialog.services.as_actor(dialog.actor), on_logout=login)
        windows[:] = [window]
        window.show()
        if dialog.door is not None:  # the day's backup (and check) running beside the window: its trouble shown
            window.watch_background(dialog.door.backup)
        if dialog.recovery_key:  # this log-in encrypted the database of an older version
            from kbang_desktop.ui.login import office_name, show_recovery_key

            show_recovery_key(window, dialog.recovery_key, office_name(dialog.services))

    app.setQuitOnLastWindowClosed(False)
    login()
    if not windows:
        return 0
    return app.exec()


def install_excepthook() -> None:
    """An unexpected exception in a slot writes a report and says so; it never closes the window silently."""
    from kbang_desktop.ui.shared.tasks import show_error

    def hook(kind, error, trace) -> None:
        show_error(QApplication.activeWindow(), error, "window")  # writes the report (no personal data)

    sys.excepthook = hook
