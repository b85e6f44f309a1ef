"""Validation of people and learners, with messages (msgids) in Vietnamese source text."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from kbang_desktop.core.dates import Birth, age_on, validate_birth
from kbang_desktop.core.errors import Problem
from kbang_desktop.core.text import nfc
from kbang_desktop.i18n import N_

SEXES = ("M", "F")
LITERACY_LEVELS = (0, 1, 2)
LEARNER_MIN_AGE, LEARNER_MAX_AGE = 15, 60


@dataclass(frozen=True, slots=True)
class PersonInput:
    """What a user gives for a person, before it is stored."""

    full_name: str
    sex: str
    birth: Birth | None
    ethnic_code: str | None
    literacy_level: int = 0
    died_on: date | None = None
    moved_away_on: date | None = None


def validate_person(person: PersonInput, today: date, ethnic_codes: Collection[str]) -> list[Problem]:
    """Every problem with a person's required fields and dates; an empty list means valid."""
    problems: list[Problem] = []
    name = nfc(person.full_name or "")
    if not name:
        problems.append(Problem("full_name", N_("Chưa nhập họ và tên.")))
    elif len(name) < 2 or not any(ch.isalpha() for ch in name):
        problems.append(Problem("full_name", N_("Họ và tên \"{name}\" không hợp lệ."), name=name))
    elif len(name) > 120:
        problems.append(Problem("full_name", N_("Họ và tên dài quá 120 ký tự.")))
    if person.sex not in SEXES:
        problems.append(Problem("sex", N_("Giới tính phải là Nam hoặc Nữ.")))
    if person.birth is None:
        problems.append(Problem("birth", N_("Chưa nhập ngày sinh hoặc năm sinh.")))
    else:
        problems.extend(validate_birth(person.birth, today))
    if not person.ethnic_code:
        problems.append(Problem("ethnic_code", N_("Chưa chọn dân tộc.")))
    elif person.ethnic_code not in ethnic_codes:
        problems.append(Problem("ethnic_code", N_("Không có dân tộc mã {code}."), code=person.ethnic_code))
    if person.literacy_level not in LITERACY_LEVELS:
        problems.append(Problem("literacy_level", N_("Mức độ biết chữ phải là 0, 1 hoặc 2.")))
    for field, value in (("died_on", person.died_on), ("moved_away_on", person.moved_away_on)):
        if value is None:
            continue
        if value > today:
            problems.append(Problem(field, N_("Ngày {date} ở tương lai."), date=value.strftime("%d/%m/%Y")))
        elif person.birth and value < person.birth.assumed_date(1, 1):
            problems.append(Problem(field, N_("Ngày {date} trước ngày sinh."), date=value.strftime("%d/%m/%Y")))
    return problems


def validate_learner_age(birth: Birth, enrolled_on: date) -> list[Problem]:
    """Literacy learners are aged 15 to 60 at enrolment (for a birth year only: by 1 July)."""
    age = age_on(birth, enrolled_on)
    if age < LEARNER_MIN_AGE or age > LEARNER_MAX_AGE:
        return [Problem("birth", N_("Học viên xóa mù chữ phải từ 15 đến 60 tuổi khi vào lớp (người này {age} tuổi)."), age=age)]
    return []
