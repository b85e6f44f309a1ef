"""`kbang persons update ID`: corrections to one person at the office that owns them, through the service:
validated as the person form validates, a village named within the person's commune, refused to a viewer
and at the hub for a commune's person (the write policy, a sentence naming the owner)."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, open_test_services


@pytest.fixture
def commune(tmp_path, js):
    """A commune office with one person in Làng Kon Lốc and a second village, Làng Lợk."""
    db = tmp_path / "xa.db"
    js("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La", "--unit", "Kông Bơ La")
    js("persons", "add", "--name", "Đinh Thị Blơng", "--sex", "F", "--birth", "1985", "--ethnic", "Ba Na",
       "--commune", "Kông Bơ La", "--village", "Làng Lợk", "--db", db)
    person = js("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1990", "--ethnic", "Ba Na",
                "--commune", "Kông Bơ La", "--village", "Làng Kon Lốc", "--db", db)
    return db, person["id"]


def stored(db, person_id):
    services = open_test_services(db)
    try:
        return services.persons.get(person_id)
    finally:
        services.ctx.db.close()


def test_the_owner_commune_corrects_name_birth_village_and_note_and_search_sees_it(commune, js, cli):
    db, pid = commune
    row = js("persons", "update", pid, "--name", "Đinh Văn Hmưch", "--birth", "05/02/1991", "--village", "lang lok",
             "--note", "Sửa theo sổ hộ khẩu", "--db", db)
    assert row == {"id": pid, "full_name": "Đinh Văn Hmưch", "birth": "1991-02-05", "commune": "Kông Bơ La",
                   "village": "Làng Lợk", "status": "present"}
    assert js("persons", "search", "hmuch", "--db", db) == [row]
    assert js("persons", "search", "hmuk", "--db", db) == []  # the search text follows the name
    assert stored(db, pid).note == "Sửa theo sổ hộ khẩu"
    row = js("persons", "update", pid, "--birth", "1992", "--sex", "F", "--ethnic", "Kinh", "--db", db)
    assert row["birth"] == "1992"
    person = stored(db, pid)
    assert (person.birth_year, person.birth_date, person.sex, person.ethnic_code) == (1992, None, "F", "01")
    code, out, err = cli("persons", "update", pid, "--name", "Đinh Văn A", "--birth", "1993", "--db", db)
    assert code == 0 and err == ""
    assert out.startswith("Đã sửa ngày sinh, họ và tên của Đinh Văn A") and "Làng Lợk" in out


def audit_events(db, pid) -> int:
    services = open_test_services(db)
    try:
        return len(services.audit.events(1000, record_id=pid))
    finally:
        services.ctx.db.close()


def test_nothing_to_change_says_so_and_writes_nothing(commune, cli):
    db, pid = commune
    events = audit_events(db, pid)
    code, out, err = cli("persons", "update", pid, "--name", "Đinh  Văn Hmưk ", "--village", "lang kon loc",
                         "--birth", "1990", "--ethnic", "13", "--db", db)
    assert code == 0 and err == "" and out.startswith("Không có gì thay đổi: Đinh Văn Hmưk")
    code, out, _err = cli("persons", "update", pid, "--db", db)
    assert code == 0 and out.startswith("Không có gì thay đổi")
    assert audit_events(db, pid) == events
    code, out, _err = cli("persons", "update", pid, "--note", "có", "--db", db)
    assert code == 0 and audit_events(db, pid) == events + 1


@pytest.mark.parametrize(("birth", "words"), [
    ("31/02/1990", None),  # a date that does not exist
    ("1899", "quá xa"),
    ("2031", "tương lai"),
    ("05/02/2099", "tương lai"),
    ("mùa lúa", None),
])
def test_a_bad_birth_is_one_sentence_exit_1_and_nothing_changes(commune, cli, birth, words):
    db, pid = commune
    code, out, err = cli("persons", "update", pid, "--birth", birth, "--name", "Tên Mới", "--db", db)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert words is None or words in err
    person = stored(db, pid)
    assert (person.full_name, person.birth_year, person.birth_date) == ("Đinh Văn Hmưk", 1990, None)


def test_an_unknown_village_is_refused_naming_the_commune_and_none_is_made(commune, js, cli):
    db, pid = commune
    code, out, err = cli("persons", "update", pid, "--village", "Làng Không Có", "--db", db)
    assert code == 1 and out == ""
    assert err.strip() == 'Xã Kông Bơ La chưa có thôn, làng "Làng Không Có".'
    assert stored(db, pid).village_id is not None
    assert js("persons", "search", "hmuk", "--db", db)[0]["village"] == "Làng Kon Lốc"
    code, _out, err = cli("persons", "update", "khong-co-ma-nay", "--name", "A B", "--db", db)
    assert code == 1 and "Traceback" not in err


def test_a_viewer_is_refused(commune, cli, monkeypatch):
    db, pid = commune
    assert cli("users", "add", "xem", "--role", "viewer", "--password", "chixem123", "--db", db)[0] == 0
    monkeypatch.setenv("KBANG_USER", "xem")
    monkeypatch.setenv("KBANG_PASSWORD", "chixem123")
    code, out, err = cli("persons", "update", pid, "--name", "Đinh Văn Khác", "--db", db)
    assert code == 1 and out == ""
    assert "Chỉ xem" in err and "không được phép" in err
    monkeypatch.setenv("KBANG_USER", "admin")
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    assert stored(db, pid).full_name == "Đinh Văn Hmưk"


def test_the_hub_may_not_correct_a_communes_person(tmp_path, js, cli):
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
    before = js("persons", "search", "hmuk", "--db", hub)
    assert [r["id"] for r in before] == [pid]
    for change in (("--name", "Đinh Văn Khác"), ("--note", "ghi chú của huyện"), ("--birth", "1990")):
        code, out, err = cli("persons", "update", pid, *change, "--db", hub)
        assert code == 1 and out == "", change
        assert err.strip() == "Bản ghi này thuộc xã Đak Rong; chỉ xã Đak Rong sửa được."
    assert js("persons", "search", "hmuk", "--db", hub) == before
    assert stored(hub, pid).note == ""
    # the owner still may, and its edit reaches the hub
    js("persons", "update", pid, "--name", "Đinh Văn Hmưch", "--db", commune)
    exported = js("bundle", "export", "--to", "hub", "--out", usb, "--db", commune)
    assert js("bundle", "import", exported["file"], "--db", hub)["status"] == "applied"
    assert js("persons", "search", "hmuch", "--db", hub)[0]["id"] == pid


def test_moving_to_another_village_leaves_the_household_of_the_old_one(commune, js):
    db, pid = commune
    services = open_test_services(db)
    try:
        household = services.households.add("Kông Bơ La", "Làng Kon Lốc", "12", head_person_id=pid)
    finally:
        services.ctx.db.close()
    assert stored(db, pid).household_id == household.id
    js("persons", "update", pid, "--village", "Làng Lợk", "--db", db)
    person = stored(db, pid)
    assert (person.household_id, person.relation_to_head) == (None, "")
    services = open_test_services(db)
    try:
        assert services.households.get(household.id).head_person_id is None
    finally:
        services.ctx.db.close()
