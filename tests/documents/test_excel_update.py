"""Excel both ways (issue 14): a list exported, corrected in Excel and imported again with --update changes
exactly the cells changed, field by field; a second import changes nothing. Rows name people by id (or by
folded name, birth year and village when one person matches); a bad id is a problem of its row; villages the
commune does not have are named and made only when asked; footers are skipped; literacy in words is read."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from kbang_desktop.documents.excel import read_sheet, write_persons
from kbang_desktop.services.person_import import _literacy, is_footer
from tests.conftest import open_test_services


@pytest.fixture
def commune(tmp_path, js):
    db = tmp_path / "xa.db"
    js("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La", "--unit", "Kông Bơ La")
    ids = {}
    for name, sex, birth, village in (("Đinh Văn Hmưk", "M", "12/03/1980", "Làng Kon Lốc"),
                                      ("Đinh Thị Blơng", "F", "1985", "Làng Lợk"),
                                      ("Rơ Châm Hlim", "F", "1950", "Làng Lợk")):
        ids[name] = js("persons", "add", "--name", name, "--sex", sex, "--birth", birth, "--ethnic", "Ba Na",
                       "--commune", "Kông Bơ La", "--village", village, "--db", db)["id"]
    return db, ids


def columns(sheet):
    return {cell.value: cell.column for cell in sheet[1]}


def row_of(sheet, name):
    return next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == name)


def audit_count(db):
    services = open_test_services(db)
    try:
        return len(services.audit.events(100_000))
    finally:
        services.ctx.db.close()


def person(db, person_id):
    services = open_test_services(db)
    try:
        return services.persons.get(person_id)
    finally:
        services.ctx.db.close()


def test_export_change_two_cells_add_a_row_and_import_again(commune, js, cli, tmp_path):
    db, ids = commune
    out = tmp_path / "ds.xlsx"
    exported = js("export", "persons", "--out", out, "--db", db)
    assert "Mã người (không sửa)" in exported["columns"]
    book = load_workbook(out)
    sheet = book.active
    col = columns(sheet)
    sheet.cell(row_of(sheet, "Đinh Văn Hmưk"), col["Họ và tên"], "Đinh Văn Hmưch")
    sheet.cell(row_of(sheet, "Rơ Châm Hlim"), col["Ngày sinh"], 1951)
    new = [None] * len(col)
    for header, value in (("Họ và tên", "Ksor Hyuh"), ("Ngày sinh", 1990), ("Giới tính", "Nam"), ("Dân tộc", "Jrai"),
                          ("Xã", "Kông Bơ La"), ("Thôn/Làng", "Làng Lợk"), ("Mức độ biết chữ", "Biết chữ mức độ 2")):
        new[col[header] - 1] = value
    sheet.append(new)
    book.save(out)
    before = audit_count(db)
    dry = js("import", "persons", out, "--update", "--dry-run", "--db", db)
    assert (dry["status"], dry["created"], dry["updated"], dry["unchanged"], dry["errors"]) == ("dry-run", 1, 2, 1, [])
    changes = {c["id"]: c for c in dry["changes"]}
    assert set(changes) == {ids["Đinh Văn Hmưk"], ids["Rơ Châm Hlim"]}
    assert changes[ids["Đinh Văn Hmưk"]]["fields"] == [
        {"field": "full_name", "column": "Họ và tên", "old": "Đinh Văn Hmưk", "new": "Đinh Văn Hmưch"}]
    assert changes[ids["Rơ Châm Hlim"]]["fields"] == [
        {"field": "birth", "column": "Ngày sinh", "old": "1950", "new": "1951"}]
    assert audit_count(db) == before  # the dry run wrote nothing
    assert person(db, ids["Đinh Văn Hmưk"]).full_name == "Đinh Văn Hmưk"
    text = cli("import", "persons", out, "--update", "--dry-run", "--db", db)
    assert text.code == 0 and "Họ và tên: Đinh Văn Hmưk → Đinh Văn Hmưch" in text.out
    assert "sẽ thêm 1 người, sửa 2 người, 1 người không đổi; chưa lưu gì" in text.out

    done = js("import", "persons", out, "--update", "--db", db)
    assert (done["status"], done["created"], done["updated"], done["unchanged"]) == ("imported", 1, 2, 1)
    hmuch = person(db, ids["Đinh Văn Hmưk"])
    assert hmuch.full_name == "Đinh Văn Hmưch" and hmuch.name_folded == "dinh van hmuch"  # derived on store
    assert hmuch.birth_date == date(1980, 3, 12)
    assert person(db, ids["Rơ Châm Hlim"]).birth_year == 1951
    assert person(db, ids["Đinh Thị Blơng"]).updated_at == person(db, ids["Đinh Thị Blơng"]).created_at
    assert [r["id"] for r in js("persons", "search", "hmuch", "--db", db)] == [ids["Đinh Văn Hmưk"]]
    hyuh = js("persons", "search", "ksor hyuh", "--db", db)
    assert len(hyuh) == 1
    assert person(db, hyuh[0]["id"]).literacy_level == 2

    again = js("import", "persons", out, "--update", "--db", db)
    assert (again["created"], again["updated"], again["unchanged"], again["changes"]) == (0, 0, 4, [])
    # exported again (now with the new person's id): still all unchanged
    js("export", "persons", "--out", tmp_path / "again.xlsx", "--db", db)
    again = js("import", "persons", tmp_path / "again.xlsx", "--update", "--dry-run", "--db", db)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)


def test_more_fields_change_and_households_follow(services, tmp_path):
    hmuk = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng Kon Lốc",
                                note="hai\ndòng")
    blong = services.persons.add("Đinh Thị Blơng", "F", "1985", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")
    services.persons.add("Y Nga", "F", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    household = services.households.add("Kông Bơ La", "Làng Kon Lốc", "12", head_person_id=hmuk.id)
    services.households.add_member(household.id, blong.id, "Vợ")
    headers, rows = services.person_import.export_rows()
    write_persons(tmp_path / "p.xlsx", headers, rows, "Danh sách")
    assert services.person_import.import_rows(*read_sheet(tmp_path / "p.xlsx"), update=True).unchanged == 3
    book = load_workbook(tmp_path / "p.xlsx")
    sheet = book.active
    col = columns(sheet)
    line = row_of(sheet, "Đinh Thị Blơng")
    sheet.cell(line, col["Thôn/Làng"], "Làng Lợk")
    sheet.cell(line, col["Hộ số"], "3")
    sheet.cell(line, col["Quan hệ với chủ hộ"], "Chủ hộ")
    sheet.cell(line, col["Mức độ biết chữ"], "Biết chữ mức độ 1")
    sheet.cell(line, col["Ghi chú"], "Chuyển về làng mẹ")
    book.save(tmp_path / "p.xlsx")
    outcome = services.person_import.import_rows(*read_sheet(tmp_path / "p.xlsx"), update=True)
    assert (outcome.status, outcome.updated, outcome.unchanged, outcome.created) == ("imported", 1, 2, 0)
    assert [(f.field, f.old, f.new) for f in outcome.changes[0].fields] == [
        ("village", "Làng Kon Lốc", "Làng Lợk"), ("household", "12", "3"), ("relation", "Vợ", "Chủ hộ"),
        ("literacy", "0", "1"), ("note", "", "Chuyển về làng mẹ")]
    moved = services.persons.get(blong.id)
    assert moved.household_id not in (None, household.id) and moved.relation_to_head == "Chủ hộ"
    assert moved.literacy_level == 1 and moved.literacy_source == "import"
    new_household = services.households.get(moved.household_id)
    assert new_household.number == "3" and new_household.head_person_id == blong.id
    assert new_household.village_id == moved.village_id
    assert services.households.get(household.id).head_person_id == hmuk.id
    assert services.persons.get(hmuk.id).note == "hai\ndòng"  # a note of two lines is not a change


def test_rows_without_id_match_by_name_birth_and_village_when_unambiguous(services, tmp_path):
    services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")
    twin = [services.persons.add("Y Nga", "F", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk",
                                 allow_duplicate=True) for _ in range(2)]
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Thôn/Làng", "Ghi chú"])
    sheet.append(["ĐINH VĂN HMƯK", 1980, "Nam", "Ba Na", "lang kon loc", "đã sửa"])  # folded: the same person
    sheet.append(["Y Nga", 1990, "Nữ", "Ba Na", "Làng Lợk", "hai người trùng"])
    book.save(tmp_path / "n.xlsx")
    outcome = services.person_import.import_rows(*read_sheet(tmp_path / "n.xlsx"), update=True)
    assert outcome.status == "rejected" and [(e.row, e.column) for e in outcome.errors] == [(3, "Họ và tên")]
    assert "Có 2 người cùng tên Y Nga" in outcome.errors[0].message.format(**outcome.errors[0].params)
    outcome = services.person_import.import_rows(*read_sheet(tmp_path / "n.xlsx"), update=True, skip_invalid=True)
    assert (outcome.updated, outcome.created) == (1, 0)
    # the same village written another way is no change; the name as written is
    assert [(f.field, f.new) for f in outcome.changes[0].fields] == [("full_name", "ĐINH VĂN HMƯK"),
                                                                     ("note", "đã sửa")]
    assert {services.persons.get(t.id).note for t in twin} == {""}


def test_a_bad_id_is_a_problem_of_its_row_not_a_crash(services, tmp_path):
    ours = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")
    theirs = services.persons.add("Rơ Châm Hlim", "F", "1950", "Gia Rai", "Đak Rong", "Làng A")
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Xã", "Thôn/Làng", "Mã người"])
    sheet.append(["Đinh Văn Hmưk", 1981, "Nam", "Ba Na", "Kông Bơ La", "Làng Kon Lốc", ours.id])
    sheet.append(["Ai Đó", 1980, "Nam", "Ba Na", "Kông Bơ La", "Làng Kon Lốc", "khong-co-ma-nay"])
    sheet.append(["Rơ Châm Hlim", 1950, "Nữ", "Gia Rai", "Kông Bơ La", "Làng Kon Lốc", theirs.id])
    sheet.append(["Đinh Văn Hmưk", 1982, "Nam", "Ba Na", "Kông Bơ La", "Làng Kon Lốc", ours.id])
    book.save(tmp_path / "id.xlsx")
    outcome = services.person_import.import_rows(*read_sheet(tmp_path / "id.xlsx"), update=True)
    assert (outcome.status, outcome.updated, outcome.changes) == ("rejected", 0, ())
    said = {e.row: (e.column, e.message.format(**e.params)) for e in outcome.errors}
    assert said[3] == ("Mã người", "Không có người nào mang mã khong-co-ma-nay.")
    assert said[4][0] == "Mã người" and "thuộc xã Đak Rong, không thuộc xã Kông Bơ La" in said[4][1]
    assert said[5] == ("Họ và tên", "Dòng này và dòng 2 cùng là Đinh Văn Hmưk; mỗi người chỉ ghi một dòng.")
    assert services.persons.get(ours.id).birth_year == 1980  # all or nothing
    done = services.person_import.import_rows(*read_sheet(tmp_path / "id.xlsx"), update=True, skip_invalid=True)
    assert (done.status, done.updated, done.created, done.skipped) == ("imported", 1, 0, 3)
    assert services.persons.get(ours.id).birth_year == 1981
    assert services.persons.get(theirs.id).commune_id != services.persons.get(ours.id).commune_id


def test_villages_the_commune_lacks_are_named_and_made_only_when_asked(commune, js, tmp_path):
    db, _ids = commune
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Thôn/Làng"])
    sheet.append(["Ksor Hyuh", 1990, "Nam", "Jrai", "Làng Kon Lok"])  # a typo of Làng Kon Lốc
    sheet.append(["Y Nga", 1991, "Nữ", "Jrai", "Làng Lợk"])
    book.save(tmp_path / "v.xlsx")
    refused = js("import", "persons", tmp_path / "v.xlsx", "--update", "--db", db, expect=1)
    assert refused["new_villages"] == [{"village": "Làng Kon Lok", "commune": "Kông Bơ La"}]
    assert [(e["row"], e["column"]) for e in refused["errors"]] == [(2, "Thôn/Làng")]
    assert "--create-villages" in refused["errors"][0]["message"]
    preview = js("import", "persons", tmp_path / "v.xlsx", "--update", "--dry-run", "--create-villages", "--db", db)
    assert preview["new_villages"] == [{"village": "Làng Kon Lok", "commune": "Kông Bơ La"}] and preview["created"] == 2
    services = open_test_services(db)
    try:
        assert "Làng Kon Lok" not in {u.name for u in services.units.list(kind="village")}
    finally:
        services.ctx.db.close()
    done = js("import", "persons", tmp_path / "v.xlsx", "--update", "--create-villages", "--db", db)
    assert done["created"] == 2
    services = open_test_services(db)
    try:
        assert "Làng Kon Lok" in {u.name for u in services.units.list(kind="village")}
    finally:
        services.ctx.db.close()


def test_footers_and_signature_blocks_are_skipped(services, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH NGƯỜI MÙ CHỮ"])
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Thôn/Làng", "Mức độ biết chữ"])
    sheet.append([1, "Đinh Văn Hmưk", 1980, "Nam", "Ba Na", "Làng Kon Lốc", "Mù chữ"])
    sheet.append([2, "Đinh Thị Blơng", 1985, "Nữ", "Ba Na", "Làng Kon Lốc", "Biết chữ mức độ 2"])
    sheet.append([])
    sheet.append(["Tổng cộng: 2 người"])
    sheet.append([None, "Kbang, ngày 10 tháng 11 năm 2026"])
    sheet.append([None, "Người lập biểu", None, None, "TM. UBND XÃ", None, None])
    sheet.append([None, None, None, None, "CHỦ TỊCH"])
    sheet.append([None, "(Ký, ghi rõ họ tên)", None, None, "(Ký tên, đóng dấu)"])
    sheet.append([])
    sheet.append([None, "Nguyễn Văn An", None, None, "Trần Thị Bình"])
    book.save(tmp_path / "f.xlsx")
    rows, headers = read_sheet(tmp_path / "f.xlsx")
    assert [r.number for r in rows] == [3, 4]
    outcome = services.person_import.import_rows(rows, headers, create_villages=True)
    assert outcome.status == "imported" and outcome.created == 2 and not outcome.errors
    levels = {p.full_name: services.persons.get(p.id).literacy_level for p in services.persons.list("Kông Bơ La")}
    assert levels == {"Đinh Văn Hmưk": 0, "Đinh Thị Blơng": 2}


def test_footer_rule_and_literacy_words():
    assert is_footer(["Người lập biểu", None, "CHỦ TỊCH"]) and is_footer(["Kbang, ngày 10 tháng 11 năm 2026"])
    assert is_footer([None, "Tổng cộng"]) and is_footer(["(Ký, ghi rõ họ tên)"])
    assert not is_footer(["Chu Văn Tịch", 1980, "Nam"])  # a person: a year beside the name
    assert not is_footer(["Công", "1980"]) and not is_footer(["Đinh Văn Công"])
    for text, level in (("Mù chữ", 0), ("Tái mù chữ", 0), ("Chưa biết chữ", 0), ("", 0), (0, 0), (2, 2),
                        ("Biết chữ mức độ 2", 2), ("Biết chữ mức độ 1", 1), ("biet chu muc 1", 1),
                        ("Đạt chuẩn biết chữ mức độ 2", 2), ("Mức 2", 2), ("BC1", 1), ("Mức độ II", 2),
                        ("Biết chữ", None), ("mức độ 3", None)):
        assert _literacy(text) == level, text


def test_the_hub_may_not_update_a_communes_people(tmp_path, js, cli):
    hub, commune, usb = tmp_path / "hub.db", tmp_path / "xa.db", tmp_path / "usb"
    js("init", "--db", hub, "--office-kind", "hub", "--office-name", "Phòng GD&ĐT Kbang")
    js("init", "--db", commune, "--office-kind", "commune", "--office-name", "UBND xã Đak Rong", "--unit", "Đak Rong")
    request = js("office", "join-request", "--out", usb / "join.kbj", "--db", commune)["file"]
    registered = js("office", "register", request, "--out", usb, "--db", hub)
    js("office", "trust", registered["file"], "--fingerprint", registered["fingerprint"], "--db", commune)
    pid = js("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1990", "--ethnic", "Ba Na",
             "--commune", "Đak Rong", "--village", "Làng Kon Lốc", "--db", commune)["id"]
    exported = js("bundle", "export", "--to", "hub", "--out", usb, "--db", commune)
    assert js("bundle", "import", exported["file"], "--db", hub)["status"] == "applied"
    js("export", "persons", "--out", tmp_path / "ds.xlsx", "--db", hub)
    book = load_workbook(tmp_path / "ds.xlsx")
    book.active.cell(2, 1, "Đinh Văn Khác")
    book.save(tmp_path / "ds.xlsx")
    for extra in ((), ("--dry-run",)):
        result = cli("import", "persons", tmp_path / "ds.xlsx", "--update", *extra, "--db", hub)
        assert result.code == 1 and result.out == ""
        assert result.err.strip() == "Bản ghi này thuộc xã Đak Rong; chỉ xã Đak Rong sửa được."
    assert [r["full_name"] for r in js("persons", "search", "hmuk", "--db", hub)] == ["Đinh Văn Hmưk"]
    assert js("import", "persons", tmp_path / "ds.xlsx", "--update", "--db", commune)["updated"] == 1
    assert person(commune, pid).full_name == "Đinh Văn Khác"


def test_without_update_a_row_naming_a_recorded_person_is_a_duplicate_never_a_second_person(services, tmp_path):
    hmuk = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")
    headers, rows = services.person_import.export_rows()
    write_persons(tmp_path / "p.xlsx", headers, rows, "Danh sách")
    book = load_workbook(tmp_path / "p.xlsx")
    book.active.cell(2, 1, "Đinh Văn Hmưch")  # corrected, then imported without --update
    book.save(tmp_path / "p.xlsx")
    outcome = services.person_import.import_rows(*read_sheet(tmp_path / "p.xlsx"))
    assert (outcome.created, outcome.updated) == (0, 0)
    assert [d["existing_id"] for d in outcome.duplicates] == [hmuk.id]
    assert services.persons.count() == 1 and services.persons.get(hmuk.id).full_name == "Đinh Văn Hmưk"


EDITS = {  # header -> values a user may type there
    "Họ và tên": ["Đinh Văn Hmưch", "Y Nga", "Rơ Châm Hlim"],
    "Ngày sinh": [1970, 1985, 1990],
    "Giới tính": ["Nam", "Nữ"],
    "Ghi chú": ["", "chuyển nhà", "Ở với con"],
    "Trình độ": ["", "9/12", "3/12"],
    "Mức độ biết chữ": [0, "Biết chữ mức độ 1", "Mù chữ", 2],
}
FIELD_OF = {"Họ và tên": "full_name", "Ngày sinh": "birth", "Giới tính": "sex", "Ghi chú": "note",
            "Trình độ": "education", "Mức độ biết chữ": "literacy"}


def test_the_dry_run_lists_exactly_the_cells_that_differ_for_any_edits(services, tmp_path):
    """Whatever cells a user changes, the preview lists exactly those that differ from the record, and the
    people without a changed cell stay unchanged."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from kbang_desktop.services.person_import import _literacy

    people = [services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng Kon Lốc"),
              services.persons.add("Đinh Thị Blơng", "F", "1985", "Ba Na", "Kông Bơ La", "Làng Kon Lốc",
                                   literacy_level=1, note="Ở với con"),
              services.persons.add("Rơ Châm Hlim", "F", "1950", "Gia Rai", "Kông Bơ La", "Làng Lợk")]
    headers, rows = services.person_import.export_rows()
    write_persons(tmp_path / "base.xlsx", headers, rows, "Danh sách")
    edit = st.tuples(st.integers(0, 2), st.sampled_from(sorted(EDITS))).flatmap(
        lambda where: st.tuples(st.just(where[0]), st.just(where[1]), st.sampled_from(EDITS[where[1]])))

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(edit, max_size=5))
    def check(edits):
        book = load_workbook(tmp_path / "base.xlsx")
        sheet = book.active
        col = columns(sheet)
        line = {r[col["Mã người (không sửa)"] - 1].value: r[0].row for r in sheet.iter_rows(min_row=2)}
        final = {}
        for index, header, value in edits:
            sheet.cell(line[people[index].id], col[header], value)
            final[(people[index].id, header)] = value
        book.save(tmp_path / "edited.xlsx")
        expected = set()
        for (person_id, header), value in final.items():
            held = services.persons.get(person_id)
            recorded = {"Họ và tên": held.full_name, "Ngày sinh": held.birth_year, "Ghi chú": held.note,
                        "Giới tính": "Nữ" if held.sex == "F" else "Nam", "Trình độ": held.education,
                        }.get(header)
            if header == "Mức độ biết chữ":
                if _literacy(value) != held.literacy_level:
                    expected.add((person_id, "literacy"))
            elif value != recorded:
                expected.add((person_id, FIELD_OF[header]))
        outcome = services.person_import.import_rows(*read_sheet(tmp_path / "edited.xlsx"), update=True,
                                                     dry_run=True)
        assert outcome.status == "dry-run" and not outcome.errors
        assert {(c.person_id, f.field) for c in outcome.changes for f in c.fields} == expected
        assert outcome.unchanged == 3 - len({person_id for person_id, _f in expected})

    check()
