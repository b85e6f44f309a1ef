"""Households as the window's list shows them, and the changes its household form makes."""

from __future__ import annotations

import pytest

from kbang_desktop.core.errors import KbangError


def commune(services):
    return services.offices.this_office().unit_id


def test_rows_give_village_head_and_members_living_here_in_register_order(services):
    here = commune(services)
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng A")
    ten = services.households.add("Kông Bơ La", "Làng A", "10", head.id)
    wife = services.persons.add("Đinh Thị Bŏk", "F", "1982", "Ba Na", "Kông Bơ La", "Làng A")
    services.households.add_member(ten.id, wife.id, "Vợ")
    gone = services.persons.add("Đinh Văn Gơ", "M", "2001", "Ba Na", "Kông Bơ La", "Làng A")
    services.households.add_member(ten.id, gone.id, "Con")
    services.persons.set_life_status(gone.id, "moved", services.ctx.today())
    services.households.create(here, ten.village_id, "", "2")
    services.households.create(here, None, "Làng B", "1")
    rows = services.households.rows(here)
    assert [(r.village, r.number, r.head, r.members) for r in rows] == [
        ("Làng A", "2", "", 0), ("Làng A", "10", "Đinh Văn Hmưk", 2), ("Làng B", "1", "", 0)]
    assert [r.number for r in services.households.rows(here, ten.village_id)] == ["2", "10"]


def test_create_refuses_a_number_taken_in_the_village_and_moves_the_head_in(services):
    here = commune(services)
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng A")
    first = services.households.add("Kông Bơ La", "Làng A", "7", head.id)
    with pytest.raises(KbangError, match="đã có hộ số 7"):
        services.households.create(here, first.village_id, "", "7")
    services.households.create(here, None, "Làng B", "7")  # another village may use the number
    moved = services.households.create(here, first.village_id, "", "8", head.id)
    person = services.persons.get(head.id)
    assert (person.household_id, person.relation_to_head) == (moved.id, "Chủ hộ")
    assert services.households.get(first.id).head_person_id is None  # the household left has no head now


def test_a_new_head_leaves_the_old_one_a_member_without_the_relation(services):
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng A")
    home = services.households.add("Kông Bơ La", "Làng A", "3", head.id)
    wife = services.persons.add("Đinh Thị Bŏk", "F", "1982", "Ba Na", "Kông Bơ La", "Làng B")
    services.households.set_head(home.id, wife.id)
    assert services.households.get(home.id).head_person_id == wife.id
    assert services.persons.get(head.id).relation_to_head == ""
    assert services.persons.get(head.id).household_id == home.id
    assert services.persons.get(wife.id).village_id == home.village_id  # she lives in the household's village
