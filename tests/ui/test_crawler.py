"""The crawler: in a demo commune, a commune set up today and a hub, it visits every area, picks the
first row of every list and presses every enabled button, cancelling each dialog that opens (file
dialogs answered with nothing). Anything unexpected that reaches the error hook fails the test; a
refusal in the user's words (KbangError) is a normal answer and does not."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QCalendarWidget, QTableView, QTabWidget

from kbang_desktop.core.errors import KbangError
from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import open_services
from kbang_desktop.ui.main_window import MainWindow
from kbang_desktop.ui.shared import tasks as tasks_module
from kbang_desktop.ui.shared.dialogs import answering
from tests.conftest import TEST_PASSWORD, TEST_USER, TODAY
from tests.ui.helpers import TIMEOUT, click_row, files

# Buttons the crawler leaves alone: they end the session, not a workflow.
SKIP = {"logout"}


def office(kind: str, path):
    services = open_services(path, Actor("os:tester", "admin"))
    services.ctx.today = lambda: TODAY
    if kind == "hub":
        services.offices.initialise("hub", "Phòng Giáo dục và Đào tạo Kbang", None, TEST_USER, TEST_PASSWORD)
    else:
        services.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La", TEST_USER, TEST_PASSWORD)
    if kind == "demo":
        from kbang_desktop.services.demo import DemoService

        DemoService(services.ctx).generate(communes=1, people_per_commune=150, seed=2)
    return services


def idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
    QApplication.processEvents()


@pytest.mark.parametrize("kind", ["demo", "today", "hub"])
def test_every_button_of_every_area(qtbot, tmp_path, monkeypatch, kind):
    services = office(kind, tmp_path / "kbang.db")
    unexpected: list[str] = []

    def reported(_parent, error, details=""):
        if not isinstance(error, KbangError):
            unexpected.append(details or repr(error))

    monkeypatch.setattr(tasks_module, "show_error", reported)
    monkeypatch.setattr(sys, "excepthook", lambda kind_, error, trace: unexpected.append(repr(error)))
    files(monkeypatch, save="", open_="", folder="")  # every file dialog: the user cancels
    opened: list[str] = []
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    pressed = 0
    with answering(lambda dialog: opened.append(type(dialog).__name__)):  # left open: run_modal cancels it
        for row in range(window.sidebar.count()):
            window.show_area(row)
            idle(qtbot, window)
            area = window.areas[row]
            for tabs in [area, *area.findChildren(QTabWidget)][1:]:
                for index in range(tabs.count()):
                    tabs.setCurrentIndex(index)
                    idle(qtbot, window)
            for view in area.findChildren(QTableView):
                inside_calendar = any(view in c.findChildren(QTableView) for c in area.findChildren(QCalendarWidget))
                if not inside_calendar and view.model() is not None and view.model().rowCount() and view.isVisible():
                    click_row(view, 0)
                    idle(qtbot, window)
            for button in area.findChildren(QAbstractButton):
                if (button.objectName() in SKIP or not button.isEnabled() or not button.isVisibleTo(area)
                        or getattr(button, "menu", lambda: None)() is not None):
                    continue
                button.click()
                pressed += 1
                idle(qtbot, window)
                assert not unexpected, f"{kind}, {_title(window, row)}, {button.text()!r}:\n" + "\n".join(unexpected)
    window.tasks.wait()
    assert pressed > 20, pressed
    assert opened  # the dialogs really opened (and were cancelled)
    window.close()
    services.ctx.db.close()


def _title(window, row: int) -> str:
    return window.sidebar.item(row).text()
