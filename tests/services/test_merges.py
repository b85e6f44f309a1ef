"""Duplicates caught on add, listed in pairs, merged and unmerged exactly (services/merges.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.services.people import DuplicatePerson
from tests.conftest import TODAY

COMMUNE = "Kông Bơ La"


def _held(services, entity, record_id):
    with services.ctx.read() as repo:
        return repo.get(entity, record_id, include_deleted=True)


def test_add_refuses_a_living_namesake_of_the_same_birth_year_and_village_naming_them(services):
    first = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", COMMUNE, "Làng A")
    with pytest.raises(DuplicatePerson) as refused:
        services.persons.add("dinh van HMUK", "M", "05/02/1980", "Ba Na", COMMUNE, "Làng A")
    text = str(refused.value)
    assert "Đinh Văn Hmưk" in text and "1980" in text and "Làng A" in text and first.id in text
    assert refused.value.other.id == first.id
    assert services.persons.count() == 1  # nothing written
    # another village, another birth year: no question asked
    services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", COMMUNE, "Làng B")
    services.persons.add("Đinh Văn Hmưk", "M", "1981", "Ba Na", COMMUNE, "Làng A")
    # confirmed: two people of one name
    second = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", COMMUNE, "Làng A", allow_duplicate=True)
    assert second.id != first.id and services.persons.count() == 4
    # the form's path (add_in_household) asks the same
    commune_id, village_id = services.persons.find_place(COMMUNE, "Làng A")
    with pytest.raises(DuplicatePerson):
        services.persons.add_in_household("Đinh Văn Hmưk", "M", "1980", "Ba Na", commune_id, village_id)
    services.persons.add_in_household("Đinh Văn Hmưk", "M", "1980", "Ba Na", commune_id, village_id,
                                      allow_duplicate=True)


def test_a_deceased_or_moved_namesake_is_no_duplicate(services):
    gone = services.persons.add("Rơ Châm H'Bia", "F", "1975", "Jrai", COMMUNE, "Làng A")
    services.persons.mark_deceased(gone.id, date(2020, 1, 1))
    services.persons.add("Rơ Châm H'Bia", "F", "1975", "Jrai", COMMUNE, "Làng A")


def test_duplicates_lists_pairs_with_their_reason_and_drops_merged_people(services):
    a = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", COMMUNE, "Làng A")
    b = services.persons.add("Đinh Văn Hmưk", "M", "1981", "Ba Na", COMMUNE, "Làng A")  # ±1 year: a pair
    services.persons.add("Đinh Văn Hmưk", "M", "1983", "Ba Na", COMMUNE, "Làng A")  # too far
    services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", COMMUNE, "Làng B", allow_duplicate=True)
    c = services.persons.add("Y Hzu", "M", "1990", "Ba Na", COMMUNE, "Làng A", id_number="064090001234")
    d = services.persons.add("Y Hdu", "M", "1991", "Ba Na", COMMUNE, "Làng B", id_number="064090001234")
    pairs = services.merges.duplicates()
    found = {frozenset((p.first.id, p.second.id)): p.reasons for p in pairs}
    assert found == {frozenset((a.id, b.id)): ("name_birth_village",), frozenset((c.id, d.id)): ("id_number",)}
    commune_id, _village = services.persons.find_place(COMMUNE)
    assert len(services.merges.duplicates(commune_id)) == 2
    services.merges.merge(a.id, b.id)
    assert {frozenset((p.first.id, p.second.id)) for p in services.merges.duplicates()} == {frozenset((c.id, d.id))}


def _learner_with_everything(services):
    """A person recorded twice: the second record holds the enrolment, results, household, registration."""
    kept = services.persons.add("Đinh Thị Blơr", "F", "2000", "Ba Na", COMMUNE, "Làng A")
    other = services.persons.add("Đinh Thị Blơr", "F", "12/03/2000", "Ba Na", COMMUNE, "Làng A",
                                 allow_duplicate=True, id_number="064300009999")
    centre = services.centres.add(COMMUNE, "Trung tâm học tập cộng đồng xã Kông Bơ La", founded_on=date(2010, 1, 1))
    klass = services.literacy.add_class(centre.id, "Lớp XMC GĐ1", 1, date(2025, 9, 5))
    enrolment = services.literacy.enrol(klass.id, other.id, date(2025, 9, 5))
    for term in (1, 2, 3):
        for subject in ("tieng_viet", "toan"):
            services.literacy.record_result(enrolment.id, term, subject, "hoan_thanh", date(2026, 5, 25))
    household = services.households.add(COMMUNE, "Làng A", "12", other.id)
    registration = services.models.register(2026, "citizen", other.id, date(2026, 1, 10))
    return kept, other, enrolment, household, registration


def test_merge_moves_every_reference_marks_the_other_merged_and_unmerge_restores_exactly(services):
    kept, other, enrolment, household, registration = _learner_with_everything(services)
    before_other = services.persons.get(other.id)
    assert services.persons.get(other.id).literacy_level == 1  # completed phase 1
    merge = services.merges.merge(kept.id, other.id)
    # the other record stays, marked merged, out of lists, searches and counts
    held = _held(services, E.Person, other.id)
    assert held is not None and not held.deleted
    assert [r.id for r in services.persons.search("dinh thi blor")] == [kept.id]
    assert services.persons.count() == 1 and [r.id for r in services.persons.list(COMMUNE)] == [kept.id]
    # references moved to the kept person
    assert _held(services, E.Enrolment, enrolment.id).person_id == kept.id
    assert _held(services, E.Household, household.id).head_person_id == kept.id
    assert _held(services, E.Registration, registration.id).subject_id == kept.id
    # the fields the kept record lacked came from the other: birth date, ID number, household, literacy
    now = services.persons.get(kept.id)
    assert now.birth_date == date(2000, 3, 12) and now.id_number == "064300009999"
    assert now.household_id == household.id and now.literacy_level == 1
    assert [p.id for p in services.households.members(household.id)] == [kept.id]
    # literacy figures count one person
    status = services.literacy.status(COMMUNE, TODAY)
    assert status.status.level1.population == 1
    listed = services.merges.merges()
    assert [(m.id, m.kept_id, m.other_id) for m in listed] == [(merge.id, kept.id, other.id)]
    assert listed[0].moved == len(json.loads(merge.moves))

    # an unrelated edit of the kept person after the merge survives the unmerge
    services.persons.update(kept.id, note="Đã kiểm tra")
    undone = services.merges.unmerge(merge.id)
    assert undone.left == 0 and undone.restored == len(json.loads(merge.moves))
    assert _held(services, E.Enrolment, enrolment.id).person_id == other.id
    assert _held(services, E.Household, household.id).head_person_id == other.id
    assert _held(services, E.Registration, registration.id).subject_id == other.id
    back = services.persons.get(kept.id)
    assert (back.birth_date, back.id_number, back.household_id, back.literacy_level, back.note) == (
        None, None, None, 0, "Đã kiểm tra")
    assert services.persons.get(other.id) == before_other
    assert services.persons.count() == 2
    assert services.merges.merges() == [] and len(services.merges.merges(undone=True)) == 1
    with pytest.raises(KbangError, match="đã được tách lại"):
        services.merges.unmerge(merge.id)


def test_merge_takes_only_the_fields_chosen(services):
    kept, other, *_rest = _learner_with_everything(services)
    services.merges.merge(kept.id, other.id, take=("id_number",))
    now = services.persons.get(kept.id)
    assert now.id_number == "064300009999" and now.birth_date is None and now.household_id is None
    with pytest.raises(KbangError):
        services.merges.merge(kept.id, kept.id)


def test_a_field_edited_after_the_merge_is_left_as_it_is_and_counted(services):
    kept, other, enrolment, household, _registration = _learner_with_everything(services)
    merge = services.merges.merge(kept.id, other.id, take=("id_number",))
    services.persons.update(kept.id, id_number="064300001111")  # corrected since
    undone = services.merges.unmerge(merge.id)
    assert undone.left == 1
    assert services.persons.get(kept.id).id_number == "064300001111"
    assert _held(services, E.Enrolment, enrolment.id).person_id == other.id


def test_chained_merges_are_undone_latest_first(services):
    a = services.persons.add("Y Hzu", "M", "1990", "Ba Na", COMMUNE, "Làng A")
    b = services.persons.add("Y Hzu", "M", "1990", "Ba Na", COMMUNE, "Làng A", allow_duplicate=True)
    c = services.persons.add("Y Hzu", "M", "1990", "Ba Na", COMMUNE, "Làng A", allow_duplicate=True)
    first = services.merges.merge(b.id, c.id)
    second = services.merges.merge(a.id, b.id)
    with pytest.raises(KbangError, match="gộp tiếp"):
        services.merges.unmerge(first.id)
    services.merges.unmerge(second.id)
    services.merges.unmerge(first.id)
    assert services.persons.count() == 3


def test_a_merged_person_cannot_be_merged_again_and_a_viewer_cannot_merge(services):
    a = services.persons.add("Y Hzu", "M", "1990", "Ba Na", COMMUNE, "Làng A")
    b = services.persons.add("Y Hzu", "M", "1990", "Ba Na", COMMUNE, "Làng A", allow_duplicate=True)
    services.merges.merge(a.id, b.id)
    with pytest.raises(KbangError):
        services.merges.merge(a.id, b.id)
    from kbang_desktop.core.errors import PermissionDenied
    from kbang_desktop.services.context import Actor
    from kbang_desktop.services.registry import Services

    viewer = Services(services.ctx.with_actor(Actor("user:xem", "viewer")))
    c = services.persons.add("Y Hzu", "M", "1990", "Ba Na", COMMUNE, "Làng A", allow_duplicate=True)
    with pytest.raises(PermissionDenied):
        viewer.merges.merge(a.id, c.id)
