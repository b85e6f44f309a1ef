"""The desktop application, offscreen: models, every area, and workflows driven through the widgets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

from kbang_desktop.core.text import fold, person_sort_key
from kbang_desktop.i18n import format_number
from kbang_desktop.ui.main_window import MainWindow
from kbang_desktop.ui.shared.tables import Col, ListModel, PagedModel
from tests.ui.helpers import TIMEOUT, choose, click_row, click_tab, double_click_row, files, pick_person, press, save


def _wait_idle(qtbot, win):
    qtbot.waitUntil(lambda: not win.tasks.busy(), timeout=TIMEOUT)


def test_every_area_opens_and_says_who_is_logged_in(qtbot, window):
    assert "UBND xã Kông Bơ La" in window.windowTitle()
    assert "os:tester" in window.who.text() and "Quản trị" in window.who.text()
    for row in range(window.sidebar.count()):
        window.show_area(row)
        _wait_idle(qtbot, window)
        assert window.stack.currentWidget().widget() is window.areas[row] and window.areas[row].loaded
    assert window.sidebar.count() == 12


def test_list_model_passes_the_model_tester(qtbot, qtmodeltester):
    model = ListModel((Col("Họ và tên", lambda r: r[0]), Col("Năm", lambda r: r[1], True)),
                      [("Đinh Văn Hmưk", 1980), ("Rơ Châm Hlim", 1950)])
    qtmodeltester.check(model)


def test_people_load_page_by_page_and_search_folds_vietnamese(qtbot, window, services, qtmodeltester):
    from kbang_desktop.services.demo import DemoService

    DemoService(services.ctx).generate(communes=1, people_per_commune=1200, seed=3)
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    area = window.areas[1]
    window.show_area(1)
    qtbot.waitUntil(lambda: area.model.rowCount() >= PagedModel.PAGE, timeout=TIMEOUT)
    assert area.model.rowCount() == PagedModel.PAGE  # the first page only
    living = len([r for r in services.persons.list() if not r.status])
    qtbot.waitUntil(lambda: area.count.text() == f"500 / {format_number(living)} người", timeout=TIMEOUT)
    qtmodeltester.check(area.model)

    def all_loaded() -> bool:
        if area.model.canFetchMore():
            area.model.fetchMore()  # as the view does when it is scrolled to the end
        return area.model.exhausted and not area.model.loading

    qtbot.waitUntil(all_loaded, timeout=TIMEOUT)
    everyone = services.persons.list()
    present = [r.id for r in everyone if not r.status]  # the list opens on people living in the commune
    assert 0 < len(present) < len(everyone)
    shown = area.model.rows
    assert sorted(r.id for r in shown) == sorted(present)
    keys = [person_sort_key(r.full_name) for r in shown]
    assert keys == sorted(keys)  # in Vietnamese order (given name first), page after page
    area.status.setCurrentIndex(area.status.findData(None))
    qtbot.waitUntil(lambda: all_loaded() and area.model.rowCount() == services.persons.count(), timeout=TIMEOUT)
    area.search.setText("dinh van hmuk")
    qtbot.waitUntil(lambda: 0 < area.model.rowCount() < 50 and not area.model.loading, timeout=TIMEOUT)
    assert "Đinh Văn Hmưk" in [r.full_name for r in area.model.rows]
    assert all("hmuk" in fold(r.full_name) for r in area.model.rows)


def test_add_a_person_through_the_form(qtbot, window, services, answer):
    area = window.areas[1]
    window.show_area(1)
    _wait_idle(qtbot, window)

    def fill(dialog):
        assert not dialog.save_button.isEnabled()
        qtbot.waitUntil(lambda: dialog.loaded, timeout=TIMEOUT)
        dialog.name.setText("x" * 121)
        assert "120" in dialog.problems["full_name"].text() and not dialog.save_button.isEnabled()
        qtbot.keyClicks(dialog.birth, "1850")
        assert "1850" in dialog.problems["birth"].text() and not dialog.save_button.isEnabled()
        dialog.birth.clear()
        assert dialog.sex.currentData() == "M"
        dialog.name.setText("Đinh Thị Bŏk")  # QTest cannot type letters outside Latin-1
        assert dialog.sex.currentData() == "F"  # "Thị": a woman's middle name
        qtbot.keyClicks(dialog.birth, "31/02/1990")
        assert "không có thật" in dialog.problems["birth"].text() and not dialog.save_button.isEnabled()
        dialog.birth.setText("1990")
        assert dialog.problems["birth"].text() == "" and dialog.save_button.isEnabled()
        dialog.sex.setCurrentIndex(dialog.sex.findData("F"))
        dialog.village.setCurrentText("Làng Kon Kơ Tu")
        save(dialog)
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=TIMEOUT)

    answer(fill)
    press(area.add_button)
    found = services.persons.search("dinh thi bok")
    assert [p.full_name for p in found] == ["Đinh Thị Bŏk"] and found[0].village == "Làng Kon Kơ Tu"


def test_certificates_preview_then_save_records_the_print(qtbot, window, services, tmp_path, monkeypatch):
    from tests.documents.helpers import issued_decision

    decision = issued_decision(services)
    area = window.areas[5]
    window.show_area(5)
    qtbot.waitUntil(lambda: area.decisions.rowCount() == 1, timeout=TIMEOUT)
    click_row(area.list, 0)
    qtbot.waitUntil(lambda: area.document.pageCount() == 3, timeout=TIMEOUT)
    assert services.certificates.for_decision(decision.id) == []  # a preview records nothing
    files(monkeypatch, save=tmp_path / "giay.pdf")
    press(area.save_button)
    qtbot.waitUntil(lambda: (tmp_path / "giay.pdf").exists() and not window.tasks.busy(), timeout=TIMEOUT)
    assert [c.serial for c in services.certificates.for_decision(decision.id)] == [1, 2, 3]
    assert "Đã ghi nhận lần in: 3 giấy, số vào sổ 1–3." in area.message.text()
    area.what.setCurrentIndex(1)  # the annex, then the certificates again: they were printed
    qtbot.waitUntil(lambda: area.message.text().endswith("đúng như khi in.") and not window.tasks.busy(), timeout=TIMEOUT)
    area.what.setCurrentIndex(0)
    qtbot.waitUntil(lambda: "Đã in 3 giấy" in area.message.text(), timeout=TIMEOUT)
    area.what.setCurrentIndex(1)  # the annex
    qtbot.waitUntil(lambda: area.document.pageCount() == 1 and not window.tasks.busy(), timeout=TIMEOUT)
    assert area.message.text() == "Bản xem trước: 1 trang, đúng như khi in."


def test_a_viewer_cannot_save(qtbot, services):
    services.users.create("xem", "matkhau123", "viewer", "Người xem")
    viewer = services.as_actor(services.users.authenticate("xem", "matkhau123"))
    win = MainWindow(viewer)
    qtbot.addWidget(win)
    win.show()
    assert "Chỉ xem" in win.who.text()
    assert not win.areas[1].add_button.isEnabled()
    assert not win.areas[6].export_button.isEnabled() and not win.areas[6].import_button.isEnabled()
    win.tasks.wait()


def test_reports_and_excel_import_through_the_window(qtbot, window, services, tmp_path, monkeypatch):
    from openpyxl import Workbook

    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    reports = window.areas[7]
    reports.open_after = False
    window.show_area(7)
    qtbot.waitUntil(lambda: reports.report.count() == 4, timeout=TIMEOUT)  # no hub-only report at a commune
    reports.format.setCurrentIndex(1)
    files(monkeypatch, save=tmp_path / "bao-cao.xlsx", open_=tmp_path / "ds.xlsx")
    press(reports.save_button)
    qtbot.waitUntil(lambda: (tmp_path / "bao-cao.xlsx").exists() and not window.tasks.busy(), timeout=TIMEOUT)
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))  # a PC without a viewer
    reports.open_after = True
    reports.format.setCurrentIndex(0)
    files(monkeypatch, save=tmp_path / "bao-cao.pdf")
    press(reports.save_button)
    qtbot.waitUntil(lambda: "chưa có chương trình mở được tệp PDF" in reports.message.text(), timeout=TIMEOUT)
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Thôn/Làng"])
    sheet.append(["Rơ Châm Hlim", 1950, "Nữ", "Jrai", "Làng A"])
    sheet.append(["Ksor Hyuh", "31/02/1990", "Nam", "Jrai", "Làng A"])
    book.save(tmp_path / "ds.xlsx")
    excel = window.areas[8]
    window.show_area(8)
    press(excel.choose)
    qtbot.waitUntil(lambda: excel.checked is not None, timeout=TIMEOUT)
    assert excel.problems.rowCount() == 1 and excel.problems.rows[0][0] == 3
    assert not excel.apply_button.isEnabled() and services.persons.count() == 1  # nothing saved yet
    excel.skip.setChecked(True)
    assert excel.apply_button.isEnabled()
    qtbot.mouseClick(excel.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: services.persons.count() == 2, timeout=TIMEOUT)


def test_export_and_import_a_bundle_with_the_plan_shown(qtbot, tmp_path, monkeypatch, answer):
    from tests.sync.net import Net, fill_commune

    net = Net(tmp_path / "net")
    try:
        net.hub()
        net.commune("kbl", "Kông Bơ La")
        fill_commune(net.sites["kbl"])
        commune = MainWindow(net.sites["kbl"])
        commune.tasks.quiet = True
        qtbot.addWidget(commune)
        sync = commune.areas[6]
        commune.show()
        commune.show_area(6)
        qtbot.waitUntil(lambda: sync.peer.count() == 1, timeout=TIMEOUT)
        usb = tmp_path / "usb"
        usb.mkdir()
        asked = files(monkeypatch, folder=usb, open_=lambda: next(usb.glob("*.kbb")))
        press(sync.export_button)
        qtbot.waitUntil(lambda: any(usb.glob("*.kbb")) and not commune.tasks.busy(), timeout=TIMEOUT)
        hub = MainWindow(net.sites["hub"])
        hub.tasks.quiet = True
        qtbot.addWidget(hub)
        hub_sync = hub.areas[6]
        hub.show()
        hub.show_area(6)
        _wait_idle(qtbot, hub)
        plans = []

        def refuse(dialog):
            plans.append(dialog.findChild(type(hub_sync.conflict_view), "import_plan").model().rows)
            press(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))

        answer(refuse)
        press(hub_sync.import_button)
        qtbot.waitUntil(lambda: bool(plans) and "Không nhập gói" in hub_sync.message.text(), timeout=TIMEOUT)
        assert "Không nhập gói" in hub_sync.message.text()
        assert net.sites["hub"].persons.count() == 0  # refused at the plan: nothing written
        assert plans[0][-1][1] > 0  # new records in the total row
        kinds = [row[0] for row in plans[0]]
        assert "Người dân" in kinds and "person" not in kinds  # the kinds of record in words, not table names
        answer(save)
        press(hub_sync.import_button)
        qtbot.waitUntil(lambda: net.sites["hub"].persons.count() == 2, timeout=TIMEOUT)
        _wait_idle(qtbot, hub)
        assert asked["open"][-1][1] == str(usb)  # the next file dialog opens on the USB stick used last
        # the message names the copy made just before the import (as the command line does)
        qtbot.waitUntil(lambda: "Bản sao lưu trước khi nhập:" in hub_sync.message.text(), timeout=TIMEOUT)
        saved = hub_sync.message.text().split("Bản sao lưu trước khi nhập:")[1].strip()
        assert "pre-import" in saved and Path(saved).is_file()
        commune.tasks.wait()
    finally:
        net.close()


def test_a_hub_registers_a_commune_from_the_window(qtbot, tmp_path, monkeypatch, answer):
    """At the hub, the join button registers a commune's request and writes the welcome file; the
    fingerprint shown is the one the commune will see when it trusts the hub."""
    from kbang_desktop.sync import join as joining
    from tests.sync.net import Net, _open

    net = Net(tmp_path / "net")
    try:
        net.hub()
        commune = net.sites["kbl"] = _open(tmp_path / "net" / "kbl" / "kbang.db", "kbl")
        commune.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La")
        usb = tmp_path / "usb"
        request = joining.join_request(commune, usb / "kbl.kbj")
        hub = MainWindow(net.sites["hub"])
        hub.tasks.quiet = True
        qtbot.addWidget(hub)
        area = hub.areas[6]
        hub.show()
        hub.show_area(6)
        _wait_idle(qtbot, hub)
        join = area.findChild(QPushButton, "join")
        assert join.text() == "Đăng ký xã..."
        files(monkeypatch, open_=request, folder=usb)
        shown = []
        answer(lambda box: (shown.append(box.text()), press(box.buttons()[0])))
        press(join)
        qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT)
        welcome = next(usb.glob("*.kbw"))
        assert joining.trust(commune, welcome).fingerprint in shown[0]
        assert "Đã đăng ký xã" in area.message.text()
        hub.tasks.wait()
    finally:
        net.close()


@pytest.mark.parametrize("same", [True, False])
def test_a_commune_trusts_the_hub_only_when_the_officer_confirms_the_fingerprint(qtbot, tmp_path, monkeypatch,
                                                                                  answer, same):
    """At the commune the welcome file's fingerprint is shown first; the hub is trusted only on "the same"."""
    from kbang_desktop.core import entities as E
    from kbang_desktop.sync import join as joining
    from tests.sync.net import Net, _open
    from tests.ui.helpers import button_named

    net = Net(tmp_path / "net")
    try:
        net.hub()
        commune = net.sites["kbl"] = _open(tmp_path / "net" / "kbl" / "kbang.db", "kbl")
        commune.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La")
        usb = tmp_path / "usb"
        registered = joining.register(net.sites["hub"], joining.join_request(commune, usb), usb)
        win = MainWindow(commune)
        win.tasks.quiet = True
        qtbot.addWidget(win)
        area = win.areas[6]
        win.show()
        win.show_area(6)
        _wait_idle(qtbot, win)
        files(monkeypatch, open_=registered.file)
        shown = []
        answer(lambda box: press(button_named(box, "Chọn tệp chào mừng...")),
               lambda box: (shown.append(box.text()),
                            press(button_named(box, "Hai mã giống nhau: tin cậy" if same
                                               else "Khác nhau: không tin cậy"))))
        press(area.findChild(QPushButton, "join"))
        qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT)
        _wait_idle(qtbot, win)
        assert registered.fingerprint in shown[0]
        _site, office = commune.ctx.require_identity()
        with commune.ctx.read() as repo:
            hub_of = repo.require(E.Office, office).hub_office_id
        assert (hub_of is not None) is same
        assert ("Đã tin cậy" if same else "Chưa tin cậy") in area.message.text()
    finally:
        net.close()


def test_the_import_preview_lists_records_refused_for_a_rev_far_ahead(qtbot, tmp_path, monkeypatch, answer):
    """A commune's record carries rev 99999999999999999<site>: the hub's preview says why it is refused."""
    from PySide6.QtWidgets import QLabel
    from sqlalchemy import text

    from tests.sync.net import Net

    net = Net(tmp_path / "net")
    try:
        net.hub()
        a = net.commune("kbl", "Kông Bơ La")
        person = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
        with a.ctx.db.session() as session:
            session.execute(text("UPDATE person SET rev = :rev WHERE id = :id"),
                            {"rev": "99999999999999999" + a.ctx.require_identity()[0], "id": person.id})
        bundle = net.send("kbl", "hub")
        hub = MainWindow(net.sites["hub"])
        hub.tasks.quiet = True
        qtbot.addWidget(hub)
        hub_sync = hub.areas[6]
        hub.show()
        hub.show_area(6)
        _wait_idle(qtbot, hub)
        files(monkeypatch, open_=bundle)
        shown = []

        def look(dialog):
            shown.extend(label.text() for label in dialog.findChildren(QLabel, "refused"))
            press(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel))

        answer(look)
        press(hub_sync.import_button)
        qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT)
        assert len(shown) == 1 and "Từ chối 1 bản ghi" in shown[0] and "hơn một ngày" in shown[0]
        _wait_idle(qtbot, hub)
    finally:
        net.close()


def test_a_pc_whose_clock_is_far_wrong_is_told_at_start(qtbot, services):
    """This PC already holds a change three days later than its clock: the window says so on top."""
    import time

    from kbang_desktop.core.hlc import Rev
    from kbang_desktop.storage.repo import Repository

    with services.ctx.db.session() as session:
        Repository(session).set_local("hlc_last", str(Rev(int((time.time() + 3 * 86400) * 1000), 0, "x")))
    win = MainWindow(services)
    win.tasks.quiet = True
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.clock_warning.isVisible(), timeout=TIMEOUT)
    assert "đồng hồ" in win.clock_warning.text()
    win.tasks.wait()


def test_a_pc_with_a_right_clock_shows_no_warning(qtbot, window):
    _wait_idle(qtbot, window)
    assert not window.clock_warning.isVisible()


def test_overview_shows_figures_and_charts(qtbot, window, services):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    area = window.areas[0]
    _wait_idle(qtbot, window)
    area.refresh()
    qtbot.waitUntil(lambda: area.figures is not None and area.figures.people == 1, timeout=TIMEOUT)
    assert area.charts.count() == 2
    texts = " ".join(label.text() for label in area.findChildren(type(window.who)))
    assert "Người dân" in texts and "Xung đột đang chờ xử lý: 0" in texts


def test_a_person_and_a_household_through_the_form(qtbot, window, services, answer):
    area = window.areas[1]
    window.show_area(1)
    _wait_idle(qtbot, window)
    for name, relation in (("Đinh Văn Hmưk", "Chủ hộ"), ("Đinh Thị Bŏk", "Vợ")):
        def fill(dialog, name=name, relation=relation):
            qtbot.waitUntil(lambda: dialog.loaded, timeout=TIMEOUT)
            dialog.name.setText(name)
            dialog.birth.setText("1985")
            dialog.village.setCurrentText("Làng A")
            dialog.household.setText("12")
            dialog.relation.setCurrentIndex(dialog.relation.findData(relation))
            save(dialog)
            qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=TIMEOUT)

        answer(fill)
        press(area.add_button)
        _wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: area.model.rowCount() == 2 and not area.model.loading, timeout=TIMEOUT)

    seen = []

    def reopened(dialog):
        assert dialog.relation.currentText() == "Chủ hộ" and dialog.household.text() == "12"
        seen.append(dialog.windowTitle())
        dialog.reject()

    answer(reopened)
    double_click_row(area.view, [r.full_name for r in area.model.rows].index("Đinh Văn Hmưk"))
    qtbot.waitUntil(lambda: seen == ["Sửa thông tin người"], timeout=TIMEOUT)  # the form opens once its data is read
    head = services.persons.search("dinh van hmuk")[0]
    wife = services.persons.get(services.persons.search("dinh thi bok")[0].id)
    households = services.households.list(wife.commune_id)
    assert len(households) == 1 and households[0].number == "12" and households[0].head_person_id == head.id
    assert wife.household_id == households[0].id and wife.relation_to_head == "Vợ"


def test_enrol_and_enter_term_results_until_literacy_level_1(qtbot, window, services, answer):
    centre = services.centres.add("Kông Bơ La", "Trung tâm học tập cộng đồng xã Kông Bơ La")
    klass = services.literacy.add_class(centre.id, "Lớp XMC GĐ1 Làng A", 1, date(2026, 2, 1))
    services.persons.add("Đinh Thị Bŏk", "F", "1995", "Ba Na", "Kông Bơ La", "Làng B")  # a namesake
    learner = services.persons.add("Đinh Thị Bŏk", "F", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    area = window.areas[3]
    window.show_area(3)
    qtbot.waitUntil(lambda: area.classes.rowCount() == 1, timeout=TIMEOUT)
    click_row(area.class_view, 0)
    qtbot.waitUntil(lambda: area.enrol_button.isEnabled(), timeout=TIMEOUT)
    assert "Thêm học viên" in area.message.text()  # the empty class says what to press

    def pick(dialog):
        assert not dialog.save_button.isEnabled()  # nobody chosen yet
        QTest.keyClicks(dialog.search, "dinh thi bok")  # typed without diacritics
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=TIMEOUT)
        shown = [(r.birth, r.village) for r in dialog.model.rows]
        assert sorted(shown) == [("1990", "Làng A"), ("1995", "Làng B")]  # namesakes told apart
        click_row(dialog.view, shown.index(("1990", "Làng A")))
        save(dialog)

    answer(pick)
    press(area.enrol_button)
    qtbot.waitUntil(lambda: area.grid.rowCount() == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
    assert area.message.text().startswith("Đã thêm Đinh Thị Bŏk (sinh 1990, Làng A) vào Lớp XMC GĐ1 Làng A. 1 học viên.")
    assert [e.person_id for e in services.literacy.enrolments(klass.id)] == [learner.id]
    assert area.grid.columnCount() == 2 + 6  # terms 1 to 3, two subjects each
    area.grid.horizontalScrollBar().setValue(area.grid.horizontalScrollBar().maximum())
    assert area.grid.verticalHeaderItem(0).text() == "Đinh Thị Bŏk (1990)" and area.grid.verticalHeader().isVisible()
    for _enrolment, _term, _subject, combo, _held in area.cells:
        combo.setCurrentIndex(combo.findData("hoan_thanh"))
    assert area.has_unsaved()
    press(area.save_button)
    qtbot.waitUntil(lambda: not window.tasks.busy() and not area.has_unsaved() and bool(area.cells), timeout=TIMEOUT)
    person = services.persons.get(learner.id)
    assert person.literacy_level == 1
    assert area.grid.item(0, 1).text() == "Mức 1"
    assert services.literacy.enrolments(klass.id)[0].status == "completed"


def test_evaluate_issue_and_save_certificates(qtbot, window, services, tmp_path, answer, monkeypatch):
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng A")
    household = services.households.add("Kông Bơ La", "Làng A", "12", head.id)
    services.models.register(2026, "household", household.id, date(2026, 1, 10))
    area = window.areas[4]
    window.show_area(4)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 1, timeout=TIMEOUT)
    click_row(area.registration_view, 0)
    seen = {}

    def fill(dialog):
        for code, field in dialog.points.items():
            field.setText(str(dialog.definition.items()[code].max_points))
        seen["total"] = dialog.total.text()
        save(dialog)

    answer(fill)
    press(area.evaluate_button)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 1 and area.registrations.rows[0][2] is not None,
                    timeout=TIMEOUT)
    assert "100" in seen["total"] and "Đạt" in seen["total"]

    def decision(dialog):
        dialog.number.setText("15/QĐ-UBND")
        dialog.decided_on.setDate(dialog.decided_on.date().fromString("05/02/2026", "dd/MM/yyyy"))
        dialog.signer.setText("Nguyễn Văn Hùng")
        dialog.commune.setText("Kông Bơ La")
        save(dialog)

    area.year.setValue(2026)
    _wait_idle(qtbot, window)
    answer(decision)
    press(area.new_button)
    qtbot.waitUntil(lambda: area.decisions.rowCount() == 1 and not window.tasks.busy(), timeout=TIMEOUT)
    click_row(area.registration_view, 0)
    click_row(area.decision_view, 0)
    press(area.add_button)
    qtbot.waitUntil(lambda: area.decisions.rowCount() == 1 and area.decisions.rows[0][1] == 1, timeout=TIMEOUT)
    click_row(area.decision_view, 0)
    answer(lambda box: press(next(b for b in box.buttons() if b.text() == "Ban hành")))
    press(area.issue_button)
    qtbot.waitUntil(lambda: area.decisions.rows and area.decisions.rows[0][0].status == "issued", timeout=TIMEOUT)
    certificates = window.areas[5]
    window.show_area(5)
    qtbot.waitUntil(lambda: certificates.decisions.rowCount() == 1, timeout=TIMEOUT)
    click_row(certificates.list, 0)
    qtbot.waitUntil(lambda: certificates.document.pageCount() == 1 and not window.tasks.busy(), timeout=TIMEOUT)
    files(monkeypatch, save=tmp_path / "giay.pdf")
    press(certificates.save_button)
    qtbot.waitUntil(lambda: (tmp_path / "giay.pdf").exists() and not window.tasks.busy(), timeout=TIMEOUT)
    from tests.documents.helpers import pdf_pages

    assert "Công nhận hộ gia đình ông Đinh Văn Hmưk" in " ".join(pdf_pages(tmp_path / "giay.pdf")[0].split())
    window.show_area(4)
    click_row(area.decision_view, 0)
    answer(lambda dialog: (dialog.text.setText("Nhầm đối tượng"), save(dialog)))
    press(area.revoke_button)
    qtbot.waitUntil(lambda: area.decisions.rows and area.decisions.rows[0][0].status == "revoked", timeout=TIMEOUT)


def test_resolve_a_conflict_field_by_field(qtbot, tmp_path, answer):
    from tests.sync.net import Net

    net = Net(tmp_path / "net")
    try:
        net.hub()
        net.commune("kbl", "Kông Bơ La")
        person = net.sites["kbl"].persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
        net.second_pc("kbl2", of="kbl")
        net.sites["kbl"].persons.update(person.id, note="Chuyển đến làng B")
        net.sites["kbl2"].persons.update(person.id, note="Đi làm ăn xa")
        for sender in ("kbl", "kbl2"):
            net.exchange(sender, "hub")
        net.exchange("hub", "kbl")
        win = MainWindow(net.sites["kbl"])
        win.tasks.quiet = True
        qtbot.addWidget(win)
        sync = win.areas[6]
        win.show()
        win.show_area(6)
        qtbot.waitUntil(lambda: sync.conflicts.rowCount() == 1, timeout=TIMEOUT)

        def take_incoming(dialog):
            assert list(dialog.groups) == ["note"]
            for button in dialog.groups["note"].buttons():
                if button.property("side") == "incoming":
                    press(button)
            save(dialog)

        answer(take_incoming)
        click_tab(sync.tabs, 1)
        double_click_row(sync.conflict_view, 0)
        qtbot.waitUntil(lambda: sync.conflicts.rowCount() == 0 and not win.tasks.busy(), timeout=TIMEOUT)
        assert net.sites["kbl"].persons.get(person.id).note == "Đi làm ăn xa"
    finally:
        net.close()


def test_login_says_why_and_settings_keep_the_language(qtbot, services):
    from kbang_desktop.ui.login import LoginDialog
    from kbang_desktop.ui.shared.prefs import saved_language

    dialog = LoginDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("admin")
    dialog.password.setText("sai")
    press(dialog.ok)
    assert dialog.actor is None and dialog.message.text() and dialog.password.text() == ""
    dialog.password.setText("matkhau123")
    press(dialog.ok)
    assert dialog.actor is not None and dialog.actor.role == "admin"
    win = MainWindow(services.as_actor(dialog.actor))
    qtbot.addWidget(win)
    settings = win.areas[-1]
    win.show_area(len(win.areas) - 1)
    qtbot.waitUntil(lambda: settings.month.value() == 7, timeout=TIMEOUT)
    settings.language.setCurrentIndex(settings.language.findData("en"))
    assert saved_language() == "en"
    win.tasks.wait()


def test_an_administrator_adds_a_user_and_checks_the_log(qtbot, window, services, answer):
    area = window.areas[10]
    window.show_area(10)
    _wait_idle(qtbot, window)

    def fill(dialog):
        dialog.username.setText("canbo")
        dialog.name.setText("Nguyễn Thị Lan")
        choose(dialog.role, "Cán bộ")
        dialog.password.setText("matkhau456")
        dialog.again.setText("matkhau456")  # typed twice, as at the set-up
        save(dialog)

    answer(fill)
    press(area.add_user_button)
    qtbot.waitUntil(lambda: any(u.username == "canbo" for u in area.users.rows), timeout=TIMEOUT)
    click_tab(area.tabs, 1)
    press(area.findChild(QPushButton, "check_chain"))
    qtbot.waitUntil(lambda: "hợp lệ" in area.chain.text(), timeout=TIMEOUT)
    assert services.users.authenticate("canbo", "matkhau456").role == "officer"


def test_columns_can_be_hidden_and_the_choice_is_kept(qtbot, window):
    from kbang_desktop.ui.shared.prefs import prefs
    from kbang_desktop.ui.shared.tables import settings_key, table

    area = window.areas[1]
    header = area.view.horizontalHeader()
    header.setSectionHidden(4, True)
    prefs().setValue(f"tables/{settings_key(area.model, 'people')}", header.saveState())
    again = table(area.model, "people")
    qtbot.addWidget(again)
    assert again.horizontalHeader().isSectionHidden(4) and not again.horizontalHeader().isSectionHidden(0)
    window.tasks.wait()


def test_a_centre_its_activity_and_ranking(qtbot, window, services, answer):
    area = window.areas[2]
    window.show_area(2)
    _wait_idle(qtbot, window)

    def centre(dialog):
        dialog.name.setText("Trung tâm học tập cộng đồng xã Kông Bơ La")
        dialog.commune.setText("Kông Bơ La")
        dialog.flags["has_seal"].setChecked(True)
        dialog.computers.setValue(3)
        save(dialog)

    answer(centre)
    press(area.buttons["add_centre"])
    qtbot.waitUntil(lambda: area.centres.rowCount() == 1, timeout=TIMEOUT)
    click_row(area.centre_view, 0)

    def activity(dialog):
        dialog.title_.setText("Chuyên đề trồng cà phê")
        dialog.kind.setCurrentIndex(dialog.kind.findData("agriculture"))
        dialog.numbers["participants_total"].setValue(40)
        dialog.numbers["participants_female"].setValue(25)
        save(dialog)

    answer(activity)
    press(area.buttons["add_activity"])
    qtbot.waitUntil(lambda: area.activities.rowCount() == 1, timeout=TIMEOUT)

    def ranking(dialog):
        dialog.year.setValue(2026)
        choose(dialog.ranking, "Tốt")
        save(dialog)

    answer(ranking)
    press(area.buttons["ranking"])
    qtbot.waitUntil(lambda: area.rankings.rowCount() == 1, timeout=TIMEOUT)
    saved = services.centres.list()[0]
    assert saved.has_seal and saved.computers == 3
    assert services.centres.activities(saved.id)[0].participants_female == 25
    assert services.centres.rankings(saved.id)[0].ranking == "tot"

    def staff(dialog):
        dialog.name.setText("Đinh Văn Hmưk")
        dialog.role.setCurrentIndex(dialog.role.findData("director"))
        save(dialog)

    answer(staff)
    press(area.buttons["add_staff"])
    qtbot.waitUntil(lambda: area.staff.rowCount() == 1, timeout=TIMEOUT)
    assert area.staff.data(area.staff.index(0, 1)) == "Giám đốc"

    def correct(dialog):
        assert dialog.name.text() == saved.name and dialog.flags["has_seal"].isChecked()
        assert dialog.computers.value() == 3
        dialog.computers.setValue(5)
        dialog.flags["has_internet"].setChecked(True)
        save(dialog)

    answer(correct)
    press(area.buttons["edit_centre"])
    qtbot.waitUntil(lambda: services.centres.list()[0].computers == 5, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: area.centres.row_at(0).computers == 5 and not window.tasks.busy(), timeout=TIMEOUT)
    assert area.centre() is not None and area.centre().id == saved.id  # still selected after the list reloaded
    again = services.centres.list()[0]
    assert again.has_internet and again.has_seal and again.name == saved.name and again.status == "active"
    window.tasks.wait()


def test_open_and_correct_a_class_and_a_learner_leaves(qtbot, window, services, answer):
    centre = services.centres.add("Kông Bơ La", "Trung tâm học tập cộng đồng xã Kông Bơ La")
    services.persons.add("Đinh Thị Bŏk", "F", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    area = window.areas[3]
    window.show_area(3)
    _wait_idle(qtbot, window)

    def open_class(dialog):
        assert dialog.centre.currentData().id == centre.id
        assert not dialog.save_button.isEnabled()  # no name yet
        dialog.name.setText("Lớp XMC GĐ1 Làng A")
        dialog.village.setCurrentIndex(dialog.village.findText("Làng A"))
        dialog.teacher.setText("Y Hạ")
        save(dialog)

    answer(open_class)
    press(area.new_class_button)
    qtbot.waitUntil(lambda: area.classes.rowCount() == 1, timeout=TIMEOUT)
    klass = services.literacy.classes()[0]
    assert klass.phase == 1 and klass.current_term == 1 and klass.teacher_name == "Y Hạ" and klass.village_id
    click_row(area.class_view, 0)
    qtbot.waitUntil(lambda: area.edit_class_button.isEnabled(), timeout=TIMEOUT)

    def correct(dialog):
        assert dialog.name.text() == "Lớp XMC GĐ1 Làng A" and not dialog.phase.isEnabled()
        assert [dialog.term.itemData(i) for i in range(dialog.term.count())] == [1, 2, 3]
        dialog.term.setCurrentIndex(dialog.term.findData(2))
        save(dialog)

    answer(correct)
    press(area.edit_class_button)
    qtbot.waitUntil(lambda: services.literacy.classes()[0].current_term == 2, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: area.classes.rowCount() == 1 and area.classes.row_at(0).current_term == 2
                    and not window.tasks.busy(), timeout=TIMEOUT)
    assert area.klass() is not None and area.klass().id == klass.id  # still selected after the list reloaded
    answer(lambda picker: pick_person(qtbot, picker, "dinh thi bok"))
    press(area.enrol_button)
    qtbot.waitUntil(lambda: area.grid.rowCount() == 1, timeout=TIMEOUT)
    area.grid.setCurrentCell(0, 0)

    def leave(dialog):
        assert not dialog.save_button.isEnabled()  # a reason is needed
        dialog.reason.setCurrentText("Đi làm ăn xa")
        save(dialog)  # from today, the date the form offers

    answer(leave)
    press(area.drop_button)
    qtbot.waitUntil(lambda: services.literacy.enrolments(klass.id)[0].status == "dropped", timeout=TIMEOUT)
    enrolment = services.literacy.enrolments(klass.id)[0]
    assert enrolment.left_on == services.ctx.today() and enrolment.drop_reason == "Đi làm ăn xa"
    qtbot.waitUntil(lambda: "nghỉ học" in (area.grid.item(0, 0).text() if area.grid.item(0, 0) else ""), timeout=TIMEOUT)
    assert not area.cells[0][3].isEnabled()  # no results for a learner who left
    window.tasks.wait()


def test_reference_data_shows_successions_and_a_commune_does_not_edit_criteria_sets(qtbot, window, services):
    area = window.areas[9]
    window.show_area(9)
    qtbot.waitUntil(lambda: area.criteria.rowCount() >= 1 and area.successions.rowCount() >= 1, timeout=TIMEOUT)
    assert any(r[2] == "Kông Bơ La" for r in area.successions.rows)  # the 2024 split of Đăk Hlơ
    click_tab(area.tabs, 3)
    click_row(area.criteria_view, 0)
    assert not area.edit_criteria_button.isEnabled() and "đơn vị đầu mối" in area.edit_criteria_button.toolTip()
    before = services.criteria.list()[0].rev
    area.edit_criteria_button.click()  # disabled: no form opens, nothing is written
    assert services.criteria.list()[0].rev == before


def test_an_admin_of_the_hub_edits_a_criteria_set(qtbot, tmp_path, answer):
    import json as _json

    from kbang_desktop.services.context import Actor
    from kbang_desktop.services.registry import open_services

    services = open_services(tmp_path / "hub.db", Actor("os:tester", "admin"))
    services.offices.initialise("hub", "Phòng Giáo dục và Đào tạo Kbang", None)
    window = MainWindow(services)
    window.tasks.quiet = True
    qtbot.addWidget(window)
    window.show()
    area = window.areas[9]
    window.show_area(9)
    qtbot.waitUntil(lambda: area.criteria.rowCount() >= 1, timeout=TIMEOUT)
    click_tab(area.tabs, 3)
    click_row(area.criteria_view, 0)

    def lower_pass_mark(dialog):
        data = _json.loads(dialog.text.toPlainText())
        data["min_total"] = 60
        dialog.text.setPlainText(_json.dumps(data))
        save(dialog)

    answer(lower_pass_mark)
    press(area.edit_criteria_button)
    qtbot.waitUntil(lambda: "Đã lưu" in area.message.text(), timeout=TIMEOUT)
    assert _json.loads(services.criteria.list()[0].definition)["min_total"] == 60
    window.tasks.wait()


def test_the_window_opens_before_the_data_and_fills_in(qtbot, services):
    import threading

    gate = threading.Event()

    def opener():
        gate.wait(10)  # the database is still opening
        return services

    win = MainWindow(opener)
    qtbot.addWidget(win)
    win.show()
    assert win.services is None and "Đang mở dữ liệu" in win.who.text()
    win.show_area(7)  # navigation works meanwhile
    assert win.sidebar.currentRow() == 7 and not win.built
    gate.set()
    qtbot.waitUntil(lambda: win.services is not None and 7 in win.built, timeout=TIMEOUT)
    assert "UBND xã Kông Bơ La" in win.windowTitle() and "Quản trị" in win.who.text()
    win.tasks.wait()


def test_login_waits_for_the_data_and_says_when_it_cannot_open(qtbot, services):
    from kbang_desktop.core.errors import StorageError
    from kbang_desktop.ui.login import LoginDialog

    dialog = LoginDialog(lambda: services)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=TIMEOUT)
    assert "UBND xã Kông Bơ La" in dialog.title.text()

    def broken():
        raise StorageError("Cơ sở dữ liệu này được tạo bởi phiên bản mới hơn; hãy cập nhật Kbang Desktop.")

    failing = LoginDialog(broken)
    qtbot.addWidget(failing)
    qtbot.waitUntil(lambda: "phiên bản mới hơn" in failing.status.text(), timeout=TIMEOUT)
    assert not failing.ok.isEnabled()
    failing.tasks.wait()


def test_a_person_is_corrected_from_the_list(qtbot, window, services, answer):
    person = services.persons.add("Dinh Van Hmuk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    area = window.areas[1]
    window.show_area(1)
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=TIMEOUT)
    dialogs = []

    def correct(dialog):
        assert dialog.name.text() == "Dinh Van Hmuk" and dialog.birth.text() == "1990"
        assert not dialog.commune.isEnabled()  # a correction keeps the place
        dialog.name.setText("Đinh Văn Hmưk")
        dialog.birth.setText("12/03/1990")
        save(dialog)
        dialogs.append(dialog)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)

    answer(correct)
    double_click_row(area.view, 0)
    qtbot.waitUntil(lambda: services.persons.get(person.id).full_name == "Đinh Văn Hmưk", timeout=TIMEOUT)
    saved = services.persons.get(person.id)
    assert saved.birth_date == date(1990, 3, 12) and saved.ethnic_code == "13" and saved.village_id == person.village_id
    window.tasks.wait()


def test_a_person_moves_household_and_then_away(qtbot, window, services, answer):
    """Moving within the commune (village, household) and moving away, through the person form; the
    list's status filter then finds the person only among those who moved away."""
    person = services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    area = window.areas[1]
    window.show_area(1)
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=TIMEOUT)

    def move(dialog):
        assert dialog.commune.text() == "Kông Bơ La" and not dialog.commune.isEnabled()
        assert dialog.village.currentText() == "Làng A" and dialog.household.text() == ""
        dialog.village.setCurrentText("Làng B")
        dialog.household.setText("12")
        dialog.relation.setCurrentIndex(dialog.relation.findData("Chủ hộ"))
        assert dialog.has_unsaved()
        save(dialog)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)

    answer(move)
    double_click_row(area.view, 0)
    qtbot.waitUntil(lambda: services.persons.get(person.id).household_id is not None, timeout=TIMEOUT)
    moved = services.persons.get(person.id)
    assert services.persons.place_of(moved)[1:] == ("Làng B", "12") and moved.relation_to_head == "Chủ hộ"
    assert services.households.list(moved.commune_id)[0].head_person_id == person.id
    window.tasks.wait()
    qtbot.waitUntil(lambda: area.model.rowCount() == 1 and not area.model.loading, timeout=TIMEOUT)

    def away(dialog):
        dialog.status.setCurrentIndex(dialog.status.findData("moved"))
        dialog.status_date.setDate(QDate(2026, 3, 1))
        save(dialog)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)

    answer(away)
    double_click_row(area.view, 0)
    qtbot.waitUntil(lambda: services.persons.get(person.id).moved_away_on == date(2026, 3, 1), timeout=TIMEOUT)
    window.tasks.wait()
    area.refresh()  # as after the form closes
    qtbot.waitUntil(lambda: not area.model.loading and area.model.rowCount() == 0, timeout=TIMEOUT)  # only present
    area.status.setCurrentIndex(area.status.findData("moved"))
    qtbot.waitUntil(lambda: [r.full_name for r in area.model.rows] == ["Đinh Văn Hmưk"], timeout=TIMEOUT)
    assert area.model.data(area.model.index(0, 6)) == "Đã chuyển đi"
    window.tasks.wait()


def test_people_filtered_by_village(qtbot, window, services):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    services.persons.add("Đinh Thị Bŏk", "F", "1991", "Ba Na", "Kông Bơ La", "Làng B")
    area = window.areas[1]
    window.show_area(1)
    qtbot.waitUntil(lambda: area.model.rowCount() == 2 and area.village.count() == 3, timeout=TIMEOUT)
    area.village.setCurrentIndex(area.village.findText("Làng B"))
    qtbot.waitUntil(lambda: [r.full_name for r in area.model.rows] == ["Đinh Thị Bŏk"], timeout=TIMEOUT)
    area.search.setText("dinh")
    area.refresh()
    qtbot.waitUntil(lambda: not area.model.loading and [r.full_name for r in area.model.rows] == ["Đinh Thị Bŏk"],
                    timeout=TIMEOUT)
    window.tasks.wait()


def test_a_filtered_search_shows_every_match_in_order_with_the_total(qtbot, window, services):
    """Typing a name with a village, status and age band chosen: the people who match all of them, in
    Vietnamese order, page after page, and "n / total người" counted with the same filters."""
    for index in range(130):  # more than one page of matches (100 a page would have hidden most)
        services.persons.add(f"Nguyễn Thị Hà {index:03d}", "F", "1990" if index % 2 else "1950", "Kinh",
                             "Kông Bơ La", "Làng B" if index % 3 else "Làng A")
    services.persons.add("Rơ Châm H'Bia", "F", "2001", "Jrai", "Kông Bơ La", "Làng B")
    area = window.areas[1]
    window.show_area(1)
    qtbot.waitUntil(lambda: area.village.count() == 3 and not area.model.loading, timeout=TIMEOUT)
    area.village.setCurrentIndex(area.village.findText("Làng B"))
    area.age.setCurrentIndex(area.age.findData("15-60"))
    area.search.setText("nguyen thi ha")
    expected = [r.id for r in services.persons.search("nguyen thi ha", 1000)
                if r.village == "Làng B" and services.persons.get(r.id).birth_year == 1990]

    def all_loaded() -> bool:
        if area.model.canFetchMore():
            area.model.fetchMore()
        return area.model.exhausted and not area.model.loading and area.total is not None

    qtbot.waitUntil(lambda: all_loaded() and [r.id for r in area.model.rows] == expected, timeout=TIMEOUT)
    assert len(expected) == 43
    qtbot.waitUntil(lambda: area.count.text() == "43 / 43 người", timeout=TIMEOUT)
    area.search.setText("hbia")
    qtbot.waitUntil(lambda: [r.full_name for r in area.model.rows] == ["Rơ Châm H'Bia"] and area.count.text() == "1 / 1 người",
                    timeout=TIMEOUT)
    window.tasks.wait()


def test_every_table_of_every_area_passes_the_model_tester(qtbot, window, services, qtmodeltester):
    from tests.documents.helpers import issued_decision

    issued_decision(services)
    for row in range(window.sidebar.count()):
        window.show_area(row)
        _wait_idle(qtbot, window)
    _wait_idle(qtbot, window)
    checked = 0
    for area in window.areas:
        for model in area.findChildren(ListModel):
            qtmodeltester.check(model)
            checked += 1
    assert checked >= 15
    window.tasks.wait()


def test_audit_log_filtered_by_action(qtbot, window, services):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    area = window.areas[10]
    window.show_area(10)
    qtbot.waitUntil(lambda: area.events.rowCount() > 1, timeout=TIMEOUT)
    choose(area.action, "Thêm người dân")  # the action by its name, not its code
    qtbot.waitUntil(lambda: [e.action for e in area.events.rows] == ["create:add_person"] * 2, timeout=TIMEOUT)
    column = [area.events.columns[c].label for c in range(len(area.events.columns))].index("Việc")
    assert area.events.data(area.events.index(0, column)) == "Thêm người dân (thêm bản ghi)"
    assert "user:" not in str(area.events.data(area.events.index(0, 2)))
    window.tasks.wait()
