"""Queries that the generic repository does not express: search, bulk reads for rules."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import and_, column, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session

from kbang_desktop.core import entities as E
from kbang_desktop.core.dates import BornBetween, age_of
from kbang_desktop.storage import models as M
from kbang_desktop.storage.repo import MODEL_OF, not_merged, to_entity

_NOT_WORD = re.compile(r"\W")


def _clean(token: str) -> str:
    return _NOT_WORD.sub("", token)


def fts_query(terms: Iterable[tuple[str, ...]]) -> str:
    """An FTS5 query that needs, for every term, one of its alternatives: each token of it as the
    start of some word (core.text.search_terms, core.text.matches)."""
    clauses = []
    for term in terms:
        alternatives = [" AND ".join(f'"{t}"*' for t in (_clean(t) for t in alternative.split(" ")) if t)
                        for alternative in term]
        alternatives = [a for a in alternatives if a]
        if len(alternatives) == 1:
            clauses.append(alternatives[0])
        elif alternatives:
            clauses.append("(" + " OR ".join(f"({a})" for a in alternatives) + ")")
    return " AND ".join(clauses)


def _like_terms(terms: list[tuple[str, ...]]) -> Any:
    """The same rule as `fts_query` for databases without the full-text index (PostgreSQL at a hub)."""
    def starts(token: str) -> Any:
        return or_(M.Person.name_folded.like(f"{token}%"), M.Person.name_folded.like(f"% {token}%"))
    return and_(*[or_(*[and_(*[starts(t) for t in alternative.split(" ") if t]) for alternative in term])
                  for term in terms])


def persons_in(session: Session, commune_ids: set[str], include_deleted: bool = False) -> list[E.Person]:
    statement = select(M.Person).where(M.Person.commune_id.in_(commune_ids))
    if not include_deleted:
        statement = statement.where(M.Person.deleted.is_(False), not_merged(M.Person.id))
    return [to_entity(r) for r in session.execute(statement).scalars()]


def entities_in(session: Session, entity: type, column: str, values: Iterable[str]) -> list[Any]:
    """The records (not deleted) whose `column` is one of `values`, read without the ORM (no identity map):
    what an import of ten thousand rows compares each row with."""
    table = MODEL_OF[entity].__table__
    fields = [f.name for f in dataclasses.fields(entity)]
    statement = select(*(table.c[f] for f in fields)).where(table.c[column].in_(sorted(set(values))),
                                                            table.c.deleted.is_(False))
    return [entity(*row) for row in session.execute(statement)]


Keyed = list[tuple[E.Person, str]]  # people with their stored sort key (person.sort_key)


def persons_keyed(session: Session, commune_ids: set[str] | None = None) -> Keyed:
    """Everyone (of `commune_ids`), not deleted, in Vietnamese order with their stored sort keys."""
    statement = select(M.Person).where(M.Person.deleted.is_(False), not_merged(M.Person.id))
    if commune_ids is not None:
        statement = statement.where(M.Person.commune_id.in_(commune_ids))
    return _keyed(session.execute(statement.order_by(M.Person.sort_key, M.Person.id)).scalars())


def _keyed(rows: Iterable[M.Person]) -> Keyed:
    return [(to_entity(r), r.sort_key) for r in rows]


def persons_page(session: Session, after: tuple[str, str] | None, limit: int,
                 commune_ids: set[str] | None = None, village_id: str | None = None,
                 status: str | None = None, terms: list[tuple[str, ...]] | None = None,
                 born: BornBetween | None = None) -> Keyed:
    """One page of people in Vietnamese order (sort key, id) after `after`: keyset paging, as fast
    at the millionth row as at the first (ix_person_sort, ix_person_commune_sort).

    `status`: "present" (neither moved away nor deceased), "moved" or "deceased"; None for all.
    `terms` (core.text.search_terms): only the people whose name matches, in Vietnamese order (the
    first matches in that order, not the first the index holds): on SQLite through the index kept in
    that order (`_ranked_page`), elsewhere by the name and the sort-key index. `born`: an age band."""
    if terms is not None and _has_ranked_index(session):
        found = _ranked_page(session, after, limit, commune_ids, village_id, status, terms, born)
        if found is not None:
            return found
        if commune_ids is not None or village_id is not None:  # few matches there: its people, by name
            statement = _after(_person_filters(select(M.Person), session, commune_ids, village_id, status, None, born)
                               .where(_like_terms(terms)), after)
            return _keyed(session.execute(statement.order_by(M.Person.sort_key, M.Person.id).limit(limit)).scalars())
    return _sorted_page(session, after, limit, commune_ids, village_id, status, terms, born)


def _after(statement: Any, after: tuple[str, str] | None) -> Any:
    if after is None:
        return statement
    return statement.where(or_(M.Person.sort_key > after[0], and_(M.Person.sort_key == after[0], M.Person.id > after[1])))


def _sorted_page(session: Session, after: tuple[str, str] | None, limit: int, commune_ids: set[str] | None,
                 village_id: str | None, status: str | None, terms: list[tuple[str, ...]] | None,
                 born: BornBetween | None) -> Keyed:
    """Every match put in order by its stored sort key (cost grows with the matches)."""
    statement = _after(_person_filters(select(M.Person), session, commune_ids, village_id, status, terms, born), after)
    statement = statement.order_by(M.Person.sort_key, M.Person.id).limit(limit)
    return _keyed(session.execute(statement).scalars())


# The full-text index kept in Vietnamese order (migration 0006): rowid = the person's rank in order.
_RANKED = table("person_fts_ranked", column("rowid"))
_ORDER = table("person_fts_order", column("rank"), column("person_rowid"))
_UNRANKED = table("person_fts_unranked", column("person_rowid"))
RANKED_CAP = 1_000  # with filters: matches looked through in order before another way is taken
SPREAD_WHEN_UNRANKED = 2_000  # people waiting for a rank: spread the ranks again past this many


def _has_ranked_index(session: Session) -> bool:
    if session.get_bind().dialect.name != "sqlite":
        return False
    known = session.info.get("ranked_index")
    if known is None:
        known = session.info["ranked_index"] = session.connection().exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'person_fts_ranked'").first() is not None
    return bool(known)


def _ranked_page(session: Session, after: tuple[str, str] | None, limit: int, commune_ids: set[str] | None,
                 village_id: str | None, status: str | None, terms: list[tuple[str, ...]],
                 born: BornBetween | None) -> Keyed | None:
    """The first `limit` matches in Vietnamese order from the index that holds them in that order: the
    index hands its matches by rank, the filters are checked on each, and the query stops at `limit`,
    so the cost is that of the index's first matches, not of every match. People not ranked yet (no
    gap was left between their neighbours) are searched by name and merged in. With filters, after
    RANKED_CAP matches without `limit` rows passing them: None (the caller goes through the people of
    the commune or village by name, or sorts every match)."""
    match = fts_query(terms) or '""'
    connection = session.connection()
    start = 0
    if after is not None:
        start = connection.exec_driver_sql(
            "SELECT o.rank FROM person p CROSS JOIN person_fts_order o ON o.person_rowid = p.rowid "
            "WHERE (p.sort_key, p.id) <= (?, ?) ORDER BY p.sort_key DESC, p.id DESC LIMIT 1", after).scalar() or 0
    filtered = any(v is not None for v in (commune_ids, village_id, status, born))
    bound = None
    if filtered:  # the rank of the RANKED_CAP-th match: further matches are left to the sorting query
        bound = connection.exec_driver_sql(
            "SELECT rowid FROM person_fts_ranked WHERE person_fts_ranked MATCH ? AND rowid > ? "
            "ORDER BY rowid LIMIT 1 OFFSET ?", (match, start, RANKED_CAP)).scalar()
    statement = (select(M.Person).select_from(_RANKED)
                 .join(_ORDER, _ORDER.c.rank == _RANKED.c.rowid)
                 .join(M.Person, literal_column("person.rowid") == _ORDER.c.person_rowid)
                 .where(text("person_fts_ranked MATCH :ranked_query").bindparams(ranked_query=match),
                        _RANKED.c.rowid > start))
    if bound is not None:
        statement = statement.where(_RANKED.c.rowid <= bound)
    statement = _person_filters(statement, session, commune_ids, village_id, status, None, born)
    ranked = _keyed(session.execute(statement.order_by(_RANKED.c.rowid).limit(limit)).scalars())
    if bound is not None and len(ranked) < limit:
        return None
    waiting = select(M.Person).where(literal_column("person.rowid").in_(select(_UNRANKED.c.person_rowid)),
                                     _like_terms(terms))  # the few waiting, never a scan of everyone
    waiting = _after(_person_filters(waiting, session, commune_ids, village_id, status, None, born), after)
    unranked = _keyed(session.execute(waiting.order_by(M.Person.sort_key, M.Person.id).limit(limit)).scalars())
    if not unranked:
        return ranked
    return sorted(ranked + unranked, key=lambda pair: (pair[1], pair[0].id))[:limit]


def spread_ranks(session: Session, force: bool = False) -> bool:
    """Rank every person afresh, evenly spread, when many wait for a rank (or `force`); True if done.
    Inside the caller's transaction; a few seconds per 100,000 people."""
    if not _has_ranked_index(session):
        return False
    connection = session.connection()
    if not force and (connection.exec_driver_sql("SELECT count(*) FROM person_fts_unranked").scalar() or 0) \
            <= SPREAD_WHEN_UNRANKED:
        return False
    for statement in SPREAD:
        connection.exec_driver_sql(statement)
    return True


SPREAD = [  # as migration 0006 does
    "DELETE FROM person_fts_order",
    "DELETE FROM person_fts_unranked",
    "INSERT INTO person_fts_ranked(person_fts_ranked) VALUES ('delete-all')",
    "INSERT INTO person_fts_order(rank, person_rowid) SELECT row_number() OVER (ORDER BY sort_key, id) * "
    "(4611686018427387904 / ((SELECT count(*) FROM person) + 1)), rowid FROM person",
    "INSERT INTO person_fts_ranked(rowid, name_folded) SELECT o.rank, p.name_folded FROM person_fts_order o "
    "JOIN person p ON p.rowid = o.person_rowid ORDER BY o.rank",
]


def persons_count(session: Session, commune_ids: set[str] | None = None, village_id: str | None = None,
                  status: str | None = None, terms: list[tuple[str, ...]] | None = None,
                  born: BornBetween | None = None) -> int:
    """How many people `persons_page` lists with the same filters (the total beside a list)."""
    statement = select(func.count()).select_from(M.Person)
    return int(session.scalar(_person_filters(statement, session, commune_ids, village_id, status, terms, born)) or 0)


def _person_filters(statement: Any, session: Session, commune_ids: set[str] | None, village_id: str | None,
                    status: str | None, terms: list[tuple[str, ...]] | None = None,
                    born: BornBetween | None = None) -> Any:
    statement = statement.where(M.Person.deleted.is_(False), not_merged(M.Person.id))
    if terms is not None:
        if session.get_bind().dialect.name == "sqlite":
            # The index finds the matches (rowid IN ...); ordering by the stored sort key follows.
            matched = text("SELECT rowid FROM person_fts WHERE person_fts MATCH :fts_query").bindparams(
                fts_query=fts_query(terms) or '""').columns(column("rowid"))
            statement = statement.where(literal_column("person.rowid").in_(matched))
        else:
            statement = statement.where(_like_terms(terms))
    if commune_ids is not None:
        statement = statement.where(M.Person.commune_id.in_(commune_ids))
    if village_id is not None:
        statement = statement.where(M.Person.village_id == village_id)
    if status == "present":
        statement = statement.where(M.Person.moved_away_on.is_(None), M.Person.died_on.is_(None))
    elif status == "moved":
        statement = statement.where(M.Person.moved_away_on.is_not(None), M.Person.died_on.is_(None))
    elif status == "deceased":
        statement = statement.where(M.Person.died_on.is_not(None))
    if born is not None:
        statement = statement.where(or_(M.Person.birth_date.between(born.first, born.last),
                                        and_(M.Person.birth_date.is_(None),
                                             M.Person.birth_year.between(born.first_year, born.last_year))))
    return statement


def unit_graph_rows(session: Session, units: bool = True) -> tuple[list[tuple], list[tuple]]:
    """(id, kind, name, parent_id, valid_from, valid_to) of every unit and (predecessor_id, successor_id,
    effective, share) of every succession, not deleted, as plain rows (no entity per village)."""
    unit, succession = M.AdminUnit, M.AdminSuccession
    found = session.execute(select(unit.id, unit.kind, unit.name, unit.parent_id, unit.valid_from, unit.valid_to)
                            .where(unit.deleted.is_(False))).all() if units else []
    successions = session.execute(select(succession.predecessor_id, succession.successor_id, succession.effective,
                                         succession.share).where(succession.deleted.is_(False))).all()
    return [tuple(r) for r in found], [tuple(r) for r in successions]


def unit_names(session: Session, people: Keyed | None = None) -> dict[str, str]:
    """The names of the units (of the communes and villages of `people`, when given)."""
    statement = select(M.AdminUnit.id, M.AdminUnit.name)
    if people is not None and not people:
        return {}
    if people is not None:
        ids = {p.commune_id for p, _key in people} | {p.village_id for p, _key in people if p.village_id}
        statement = statement.where(M.AdminUnit.id.in_(ids))
    return dict(session.execute(statement).all())


_NAMED = re.compile(r":(\w+)")


def _driver_statement(session: Session, sql: str, params: dict[str, object]) -> tuple[str, Any]:
    dialect = session.get_bind().dialect
    if dialect.paramstyle == "qmark":
        order = _NAMED.findall(sql)
        statement, values = _NAMED.sub("?", sql), tuple(params[name] for name in order)
    else:
        statement, values = _NAMED.sub(r"%(\1)s", sql), params  # type: ignore[assignment]
    if dialect.name == "sqlite":
        values = tuple(v.isoformat() if isinstance(v, date) else int(v) if isinstance(v, bool) else v
                       for v in values)  # type: ignore[union-attr]
    return statement, values


def driver_cursor(session: Session, sql: str, params: dict[str, object], batch: int = 20_000) -> Iterator[tuple]:
    """Run `sql` (with :name parameters) straight on the driver and stream plain tuples in batches.

    For scans over every person of a hub, where SQLAlchemy's per-row work costs more than the query
    and holding all rows would cost hundreds of megabytes.
    """
    statement, values = _driver_statement(session, sql, params)
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(statement, values)
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()


def _iso(value: object) -> str | None:
    """A date column as ISO text: SQLite hands back text, PostgreSQL a date."""
    return value if value is None or isinstance(value, str) else value.isoformat()  # type: ignore[union-attr]


def literacy_facts(session: Session, as_of: date, birth_years: tuple[int, int], year_only: tuple[int, int],
                   commune_ids: set[str] | None = None) -> Counter:
    """Residents on `as_of` born within `birth_years`, with the literacy level they held on that date.

    Returns how many people share (commune_id, village_id, age on as_of, level, exempt, known only by
    birth year); people known only by their birth year count as born on `year_only` (month, day). The level is that of the
    latest attainment on or before `as_of` (an attainment without a date always counts); a person
    with no attainment history keeps the level on the record if it was reached by then.

    Two plain scans merged here rather than a correlated subquery or a GROUP BY: on the
    1.35-million-person hub that is 3 s instead of 9 to 18 s (bench/README.md). Driver values,
    no ORM types: this runs over every person of a hub.
    """
    day = as_of.isoformat()
    sql = ("SELECT id, commune_id, village_id, birth_date, birth_year, exempt, literacy_level, literacy_date "
           "FROM person WHERE deleted = :no AND birth_year BETWEEN :y0 AND :y1"
           " AND (moved_away_on IS NULL OR moved_away_on > :d) AND (died_on IS NULL OR died_on > :d)"
           " AND id NOT IN (SELECT other_id FROM person_merge WHERE deleted = :no AND undone_at IS NULL)")
    params: dict[str, object] = {"no": False, "y0": birth_years[0], "y1": birth_years[1], "d": as_of}
    if commune_ids is not None:
        names = [f"c{i}" for i in range(len(commune_ids))]
        sql += " AND commune_id IN (" + ", ".join(f":{n}" for n in names) + ")"
        params.update(zip(names, sorted(commune_ids), strict=True))
    text_dates = session.get_bind().dialect.name == "sqlite"
    # The level each person held on as_of: per person the latest attainment on or before that day
    # (same date: the higher level), kept as one int YYYYMMDD*4+level so that no row stays in memory.
    latest: dict[str, int] = {}
    get = latest.get
    for person_id, attained_on, level in driver_cursor(
            session, "SELECT person_id, attained_on, level FROM literacy_attainment WHERE deleted = :no", {"no": False}):
        if attained_on is None:
            key = level
        elif text_dates:
            if attained_on > day:
                latest.setdefault(person_id, -1)  # a history, but nothing reached by as_of
                continue
            key = int(attained_on.replace("-", "")) * 4 + level
        else:
            if attained_on > as_of:
                latest.setdefault(person_id, -1)
                continue
            key = (attained_on.year * 10000 + attained_on.month * 100 + attained_on.day) * 4 + level
        if key > get(person_id, -1):
            latest[person_id] = key
    people = driver_cursor(session, sql, params)
    counts: Counter = Counter()
    ages: dict[object, int] = {}
    for person_id, commune_id, village_id, birth_date, birth_year, exempt, level, level_date in people:
        held = latest.get(person_id)
        if held is not None:
            level = held & 3 if held >= 0 else 0
        elif level_date is not None and (level_date if text_dates else _iso(level_date)) > day:
            level = 0
        born = birth_date or birth_year
        age = ages.get(born)
        if age is None:
            if birth_date is None:
                age = age_of(birth_year, year_only[0], year_only[1], as_of)  # the office's assumed day
            elif text_dates:
                age = age_of(int(birth_date[:4]), int(birth_date[5:7]), int(birth_date[8:10]), as_of)
            else:
                age = age_of(birth_date.year, birth_date.month, birth_date.day, as_of)
            ages[born] = age
        if age >= 0:  # born by as_of
            counts[(commune_id, village_id, age, level, bool(exempt), birth_date is None)] += 1
    return counts


def duplicate_pairs(session: Session, reason: str, commune_ids: set[str] | None = None) -> list[tuple[str, str]]:
    """Pairs of ids (smaller first) of living people (not deleted, merged, moved away or deceased) that
    may be one person: `reason` "name_birth_village" (the same folded name and village, birth years at
    most one apart, in the same commune) or "id_number" (the same personal ID number). One self-join
    through the index on the folded name (or a join on the ID number), however many people."""
    from sqlalchemy.orm import aliased

    a, b = aliased(M.Person), aliased(M.Person)
    merged = select(M.PersonMerge.other_id).where(M.PersonMerge.deleted.is_(False), M.PersonMerge.undone_at.is_(None))
    if reason == "name_birth_village":
        # the village compared through coalesce: not an index the planner would pick (a village holds
        # thousands), so the join goes through ix_person_commune_name (commune, folded name)
        on = and_(a.commune_id == b.commune_id, a.name_folded == b.name_folded,
                  func.coalesce(a.village_id, "") == func.coalesce(b.village_id, ""),
                  b.birth_year.between(a.birth_year - 1, a.birth_year + 1))
    else:
        on = and_(a.id_number == b.id_number, a.id_number.is_not(None), a.id_number != "")
    statement = select(a.id, b.id).join(b, and_(on, a.id < b.id))
    for person in (a, b):
        statement = statement.where(person.deleted.is_(False), person.died_on.is_(None),
                                    person.moved_away_on.is_(None), person.id.not_in(merged))
    if commune_ids is not None:
        statement = statement.where(a.commune_id.in_(commune_ids), b.commune_id.in_(commune_ids))
    return [(first, second) for first, second in session.execute(statement)]
