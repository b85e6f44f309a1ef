"""Mô hình học tập in the window, driven as a user would: the real buttons, the real lists, the dialogs
answered by pressing their buttons; on a commune set up a minute ago and on demo data."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from tests.ui.helpers import TIMEOUT, button_named, choose, click_row, press, save

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


FULL = {"1.1": 15, "1.2": 10, "1.3": 5, "2.1": 10, "2.2": 10, "2.3": 10, "3.1": 10, "3.2": 10, "4.1": 10, "4.2": 10}


def registered_households(services, year=2026):
    from datetime import date

    heads = fresh_commune(services)
    households = {h.head_person_id: h for h in services.households.list(services.units.find_commune("Kông Bơ La").id)}
    return [services.models.register(year, "household", households[head.id].id, date(year, 1, 10)) for head in heads]


def type_points(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def test_the_evaluation_form_refuses_above_the_maximum_names_the_failing_item_and_reopens_saved(
        qtbot, window, services, answer):
    registered_households(services)
    area = open_models(qtbot, window)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 3, timeout=TIMEOUT)
    assert "3 đăng ký: 0 đạt, 0 không đạt, 3 chưa đánh giá" in area.counts.text()
    names = [r.name for r in area.registrations.rows]
    row = names.index("Hộ ông/bà Đinh Văn Hmưk")
    click_row(area.registration_view, row)
    seen = {}

    def first(dialog):
        assert "MẪU" in dialog.findChild(QLabel, "template_warning").text()
        assert dialog.findChild(QLabel, "problem_1.3") is not None
        limits = [w.text() for w in dialog.findChildren(QLabel) if w.text().startswith("/ ")]
        assert "/ 15 điểm" in limits and "/ 5 điểm" in limits  # each item's maximum beside its field
        for code, points in FULL.items():
            type_points(qtbot, dialog.points[code], str(points))
        assert dialog.total.text().startswith("<b>Tổng điểm: 100/100 - Đạt")
        type_points(qtbot, dialog.points["1.3"], "10")  # above its maximum of 5: refused as typed
        assert dialog.points["1.3"].text() == "10"  # not turned into "1,0"
        assert dialog.problems["1.3"].text() == "Tối đa 5 điểm" and not dialog.save_button.isEnabled()
        type_points(qtbot, dialog.points["1.3"], "4,5")
        type_points(qtbot, dialog.points["1.1"], "14")
        assert dialog.problems["1.3"].text() == "" and dialog.save_button.isEnabled()
        seen["total"], seen["reasons"] = dialog.total.text(), dialog.reasons.text()
        assert dialog.subtotals["1"].text() == "28,5/30 điểm (tối thiểu 15)"
        save(dialog)

    answer(first)
    press(area.evaluate_button)
    qtbot.waitUntil(lambda: any(r.latest for r in area.registrations.rows) and not window.tasks.busy(), timeout=TIMEOUT)
    assert "Tổng điểm: 98,5/100 - Không đạt" in seen["total"] and "(điểm đạt: 80)" in seen["total"]
    assert "Nội dung bắt buộc 1.1" in seen["reasons"] and "(14/15 điểm)" in seen["reasons"]
    evaluated = next(r for r in area.registrations.rows if r.latest)
    index = area.registrations.rows.index(evaluated)
    assert area.registrations.index(index, 3).data() == "98,5"
    result = area.registrations.index(index, 4).data()
    assert result.startswith("Không đạt: Nội dung bắt buộc 1.1 \"Trẻ em trong độ tuổi đi học")
    assert ".;" not in result and "98,5 điểm" in area.message.text()

    click_row(area.registration_view, index)

    def reopen(dialog):
        assert dialog.points["1.1"].text() == "14" and dialog.points["1.3"].text() == "4,5"  # the saved scores
        assert dialog.points["4.2"].text() == "10"
        type_points(qtbot, dialog.points["1.1"], "15")
        seen["again"], seen["reasons"] = dialog.total.text(), dialog.reasons.text()
        save(dialog)

    answer(reopen)
    press(area.evaluate_button)
    qtbot.waitUntil(lambda: any(r.latest and r.latest.passed for r in area.registrations.rows)
                    and not window.tasks.busy(), timeout=TIMEOUT)
    assert "Tổng điểm: 99,5/100 - Đạt" in seen["again"] and seen["reasons"] == ""
    assert area.registrations.index(index, 4).data() == "Đạt"
    assert "1 đạt, 0 không đạt, 2 chưa đánh giá" in area.counts.text()


def evaluated(services, registrations, failing=()):
    from datetime import date

    for registration in registrations:
        scores = dict(FULL, **({"1.1": 10} if registration.id in failing else {}))
        services.models.evaluate(registration.id, scores, date(2026, 11, 20))


def test_a_decision_from_many_passed_registrations_its_list_and_issue_after_a_question(
        qtbot, window, services, answer):
    registrations = registered_households(services)
    evaluated(services, registrations, failing={registrations[1].id})  # required item 1.1 at 10 of 15
    area = open_models(qtbot, window)
    qtbot.waitUntil(lambda: area.registrations.rowCount() == 3, timeout=TIMEOUT)
    failed_name = next(r.name for r in area.registrations.rows if not r.latest.passed)
    assert failed_name == "Hộ ông/bà Rơ Châm Hlim"

    def decision(dialog):
        choose(dialog.kind, "Gia đình học tập")
        dialog.number.setText("15/QĐ-UBND")
        dialog.signer.setText("Nguyễn Văn Hùng")
        save(dialog)

    answer(decision)
    press(area.new_button)
    qtbot.waitUntil(lambda: area.decision() is not None and not window.tasks.busy(), timeout=TIMEOUT)
    assert area.decision().number == "15/QĐ-UBND"  # the new draft is the one selected
    assert "15/QĐ-UBND" in area.entries_title.text() and area.entries.rowCount() == 0
    for row in range(3):  # Ctrl+click: all three at once
        click_row(area.registration_view, row, modifier=Qt.KeyboardModifier.ControlModifier)
    assert len(area.chosen_rows()) == 3
    press(area.add_button)
    qtbot.waitUntil(lambda: area.entries.rowCount() == 2 and not window.tasks.busy(), timeout=TIMEOUT)
    assert area.decision().number == "15/QĐ-UBND"  # still selected after the list reloaded
    assert "Đã đưa 2 hộ gia đình vào quyết định 15/QĐ-UBND" in area.message.text()
    assert f"{failed_name}: Chỉ công nhận được khi lần đánh giá gần nhất đạt." in area.message.text()
    assert failed_name not in [e.display_name for e in area.entries.rows]
    asked = {}

    def question(answer_text):
        def respond(box):
            asked["text"] = box.text()
            press(button_named(box, answer_text))
        return respond

    answer(question("Hủy"))
    press(area.issue_button)
    idle(qtbot, window)
    assert "15/QĐ-UBND" in asked["text"] and "2 hộ gia đình" in asked["text"]
    assert services.models.decisions(2026)[0][0].status == "draft"  # "Hủy" issues nothing
    answer(question("Ban hành"))
    press(area.issue_button)
    qtbot.waitUntil(lambda: area.decision() is not None and area.decision().status == "issued", timeout=TIMEOUT)
    assert not area.add_button.isEnabled() and not area.issue_button.isEnabled()


def test_demo_registrations_say_why_they_did_not_pass(qtbot, window, services):
    from kbang_desktop.services.demo import DemoService

    DemoService(services.ctx).generate(communes=1, people_per_commune=300, seed=5)
    area = window.areas[MODELS]
    window.show_area(MODELS)
    assert area.year.value() == 2026  # the demo's year still to be decided
    qtbot.waitUntil(lambda: area.registrations.rowCount() > 0 and not window.tasks.busy(), timeout=TIMEOUT)
    failed = [i for i, r in enumerate(area.registrations.rows) if r.latest and not r.latest.passed]
    assert failed
    for i in failed:
        text = area.registrations.index(i, 4).data()
        assert text.startswith("Không đạt: ") and len(text) > len("Không đạt: ") + 10 and ".;" not in text
    assert all("." not in area.registrations.index(i, 3).data() for i in range(area.registrations.rowCount()))


# --- the papers of the year: every button pressed, the file dialog answered, the file read back ------

def test_every_paper_of_the_year_from_its_button(qtbot, window, services, answer, monkeypatch, tmp_path):
    from tests.documents.helpers import flat, pdf_fonts, pdf_pages
    from tests.documents.test_paperwork import a_year, read_xlsx
    from tests.ui.helpers import files

    people, decision = a_year(services)
    from kbang_desktop.documents.certificates import print_decision

    print_decision(services.certificates, decision.id, tmp_path / "gcn.pdf")
    area = open_models(qtbot, window)
    targets = iter([tmp_path / "ds.xlsx", tmp_path / "phieu.pdf", tmp_path / "bb.pdf", tmp_path / "so",
                    tmp_path / "bc.pdf"])
    asked = files(monkeypatch, save=lambda: next(targets))

    def written(path):
        qtbot.waitUntil(lambda: path.exists() and not window.tasks.busy(), timeout=TIMEOUT)
        return path

    def registrations(dialog):
        choose(dialog.kind, "Gia đình học tập")
        choose(dialog.village, "Làng Kon Lốc")
        choose(dialog.format, "Excel (.xlsx)")
        save(dialog)

    answer(registrations)
    press(area.paper_buttons["registrations"])
    rows = read_xlsx(written(tmp_path / "ds.xlsx"))
    assert [r[1] for r in rows if r and r[0] in (1, 2, 3)] == ["Đinh Thị Bŏk", "Rơ Châm Hlim", "Đinh Văn Hmưk"]
    assert "Đã lưu" in area.message.text() and "3 dòng" in area.message.text()
    assert asked["save"][0][1].endswith(".xlsx") and "Làng Kon Lốc" in asked["save"][0][1]

    # the scoring sheets of the two registrations chosen in the list
    names = [r.name for r in area.registrations.rows]
    click_row(area.registration_view, names.index("Hộ ông/bà Đinh Thị Bŏk"))
    click_row(area.registration_view, names.index("Hộ ông/bà Ksor Hyuh"), modifier=Qt.KeyboardModifier.ControlModifier)

    def sheets(dialog):
        assert dialog.only_chosen.isChecked() and "2" in dialog.only_chosen.text()
        assert dialog.format.count() == 1  # a form to fill by hand: PDF only
        save(dialog)

    answer(sheets)
    press(area.paper_buttons["sheets"])
    text = flat(" ".join(pdf_pages(written(tmp_path / "phieu.pdf"))))
    assert text.count("PHIẾU ĐÁNH GIÁ") == 2 and "Đinh Thị Bŏk" in text and "Ksor Hyuh" in text
    assert "Rơ Châm Hlim" not in text

    def minutes(dialog):
        choose(dialog.kind, "Gia đình học tập")
        choose(dialog.village, "Làng Kon Lốc")
        save(dialog)

    answer(minutes)
    press(area.paper_buttons["minutes"])
    text = flat(" ".join(pdf_pages(written(tmp_path / "bb.pdf"))))
    assert "BIÊN BẢN" in text and "1 Đinh Thị Bŏk 100" in text and "ngày 27 tháng 11 năm 2026" in text

    answer(save)  # the register: nothing to choose but the format; a name typed without .pdf gets it
    press(area.paper_buttons["certificates"])
    text = flat(" ".join(pdf_pages(written(tmp_path / "so.pdf"))))
    assert "SỔ THEO DÕI CẤP GIẤY CÔNG NHẬN" in text and "1/2026 Hộ ông Đinh Văn Hmưk" in text

    def report(dialog):
        dialog.number.setText("25/BC-UBND")
        dialog.signer.setText("Nguyễn Văn Hùng")
        dialog.preparer.setText("Trần Thị Lan")
        save(dialog)

    answer(report)
    press(area.paper_buttons["report"])
    path = written(tmp_path / "bc.pdf")
    text = flat(" ".join(pdf_pages(path)))
    assert "Số: 25/BC-UBND" in text and "Kông Bơ La, ngày 27 tháng 11 năm 2026" in text
    assert "NGƯỜI LẬP BIỂU" in text and "Trần Thị Lan" in text and "Nguyễn Văn Hùng" in text
    assert all(pdf_fonts(path).values())


def test_a_paper_cancelled_at_the_file_dialog_writes_nothing(qtbot, window, services, answer, monkeypatch, tmp_path):
    from tests.ui.helpers import files

    area = open_models(qtbot, window)
    files(monkeypatch, save="")
    answer(save)
    press(area.paper_buttons["certificates"])
    idle(qtbot, window)
    assert list(tmp_path.glob("*.pdf")) == [] and "Đã lưu" not in area.message.text()


@pytest.fixture
def hub_window(qtbot, tmp_path):
    from kbang_desktop.ui.main_window import MainWindow
    from tests.sync.net import Net

    net = Net(tmp_path)
    net.hub()
    win = MainWindow(net.sites["hub"])
    win.tasks.quiet = True
    qtbot.addWidget(win)
    win.show()
    yield win, net.sites["hub"]
    win.tasks.wait()
    net.close()


def test_a_commune_cannot_replace_the_criteria_sets_of_its_hub(qtbot, window):
    area = open_models(qtbot, window)
    assert not area.criteria_button.isEnabled()
    assert "đơn vị đầu mối" in area.criteria_button.toolTip()


def test_an_administrator_replaces_a_criteria_set_from_a_date(qtbot, hub_window, answer):
    import json as _json
    from datetime import date

    from PySide6.QtCore import QDate

    window, services = hub_window
    area = open_models(qtbot, window)
    assert area.criteria_button.isEnabled()
    old = services.criteria.in_force("household", date(2026, 11, 27))
    seen = {}

    def version(dialog):
        choose(dialog.kind, "Gia đình học tập")
        assert f"phiên bản {old.version}" in dialog.current.text()
        data = _json.loads(dialog.text.toPlainText())
        data["pass_rule"]["min_total"] = 85
        dialog.text.setPlainText(_json.dumps(data, ensure_ascii=False))
        dialog.effective_from.setDate(QDate(2020, 1, 1))  # before the set it replaces: refused as typed
        save(dialog)
        seen["problem"] = dialog.problem.text()
        assert dialog.isVisible()
        dialog.effective_from.setDate(QDate(2027, 1, 1))
        dialog.name.setText("Bộ tiêu chí Gia đình học tập 2027")
        dialog.source.setText("Hướng dẫn của Hội Khuyến học tỉnh, 2026")
        save(dialog)

    answer(version)
    press(area.criteria_button)
    qtbot.waitUntil(lambda: "phiên bản" in area.message.text() and not window.tasks.busy(), timeout=TIMEOUT)
    assert "bắt đầu hiệu lực sau ngày" in seen["problem"]
    assert "Bộ tiêu chí Gia đình học tập 2027" in area.message.text() and "01/01/2027" in area.message.text()
    new = services.criteria.in_force("household", date(2027, 3, 1))
    assert new.id != old.id and new.version == old.version + 1 and new.effective_to is None
    assert new.legal_source == "Hướng dẫn của Hội Khuyến học tỉnh, 2026"
    assert services.criteria.in_force("household", date(2026, 12, 31)).id == old.id
    ended = next(s for s in services.criteria.list("household") if s.id == old.id)
    assert ended.effective_to == date(2026, 12, 31)
    assert _json.loads(new.definition)["pass_rule"]["min_total"] == 85


def test_a_blank_citizen_form_for_farmers_from_its_button(qtbot, window, services, answer, monkeypatch, tmp_path):
    from tests.documents.helpers import flat, pdf_pages
    from tests.ui.helpers import files

    area = open_models(qtbot, window)
    files(monkeypatch, save=tmp_path / "cd.pdf")

    def sheets(dialog):
        assert not dialog.group.isEnabled()  # households: one form for everyone
        choose(dialog.kind, "Công dân học tập")
        assert dialog.group.isEnabled()
        choose(dialog.group, "Nông dân")
        dialog.blank.setChecked(True)
        save(dialog)

    answer(sheets)
    press(area.paper_buttons["sheets"])
    qtbot.waitUntil(lambda: (tmp_path / "cd.pdf").exists() and not window.tasks.busy(), timeout=TIMEOUT)
    text = flat(" ".join(pdf_pages(tmp_path / "cd.pdf")))
    assert "(Dành cho nông dân)" in text and "giá nông sản" in text
