"""Dates as the programme writes them: document date phrases, birth dates or years, ages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kbang_desktop.core.errors import Problem
from kbang_desktop.i18n import N_

_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_EXCEL_EPOCH = date(1899, 12, 30)


def document_date_phrase(place: str, when: date) -> str:
    """'Kbang, ngày 05 tháng 02 năm 2026' (Decree 30/2020 rule).

    Days are always two digits; months are padded only for 01 and 02.
    """
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return f"{place}, ngày {when.day:02d} tháng {month} năm {when.year}"


@dataclass(frozen=True, slots=True)
class Birth:
    """A full birth date, or only a year (common among older minority people)."""

    year: int
    date: date | None = None

    @property
    def year_only(self) -> bool:
        return self.date is None

    def assumed_date(self, month: int = 7, day: int = 1) -> date:
        """The date used for age when only the year is known (default 1 July)."""
        return self.date or date(self.year, month, day)

    def iso(self) -> str:
        return self.date.isoformat() if self.date else f"{self.year:04d}"

    def display(self) -> str:
        return self.date.strftime("%d/%m/%Y") if self.date else f"{self.year:04d}"


def _century(two_digit: int, today: date) -> int:
    year = 2000 + two_digit
    return year if year <= today.year else 1900 + two_digit


def parse_date(text: str, today: date | None = None) -> date:
    """Parse dd/mm/yyyy, d/m/yy, yyyy-mm-dd; raise ValueError with a msgid."""
    today = today or date.today()
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year = _century(year, today)
    else:
        match = _ISO.match(text)
        if not match:
            raise ValueError(N_("Ngày không đúng dạng (ví dụ 05/02/1978)."))
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(N_("Ngày không có thật trên lịch.")) from None


def parse_birth(value: object, today: date | None = None) -> Birth:
    """Accept '05/02/1978', '5/2/78', '1978', '1978-02-05', an int year, a date,
    or an Excel serial number; raise ValueError carrying a msgid."""
    today = today or date.today()
    if isinstance(value, date):
        return Birth(value.year, value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        number = int(value)
        if 1000 <= number <= 9999:
            return Birth(number)
        if 0 < number < 2958466:  # an Excel serial date
            when = _EXCEL_EPOCH + timedelta(days=number)
            return Birth(when.year, when)
        raise ValueError(N_("Năm sinh không hợp lệ."))
    text = str(value).strip()
    if not text:
        raise ValueError(N_("Chưa nhập ngày sinh hoặc năm sinh."))
    year = _YEAR.match(text)
    if year:
        return Birth(int(year.group(1)))
    when = parse_date(text, today)
    return Birth(when.year, when)


def age_on(birth: Birth, reference: date, year_only_month: int = 7, year_only_day: int = 1) -> int:
    """Age in whole years on `reference` (a birthday on that day counts)."""
    born = birth.assumed_date(year_only_month, year_only_day)
    return age_of(born.year, born.month, born.day, reference)


def age_of(year: int, month: int, day: int, reference: date) -> int:
    """Age in whole years on `reference` of someone born on year-month-day (negative: not yet born)."""
    years = reference.year - year
    if (reference.month, reference.day) < (month, day):
        years -= 1
    return years


def _years_before(day: date, years: int) -> date:
    """The same day `years` years earlier (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True, slots=True)
class BornBetween:
    """Who is aged `age_from` to `age_to` (whole years) on a date, as bounds a database can use:
    a birth date from `first` to `last`, or, for people known only by birth year (counted as born on
    the office's month and day), a year from `first_year` to `last_year`."""

    first: date
    last: date
    first_year: int
    last_year: int


def born_between(age_from: int, age_to: int, as_of: date, year_only_month: int = 7,
                 year_only_day: int = 1) -> BornBetween:
    """The births of people aged `age_from` to `age_to` on `as_of` (the rule of `age_of`)."""
    first = _years_before(as_of, age_to + 1) + timedelta(days=1)
    last = _years_before(as_of, age_from)
    years = [y for y in range(as_of.year - age_to - 1, as_of.year - age_from + 1)
             if age_from <= age_of(y, year_only_month, year_only_day, as_of) <= age_to]
    return BornBetween(first, last, years[0] if years else 1, years[-1] if years else 0)


def validate_birth(birth: Birth, today: date) -> list[Problem]:
    """A plausible birth: not in the future, not more than 120 years ago."""
    problems = []
    if birth.date and birth.date > today or birth.year > today.year:
        problems.append(Problem("birth", N_("Ngày sinh ở tương lai.")))
    elif today.year - birth.year > 120:
        problems.append(Problem("birth", N_("Năm sinh {year} quá xa (hơn 120 tuổi)."), year=birth.year))
    return problems
