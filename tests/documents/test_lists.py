"""The decision annex and the literacy documents: wording, layout rules, page numbers, no sensitive fields."""

from __future__ import annotations

import json
from datetime import date

from pypdf import PdfReader

from kbang_desktop.cli.main import main
from kbang_desktop.documents.certificates import print_completions
from kbang_desktop.documents.lists import MARGINS, annex_pdf, completions_pdf
from tests.documents.helpers import flat, issued_decision, pdf_fonts, pdf_pages


def test_annex_breaks_cleanly_with_repeated_header_and_page_numbers(services, tmp_path):
    heads = [(f"Đinh Văn Hmưk {i:02d}", "M") for i in range(1, 46)]
    decision = issued_decision(services, heads=heads)
    annex = services.paperwork.annex(decision.id)
    pages = annex_pdf(annex, tmp_path / "annex.pdf")
    texts = [flat(t) for t in pdf_pages(tmp_path / "annex.pdf")]
    assert pages == len(texts) >= 3
    first = texts[0]
    assert "DANH SÁCH HỘ GIA ĐÌNH ĐƯỢC CÔNG NHẬN \"GIA ĐÌNH HỌC TẬP\" NĂM 2025" in first
    assert ("(Kèm theo Quyết định số 15/QĐ-UBND ngày 05 tháng 02 năm 2026 của Chủ tịch Ủy ban nhân dân "
            "xã Kông Bơ La)") in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    for number, text in enumerate(texts, 1):
        assert "STT Họ và tên chủ hộ Địa chỉ Điểm đánh giá Ghi chú" in text  # header on every page
        assert text.startswith(str(number)) == (number > 1)  # page numbers from page 2, at the top
    joined = " ".join(texts)
    for i in range(1, 46):
        assert joined.count(f"Đinh Văn Hmưk {i:02d}") == 1  # no row lost or split across pages
    assert "Tổng cộng: 45 hộ gia đình." in texts[-1]
    assert all(pdf_fonts(tmp_path / "annex.pdf").values())


def test_annex_margins_follow_decree_30(services, tmp_path):
    decision = issued_decision(services)
    annex_pdf(services.paperwork.annex(decision.id), tmp_path / "annex.pdf")
    page = PdfReader(str(tmp_path / "annex.pdf")).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    xs: list[float] = []
    page.extract_text(visitor_text=lambda text, cm, tm, *_: xs.append(tm[4] * cm[0] + cm[4]) if text.strip() else None)
    mm = 72 / 25.4
    assert 20 * mm <= MARGINS["top"] <= 25 * mm and 20 * mm <= MARGINS["bottom"] <= 25 * mm
    assert 30 * mm <= MARGINS["left"] <= 35 * mm and 15 * mm <= MARGINS["right"] <= 20 * mm
    assert min(x for x in xs if x > 0) >= MARGINS["left"] - 1


def _completed_class(services):
    centre = services.centres.add("Kông Bơ La", "Trung tâm học tập cộng đồng xã Kông Bơ La")
    klass = services.literacy.add_class(centre.id, "Lớp XMC GĐ1 Làng Kon Kơ Tu", 1, date(2025, 9, 5))
    people = [services.persons.add("Đinh Thị Bŏk", "F", "1990", "13", "Kông Bơ La", "Làng Kon Kơ Tu",
                                   id_number="064190000123", disability=True),
              services.persons.add("Ksor Hyuh", "M", "12/03/1985", "13", "Kông Bơ La", "Làng Kon Kơ Tu"),
              services.persons.add("Rơ Mah Blơng", "F", "1995", "13", "Kông Bơ La", "Làng Kon Kơ Tu")]
    for index, person in enumerate(people):
        enrolment = services.literacy.enrol(klass.id, person.id, date(2025, 9, 5))
        if index == 2:
            continue  # still studying: not on the list
        for subject in ("tieng_viet", "toan"):
            services.literacy.record_result(enrolment.id, 3, subject, "tot" if index == 0 else "hoan_thanh",
                                            date(2026, 5, 20))
    return klass


def test_completion_list_and_certificates(services, tmp_path):
    klass = _completed_class(services)
    data = services.paperwork.completions(klass.id, on=date(2026, 5, 25), signer_name="Nguyễn Văn Hùng")
    assert [r.name for r in data.rows] == ["Đinh Thị Bŏk", "Ksor Hyuh"]  # Vietnamese order by given name
    completions_pdf(data, tmp_path / "ds.pdf")
    text = flat(" ".join(pdf_pages(tmp_path / "ds.pdf")))
    assert "DANH SÁCH HỌC VIÊN HOÀN THÀNH GIAI ĐOẠN 1 CHƯƠNG TRÌNH XÓA MÙ CHỮ" in text
    assert "Đinh Thị Bŏk 1990 Nữ Làng Kon Kơ Tu Hoàn thành tốt 20/05/2026" in text
    assert "Ksor Hyuh 12/03/1985 Nam" in text and "Rơ Mah Blơng" not in text
    assert "Kông Bơ La, ngày 25 tháng 5 năm 2026" in text and "Nguyễn Văn Hùng" in text
    assert "064190000123" not in text and "Ba Na" not in text and "Bahnar" not in text  # nothing sensitive
    assert all(pdf_fonts(tmp_path / "ds.pdf").values())
    pages = print_completions(services.certificates, data, tmp_path / "gcn.pdf")
    sheets = [flat(t) for t in pdf_pages(tmp_path / "gcn.pdf")]
    assert pages == 2 and "GIẤY CHỨNG NHẬN" in sheets[0] and "Chứng nhận: Bà Đinh Thị Bŏk" in sheets[0]
    assert "ĐÃ HOÀN THÀNH GIAI ĐOẠN 1 CHƯƠNG TRÌNH XÓA MÙ CHỮ" in sheets[1] and "Sinh ngày 12/03/1985" in sheets[1]


def test_cli_annex_and_literacy_documents(services, db_path, tmp_path, capsys):
    decision = issued_decision(services)
    klass = _completed_class(services)
    services.ctx.db.close()
    assert main(["--db", str(db_path), "decisions", "annex", "--decision", decision.id, "--out",
                 str(tmp_path / "a.pdf"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 3
    assert main(["--db", str(db_path), "literacy", "completions", "--class", klass.id, "--out",
                 str(tmp_path / "l.pdf"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["learners"] == 2
    assert main(["--db", str(db_path), "literacy", "certificates", "--class", klass.id, "--out",
                 str(tmp_path / "c.pdf"), "--template", "a4-landscape"]) == 1
    assert "không phải mẫu giấy chứng nhận xóa mù chữ" in capsys.readouterr().err
    assert main(["--db", str(db_path), "decisions", "annex", "--decision", decision.id, "--out",
                 str(tmp_path / "a.txt")]) == 1
    assert ".pdf" in capsys.readouterr().err
