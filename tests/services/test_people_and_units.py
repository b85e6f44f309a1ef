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
                                  "commune": "Kông Bơ La", "village": "Làng Kon Lốc", "status": "present"}
    assert services.persons.search("HMUK")[0].id == person.id
    assert services.persons.search("hm")[0].id == person.id  # prefix of a word
    assert services.persons.search("xyz") == []


def test_nfd_input_is_stored_nfc(services):
    import unicodedata

    person = services.persons.add(unicodedata.normalize("NFD", "Rơ Châm H'Bia"), "F", "2001", "Jrai", "Kông Bơ La",
                                  "Thôn 1")
    assert person.full_name == unicodedata.normalize("NFC", "Rơ Châm H'Bia")
    assert services.persons.search("ro cham h bia")[0].id == person.id


def test_names_with_apostrophes_and_hyphens_are_found_and_sorted_by_their_letters(services):
    hbia = services.persons.add("Rơ Châm H'Bia", "F", "2001", "Jrai", "Kông Bơ La", "Thôn 1")
    bana = services.persons.add("Đinh Thị Ba-na", "F", "1990", "Bahnar", "Kông Bơ La", "Thôn 1")
    for typed in ("hbia", "h bia", "h'bia", "H’BIA", "ro cham hbia", "bia"):
        assert [r.id for r in services.persons.search(typed)] == [hbia.id], typed
    for typed in ("bana", "ba na", "ba-na"):
        assert [r.id for r in services.persons.search(typed)] == [bana.id], typed
    for name in ["Nguyễn Thị Hoa", "Ksor Hà", "Y Hzu"]:
        services.persons.add(name, "F", "1990", "01", "Kông Bơ La", "Thôn 1")
    names = [r.full_name for r in services.persons.list("Kông Bơ La") if r.full_name.split()[-1][0] == "H"]
    assert names == ["Ksor Hà", "Rơ Châm H'Bia", "Nguyễn Thị Hoa", "Y Hzu"]  # H'Bia as HBia, not after every H
    renamed = services.persons.update(hbia.id, full_name="Rơ Châm H'Bia Mới")
    assert renamed.name_folded == "ro cham h bia moi hbia"


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


def test_designation_and_correction_of_units(services, hub_services):
    hub = hub_services
    hub.units.designate("Kông Bơ La", "especially-difficult", date(2021, 1, 1), date(2025, 6, 30))
    with pytest.raises(KbangError, match="đã được đánh dấu"):
        hub.units.designate("Kông Bơ La", "especially-difficult", date(2022, 1, 1))
    with pytest.raises(KbangError, match="đơn vị đầu mối"):  # a commune does not mark itself
        services.units.designate("Kông Bơ La", "especially-difficult", date(2026, 1, 1))
    village = services.units.add_village("Kông Bơ La", "Làng Mới")  # a commune keeps its own villages
    corrected = services.units.correct_unit(village.id, name="Làng Mới Sửa")
    assert corrected.name_folded == "lang moi sua"
    commune = services.units.find_commune("Kông Bơ La", date(2026, 1, 1))
    with pytest.raises(KbangError, match="danh mục dùng chung"):  # the shipped units are the hub's to correct
        services.units.correct_unit(commune.id, note="sửa ở xã")
    assert hub.units.correct_unit(commune.id, note="sửa ở đơn vị đầu mối").note == "sửa ở đơn vị đầu mối"
    with pytest.raises(KbangError, match="thôn, làng"):  # its village made into a commune: not a village any more
        services.units.correct_unit(village.id, kind="commune")


def test_pages_follow_vietnamese_order_across_pages_and_filter_by_status(services):
    """The list that pages through a hub: Vietnamese order (given name first) straight from the index,
    the same as sorting everyone in Python, whatever the page size; bulk-loaded people included."""
    from kbang_desktop.core.text import person_sort_key
    from kbang_desktop.services.demo import DemoService

    DemoService(services.ctx).generate(1, 300, seed=5)
    services.persons.add("Y Hạ", "F", "1990", "Kinh", "Kông Bơ La", "Thôn 1")
    everyone = services.persons.list()

    def pages(size: int, status: str | None = None) -> list:
        rows, after = [], None
        while True:
            page = services.persons.page(after, size, status=status)
            if not page:
                return rows
            rows += page
            after = (page[-1].sort_key, page[-1].id)

    paged = pages(37)
    assert [r.id for r in paged] == [r.id for r in pages(500)]
    assert len(paged) == len(everyone) == 301
    keys = [person_sort_key(r.full_name) for r in paged]
    assert keys == sorted(keys)
    present = [r for r in paged if not r.status]
    first, second = present[0], present[1]
    moved_before = {r.id for r in paged if r.status == "moved"}
    dead_before = {r.id for r in paged if r.status == "deceased"}
    services.persons.mark_moved_away(first.id, date(2026, 1, 5))
    services.persons.mark_deceased(second.id, date(2026, 2, 1))
    assert {r.id for r in pages(50, "moved")} == moved_before | {first.id}
    assert {r.id for r in pages(50, "deceased")} == dead_before | {second.id}
    assert [r.id for r in pages(50, "present")] == [r.id for r in present[2:]]
    assert next(r for r in pages(500) if r.id == first.id).status == "moved"


def test_moving_within_the_commune_and_back_from_moving_away(services):
    head = services.persons.add("Đinh Văn Hmưk", "M", "1970", "Ba Na", "Kông Bơ La", "Làng A")
    child = services.persons.add("Đinh Thị Bŏk", "F", "2000", "Ba Na", "Kông Bơ La", "Làng A")
    home = services.households.add("Kông Bơ La", "Làng A", "7", head.id)
    services.households.add_member(home.id, child.id, "Con")
    moved = services.persons.move(head.id, "Làng Mới", "3")  # a new village and a new household he heads
    assert services.persons.place_of(moved) == ("Kông Bơ La", "Làng Mới", "3") and moved.relation_to_head == "Chủ hộ"
    assert next(h for h in services.households.list(head.commune_id) if h.id == home.id).head_person_id is None
    joined = services.persons.move(child.id, "Làng Mới", "3", "Con")  # joins it, not its head
    assert joined.household_id == moved.household_id and joined.relation_to_head == "Con"
    services.persons.set_life_status(child.id, "moved", date(2026, 1, 2))
    assert services.persons.get(child.id).moved_away_on == date(2026, 1, 2)
    back = services.persons.set_life_status(child.id, "", None)  # came back
    assert back.moved_away_on is None and back.died_on is None
    with pytest.raises(ValidationError):
        services.persons.set_life_status(child.id, "deceased", None)


def test_a_person_with_their_household_in_one_transaction(services):
    commune = services.units.find_commune("Kông Bơ La")
    head = services.persons.add_in_household("Đinh Văn Hmưk", "M", "1980", "Ba Na", commune.id,
                                             new_village="Làng A", new_household="12", relation="Chủ hộ")
    household = services.households.list(commune.id)[0]
    assert (household.number, household.head_person_id, head.household_id) == ("12", head.id, household.id)
    wife = services.persons.add_in_household("Đinh Thị Bŏk", "F", "1982", "Ba Na", commune.id,
                                             village_id=head.village_id, household_id=household.id, relation="Vợ")
    assert (wife.household_id, wife.relation_to_head) == (household.id, "Vợ")
    people, households = services.persons.count(), len(services.households.list(commune.id))
    with pytest.raises(ValidationError):  # a failure made nothing: no village, no household, no person
        services.persons.add_in_household("Đinh Văn A", "M", "1850", "Ba Na", commune.id, new_village="Làng Mới",
                                          new_household="7", relation="Chủ hộ")
    assert services.persons.count() == people and len(services.households.list(commune.id)) == households
    assert "Làng Mới" not in [v.name for v in services.units.villages_of(commune.id)]
    with pytest.raises(KbangError):  # a household of another village
        services.persons.add_in_household("Đinh Văn B", "M", "1990", "Ba Na", commune.id, new_village="Làng B",
                                          household_id=household.id, relation="Con")


def test_search_gives_the_first_matches_in_vietnamese_order_not_the_first_loaded(services):
    """More matches than the limit: the first N in Vietnamese order, then the next page after them."""
    for given in ["Hương", "Oanh", "Yến", "Hà", "Hạnh", "Ánh"]:  # loaded in this order
        services.persons.add(f"Nguyễn Thị {given}", "F", "1990", "Kinh", "Kông Bơ La", "Thôn 1")
    first = services.persons.search("nguyen thi", 3)
    assert [r.full_name.split()[-1] for r in first] == ["Ánh", "Hà", "Hạnh"]
    after = (first[-1].sort_key, first[-1].id)
    assert [r.full_name.split()[-1] for r in services.persons.search("nguyen thi", 3, after=after)] == [
        "Hương", "Oanh", "Yến"]
    assert services.persons.count(text="nguyen thi") == 6


def test_search_filters_apply_in_the_query_and_the_total_counts_every_match(services):
    """A filtered search shows every match of the filters (not the filtered part of the first N), and
    the total beside it is the number of matches with the same filters, the age band included."""
    from kbang_desktop.core.text import matches, person_search_text, search_terms
    from kbang_desktop.services.demo import DemoService

    DemoService(services.ctx).generate(1, 400, seed=11)
    commune = services.units.find_commune("Kông Bơ La")
    everyone = services.persons.list()
    villages = sorted({r.village for r in everyone})
    village_ids = {v.name: v.id for v in services.units.villages_of(commune.id)}
    people = {r.id: services.persons.get(r.id) for r in everyone}
    today = services.ctx.today()

    def age(person):
        from kbang_desktop.core.dates import age_of
        born = person.birth_date or date(person.birth_year, 7, 1)
        return age_of(born.year, born.month, born.day, today)

    status_of = {"present": "", "moved": "moved", "deceased": "deceased"}
    checked = 0
    for text in ["thi", "ksor", "h'", "dinh van", "nguyen"]:
        for village in [None, villages[0], villages[-1]]:
            for status in [None, "present", "deceased"]:
                for band in [None, (15, 35)]:
                    expected = [r.id for r in everyone if matches(search_terms(text), person_search_text(r.full_name))
                                and (village is None or r.village == village)
                                and (status is None or r.status == status_of[status])
                                and (band is None or band[0] <= age(people[r.id]) <= band[1])]
                    shown, after = [], None
                    while page := services.persons.search(text, 7, None, after, commune.id, village_ids.get(village),
                                                          status, band):
                        shown += page
                        after = (page[-1].sort_key, page[-1].id)
                    assert [r.id for r in shown] == expected, (text, village, status, band)
                    assert services.persons.count(commune.id, village_ids.get(village), status, text, band) == len(expected)
                    checked += bool(expected)
    assert checked > 20


def test_list_as_of_a_date_gives_each_status_on_that_date(services):
    here = services.persons.add("Đinh Văn Hmưk", "M", "1970", "Ba Na", "Kông Bơ La", "Làng A")
    gone = services.persons.add("Đinh Thị Bŏk", "F", "1972", "Ba Na", "Kông Bơ La", "Làng A")
    dead = services.persons.add("Rơ Châm H'Bia", "F", "1940", "Jrai", "Kông Bơ La", "Làng A")
    services.persons.mark_moved_away(gone.id, date(2026, 3, 1))
    services.persons.mark_deceased(dead.id, date(2026, 6, 1))
    assert [r.id for r in services.persons.list("Kông Bơ La", living=True)] == [here.id]
    assert {r.id: r.status for r in services.persons.list("Kông Bơ La")} == {
        here.id: "", gone.id: "moved", dead.id: "deceased"}
    on = date(2026, 4, 1)
    assert {r.id for r in services.persons.list("Kông Bơ La", on, living=True)} == {here.id, dead.id}
    assert {r.id: r.status for r in services.persons.list("Kông Bơ La", on)}[gone.id] == "moved"
    assert len(services.persons.list("Kông Bơ La", date(2026, 1, 1), living=True)) == 3



def test_a_stored_impossible_birthday_setting_counts_as_the_default_day():
    """An office setting written by an older version (31/2) or damaged is never turned into a date."""
    from types import SimpleNamespace

    from kbang_desktop.services.people import birth_rule

    def rule(month, day):
        settings = [SimpleNamespace(key="birth_year_only_month", value=month),
                    SimpleNamespace(key="birth_year_only_day", value=day)]
        return birth_rule(SimpleNamespace(list=lambda _kind, **_filters: settings), "office")

    assert rule("2", "28") == (2, 28)
    assert rule("2", "31") == (7, 1) and rule("2", "29") == (7, 1) and rule("x", "1") == (7, 1)
