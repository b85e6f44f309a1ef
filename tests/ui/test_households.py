"""Người dân và hộ gia đình, the households tab: the list (village, number, head, members), a household
added and its members changed, all by pressing the window's buttons; on a commune set up a minute ago
and on demo data."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from tests.ui.helpers import TIMEOUT, choose, click_row, click_tab, double_click_row, press, reply, save


def idle(qtbot, win) -> None:
    qtbot.waitUntil(lambda: not win.tasks.busy(), timeout=TIMEOUT)


def households_tab(qtbot, window):
    window.show_area(1)
    area = window.areas[1]
    idle(qtbot, window)
    qtbot.waitUntil(lambda: area.commune.currentData() is not None, timeout=TIMEOUT)
    click_tab(area.tabs, 1)
    idle(qtbot, window)
    return area


def test_a_fresh_commune_adds_a_household_and_changes_its_members(qtbot, window, services, answer):
    wife = services.persons.add("Đinh Thị Bŏk", "F", "1988", "Ba Na", "Kông Bơ La")  # recorded, in no household
    area = households_tab(qtbot, window)
    assert area.households.rowCount() == 0
    assert area.household_hint.isVisible() and "Thêm hộ..." in area.household_hint.text()
    assert not area.open_household_button.isEnabled()

    def new_household(form):
        assert not form.save_button.isEnabled()  # a number is needed
        form.village.setCurrentText("Làng Kon Lốc")  # a village not recorded yet
        QTest.keyClicks(form.number, "12")
        assert form.save_button.isEnabled()
        save(form)
        qtbot.waitUntil(lambda: form.result() == QDialog.DialogCode.Accepted, timeout=TIMEOUT)

    def new_head(dialog):
        qtbot.waitUntil(lambda: dialog.loaded, timeout=TIMEOUT)
        assert (dialog.village.currentText(), dialog.household.text()) == ("Làng Kon Lốc", "12")
        dialog.name.setText("Đinh Văn Hmưk")
        dialog.birth.setText("1985")
        dialog.relation.setCurrentIndex(dialog.relation.findData("Chủ hộ"))
        save(dialog)
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=TIMEOUT)

    def existing_wife(picker):
        QTest.keyClicks(picker.search, "dinh thi bok")
        qtbot.waitUntil(lambda: picker.model.rowCount() == 1, timeout=TIMEOUT)
        assert picker.model.rows[0].birth == "1988"
        assert not picker.save_button.isEnabled()  # the relation is still to choose
        choose(picker.relation, "Vợ")
        save(picker)

    def household(dialog):
        assert "Hộ số 12" in dialog.windowTitle() and "Làng Kon Lốc" in dialog.windowTitle()
        qtbot.waitUntil(lambda: dialog.model.filled, timeout=TIMEOUT)
        assert dialog.hint.isVisible()  # nobody yet: it says what to press
        press(dialog.new_member)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and not window.tasks.busy(), timeout=TIMEOUT)
        assert "Chủ hộ: Đinh Văn Hmưk" in dialog.heading.text()
        press(dialog.existing_member)
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 2 and not window.tasks.busy(), timeout=TIMEOUT)
        assert dialog.message.text() == "Đã thêm Đinh Thị Bŏk (sinh 1988) vào hộ."
        names = [p.full_name for p in dialog.model.rows]
        click_row(dialog.view, names.index("Đinh Thị Bŏk"))
        press(dialog.head_button)
        qtbot.waitUntil(lambda: "Chủ hộ: Đinh Thị Bŏk" in dialog.heading.text(), timeout=TIMEOUT)
        idle(qtbot, window)
        names = [p.full_name for p in dialog.model.rows]
        click_row(dialog.view, names.index("Đinh Văn Hmưk"))
        press(dialog.leave_button)  # answered: "Đưa ra khỏi hộ"
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and not window.tasks.busy(), timeout=TIMEOUT)
        save(dialog)  # "Đóng"

    answer(new_household, household, new_head, existing_wife, reply("Đưa ra khỏi hộ"))
    press(area.add_household_button)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: area.households.rowCount() == 1, timeout=TIMEOUT)
    row = area.households.rows[0]
    assert (row.village, row.number, row.head, row.members) == ("Làng Kon Lốc", "12", "Đinh Thị Bŏk", 1)
    assert area.household_count.text() == "1 hộ, 1 người đang ở"
    assert not area.household_hint.isVisible()
    recorded = services.households.get(row.id)
    assert recorded.head_person_id == wife.id
    husband = services.persons.search("dinh van hmuk")[0]
    assert services.persons.get(husband.id).household_id is None
    assert services.persons.get(wife.id).relation_to_head == "Chủ hộ"
    assert area.village.findText("Làng Kon Lốc") >= 0  # the new village is in the filter now


def test_a_number_already_used_in_the_village_is_refused_in_the_form(qtbot, window, services, answer):
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng A")
    services.households.add("Kông Bơ La", "Làng A", "7", head.id)
    area = households_tab(qtbot, window)
    qtbot.waitUntil(lambda: area.households.rowCount() == 1, timeout=TIMEOUT)

    def again(form):
        choose(form.village, "Làng A")
        QTest.keyClicks(form.number, "7")
        save(form)
        qtbot.waitUntil(lambda: "đã có hộ số 7" in form.problem.text(), timeout=TIMEOUT)
        assert form.isVisible()  # nothing lost: the form stays open with the reason
        form.reject()

    answer(again)
    press(area.add_household_button)
    idle(qtbot, window)
    assert area.households.rowCount() == 1


def test_demo_households_listed_with_their_members(qtbot, window, services, answer):
    from kbang_desktop.services.demo import DemoService

    DemoService(services.ctx).generate(communes=1, people_per_commune=120, seed=3)
    area = households_tab(qtbot, window)
    qtbot.waitUntil(lambda: area.households.rowCount() > 0, timeout=TIMEOUT)
    rows = area.households.rows
    everywhere = sum(len(services.households.list(u.id)) for u in services.units.list())  # merged communes too
    assert len(rows) == everywhere
    assert all(r.head for r in rows) and sum(r.members for r in rows) > len(rows)
    villages = [r.village for r in rows]
    assert villages == sorted(villages, key=lambda v: v)  # by village, then by number
    first_village = rows[0].village
    choose(area.village, first_village)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: {r.village for r in area.households.rows} == {first_village}, timeout=TIMEOUT)
    shown = area.households.rows[0]
    members = services.households.members(shown.id)

    def look(dialog):
        qtbot.waitUntil(lambda: dialog.model.rowCount() == len(members), timeout=TIMEOUT)
        assert f"Chủ hộ: {shown.head}" in dialog.heading.text()
        click_row(dialog.view, 0)
        assert dialog.edit_button.isEnabled()
        save(dialog)

    answer(look)
    double_click_row(area.household_view, 0)
    idle(qtbot, window)
