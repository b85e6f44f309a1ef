"""The literacy standard (Decree 20/2014, arts. 19-21) at its boundaries."""

from datetime import date
from decimal import Decimal

import pytest

from kbang_desktop.core.dates import Birth
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.literacy import (
    LiteracyRule,
    PersonFacts,
    aggregate_units,
    level_from_results,
    literacy_standard,
    phase_completed,
    rule_for,
)

RULES = [
    LiteracyRule(1, date(2014, 5, 10), None, 15, 35, 15, 25, Decimal("0.90")),
    LiteracyRule(2, date(2014, 5, 10), None, 15, 60, 15, 35, Decimal("0.90")),
]
AS_OF = date(2026, 6, 30)


def people(n_literate: int, n_not: int, age: int = 20, level: int = 2) -> list[PersonFacts]:
    born = Birth(AS_OF.year - age, date(AS_OF.year - age, 1, 1))
    return [PersonFacts(born, level) for _ in range(n_literate)] + [PersonFacts(born, 0) for _ in range(n_not)]


def test_exactly_ninety_percent_meets():
    status = literacy_standard(people(9, 1), AS_OF, RULES, False)
    assert status.level1.rate == Decimal("0.9") and status.level1.meets
    assert status.level2.meets


def test_just_below_ninety_percent_does_not_meet():
    status = literacy_standard(people(899, 101), AS_OF, RULES, False)
    assert not status.level1.meets
    assert float(status.level1.rate) == pytest.approx(0.899)


def test_age_35_on_reference_date_is_in_level1_band_and_36_is_not():
    born_35 = Birth(1991, date(1991, 6, 30))  # 35th birthday on the reference date
    born_36 = Birth(1990, date(1990, 6, 30))
    status = literacy_standard([PersonFacts(born_35, 0), PersonFacts(born_36, 0)], AS_OF, RULES, False)
    assert status.level1.population == 1
    assert status.level2.population == 2


def test_birthday_the_day_after_reference_keeps_person_younger():
    turning_15_tomorrow = Birth(2011, date(2011, 7, 1))
    status = literacy_standard([PersonFacts(turning_15_tomorrow, 0)], AS_OF, RULES, False)
    assert status.level1.population == 0
    status = literacy_standard([PersonFacts(turning_15_tomorrow, 0)], date(2026, 7, 1), RULES, False)
    assert status.level1.population == 1


def test_especially_difficult_commune_uses_narrower_bands():
    group = people(1, 0, age=30, level=0) + people(10, 0, age=20, level=2)
    normal = literacy_standard(group, AS_OF, RULES, False)
    difficult = literacy_standard(group, AS_OF, RULES, True)
    assert (normal.level1.age_from, normal.level1.age_to) == (15, 35)
    assert (difficult.level1.age_from, difficult.level1.age_to) == (15, 25)
    assert (difficult.level2.age_from, difficult.level2.age_to) == (15, 35)
    assert normal.level1.population == 11 and difficult.level1.population == 10
    assert difficult.level1.meets and difficult.level1.rate == 1


def test_level2_requires_level1():
    # 15-35: 8 of 10 literate (level 1 fails); 36-60: many level 2 -> level 2 rate over 90%, still not met
    group = people(8, 2, age=20) + people(100, 0, age=50)
    status = literacy_standard(group, AS_OF, RULES, False)
    assert not status.level1.meets
    assert status.level2.rate >= Decimal("0.9")
    assert not status.level2.meets


def test_level1_counts_level2_people_but_level2_needs_level2():
    group = people(10, 0, age=20, level=1)
    status = literacy_standard(group, AS_OF, RULES, False)
    assert status.level1.meets and status.level2.literate == 0 and not status.level2.meets


def test_exempted_people_are_excluded_from_population_and_counted():
    born = Birth(2000, date(2000, 1, 1))
    group = people(9, 0) + [PersonFacts(born, 0, exempt=True)]
    status = literacy_standard(group, AS_OF, RULES, False)
    assert status.level1.population == 9 and status.exempted == 1 and status.level1.meets


def test_birth_year_only_people_use_the_chosen_day_and_are_counted():
    person = PersonFacts(Birth(1991), 0)  # taken as born 1 July 1991 under the default rule
    when = date(2027, 3, 1)
    default_rule = literacy_standard([person], when, RULES, False)  # aged 35: in the 15-35 band
    assert default_rule.level1.population == 1 and default_rule.birth_year_only == 1
    january_rule = literacy_standard([person], when, RULES, False, year_only_month=1, year_only_day=1)
    assert january_rule.level1.population == 0  # aged 36 when taken as born 1 January


def test_nobody_in_band_gives_no_rate_and_does_not_meet():
    status = literacy_standard([], AS_OF, RULES, False)
    assert status.level1.rate is None and not status.level1.meets


def test_rules_are_dated():
    old = LiteracyRule(1, date(2000, 1, 1), date(2014, 5, 9), 15, 25, 15, 25, Decimal("0.80"))
    rules = [*RULES, old]
    assert rule_for(rules, 1, date(2010, 1, 1)).threshold == Decimal("0.80")
    assert rule_for(rules, 1, date(2021, 1, 1)).threshold == Decimal("0.90")
    with pytest.raises(KbangError):
        rule_for(RULES, 1, date(2000, 1, 1))


def test_district_meets_when_ninety_percent_of_communes_do():
    meeting = literacy_standard(people(10, 0), AS_OF, RULES, False)
    failing = literacy_standard(people(1, 9), AS_OF, RULES, False)
    level1, _ = aggregate_units([meeting] * 9 + [failing])
    assert level1.meeting == 9 and level1.meets
    level1, _ = aggregate_units([meeting] * 8 + [failing] * 2)
    assert not level1.meets


def test_level_from_term_results():
    assert level_from_results([(1, "tot"), (2, "hoan_thanh"), (3, "hoan_thanh"), (3, "tot")]) == 1
    assert level_from_results([(3, "hoan_thanh"), (3, "chua")]) == 0
    assert level_from_results([(4, "tot"), (5, "hoan_thanh")]) == 2
    assert level_from_results([(1, "tot"), (2, "tot")]) == 0
    assert phase_completed([(5, "tot")], 2) and not phase_completed([(5, "chua")], 2)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

person_facts = st.builds(
    PersonFacts,
    birth=st.one_of(st.integers(1950, 2020).map(Birth),
                    st.dates(date(1950, 1, 1), date(2020, 12, 31)).map(lambda d: Birth(d.year, d))),
    level=st.integers(0, 2),
    exempt=st.booleans(),
)


@settings(max_examples=200)
@given(st.lists(person_facts, max_size=60), st.booleans(), st.dates(date(2015, 1, 1), date(2030, 12, 31)))
def test_standard_matches_a_plain_count(people_list, difficult, as_of):
    from kbang_desktop.core.dates import age_on

    status = literacy_standard(people_list, as_of, RULES, difficult)
    for result, minimum in ((status.level1, 1), (status.level2, 2)):
        band = [p for p in people_list if result.age_from <= age_on(p.birth, as_of) <= result.age_to and not p.exempt]
        assert result.population == len(band)
        assert result.literate == sum(1 for p in band if p.level >= minimum)
        if band:
            assert result.rate == Decimal(result.literate) / Decimal(len(band)) or abs(
                float(result.rate) - result.literate / len(band)) < 1e-12
    assert not status.level2.meets or status.level1.meets
