from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kbang_desktop.core.dates import Birth, age_on, document_date_phrase, parse_birth, parse_date


@pytest.mark.parametrize(("when", "expected"), [
    (date(2026, 2, 5), "Kbang, ngày 05 tháng 02 năm 2026"),
    (date(2026, 1, 31), "Kbang, ngày 31 tháng 01 năm 2026"),
    (date(2026, 3, 9), "Kbang, ngày 09 tháng 3 năm 2026"),
    (date(2026, 12, 10), "Kbang, ngày 10 tháng 12 năm 2026"),
    (date(2026, 10, 1), "Kbang, ngày 01 tháng 10 năm 2026"),
])
def test_document_date_phrase_padding(when, expected):
    assert document_date_phrase("Kbang", when) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("05/02/1978", Birth(1978, date(1978, 2, 5))),
    ("5/2/78", Birth(1978, date(1978, 2, 5))),
    ("1978", Birth(1978)),
    ("1978-02-05", Birth(1978, date(1978, 2, 5))),
    (1978, Birth(1978)),
    (28526, Birth(1978, date(1978, 2, 5))),  # Excel serial number
    ("05.02.1978", Birth(1978, date(1978, 2, 5))),
])
def test_parse_birth_usual_forms(text, expected):
    assert parse_birth(text, today=date(2026, 1, 1)) == expected


@pytest.mark.parametrize("text", ["31/02/1990", "00/01/1990", "abc", "", "1/13/1990"])
def test_parse_birth_rejects_impossible(text):
    with pytest.raises(ValueError):
        parse_birth(text, today=date(2026, 1, 1))


def test_two_digit_year_never_in_future():
    assert parse_date("1/1/30", today=date(2026, 1, 1)).year == 1930
    assert parse_date("1/1/26", today=date(2026, 1, 1)).year == 2026


def test_age_birthday_on_reference_date_counts():
    born = Birth(1991, date(1991, 6, 15))
    assert age_on(born, date(2026, 6, 14)) == 34
    assert age_on(born, date(2026, 6, 15)) == 35


def test_age_birth_year_only_uses_1_july_by_default():
    born = Birth(1991)
    assert age_on(born, date(2026, 6, 30)) == 34
    assert age_on(born, date(2026, 7, 1)) == 35
    assert age_on(born, date(2026, 6, 30), year_only_month=1, year_only_day=1) == 35


@given(st.integers(0, 80), st.integers(0, 40), st.dates(date(1990, 1, 1), date(2040, 12, 31)),
       st.dates(date(1900, 1, 1), date(2040, 12, 31)), st.integers(1, 12), st.integers(1, 28))
def test_born_between_selects_exactly_the_ages_of_the_band(age_from, width, as_of, born, month, day):
    """The bounds the people list filters on give the same answer as age_of for every birth, a full
    date or a year only (counted on the office's day), 29 February included."""
    from kbang_desktop.core.dates import age_of, born_between

    age_to = age_from + width
    band = born_between(age_from, age_to, as_of, month, day)
    assert (band.first <= born <= band.last) == (age_from <= age_of(born.year, born.month, born.day, as_of) <= age_to)
    assert ((band.first_year <= born.year <= band.last_year)
            == (age_from <= age_of(born.year, month, day, as_of) <= age_to))
