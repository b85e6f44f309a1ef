"""Search in Vietnamese order from the full-text index kept in that order (migration 0006, issue 14): for any
order of additions, renames and removals, the first rows and the pages after them are exactly the matches
in (sort key, id) order, with or without a commune; people left without a rank (no gap between their
neighbours) are still found in order, and spreading the ranks again changes no result."""

from __future__ import annotations

import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbang_desktop.core.text import matches, person_search_text, person_sort_text, search_terms
from kbang_desktop.storage import queries

NAMES = ["Nguyễn Văn An", "Đinh Thị H'Bia", "Ksor Y Blang", "Trần Thị Lan", "Nguyễn Văn Hùng", "Rơ Châm H'Bia",
         "Đinh Văn Hmưk", "Kông Bơ La", "Nguyễn An", "Hbia Nguyễn"]
QUERIES = ["nguyen", "hbia", "h'bia", "an", "dinh van", "ng", "b", "zz"]


def _expected(services, text: str, commune_ids: set[str] | None = None) -> list[str]:
    terms = search_terms(text)
    with services.ctx.read() as repo:
        rows = repo.session.connection().exec_driver_sql(
            "SELECT id, full_name, sort_key, commune_id FROM person WHERE deleted = 0").all()
    found = [(key, pid) for pid, name, key, commune in rows
             if matches(terms, person_search_text(name)) and (commune_ids is None or commune in commune_ids)]
    return [pid for _key, pid in sorted(found)]


def _pages(services, text: str, size: int, commune_ids: set[str] | None = None) -> list[str]:
    """Every page of the search, each after the last row of the one before, as a list scrolls."""
    seen, after = [], None
    with services.ctx.read() as repo:
        while True:
            page = queries.persons_page(repo.session, after, size, commune_ids, terms=search_terms(text))
            seen += [p.id for p, _key in page]
            if len(page) < size:
                return seen
            after = (page[-1][1], page[-1][0].id)


def _check(services, commune_id: str) -> None:
    for text in QUERIES:
        expected = _expected(services, text)
        assert [r.id for r in services.persons.search(text, limit=5)] == expected[:5], text
        assert _pages(services, text, 3) == expected, text
        assert _pages(services, text, 2, {commune_id}) == _expected(services, text, {commune_id}), text
        assert services.persons.count(text=text) == len(expected)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["add", "rename", "remove"]), st.integers(0, len(NAMES) - 1),
                          st.integers(0, 30)), min_size=1, max_size=25))
def test_any_additions_renames_and_removals_keep_the_first_rows_in_order(services, steps):
    commune = services.units.find_commune("Kông Bơ La")
    people: list[str] = []
    for action, name, index in steps:
        if action == "add" or not people:
            people.append(services.persons.add(NAMES[name], "F", "1990", "Jrai", "Kông Bơ La", "Làng A",
                                                   allow_duplicate=True).id)
        elif action == "rename":
            services.persons.update(people[index % len(people)], full_name=NAMES[name])
        else:
            services.persons.remove(people.pop(index % len(people)))
    _check(services, commune.id)


def test_people_without_a_rank_are_found_in_order_until_the_ranks_are_spread(services, db_path):
    commune = services.units.find_commune("Kông Bơ La")
    for name in NAMES:
        services.persons.add(name, "M", "1980", "Kinh", "Kông Bơ La", "Làng A", allow_duplicate=True)
    services.ctx.db.close()
    with sqlite3.connect(db_path) as connection:  # no gap left anywhere: ranks 1, 2, 3...
        ranks = connection.execute("SELECT rank FROM person_fts_order ORDER BY rank").fetchall()
        connection.execute("INSERT INTO person_fts_ranked(person_fts_ranked) VALUES ('delete-all')")
        connection.execute("DELETE FROM person_fts_order")
        connection.execute("INSERT INTO person_fts_order(rank, person_rowid) SELECT row_number() OVER "
                           "(ORDER BY sort_key, id), rowid FROM person")
        connection.execute("INSERT INTO person_fts_ranked(rowid, name_folded) SELECT o.rank, p.name_folded FROM "
                           "person_fts_order o JOIN person p ON p.rowid = o.person_rowid")
        assert len(ranks) == len(NAMES)
    from tests.conftest import TODAY, open_test_services

    services = open_test_services(db_path)
    try:
        services.ctx.today = lambda: TODAY
        for name in NAMES:  # every one of these lands between two neighbours with no room
            services.persons.add(name, "F", "1995", "Jrai", "Kông Bơ La", "Làng B", allow_duplicate=True)
        with services.ctx.read() as repo:
            waiting = repo.session.connection().exec_driver_sql("SELECT count(*) FROM person_fts_unranked").scalar()
        assert waiting >= len(NAMES) // 2
        _check(services, commune.id)
        with services.ctx.write("spread", minimum_role="admin") as repo:
            assert queries.spread_ranks(repo.session, force=True)
        with services.ctx.read() as repo:
            connection = repo.session.connection()
            assert connection.exec_driver_sql("SELECT count(*) FROM person_fts_unranked").scalar() == 0
            assert connection.exec_driver_sql("SELECT count(*) FROM person_fts_order").scalar() == 2 * len(NAMES)
        _check(services, commune.id)
    finally:
        services.ctx.db.close()


def test_the_order_index_follows_the_sort_key_of_every_person(services):
    for name in NAMES * 3:
        services.persons.add(name, "M", "1980", "Kinh", "Kông Bơ La", "Làng A", allow_duplicate=True)
    with services.ctx.read() as repo:
        rows = repo.session.connection().exec_driver_sql(
            "SELECT p.full_name, p.sort_key, o.rank FROM person p JOIN person_fts_order o ON o.person_rowid = p.rowid "
            "ORDER BY p.sort_key, p.id").all()
    assert len(rows) == len(NAMES) * 3
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)
    assert all(r[1] == person_sort_text(r[0]) for r in rows)
