from datetime import date

from kbang_desktop import i18n
from kbang_desktop.core.dates import Birth
from kbang_desktop.core.units import SuccessionInfo, UnitGraph, UnitInfo
from kbang_desktop.core.validation import PersonInput, validate_learner_age, validate_person

TODAY = date(2026, 11, 27)


def test_valid_person_has_no_problems():
    person = PersonInput("Đinh Văn Hmưk", "M", Birth(1990), "13")
    assert validate_person(person, TODAY, {"13"}) == []


def test_every_problem_is_reported_with_its_field():
    person = PersonInput("", "X", None, "99", literacy_level=3)
    fields = {p.field for p in validate_person(person, TODAY, {"13"})}
    assert fields == {"full_name", "sex", "birth", "ethnic_code", "literacy_level"}


def test_future_birth_and_death_before_birth():
    future = PersonInput("Y Blang", "M", Birth(2030), "10")
    assert [p.field for p in validate_person(future, TODAY, {"10"})] == ["birth"]
    dead_early = PersonInput("Y Blang", "M", Birth(1990, date(1990, 5, 1)), "10", died_on=date(1980, 1, 1))
    assert [p.field for p in validate_person(dead_early, TODAY, {"10"})] == ["died_on"]


def test_messages_in_vietnamese_and_english():
    problem = validate_person(PersonInput("", "M", Birth(1990), "13"), TODAY, {"13"})[0]
    i18n.setup("vi")
    assert problem.translated() == "Chưa nhập họ và tên."
    i18n.setup("en")
    assert problem.translated() == "The full name is missing."
    i18n.setup("vi")


def test_learner_age_bounds_at_enrolment():
    assert validate_learner_age(Birth(2011, date(2011, 9, 5)), date(2026, 9, 5)) == []
    assert validate_learner_age(Birth(2011, date(2011, 9, 6)), date(2026, 9, 5)) != []
    assert validate_learner_age(Birth(1966, date(1966, 1, 1)), date(2026, 9, 5)) == []
    assert validate_learner_age(Birth(1965, date(1965, 1, 1)), date(2026, 9, 5)) != []


def _unit(uid, kind, parent=None, start=date(1986, 1, 1), end=None):
    return UnitInfo(uid, kind, uid, parent, start, end)


def test_regrouping_through_whole_and_partial_successions():
    units = [_unit("loku", "commune", end=date(2025, 6, 30)), _unit("xkbang", "commune", start=date(2025, 7, 1)),
             _unit("dakhlo", "commune", end=date(2024, 10, 31)), _unit("nghiaan", "commune", end=date(2025, 6, 30)),
             _unit("v1", "village", "loku"), _unit("v2", "village", "dakhlo", end=date(2024, 10, 31)),
             _unit("v2b", "village", "nghiaan", start=date(2024, 11, 1))]
    successions = [SuccessionInfo("loku", "xkbang", date(2025, 7, 1), "whole"),
                   SuccessionInfo("dakhlo", "nghiaan", date(2024, 11, 1), "part"),
                   SuccessionInfo("v2", "v2b", date(2024, 11, 1), "whole")]
    graph = UnitGraph(units, successions)
    assert graph.record_commune_on("loku", "v1", date(2024, 1, 1)) == "loku"
    assert graph.record_commune_on("loku", "v1", date(2025, 7, 1)) == "xkbang"
    assert graph.record_commune_on("dakhlo", "v2", date(2024, 10, 31)) == "dakhlo"
    assert graph.record_commune_on("dakhlo", "v2", date(2024, 11, 1)) == "nghiaan"
    # a record of Đăk Hlơ with no village cannot be placed after the split: reported, not guessed
    assert graph.record_commune_on("dakhlo", None, date(2024, 11, 1)) is None
    assert graph.predecessors_of("xkbang") == {"xkbang", "loku"}
