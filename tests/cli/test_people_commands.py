"""What the window does with people, from the command line: `kbang persons move`, `kbang persons status`,
`kbang households add | list | add-member`; --json through the one output helper, a bad id, village or date
one Vietnamese sentence and exit 1 with nothing changed."""

from __future__ import annotations

import pytest

from tests.conftest import open_test_services


@pytest.fixture
def commune(tmp_path, js):
    """A commune with two villages (Làng Lợk, Làng Kon Lốc) and two people."""
    db = tmp_path / "xa.db"
    js("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La", "--unit", "Kông Bơ La")
    wife = js("persons", "add", "--name", "Đinh Thị Blơng", "--sex", "F", "--birth", "1985", "--ethnic", "Ba Na",
              "--commune", "Kông Bơ La", "--village", "Làng Lợk", "--db", db)["id"]
    husband = js("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1980", "--ethnic", "Ba Na",
                 "--commune", "Kông Bơ La", "--village", "Làng Kon Lốc", "--db", db)["id"]
    return db, wife, husband


def stored(db, person_id):
    services = open_test_services(db)
    try:
        return services.persons.get(person_id)
    finally:
        services.ctx.db.close()


def one_sentence(result):
    assert result.code == 1 and result.out == "", result
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err, result.err
    return result.err.strip()


def test_households_add_list_and_add_member(commune, js, cli):
    db, wife, husband = commune
    made = js("households", "add", "--village", "lang kon loc", "--number", "12", "--head", husband, "--db", db)
    assert made["number"] == "12" and made["village"] == "Làng Kon Lốc" and made["head_person_id"] == husband
    assert made["members"] == 1
    assert js("households", "list", "--db", db) == [made]
    assert js("households", "list", "--village", "Làng Lợk", "--db", db) == []
    joined = js("households", "add-member", made["id"], wife, "--relation", "Vợ", "--db", db)
    assert joined["relation"] == "Vợ" and joined["household"]["members"] == 2
    person = stored(db, wife)
    assert person.household_id == made["id"] and person.village_id == stored(db, husband).village_id
    result = cli("households", "list", "--db", db)
    assert result.code == 0 and "Làng Kon Lốc\t12\tĐinh Văn Hmưk\t2\t" in result.out
    # "Chủ hộ" makes the person the head; the head before stays a member
    js("households", "add-member", made["id"], wife, "--relation", "Chủ hộ", "--db", db)
    assert js("households", "list", "--db", db)[0]["head_person_id"] == wife
    assert stored(db, husband).relation_to_head == ""
    # a number already used in the village is refused
    assert "đã có hộ số 12" in one_sentence(cli("households", "add", "--village", "Làng Kon Lốc", "--number", "12",
                                                "--db", db))


def test_households_bad_village_person_or_household_is_one_sentence(commune, js, cli):
    db, wife, _husband = commune
    assert one_sentence(cli("households", "add", "--village", "Làng Không Có", "--number", "1", "--db", db)) == \
        'Xã Kông Bơ La chưa có thôn, làng "Làng Không Có".'
    assert "khong-co" in one_sentence(cli("households", "add", "--village", "Làng Lợk", "--number", "1", "--head",
                                          "khong-co", "--db", db))
    assert js("households", "list", "--db", db) == []  # nothing made
    assert one_sentence(cli("households", "list", "--village", "Làng Không Có", "--db", db))
    assert one_sentence(cli("households", "add-member", "khong-co", wife, "--relation", "Con", "--db", db))
    made = js("households", "add", "--village", "Làng Lợk", "--number", "3", "--db", db)
    assert one_sentence(cli("households", "add-member", made["id"], "khong-co", "--relation", "Con", "--db", db))
    assert one_sentence(cli("households", "add", "--village", "Làng Lợk", "--number", "4", "--commune", "Xã Không Có",
                            "--db", db))


def test_persons_move_to_a_village_and_a_household(commune, js, cli):
    db, wife, husband = commune
    made = js("households", "add", "--village", "Làng Kon Lốc", "--number", "12", "--head", husband, "--db", db)
    row = js("persons", "move", wife, "--village", "lang kon loc", "--household", "12", "--relation", "Vợ", "--db", db)
    assert row == {"id": wife, "full_name": "Đinh Thị Blơng", "birth": "1985", "commune": "Kông Bơ La",
                   "village": "Làng Kon Lốc", "status": "present"}
    person = stored(db, wife)
    assert (person.household_id, person.relation_to_head) == (made["id"], "Vợ")
    # a household number not yet used there starts a household with the person as head
    js("persons", "move", husband, "--village", "Làng Lợk", "--household", "7", "--db", db)
    households = {h["number"]: h for h in js("households", "list", "--db", db)}
    assert households["7"]["head_person_id"] == husband and households["7"]["village"] == "Làng Lợk"
    assert households["12"]["head_person_id"] is None  # he stopped heading the one he left
    # an unknown village is refused, none made, nothing moved
    assert one_sentence(cli("persons", "move", wife, "--village", "Làng Mới", "--db", db)) == \
        'Xã Kông Bơ La chưa có thôn, làng "Làng Mới".'
    assert stored(db, wife).household_id == made["id"]
    services = open_test_services(db)
    try:
        assert "Làng Mới" not in {u.name for u in services.units.list(kind="village")}
    finally:
        services.ctx.db.close()
    assert one_sentence(cli("persons", "move", "khong-co", "--village", "Làng Lợk", "--db", db))


def test_persons_status_moved_away_died_and_back(commune, js, cli):
    db, wife, husband = commune
    row = js("persons", "status", wife, "--moved-away", "--date", "05/02/2026", "--db", db)
    assert row["status"] == "moved"
    assert stored(db, wife).moved_away_on.isoformat() == "2026-02-05"
    assert [r["id"] for r in js("persons", "list", "--db", db)] == [husband]
    assert {r["id"] for r in js("persons", "list", "--as-of", "2026-01-01", "--db", db)} == {wife, husband}
    assert js("persons", "status", wife, "--back", "--db", db)["status"] == "present"
    assert stored(db, wife).moved_away_on is None
    assert js("persons", "status", husband, "--died", "--date", "2026-03-01", "--db", db)["status"] == "deceased"
    result = cli("persons", "status", husband, "--back", "--db", db)
    assert result.code == 0 and "Đang sinh sống tại xã" in result.out


@pytest.mark.parametrize("date", ["31/02/2026", "mùa lúa", "05/02/2099", "1900-01-01"])
def test_persons_status_bad_date_is_one_sentence_and_nothing_changes(commune, cli, date):
    db, wife, _husband = commune
    one_sentence(cli("persons", "status", wife, "--died", "--date", date, "--db", db))
    person = stored(db, wife)
    assert (person.died_on, person.moved_away_on) == (None, None)


def test_persons_status_without_a_date_or_a_person(commune, cli):
    db, wife, _husband = commune
    assert "--date" in one_sentence(cli("persons", "status", wife, "--moved-away", "--db", db))
    assert one_sentence(cli("persons", "status", "khong-co", "--died", "--date", "01/01/2026", "--db", db))
    assert stored(db, wife).moved_away_on is None
