from datetime import date

import pytest

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError, NotFound, PermissionDenied, ValidationError
from kbang_desktop.services.context import Actor


def test_add_person_creates_village_and_search_folds(services):
    person = services.persons.add("Đinh Văn Hmưk", "M", "1990", "Bahnar", "kong bo la", "Làng Kon Lốc")
    assert person.ethnic_code == "13" and person.birth_date is None and person.birth_year == 1990
    villages = services.units.villages(person.commune_id)
    assert [v.name for v in villages] == ["Làng Kon Lốc"]
    found = services.persons.search("dinh van hmuk")
    assert [r.id for r in found] == [person.id]
    assert found[0].as_json() == {"id": person.id, "full_name": "Đinh Văn Hmưk", "birth": "1990",
                                  "commune": "Kông Bơ La", "village": "Làng Kon Lốc"}
    assert services.persons.search("HMUK")[0].id == person.id
    assert services.persons.search("hm")[0].id == person.id  # prefix of a word
    assert services.persons.search("xyz") == []


def test_nfd_input_is_stored_nfc(services):
    import unicodedata

    person = services.persons.add(unicodedata.normalize("NFD", "Rơ Châm H'Bia"), "F", "2001", "Jrai", "Kông Bơ La",
                                  "Thôn 1")
    assert person.full_name == unicodedata.normalize("NFC", "Rơ Châm H'Bia")
    assert services.persons.search("ro cham h bia")[0].id == person.id


def test_list_in_vietnamese_order(services):
    for name in ["Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn An", "Đinh Thị Ân", "Bùi Văn Đông", "Đỗ Văn Dung"]:
        services.persons.add(name, "M", "1990", "01", "Kông Bơ La", "Thôn 1")
    names = [r.full_name for r in services.persons.list("Kông Bơ La")]
    assert names == ["Lê Văn An", "Nguyễn Thị Ánh", "Đinh Thị Ân", "Trần Văn Bình", "Đỗ Văn Dung", "Bùi Văn Đông"]


def test_invalid_person_reports_every_field_and_saves_nothing(services):
    with pytest.raises(ValidationError) as caught:
        services.persons.add("", "X", "31/02/1990", "99", "Kông Bơ La", "Thôn 1")
    assert {p.field for p in caught.value.problems} == {"full_name", "sex", "birth", "ethnic_code"}
    assert services.persons.count() == 0
    assert services.units.villages(services.units.find_commune("Kông Bơ La").id) == []


def test_unknown_commune_and_merged_commune_messages(services):
    with pytest.raises(NotFound):
        services.persons.add("A B", "M", "1990", "01", "Không Có", "Thôn 1")
    with pytest.raises(NotFound) as caught:
        services.units.find_commune("Lơ Ku", date(2026, 1, 1))
    assert "Kbang" in caught.value.translated()
    assert services.units.find_commune("Lơ Ku", date(2024, 1, 1)).key == "lo_ku"


def test_same_name_resolved_by_date(services):
    assert services.units.find_commune("Kbang", date(2024, 6, 1)).key == "tt_kbang"
    assert services.units.find_commune("kbang", date(2025, 7, 1)).key == "x_kbang"
    assert services.units.find_commune("Kông Bơ La", date(2025, 6, 30)).key == "kong_bo_la"


def test_viewer_cannot_write_and_officer_cannot_administer(services):
    viewer = services.as_actor(Actor("user:v", "viewer"))
    with pytest.raises(PermissionDenied):
        viewer.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    assert viewer.persons.count() == 0
    officer = services.as_actor(Actor("user:o", "officer"))
    officer.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    with pytest.raises(PermissionDenied):
        officer.units.designate("Kông Bơ La", "especially-difficult", date(2021, 1, 1))
    with pytest.raises(PermissionDenied):
        officer.users.create("newuser", "secret123", "officer")


def test_login_lockout_after_repeated_failures(services):
    services.users.create("canbo", "dungroi123", "officer")
    actor = services.users.authenticate("canbo", "dungroi123")
    assert actor.role == "officer" and actor.label == "user:canbo"
    for _ in range(5):
        with pytest.raises(KbangError):
            services.users.authenticate("canbo", "sai")
    with pytest.raises(KbangError) as caught:
        services.users.authenticate("canbo", "dungroi123")  # right password, but locked now
    assert "khóa" in caught.value.translated()
    with pytest.raises(KbangError) as unknown:
        services.users.authenticate("khongco", "x")
    assert unknown.value.message == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_passwords_are_hashed_with_scrypt(services):
    user = services.users.create("canbo", "dungroi123", "officer")
    assert user.password_hash.startswith("scrypt$") and "dungroi123" not in user.password_hash


def test_writes_are_stamped_and_logged(services):
    person = services.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    updated = services.persons.update(person.id, full_name="Đinh Văn Hmưk Mới")
    assert updated.prev_rev == person.rev and updated.rev > person.rev
    assert updated.name_folded == "dinh van hmuk moi"
    removed = services.persons.remove(person.id)
    assert removed.deleted and services.persons.search("hmuk") == []
    with services.ctx.read() as repo:
        log = repo.list(E.ChangeLog, record_id=person.id)
    assert [entry.rev for entry in log] == [person.rev, updated.rev, removed.rev]


def test_designation_and_correction_of_units(services):
    services.units.designate("Kông Bơ La", "especially-difficult", date(2021, 1, 1), date(2025, 6, 30))
    with pytest.raises(KbangError):
        services.units.designate("Kông Bơ La", "especially-difficult", date(2022, 1, 1))
    village = services.units.add_village("Kông Bơ La", "Làng Mới")
    corrected = services.units.correct_unit(village.id, name="Làng Mới Sửa")
    assert corrected.name_folded == "lang moi sua"
