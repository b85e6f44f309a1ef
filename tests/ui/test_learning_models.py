"""Mô hình học tập in the window, driven as a user would: the real buttons, the real lists, the dialogs
answered by pressing their buttons; on a commune set up a minute ago and on demo data."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui import test_window
from tests.ui.helpers import TIMEOUT, choose, click_row, press, save

window = test_window.window  # the fixture: the main window of the `services` commune

MODELS = 4  # the area's row in the sidebar


def idle(qtbot, win) -> None:
    qtbot.waitUntil(lambda: not win.tasks.busy(), timeout=TIMEOUT)


def open_models(qtbot, win):
    area = win.areas[MODELS]
    win.show_area(MODELS)
    idle(qtbot, win)
    return area


def fresh_commune(services):
    """What an officer enters on the first day: two villages, three households with their heads."""
    heads = []
    for name, village, number in (("Đinh Văn Hmưk", "Làng Kon Lốc", "1"), ("Rơ Châm Hlim", "Làng Kon Lốc", "2"),
                                  ("Đinh Thị Bŏk", "Làng Đak Asel", "7")):
        head = services.persons.add(name, "M", "1980", "Ba Na", "Kông Bơ La", village)
        services.households.add("Kông Bơ La", village, number, head.id)
        heads.append(head)
    return heads


def wait_dialog_list(qtbot, dialog, rows: int) -> None:
    qtbot.waitUntil(lambda: dialog.model.rowCount() == rows and not dialog.area.tasks.busy(), timeout=TIMEOUT)


def test_register_every_household_of_a_village_at_once(qtbot, window, services, answer):
    fresh_commune(services)
    area = open_models(qtbot, window)
    assert area.registrations.rowCount() == 0
    seen = {}

    def register(dialog):
        wait_dialog_list(qtbot, dialog, 3)
        assert not dialog.save_button.isEnabled()  # nothing chosen yet
        choose(dialog.village, "Làng Kon Lốc")
        assert [c.name for c in dialog.model.rows] == ["Đinh Văn Hmưk", "Rơ Châm Hlim"]
        press(dialog.select_all)
        seen["count"] = dialog.count.text()
        save(dialog)

    answer(register)
    press(area.register_button)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 2 and not window.tasks.busy(), timeout=TIMEOUT)
    assert "Đã chọn 2 trong 2 hộ gia đình" in seen["count"]
    assert sorted(r[1] for r in area.registrations.rows) == ["Hộ ông/bà Rơ Châm Hlim", "Hộ ông/bà Đinh Văn Hmưk"]
    assert "Đã đăng ký 2 hộ gia đình cho năm 2026" in area.message.text()
    assert {r.year for r in services.models.registrations(2026, "household")} == {2026}

    def again(dialog):
        wait_dialog_list(qtbot, dialog, 3)
        registered = [c.name for c in dialog.model.rows if c.registered]
        assert sorted(registered) == ["Rơ Châm Hlim", "Đinh Văn Hmưk"]  # greyed: they cannot be chosen twice
        row = next(i for i, c in enumerate(dialog.model.rows) if c.registered)
        assert not dialog.model.flags(dialog.model.index(row, 0)) & Qt.ItemFlag.ItemIsSelectable
        press(dialog.select_all)
        assert [c.name for c in dialog.chosen()] == ["Đinh Thị Bŏk"]
        save(dialog)

    answer(again)
    press(area.register_button)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 3 and not window.tasks.busy(), timeout=TIMEOUT)


def test_register_one_citizen_found_without_diacritics_then_a_new_clan_and_organisation(qtbot, window, services,
                                                                                         answer):
    fresh_commune(services)
    area = open_models(qtbot, window)

    def citizen(dialog):
        choose(dialog.kind, "Công dân học tập")
        wait_dialog_list(qtbot, dialog, 3)
        qtbot.keyClicks(dialog.search, "hlim")
        assert [c.name for c in dialog.model.rows] == ["Rơ Châm Hlim"]
        click_row(dialog.list, 0)
        save(dialog)

    answer(citizen)
    press(area.register_button)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 1 and not window.tasks.busy(), timeout=TIMEOUT)
    assert area.registrations.rows[0][0].model_kind == "citizen"
    assert "Đã đăng ký 1 người" in area.message.text()

    def clan(dialog):
        choose(dialog.kind, "Dòng họ học tập")
        qtbot.waitUntil(lambda: not dialog.area.tasks.busy() and dialog.add_subject.isVisible(), timeout=TIMEOUT)
        assert "chưa có dòng họ" in dialog.count.text()
        answer(lambda name: (name.text.setText("Dòng họ Đinh làng Kon Lốc"), save(name)))
        press(dialog.add_subject)
        wait_dialog_list(qtbot, dialog, 1)
        assert [c.name for c in dialog.chosen()] == ["Dòng họ Đinh làng Kon Lốc"]  # the new clan, chosen
        save(dialog)

    answer(clan)
    press(area.register_button)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 2 and not window.tasks.busy(), timeout=TIMEOUT)
    assert "Dòng họ Đinh làng Kon Lốc" in [r[1] for r in area.registrations.rows]

    def organisation(dialog):
        choose(dialog.kind, "Đơn vị học tập")
        qtbot.waitUntil(lambda: not dialog.area.tasks.busy() and dialog.add_subject.isVisible(), timeout=TIMEOUT)

        def new(form):
            assert not form.save_button.isEnabled()
            form.name.setText("Trường Tiểu học Kông Bơ La")
            choose(form.kind, "Trường học")
            save(form)

        answer(new)
        press(dialog.add_subject)
        wait_dialog_list(qtbot, dialog, 1)
        save(dialog)

    answer(organisation)
    press(area.register_button)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 3 and not window.tasks.busy(), timeout=TIMEOUT)

    def village(dialog):
        choose(dialog.kind, "Cộng đồng học tập (cấp thôn)")
        qtbot.waitUntil(lambda: dialog.model.rowCount() >= 2 and not dialog.area.tasks.busy(), timeout=TIMEOUT)
        names = [c.name for c in dialog.model.rows]
        click_row(dialog.list, names.index("Làng Kon Lốc"))
        save(dialog)

    answer(village)
    press(area.register_button)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 4 and not window.tasks.busy(), timeout=TIMEOUT)
    kinds = {r[0].model_kind for r in area.registrations.rows}
    assert kinds == {"citizen", "clan", "organisation", "village"}


def test_register_many_citizens_of_a_demo_village(qtbot, window, services, answer):
    from kbang_desktop.services.demo import DemoService

    DemoService(services.ctx).generate(communes=1, people_per_commune=300, seed=5)
    area = open_models(qtbot, window)
    before = area.registrations.rowCount()
    chosen = {}

    def citizens(dialog):
        choose(dialog.kind, "Công dân học tập")
        qtbot.waitUntil(lambda: dialog.model.rowCount() > 50 and not dialog.area.tasks.busy(), timeout=TIMEOUT)
        dialog.village.setCurrentIndex(1)
        press(dialog.select_all)
        chosen["n"] = len(dialog.chosen())
        assert chosen["n"] > 5
        save(dialog)

    answer(citizens)
    press(area.register_button)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == before + chosen["n"] and not window.tasks.busy(),
                    timeout=TIMEOUT)


def test_cancel_registers_nobody(qtbot, window, services, answer):
    fresh_commune(services)
    area = open_models(qtbot, window)

    def cancel(dialog):
        wait_dialog_list(qtbot, dialog, 3)
        press(dialog.select_all)
        press(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))

    answer(cancel)
    press(area.register_button)
    idle(qtbot, window)
    assert services.models.registrations(2026) == [] and area.registrations.rowCount() == 0
