"""At the hub, a commune's records are shown read-only: the person form says whose the record is."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QLabel

from kbang_desktop.ui.main_window import MainWindow
from tests.sync.net import Net
from tests.ui.helpers import TIMEOUT, double_click_row, press


@pytest.fixture
def hub_window(qtbot, tmp_path):
    net = Net(tmp_path)
    net.hub()
    commune = net.commune("b", "Đak Rong")
    person = commune.persons.add("Rơ Châm Thị Blơr", "F", "1990", "Jrai", "Đak Rong", "Làng B")
    assert net.exchange("b", "hub").status == "applied"
    win = MainWindow(net.sites["hub"])
    win.tasks.quiet = True
    qtbot.addWidget(win)
    win.show()
    yield win, net, person
    win.tasks.wait()
    net.close()


def test_the_hub_opens_a_communes_person_read_only_and_saving_writes_nothing(qtbot, hub_window, answer):
    win, net, person = hub_window
    hub = net.sites["hub"]
    area = win.areas[1]
    win.show_area(1)
    qtbot.waitUntil(lambda: any(r.id == person.id for r in area.model.rows), timeout=TIMEOUT)
    seen = []

    def look(dialog):
        note = dialog.findChild(QLabel, "read_only_note")
        assert note is not None and note.text() == "Bản ghi này thuộc xã Đak Rong; chỉ xã Đak Rong sửa được."
        assert dialog.name.text() == "Rơ Châm Thị Blơr" and not dialog.name.isEnabled()
        assert not dialog.birth.isEnabled() and not dialog.village.isEnabled() and not dialog.status.isEnabled()
        qtbot.waitUntil(lambda: dialog.loaded, timeout=TIMEOUT)
        dialog.check()
        assert not dialog.save_button.isEnabled()
        dialog.save_button.click()  # a disabled button does nothing, and the form stays open
        assert dialog.isVisible()
        seen.append(dialog.windowTitle())
        close = [b for b in dialog.buttons.buttons() if b.text() == "Đóng"]
        assert len(close) == 1
        press(close[0])

    answer(look)
    double_click_row(area.view, [r.id for r in area.model.rows].index(person.id))
    qtbot.waitUntil(lambda: seen == ["Thông tin người"], timeout=TIMEOUT)
    win.tasks.wait()
    assert hub.persons.get(person.id).rev == person.rev
