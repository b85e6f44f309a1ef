"""The papers of a year of learning models: registration list, scoring sheets, review minutes, register of
certificates, yearly report; each read back from the PDF (pypdf) and the XLSX (openpyxl), nothing sensitive."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook

from kbang_desktop.core.errors import KbangError
from kbang_desktop.documents import paperwork as P
from kbang_desktop.documents.certificates import print_decision
from tests.documents.helpers import SCORES, flat, pdf_fonts, pdf_pages

ID_NUMBER = "064190000123"
LOW = {"1.1": 5}


def a_year(services):
    """2026 in Kông Bơ La: three households of Làng Kon Lốc (two pass, one does not), one of Làng Đak Asel,
    a clan; a decision for one household of Kon Lốc issued and printed twice (a reprint)."""
    people = {}
    for name, sex, village, number in (("Đinh Văn Hmưk", "M", "Làng Kon Lốc", "1"),
                                       ("Đinh Thị Bŏk", "F", "Làng Kon Lốc", "2"),
                                       ("Rơ Châm Hlim", "M", "Làng Kon Lốc", "3"),
                                       ("Ksor Hyuh", "M", "Làng Đak Asel", "7")):
        head = services.persons.add(name, sex, "1980", "Ba Na", "Kông Bơ La", village, id_number=ID_NUMBER,
                                    disability=True)
        household = services.households.add("Kông Bơ La", village, number, head.id)
        people[name] = services.models.register(2026, "household", household.id, date(2026, 1, 10))
    services.models.evaluate(people["Đinh Văn Hmưk"].id, SCORES, date(2026, 11, 1))
    services.models.evaluate(people["Đinh Thị Bŏk"].id, SCORES, date(2026, 11, 1))
    services.models.evaluate(people["Rơ Châm Hlim"].id, LOW, date(2026, 11, 1))
    clan = services.clans.add("Kông Bơ La", "Dòng họ Đinh làng Kon Lốc")
    services.models.register(2026, "clan", clan.id, date(2026, 1, 12))
    decision = services.models.create_decision("Kông Bơ La", "7/QĐ-UBND", date(2026, 12, 5), "household", 2026,
                                               "Nguyễn Văn Hùng")
    services.models.add_entry(decision.id, people["Đinh Văn Hmưk"].id)
    services.models.issue(decision.id)
    return people, decision


def village_id(services, name):
    return next(v.id for v in services.units.list(kind="village") if v.name == name)


def read_pdf(path):
    assert all(pdf_fonts(path).values()), pdf_fonts(path)  # every font embedded
    return flat(" ".join(pdf_pages(path)))


def read_xlsx(path):
    sheet = load_workbook(path).active
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def no_sensitive(text):
    assert ID_NUMBER not in text and "Ba Na" not in text and "Bahnar" not in text and "khuyết tật" not in text.lower()


def test_registration_list_of_a_village(services, tmp_path):
    a_year(services)
    data = services.paperwork.year_list(2026, "household", village_id(services, "Làng Kon Lốc"))
    assert [r.name for r in data.rows] == ["Đinh Thị Bŏk", "Rơ Châm Hlim", "Đinh Văn Hmưk"]  # by given name
    layout = P.registration_list(data)
    assert P.write(layout, tmp_path / "ds.pdf") == 1
    text = read_pdf(tmp_path / "ds.pdf")
    assert "UBND XÃ KÔNG BƠ LA LÀNG KON LỐC" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert "DANH SÁCH ĐĂNG KÝ XÂY DỰNG “GIA ĐÌNH HỌC TẬP” NĂM 2026" in text
    assert "1 Đinh Thị Bŏk Làng Kon Lốc 10/01/2026" in text and "Ksor Hyuh" not in text
    assert "Tổng cộng: 3 hộ gia đình đăng ký." in text
    assert "Kông Bơ La, ngày ..... tháng ..... năm 2026" in text and "TRƯỞNG THÔN, LÀNG" in text
    no_sensitive(text)
    P.write(layout, tmp_path / "ds.xlsx")
    rows = read_xlsx(tmp_path / "ds.xlsx")
    assert ["STT", "Họ và tên chủ hộ", "Thôn, làng", "Ngày đăng ký", "Ký xác nhận"] in rows
    first = rows[rows.index(["STT", "Họ và tên chủ hộ", "Thôn, làng", "Ngày đăng ký", "Ký xác nhận"]) + 1]
    assert first[:3] == [1, "Đinh Thị Bŏk", "Làng Kon Lốc"] and first[3].date() == date(2026, 1, 10)
    no_sensitive(json.dumps(rows, default=str, ensure_ascii=False))


def test_registration_list_of_every_kind_of_the_commune(services, tmp_path):
    a_year(services)
    layout = P.registration_list(services.paperwork.year_list(2026))
    P.write(layout, tmp_path / "all.pdf")
    text = read_pdf(tmp_path / "all.pdf")
    assert "ĐĂNG KÝ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP NĂM 2026" in text
    assert layout.subtitle == "Xã Kông Bơ La"  # the commune's name as written, not "Xã kông bơ la"
    assert "“Gia đình học tập”: 4 hộ gia đình" in text and "“Dòng họ học tập”: 1 dòng họ" in text
    assert "Dòng họ Đinh làng Kon Lốc" in text and "TM. ỦY BAN NHÂN DÂN" in text


def test_scoring_sheet_lists_every_item_with_its_maximum(services, tmp_path):
    people, _decision = a_year(services)
    sheets = services.paperwork.scoring_sheets(2026, "household", [people["Đinh Thị Bŏk"].id,
                                                                   people["Ksor Hyuh"].id])
    assert [s.name for s in sheets] == ["Đinh Thị Bŏk", "Ksor Hyuh"]
    pages = P.write_sheets(sheets, tmp_path / "phieu.pdf")
    texts = [flat(t) for t in pdf_pages(tmp_path / "phieu.pdf")]
    assert pages == len(texts) >= 2
    joined = " ".join(texts)
    assert joined.count("PHIẾU ĐÁNH GIÁ “GIA ĐÌNH HỌC TẬP” NĂM 2026") == 2  # one form each, each from a new page
    assert texts[0].startswith("UBND XÃ KÔNG BƠ LA")
    assert "Hộ gia đình (họ và tên chủ hộ): Đinh Thị Bŏk" in joined
    assert "Địa chỉ: Làng Đak Asel, xã Kông Bơ La, tỉnh Gia Lai" in joined
    definition = sheets[0].definition
    for criterion in definition.criteria:
        for item in criterion.items:
            assert f"{item.code} {item.title}" in joined, item.code
    assert f"Tổng cộng {P._text(definition.max_total)}" in joined
    assert f"Đạt khi tổng điểm từ {P._text(definition.min_total)} trở lên" in joined
    assert "cần đối chiếu" in joined  # the shipped set is a template, and the form says so
    assert "ĐẠI DIỆN HỘ GIA ĐÌNH" in joined and "TRƯỞNG THÔN, LÀNG" in joined
    no_sensitive(joined)
    assert all(pdf_fonts(tmp_path / "phieu.pdf").values())


@pytest.mark.parametrize("kind", ["clan", "village", "organisation", "citizen"])
def test_a_blank_scoring_sheet_of_every_other_kind(services, tmp_path, kind):
    sheets = services.paperwork.scoring_sheets(2026, kind, blank=True)
    P.write_sheets(sheets, tmp_path / "blank.pdf")
    text = read_pdf(tmp_path / "blank.pdf")
    title = {"clan": "DÒNG HỌ HỌC TẬP", "village": "CỘNG ĐỒNG HỌC TẬP CẤP THÔN", "organisation": "ĐƠN VỊ HỌC TẬP",
             "citizen": "CÔNG DÂN HỌC TẬP"}[kind]
    assert f"PHIẾU ĐÁNH GIÁ “{title}” NĂM 2026" in text and "......" in text
    assert sheets[0].definition.criteria[0].items[0].title in text


def test_review_minutes_propose_those_who_passed_and_are_not_yet_recognised(services, tmp_path):
    a_year(services)
    data = services.paperwork.year_list(2026, "household", village_id(services, "Làng Kon Lốc"))
    layout = P.review_minutes(data, "household", date(2026, 11, 20))
    P.write(layout, tmp_path / "bb.pdf")
    text = read_pdf(tmp_path / "bb.pdf")
    assert "BIÊN BẢN Họp bình xét “Gia đình học tập” năm 2026" in text
    assert "ngày 20 tháng 11 năm 2026" in text
    assert "Làng Kon Lốc có 3 hộ gia đình đăng ký" in text and "đã đánh giá 3; 2 đạt" in text
    # Đinh Văn Hmưk is already recognised by 7/QĐ-UBND; Rơ Châm Hlim did not pass
    assert "công nhận 1 hộ gia đình đạt danh hiệu “Gia đình học tập” năm 2026" in text
    assert "1 Đinh Thị Bŏk 100" in text and "Rơ Châm Hlim 5" not in text
    assert "THƯ KÝ" in text and "CHỦ TRÌ" in text
    no_sensitive(text)
    P.write(layout, tmp_path / "bb.xlsx")
    rows = read_xlsx(tmp_path / "bb.xlsx")
    assert [1, "Đinh Thị Bŏk", 100] in rows


def test_register_of_certificates_with_serials_and_reprints(services, tmp_path):
    _people, decision = a_year(services)
    print_decision(services.certificates, decision.id, tmp_path / "gcn.pdf")
    print_decision(services.certificates, decision.id, tmp_path / "gcn2.pdf", reason="Giấy bị rách")
    data = services.paperwork.certificate_register(2026)
    assert [(r.serial, r.name, r.printed, [x[1] for x in r.reprints]) for r in data.rows] == [
        (1, "Hộ ông Đinh Văn Hmưk", 2, ["Giấy bị rách"])]
    layout = P.certificate_register(data)
    P.write(layout, tmp_path / "so.pdf")
    text = read_pdf(tmp_path / "so.pdf")
    assert "SỔ THEO DÕI CẤP GIẤY CÔNG NHẬN DANH HIỆU CÁC MÔ HÌNH HỌC TẬP NĂM 2026" in text
    assert "1/2026 Hộ ông Đinh Văn Hmưk Gia đình học tập" in text
    assert "7/QĐ-UBND ngày 05/12/2026" in text and "Giấy bị rách" in text
    assert data.rows[0].code in text
    assert "Tổng cộng: 1 giấy công nhận; 1 lần in lại." in text
    no_sensitive(text)
    P.write(layout, tmp_path / "so.xlsx")
    rows = read_xlsx(tmp_path / "so.xlsx")
    line = next(r for r in rows if r and r[0] == "1/2026")
    assert line[1] == "Hộ ông Đinh Văn Hmưk" and 2 in line and data.rows[0].code in line


def test_yearly_report_counts_per_model_and_village_against_the_targets(services, tmp_path):
    a_year(services)
    data = services.paperwork.year_report(2026, date(2026, 12, 10), "25/bc-ubnd", "Nguyễn Văn Hùng",
                                          preparer="Trần Thị Lan")
    household = data.models[0]
    assert household.kind == "household" and household.denominator == 4
    assert [(v.village, v.registered, v.evaluated, v.passed, v.recognised) for v in household.villages] == [
        ("Làng Đak Asel", 1, 0, 0, 0), ("Làng Kon Lốc", 3, 3, 2, 1)]
    assert (household.total.registered, household.total.recognised, str(household.share)) == (4, 1, "1/4")
    layout = P.year_report(data)
    assert P.write(layout, tmp_path / "bc.pdf") >= 1
    text = read_pdf(tmp_path / "bc.pdf")
    assert "ỦY BAN NHÂN DÂN XÃ KÔNG BƠ LA" in text and "Số: 25/BC-UBND" in text
    assert "Kông Bơ La, ngày 10 tháng 12 năm 2026" in text
    assert "BÁO CÁO Kết quả xây dựng các mô hình học tập năm 2026" in text
    assert "Gia đình học tập 4 4 3 2 1 25" in text  # total, registered, evaluated, passed, recognised, 25%
    assert "Làng Kon Lốc 3 3 2 1" in text and "Cấp xã (không thuộc thôn, làng) 1 0 0 0" in text
    assert "chỉ tiêu 70% hộ gia đình đạt danh hiệu đến năm 2025 (QĐ 387/QĐ-TTg)" in text
    assert "NGƯỜI LẬP BIỂU" in text and "Trần Thị Lan" in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text and "Nguyễn Văn Hùng" in text and "Nơi nhận:" in text
    no_sensitive(text)
    P.write(layout, tmp_path / "bc.xlsx")
    rows = read_xlsx(tmp_path / "bc.xlsx")
    assert ["Gia đình học tập", 4, 4, 3, 2, 1, 0.25, 0.7] in rows
    assert "Số: 25/BC-UBND" in rows[2]


def test_a_paper_is_only_pdf_or_xlsx(services, tmp_path):
    a_year(services)
    with pytest.raises(KbangError):
        P.write(P.registration_list(services.paperwork.year_list(2026)), tmp_path / "ds.docx")
    assert not (tmp_path / "ds.docx").exists()


def test_every_paper_from_the_command_line(services, db_path, tmp_path, cli):
    people, decision = a_year(services)
    print_decision(services.certificates, decision.id, tmp_path / "gcn.pdf")
    db = str(db_path)

    def run(*args):
        result = cli("models", "paper", *args, "--json", "--db", db)
        assert result.code == 0, result.err
        return result.json()

    made = run("registrations", "--year", "2026", "--kind", "household", "--village", "lang kon loc",
               "--out", tmp_path / "ds.xlsx")
    assert made == {"file": str(tmp_path / "ds.xlsx"), "format": "xlsx", "rows": 3}
    assert ["1", "Đinh Thị Bŏk"] == [str(x) for x in read_xlsx(tmp_path / "ds.xlsx")[8][:2]]
    made = run("sheets", "--year", "2026", "--kind", "household", "--village", "Làng Kon Lốc",
               "--out", tmp_path / "phieu.pdf")
    assert made["rows"] == 3 and made["pages"] >= 3
    assert read_pdf(tmp_path / "phieu.pdf").count("PHIẾU ĐÁNH GIÁ") == 3
    assert run("sheets", "--year", "2026", "--kind", "citizen", "--blank", "--group", "worker",
               "--out", tmp_path / "cd.pdf")["rows"] == 1
    assert "(Dành cho công nhân, người lao động)" in read_pdf(tmp_path / "cd.pdf")
    made = run("minutes", "--year", "2026", "--kind", "household", "--village", "Làng Kon Lốc", "--date",
               "20/11/2026", "--out", tmp_path / "bb.pdf")
    assert made["rows"] == 1 and "Đinh Thị Bŏk" in read_pdf(tmp_path / "bb.pdf")
    made = run("certificates", "--year", "2026", "--out", tmp_path / "so.pdf")
    assert made["rows"] == 1 and "1/2026 Hộ ông Đinh Văn Hmưk" in read_pdf(tmp_path / "so.pdf")
    made = run("report", "--year", "2026", "--date", "2026-12-10", "--number", "25/BC-UBND", "--signer",
               "Nguyễn Văn Hùng", "--preparer", "Trần Thị Lan", "--out", tmp_path / "bc.pdf")
    text = read_pdf(tmp_path / "bc.pdf")
    assert made["pages"] >= 1 and "Số: 25/BC-UBND" in text and "Trần Thị Lan" in text
    refused = cli("models", "paper", "report", "--year", "2026", "--out", tmp_path / "bc.docx", "--db", db)
    assert refused.code == 1 and "bc.docx" in refused.err and "Traceback" not in refused.err
    refused = cli("models", "paper", "minutes", "--year", "2026", "--kind", "household", "--village", "Làng Không Có",
                  "--out", tmp_path / "x.pdf", "--db", db)
    assert refused.code == 1 and "Làng Không Có" in refused.err


@pytest.mark.parametrize(("group", "label", "hint"), [
    ("farmer", "nông dân", "Dùng điện thoại tìm giá nông sản, thời tiết, kỹ thuật canh tác."),
    ("worker", "công nhân, người lao động", "Nâng bậc thợ, năng suất, an toàn lao động nhờ điều đã học."),
    ("official", "cán bộ, công chức, viên chức", "Soạn thảo văn bản, báo cáo, số liệu đúng thể thức."),
])
def test_a_citizen_form_per_target_group(services, tmp_path, group, label, hint):
    sheets = services.paperwork.scoring_sheets(2026, "citizen", blank=True)
    P.write_sheets(sheets, tmp_path / "cd.pdf", group)
    text = read_pdf(tmp_path / "cd.pdf")
    assert f"PHIẾU ĐÁNH GIÁ “CÔNG DÂN HỌC TẬP” NĂM 2026 (Dành cho {label})" in text
    assert "Mã Chỉ số Gợi ý minh chứng Điểm tối đa Tự đánh giá Điểm đánh giá" in text and hint in text
    assert "1. Năng lực tự học và học tập suốt đời" in text  # the three groups of competences head their indicators
    assert "3. Năng lực xây dựng các mối quan hệ xã hội" in text
    assert "CS10" in text and "Tổng cộng 100" in text
    assert "Đạt khi tổng điểm từ 80 trở lên; không tiêu chí nào dưới 5 điểm." in text
    others = [h for g, h in (("farmer", "giá nông sản"), ("worker", "bậc thợ"), ("official", "thư điện tử công vụ"))
              if g != group]
    assert not any(h in text for h in others)  # only this group's evidence


def test_the_common_citizen_form_and_a_wrong_group(services, tmp_path):
    sheets = services.paperwork.scoring_sheets(2026, "citizen", blank=True)
    P.write_sheets(sheets, tmp_path / "cd.pdf")
    text = read_pdf(tmp_path / "cd.pdf")
    assert "Gợi ý minh chứng" not in text and "Dành cho" not in text
    with pytest.raises(KbangError, match="farmer"):
        P.write_sheets(sheets, tmp_path / "x.pdf", "student")
    assert not (tmp_path / "x.pdf").exists()


def test_the_widest_verification_code_stays_on_one_line_in_the_register(tmp_path):
    from kbang_desktop.services.paperwork import CertificateRegister, IssuedRow, Place

    row = IssuedRow(10001, "household", "Hộ bà Nguyễn Thị Hoàng Khánh Linh", "Làng Kon Lốc, xã Kông Bơ La, tỉnh Gia Lai",
                    "1234/QĐ-UBND", date(2026, 12, 25), date(2026, 12, 25), 3,
                    ((date(2026, 12, 26), "Giấy bị ướt khi phát ở làng"),), "WWWW-MMMM-WWWW", True)
    data = CertificateRegister(Place("XÃ KÔNG BƠ LA", "xã Kông Bơ La", "Kông Bơ La"), 2026, (row,))
    P.write(P.certificate_register(data), tmp_path / "so.pdf")
    text = read_pdf(tmp_path / "so.pdf")
    assert "WWWW-MMMM-WWWW" in text and "10001/2026" in text and "25/12/2026" in text and "Đã thu hồi" in text
