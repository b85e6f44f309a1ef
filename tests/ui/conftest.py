"""Qt settings (column widths, language) go to a folder of the test, never to the user's profile; the
main window fixture that the workflow tests share."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_qt_settings(tmp_path):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qt-settings"))
    yield


@pytest.fixture
def window(qtbot, services):
    """The main window on the `services` fixture's commune (set up a minute ago), shown; its background
    work waited for at the end."""
    from kbang_desktop.ui.main_window import MainWindow

    win = MainWindow(services)
    win.tasks.quiet = True
    qtbot.addWidget(win)
    win.show()
    yield win
    win.tasks.wait()


@pytest.fixture
def answer():
    """`answer(fn, ...)`: the next modal dialogs are answered by these functions in turn, inside the
    dialog's own event loop (each fills the fields and presses the real buttons). A dialog nobody
    expected fails the test instead of waiting for a user."""
    from kbang_desktop.ui.shared.dialogs import answering

    queue: list = []
    seen: list[str] = []

    def responder(dialog):
        seen.append(f"{type(dialog).__name__}: {dialog.windowTitle()}")
        if not queue:
            raise AssertionError(f"a dialog nobody expected: {seen[-1]} {getattr(dialog, 'text', lambda: '')()!r}")
        queue.pop(0)(dialog)

    with answering(responder):
        yield lambda *answers: queue.extend(answers)
    assert not queue, f"{len(queue)} answer(s) left for dialogs that never came (seen: {seen})"
