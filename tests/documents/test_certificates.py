"""Recognition certificates: wording, fonts, serials, reprints, templates, verification."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kbang_desktop.cli.main import main
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.templates import load_template
from kbang_desktop.documents.certificates import print_decision, records_in_pdf
from tests.documents.helpers import SCORES, flat, issued_decision, pdf_fonts, pdf_pages


def test_certificate_pages_hold_the_official_wording(services, tmp_path):
    decision = issued_decision(services)
    result = print_decision(services.certificates, decision.id, tmp_path / "giay.pdf")
    assert result.pages == 3 and result.serials == [1, 2, 3]
    pages = [flat(p) for p in pdf_pages(tmp_path / "giay.pdf")]
    assert len(pages) == 3
    first = pages[0]
    for phrase in ("ỦY BAN NHÂN DÂN", "XÃ KÔNG BƠ LA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "GIẤY CÔNG NHẬN", "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ KÔNG BƠ LA",
                   "Công nhận hộ gia đình ông Đinh Văn Hmưk đạt danh hiệu “GIA ĐÌNH HỌC TẬP” năm 2025",
                   "Làng Kon Kơ Tu, xã Kông Bơ La, tỉnh Gia Lai",
                   "Theo Quyết định số 15/QĐ-UBND ngày 05 tháng 02 năm 2026 của Chủ tịch Ủy ban nhân dân xã Kông Bơ La",
                   "Kông Bơ La, ngày 05 tháng 02 năm 2026 CHỦ TỊCH Nguyễn Văn Hùng", "Số vào sổ: 1/2026"):
        assert phrase in first, phrase
    assert "TM. ỦY BAN NHÂN DÂN" not in first  # the Chairman decides in his own name: he signs as "CHỦ TỊCH"
    assert "Công nhận hộ gia đình bà Đinh Thị Bŏk" in pages[1]  # Bahnar breve letter and the honorific by sex
    assert "Số vào sổ: 3/2026" in pages[2]
    fonts = pdf_fonts(tmp_path / "giay.pdf")
    assert fonts and all(fonts.values()), fonts
    assert not any("Helvetica" in name for name in fonts)


def test_a_deputy_signs_with_kt(services, tmp_path):
    decision = services.models.create_decision("Kông Bơ La", "16/QĐ-UBND", date(2026, 3, 12), "household", 2025,
                                               "Lê Thị Hoa", "vice_chairman")
    issued = issued_decision(services, heads=(("Rơ Mah Hyuh", "F"),), number="17/QĐ-UBND")
    assert decision.status == "draft"  # the draft is not printable
    with pytest.raises(KbangError, match="chưa ban hành"):
        print_decision(services.certificates, decision.id, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    services.models.revoke(issued.id, date(2026, 4, 1), "Nhầm danh sách")
    with pytest.raises(KbangError, match="thu hồi"):
        print_decision(services.certificates, issued.id, tmp_path / "x.pdf")


def test_reprint_keeps_the_serial_and_records_who_when_why(services, tmp_path):
    decision = issued_decision(services)
    first = print_decision(services.certificates, decision.id, tmp_path / "a.pdf")
    again = print_decision(services.certificates, decision.id, tmp_path / "b.pdf", reason="Giấy bị ướt")
    assert again.serials == first.serials and again.reprints == 3 and first.reprints == 0
    certificate = services.certificates.for_decision(decision.id)[0]
    log = services.certificates.prints(certificate.id)
    assert [p.reprint for p in log] == [False, True]
    assert log[1].reason == "Giấy bị ướt" and log[1].created_by == "os:tester"
    # a second decision of the same year continues the numbering of this office
    other = issued_decision(services, heads=(("Đinh Văn Mơ", "M"),), number="20/QĐ-UBND",
                            decided_on=date(2026, 10, 9))
    assert print_decision(services.certificates, other.id, tmp_path / "c.pdf").serials == [4]


def test_a_failed_write_records_no_print(services, tmp_path):
    decision = issued_decision(services)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(KbangError, match="Không ghi được"):
        print_decision(services.certificates, decision.id, blocker / "giay.pdf")
    assert services.certificates.for_decision(decision.id) == []
    assert print_decision(services.certificates, decision.id, tmp_path / "ok.pdf").serials == [1, 2, 3]


def test_verification_accepts_genuine_and_refuses_altered(services, tmp_path):
    decision = issued_decision(services)
    print_decision(services.certificates, decision.id, tmp_path / "giay.pdf")
    records = records_in_pdf((tmp_path / "giay.pdf").read_bytes())
    assert len(records) == 3
    result = services.certificates.verify(records[0])
    assert result.status == "genuine"
    assert result.details["recognised"] == "Đinh Văn Hmưk" and result.details["decision"]["number"] == "15/QĐ-UBND"
    for old, new in (("Hmưk", "Hmuk"), ('"n":1', '"n":7'), ("15/QĐ", "16/QĐ")):
        altered = records[0].replace(old, new)
        assert altered != records[0]
        assert services.certificates.verify(altered).status == "not-genuine", old
    signature = records[0].rsplit(" ", 1)[1]
    flipped = records[0][:-len(signature)] + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert services.certificates.verify(flipped).status == "not-genuine"
    assert services.certificates.verify("KBC1 {not json").status == "malformed"
    code = services.certificates.for_decision(decision.id)[0].verification_code
    assert services.certificates.verify(code.lower().replace("-", " ")).status == "genuine"
    assert services.certificates.verify("ABCD-EFGH-JKLM").status == "not-found"
    services.models.revoke(decision.id, date(2026, 6, 1), "Sai đối tượng")
    revoked = services.certificates.verify(records[0])
    assert revoked.status == "revoked" and revoked.genuine


def test_cli_print_and_verify(services, db_path, tmp_path, capsys):
    decision = issued_decision(services)
    services.ctx.db.close()
    out = tmp_path / "giay.pdf"
    assert main(["--db", str(db_path), "certificates", "print", "--decision", decision.id, "--out", str(out),
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"pages": 3, "serials": [1, 2, 3], "file": str(out), "reprints": 0}
    assert main(["--db", str(db_path), "certificates", "verify", str(out), "--json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert [c["status"] for c in checked] == ["genuine"] * 3
    forged = tmp_path / "forged.txt"
    forged.write_text(records_in_pdf(out.read_bytes())[0].replace("Hmưk", "Hmăk"), encoding="utf-8")
    assert main(["--db", str(db_path), "certificates", "verify", str(forged), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "not-genuine"
    assert main(["--db", str(db_path), "certificates", "print", "--decision", "no-such", "--out", str(out)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_templates_are_data_the_admin_can_change(services, tmp_path):
    decision = issued_decision(services)
    data = json.loads(services.certificates.template_json("a5-landscape"))
    data["name"] = "giay-in-san"
    data["models"]["household"]["title"] = "GIA ĐÌNH HỌC TẬP TIÊU BIỂU"
    services.certificates.save_template(data)
    assert ("giay-in-san", False) in services.certificates.template_names()
    print_decision(services.certificates, decision.id, tmp_path / "a5.pdf", template_name="giay-in-san")
    assert "đạt danh hiệu “GIA ĐÌNH HỌC TẬP TIÊU BIỂU” năm 2025" in flat(pdf_pages(tmp_path / "a5.pdf")[0])
    bad = dict(data, blocks=[{"text": "{unknown_field}", "x": 10, "y": 10, "size": 12}])
    with pytest.raises(KbangError, match="unknown_field"):
        services.certificates.save_template(bad)
    with pytest.raises(KbangError, match="A4 hoặc A5"):
        load_template(json.dumps(dict(data, page="Letter")))
    with pytest.raises(KbangError, match="JSON"):
        load_template("{")


def test_background_image_is_drawn(services, tmp_path):
    import base64

    from pypdf import PdfReader

    decision = issued_decision(services, heads=(("Đinh Văn Hmưk", "M"),))
    png = _tiny_png()
    data = json.loads(services.certificates.template_json("a4-landscape"))
    data.update(name="nen", background=base64.b64encode(png).decode())
    services.certificates.save_template(data)
    print_decision(services.certificates, decision.id, tmp_path / "nen.pdf", template_name="nen")
    plain = print_decision(services.certificates, decision.id, tmp_path / "plain.pdf")
    assert plain.pages == 1
    with_background = len(PdfReader(str(tmp_path / "nen.pdf")).pages[0].images)
    assert with_background == len(PdfReader(str(tmp_path / "plain.pdf")).pages[0].images) + 1  # the QR code is one


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xf0\xe0\xc0" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_text_file_without_records_is_refused(services, db_path, tmp_path, capsys):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"%PDF-1.4\n%%EOF\n")
    services.ctx.db.close()
    assert main(["--db", str(db_path), "certificates", "verify", str(empty)]) == 1
    assert "không chứa mã xác minh" in capsys.readouterr().err
    assert Path(empty).exists()


def test_two_pcs_of_one_office_never_share_a_serial_and_the_hub_verifies_both(tmp_path):
    from tests.sync.net import Net, fill_commune

    net = Net(tmp_path)
    try:
        net.hub()
        net.commune("kbl", "Kông Bơ La")
        decision = fill_commune(net.sites["kbl"])["decision"]
        net.second_pc("kbl2", of="kbl")
        first = print_decision(net.sites["kbl"].certificates, decision, tmp_path / "a.pdf")
        second = print_decision(net.sites["kbl2"].certificates, decision, tmp_path / "b.pdf")
        assert first.serials == [1] and second.serials == [10001]
        for sender in ("kbl", "kbl2"):
            assert net.exchange(sender, "hub").status == "applied"
        assert net.exchange("hub", "kbl").status == "applied"
        hub = net.sites["hub"]
        for pdf in ("a.pdf", "b.pdf"):
            record = records_in_pdf((tmp_path / pdf).read_bytes())[0]
            assert hub.certificates.verify(record).status == "genuine"
            assert net.sites["kbl"].certificates.verify(record).status == "genuine"
        assert sorted(c.serial for c in net.sites["kbl"].certificates.for_decision(decision)) == [1, 10001]
    finally:
        net.close()


def test_the_printed_qr_code_scans_to_the_signed_record(services, db_path, tmp_path, capsys):
    import zxingcpp
    from pypdf import PdfReader

    decision = issued_decision(services, heads=(("Đinh Thị Bŏk", "F"),))
    print_decision(services.certificates, decision.id, tmp_path / "giay.pdf")
    record = records_in_pdf((tmp_path / "giay.pdf").read_bytes())[0]
    image = PdfReader(str(tmp_path / "giay.pdf")).pages[0].images[0].image
    photo = image.convert("L").resize((image.width * 6, image.height * 6), 0)  # as a scan would see it
    from PIL import ImageOps

    photo = ImageOps.expand(photo, border=40, fill=255)
    decoded = zxingcpp.read_barcodes(photo)
    assert [d.text for d in decoded] == [record] and "Bŏk" in record
    photo.save(tmp_path / "anh-chup.png")
    services.ctx.db.close()
    assert main(["--db", str(db_path), "certificates", "verify", str(tmp_path / "anh-chup.png"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["recognised"] == "Đinh Thị Bŏk"
    blank = tmp_path / "trang.png"
    ImageOps.expand(photo.crop((0, 0, 10, 10)), border=20, fill=255).save(blank)
    assert main(["--db", str(db_path), "certificates", "verify", str(blank)]) == 1
    assert "mã QR" in capsys.readouterr().err


def test_a_preview_draws_the_same_pages_and_records_nothing(services, tmp_path):
    decision = issued_decision(services)
    preview = print_decision(services.certificates, decision.id, tmp_path / "xem.pdf", record=False)
    assert preview.serials == [1, 2, 3] and services.certificates.for_decision(decision.id) == []
    printed = print_decision(services.certificates, decision.id, tmp_path / "in.pdf")
    assert printed.serials == preview.serials and printed.reprints == 0
    assert [flat(t) for t in pdf_pages(tmp_path / "xem.pdf")][0].split("Mã xác minh")[0] == \
        [flat(t) for t in pdf_pages(tmp_path / "in.pdf")][0].split("Mã xác minh")[0]


def test_the_preview_shows_the_code_and_serial_that_print(services):
    decision = issued_decision(services)

    def drawn(sheets):
        return [(s.serial, s.code, s.record) for s in sheets]

    preview = services.certificates.print_decision(decision.id, drawn, record=False)
    assert services.certificates.for_decision(decision.id) == []  # a preview records nothing
    printed = services.certificates.print_decision(decision.id, drawn)
    assert [p[:2] for p in printed] == [p[:2] for p in preview] and len({p[1] for p in printed}) == 3
    assert [c.verification_code for c in services.certificates.for_decision(decision.id)] == [p[1] for p in printed]
    assert services.certificates.verify(printed[0][2]).genuine


def test_when_the_committee_decides_the_certificate_and_the_annex_say_so(services, tmp_path):
    from kbang_desktop.documents.lists import annex_pdf

    decision = services.models.create_decision("Kông Bơ La", "18/QĐ-UBND", date(2026, 12, 5), "household", 2026,
                                               "Lê Thị Hoa", "vice_chairman")
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "13", "Kông Bơ La", "Làng Kon Kơ Tu")
    household = services.households.add("Kông Bơ La", "Làng Kon Kơ Tu", "12", head.id)
    registration = services.models.register(2026, "household", household.id, date(2026, 1, 10))
    services.models.evaluate(registration.id, SCORES, date(2026, 11, 1))
    services.models.add_entry(decision.id, registration.id)
    services.models.issue(decision.id)
    chairman = flat(pdf_pages(print_decision(services.certificates, decision.id, tmp_path / "a.pdf",
                                             record=False).path)[0])
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in chairman and "TM. ỦY BAN NHÂN DÂN" not in chairman
    data = json.loads(services.certificates.template_json("a4-landscape"))
    assert data["authority"] == "chairman"
    data["authority"] = "committee"
    services.certificates.save_template(data)  # the office's own version of the built-in template
    committee = flat(pdf_pages(print_decision(services.certificates, decision.id, tmp_path / "b.pdf").path)[0])
    assert "ỦY BAN NHÂN DÂN XÃ KÔNG BƠ LA Công nhận" in committee
    assert "18/QĐ-UBND ngày 05 tháng 12 năm 2026 của Ủy ban nhân dân xã Kông Bơ La" in committee
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in committee and "Lê Thị Hoa" in committee
    annex_pdf(services.paperwork.annex(decision.id), tmp_path / "annex.pdf",
              services.certificates.template("a4-landscape").authority)
    assert "18/QĐ-UBND ngày 05 tháng 12 năm 2026 của Ủy ban nhân dân xã Kông Bơ La)" in flat(
        pdf_pages(tmp_path / "annex.pdf")[0])
    with pytest.raises(KbangError, match="authority"):
        services.certificates.save_template(dict(data, authority="province"))


@pytest.mark.parametrize(("kind", "subject", "sentence"), [
    ("household", {"name": "Đinh Văn Hmưk", "honorific": "Ông", "honorific_lower": "ông"},
     "Công nhận hộ gia đình ông Đinh Văn Hmưk đạt danh hiệu “GIA ĐÌNH HỌC TẬP” năm 2026"),
    ("clan", {"name": "Đinh làng Kon Lốc", "honorific": "", "honorific_lower": ""},
     "Công nhận dòng họ Đinh làng Kon Lốc đạt danh hiệu “DÒNG HỌ HỌC TẬP” năm 2026"),
    ("village", {"name": "Làng Kon Lốc", "honorific": "", "honorific_lower": ""},
     "Công nhận Làng Kon Lốc đạt danh hiệu “CỘNG ĐỒNG HỌC TẬP CẤP THÔN” năm 2026"),
    ("organisation", {"name": "Trường Tiểu học Kông Bơ La", "honorific": "", "honorific_lower": ""},
     "Công nhận Trường Tiểu học Kông Bơ La đạt danh hiệu “ĐƠN VỊ HỌC TẬP” năm 2026"),
    ("citizen", {"name": "Đinh Thị Hoa", "honorific": "Bà", "honorific_lower": "bà"},
     "Công nhận bà Đinh Thị Hoa đạt danh hiệu “CÔNG DÂN HỌC TẬP” năm 2026"),
])
def test_every_model_has_its_sentence_of_recognition(kind, subject, sentence):
    from kbang_desktop.documents.certificates import sheet_fields
    from kbang_desktop.paths import resource
    from kbang_desktop.services.certificates import CertificateSheet

    for name in ("certificate-a4-landscape.json", "certificate-a5-landscape.json"):
        template = load_template(resource("templates", name).read_text(encoding="utf-8"))
        sheet = CertificateSheet("c", kind, 1, 2026, "", "", False,
                                 {"model_year": "2026", "issuer_unit_name": "xã Kông Bơ La"}, subject)
        fields = sheet_fields(template, sheet)
        assert fields["recognition"].replace("\n", " ") == sentence
        assert fields["decided_by"] == "Chủ tịch Ủy ban nhân dân xã Kông Bơ La" and fields["signer_for"] == ""


def test_a_template_saved_before_it_had_a_sentence_of_recognition_still_prints(services, tmp_path):
    decision = issued_decision(services)
    data = json.loads(services.certificates.template_json("a5-landscape"))
    data.pop("authority")
    for wording in data["models"].values():
        wording.pop("recognition")
    data["name"] = "cu"
    services.certificates.save_template(data)
    print_decision(services.certificates, decision.id, tmp_path / "old.pdf", template_name="cu")
    text = flat(pdf_pages(tmp_path / "old.pdf")[0])
    assert "Công nhận hộ gia đình ông Đinh Văn Hmưk đạt danh hiệu “GIA ĐÌNH HỌC TẬP” năm 2025" in text
    assert "của Chủ tịch Ủy ban nhân dân xã Kông Bơ La" in text
