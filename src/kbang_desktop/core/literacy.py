"""The literacy standard (Decree 20/2014/NĐ-CP, arts. 19-21) and literacy levels.

Pure functions over plain facts: the storage layer selects the residents of a
commune on the reference date and their literacy level on that date; these
rules count them. Thresholds and age bands are dated rule data (LiteracyRule),
never constants here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from kbang_desktop.core.dates import Birth, age_on
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_

RESULT_WELL = "tot"  # Hoàn thành tốt
RESULT_DONE = "hoan_thanh"  # Hoàn thành
RESULT_NOT_YET = "chua"  # Chưa hoàn thành
TERM_RESULTS = (RESULT_WELL, RESULT_DONE, RESULT_NOT_YET)
RESULT_NAMES = {RESULT_WELL: N_("Hoàn thành tốt"), RESULT_DONE: N_("Hoàn thành"), RESULT_NOT_YET: N_("Chưa hoàn thành")}
PHASE_TERMS = {1: (1, 2, 3), 2: (4, 5)}
PHASE_FINAL_TERM = {1: 3, 2: 5}


@dataclass(frozen=True, slots=True)
class LiteracyRule:
    """One dated rule for one level: the age band (normal and especially difficult) and the threshold."""

    level: int
    valid_from: date
    valid_to: date | None
    age_from: int
    age_to: int
    difficult_age_from: int
    difficult_age_to: int
    threshold: Decimal
    legal_basis: str = ""

    def in_force(self, when: date) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when <= self.valid_to)

    def band(self, especially_difficult: bool) -> tuple[int, int]:
        if especially_difficult:
            return self.difficult_age_from, self.difficult_age_to
        return self.age_from, self.age_to


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the rule needs of one resident on the reference date."""

    birth: Birth
    level: int  # literacy level held on the reference date: 0, 1 or 2
    exempt: bool = False  # "không có khả năng học tập"


@dataclass(frozen=True, slots=True)
class LevelResult:
    level: int
    age_from: int
    age_to: int
    population: int  # people in the band, exempted people excluded
    literate: int
    rate: Fraction | None  # None when nobody is in the band
    meets: bool
    threshold: Decimal

    def as_json(self) -> dict:
        return {
            "age_from": self.age_from,
            "age_to": self.age_to,
            "population": self.population,
            "literate": self.literate,
            "rate": float(self.rate) if self.rate is not None else None,
            "meets": self.meets,
        }


@dataclass(frozen=True, slots=True)
class LiteracyStatus:
    as_of: date
    especially_difficult: bool
    level1: LevelResult
    level2: LevelResult
    birth_year_only: int  # people in the widest band known only by their birth year
    exempted: int  # exempted people in the widest band

    @property
    def level_reached(self) -> int:
        return 2 if self.level2.meets else 1 if self.level1.meets else 0


def rule_for(rules: Iterable[LiteracyRule], level: int, when: date) -> LiteracyRule:
    """The rule for `level` in force on `when` (the latest that started, if several)."""
    candidates = [r for r in rules if r.level == level and r.in_force(when)]
    if not candidates:
        raise KbangError(N_("Không có quy định chuẩn biết chữ mức độ {level} áp dụng cho ngày {date}."),
                         level=level, date=when.strftime("%d/%m/%Y"))
    return max(candidates, key=lambda r: r.valid_from)


# (age on the reference date, level held, exempt, known only by birth year) -> number of people
Tally = Mapping[tuple[int, int, bool, bool], int]


def _count(tally: Tally, band: tuple[int, int], minimum_level: int, rule: LiteracyRule,
           extra_condition: bool = True) -> LevelResult:
    low, high = band
    population = literate = 0
    for (age, level, exempt, _year_only), n in tally.items():
        if low <= age <= high and not exempt:
            population += n
            if level >= minimum_level:
                literate += n
    rate = Fraction(literate, population) if population else None
    threshold = Fraction(rule.threshold)
    meets = bool(extra_condition and rate is not None and rate >= threshold)
    return LevelResult(rule.level, low, high, population, literate, rate, meets, rule.threshold)


def tally(people: Iterable[PersonFacts], as_of: date, year_only_month: int = 7, year_only_day: int = 1) -> Counter:
    """People counted by what the rule looks at: age on `as_of`, level, exemption, birth year only."""
    return Counter((age_on(p.birth, as_of, year_only_month, year_only_day), p.level, p.exempt, p.birth.year_only)
                   for p in people)


def literacy_standard(people: Iterable[PersonFacts], as_of: date, rules: Sequence[LiteracyRule],
                      especially_difficult: bool, year_only_month: int = 7,
                      year_only_day: int = 1) -> LiteracyStatus:
    """Whether a commune meets literacy level 1 and level 2 on `as_of`.

    `people` are the commune's residents on that date (moved away and deceased
    people already left out). Age is whole years on `as_of`; a person known only
    by a birth year is taken as born on `year_only_month`/`year_only_day` of it.
    Level 2 also requires level 1.
    """
    return standard_of_tally(tally(people, as_of, year_only_month, year_only_day), as_of, rules, especially_difficult)


def standard_of_tally(counts: Tally, as_of: date, rules: Sequence[LiteracyRule],
                      especially_difficult: bool) -> LiteracyStatus:
    """The same rule over people already counted by `tally` (how reports over a whole hub run it)."""
    rule1, rule2 = rule_for(rules, 1, as_of), rule_for(rules, 2, as_of)
    level1 = _count(counts, rule1.band(especially_difficult), 1, rule1)
    level2 = _count(counts, rule2.band(especially_difficult), 2, rule2, extra_condition=level1.meets)
    low = min(level1.age_from, level2.age_from)
    high = max(level1.age_to, level2.age_to)
    in_band = [(key, n) for key, n in counts.items() if low <= key[0] <= high]
    return LiteracyStatus(
        as_of=as_of,
        especially_difficult=especially_difficult,
        level1=level1,
        level2=level2,
        birth_year_only=sum(n for key, n in in_band if key[3]),
        exempted=sum(n for key, n in in_band if key[2]),
    )


@dataclass(frozen=True, slots=True)
class AggregateLevel:
    units: int
    meeting: int
    rate: Fraction | None
    meets: bool


def aggregate_units(statuses: Sequence[LiteracyStatus], threshold: Decimal = Decimal("0.90")) -> tuple[AggregateLevel, AggregateLevel]:
    """A district-level unit meets a level when at least 90% of its communes do."""
    results = []
    for attribute in ("level1", "level2"):
        meeting = sum(1 for s in statuses if getattr(s, attribute).meets)
        rate = Fraction(meeting, len(statuses)) if statuses else None
        results.append(AggregateLevel(len(statuses), meeting, rate, rate is not None and rate >= Fraction(threshold)))
    return results[0], results[1]


def phase_completed(results: Iterable[tuple[int, str]], phase: int) -> bool:
    """A phase is completed when the final term (3 or 5) has results and none is 'Chưa hoàn thành'."""
    final = PHASE_FINAL_TERM[phase]
    final_results = [result for term, result in results if term == final]
    return bool(final_results) and all(r in (RESULT_WELL, RESULT_DONE) for r in final_results)


def level_from_results(results: Iterable[tuple[int, str]]) -> int:
    """The literacy level that a learner's term results give: 2, 1 or 0."""
    results = list(results)
    if phase_completed(results, 2):
        return 2
    if phase_completed(results, 1):
        return 1
    return 0
