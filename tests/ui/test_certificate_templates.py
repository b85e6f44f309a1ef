"""Giấy công nhận: an administrator changes who decides and the wording of a model in the template editor,
by pressing its buttons; the preview and the printed certificate follow."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from tests.documents.helpers import flat, issued_decision, pdf_pages
from tests.ui.helpers import TIMEOUT, choose, click_row, files, press, save

CERTIFICATES = 5


def test_who_decides_and_the_wording_from_the_template_editor(qtbot, window, services, answer, tmp_path,
                                                              monkeypatch):
    decision = issued_decision(services)
    area = window.areas[CERTIFICATES]
    window.show_area(CERTIFICATES)
    qtbot.waitUntil(lambda: area.decisions.rowCount() == 1 and not window.tasks.busy(), timeout=TIMEOUT)
    click_row(area.list, 0)
    qtbot.waitUntil(lambda: area.document.pageCount() == 3 and not window.tasks.busy(), timeout=TIMEOUT)
    seen = {}

    def edit(dialog):
        assert dialog.authority.currentData() == "chairman"
        seen["before"] = dialog.signature.text()
        assert "đạt danh hiệu “{model_title}” năm {model_year}" in dialog.sentences["household"].toPlainText()
        choose(dialog.authority, "Ủy ban nhân dân xã quyết định (ký: TM. ỦY BAN NHÂN DÂN, CHỦ TỊCH)")
        seen["after"] = dialog.signature.text()
        dialog.titles["household"].setText("GIA ĐÌNH HỌC TẬP TIÊU BIỂU")
        save(dialog)

    answer(edit)
    press(area.edit_template_button)
    qtbot.waitUntil(lambda: services.certificates.template("a4-landscape").authority == "committee"
                    and not window.tasks.busy(), timeout=TIMEOUT)
    assert "của Chủ tịch Ủy ban nhân dân" in seen["before"] and "Khối chữ ký: CHỦ TỊCH;" in seen["before"]
    assert "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" in seen["after"]
    template = services.certificates.template("a4-landscape")
    assert template.authority == "committee" and template.models["household"]["title"] == "GIA ĐÌNH HỌC TẬP TIÊU BIỂU"
    files(monkeypatch, save=tmp_path / "giay.pdf")
    press(area.save_button)
    qtbot.waitUntil(lambda: (tmp_path / "giay.pdf").exists() and not window.tasks.busy(), timeout=TIMEOUT)
    first = flat(pdf_pages(tmp_path / "giay.pdf")[0])
    assert "đạt danh hiệu “GIA ĐÌNH HỌC TẬP TIÊU BIỂU” năm 2025" in first
    assert "của Ủy ban nhân dân xã Kông Bơ La" in first and "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in first
    assert services.certificates.for_decision(decision.id)


def test_a_wrong_field_in_the_wording_is_said_in_the_editor_and_nothing_saved(qtbot, window, services, answer):
    issued_decision(services)
    area = window.areas[CERTIFICATES]
    window.show_area(CERTIFICATES)
    qtbot.waitUntil(lambda: area.decisions.rowCount() == 1 and not window.tasks.busy(), timeout=TIMEOUT)
    seen = {}

    def edit(dialog):
        dialog.sentences["clan"].setPlainText("Công nhận {ten_sai}")
        save(dialog)
        seen["problem"] = dialog.problem.text()
        assert dialog.isVisible()  # still open, to be corrected
        press(dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

    answer(edit)
    press(area.edit_template_button)
    qtbot.waitUntil(lambda: "problem" in seen and not window.tasks.busy(), timeout=TIMEOUT)
    assert "ten_sai" in seen["problem"]
    assert ("a4-landscape", True) in services.certificates.template_names()  # nothing saved: still the built-in one
