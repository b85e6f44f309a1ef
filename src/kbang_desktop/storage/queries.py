"""Queries that the generic repository does not express: search, bulk reads for rules."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, bindparam, or_, select, text
from sqlalchemy.orm import Session

from kbang_desktop.core import entities as E
from kbang_desktop.storage import models as M
from kbang_desktop.storage.repo import to_entity

_NON_ALNUM = re.compile(r"[^0-9a-z]")


def fts_query(tokens: Iterable[str]) -> str:
    """An FTS5 query that needs every token as the start of some word."""
    clean = [_NON_ALNUM.sub("", t) for t in tokens]
    return " AND ".join(f'"{t}"*' for t in clean if t)


def search_persons(session: Session, tokens: list[str], limit: int, commune_ids: set[str] | None = None) -> list[E.Person]:
    """People whose folded name has a word starting with each token (any order)."""
    if not tokens:
        return []
    if session.get_bind().dialect.name == "sqlite":
        query = fts_query(tokens)
        if not query:
            return []
        ids_sql = "SELECT p.id FROM person_fts JOIN person p ON p.rowid = person_fts.rowid " \
                  "WHERE person_fts MATCH :q AND p.deleted = 0"
        params: dict[str, object] = {"q": query}
        if commune_ids is not None:
            ids_sql += " AND p.commune_id IN :communes"
        statement = text(ids_sql + " LIMIT :limit")
        if commune_ids is not None:
            statement = statement.bindparams(bindparam("communes", expanding=True))
            params["communes"] = sorted(commune_ids)
        ids = [row[0] for row in session.execute(statement, {**params, "limit": limit})]
        if not ids:
            return []
        rows = session.execute(select(M.Person).where(M.Person.id.in_(ids))).scalars()
        return [to_entity(r) for r in rows]
    # Other databases (PostgreSQL at a large hub): match each token at the start of a word.
    conditions = [or_(M.Person.name_folded.like(f"{t}%"), M.Person.name_folded.like(f"% {t}%")) for t in tokens]
    statement = select(M.Person).where(and_(*conditions), M.Person.deleted.is_(False))
    if commune_ids is not None:
        statement = statement.where(M.Person.commune_id.in_(commune_ids))
    return [to_entity(r) for r in session.execute(statement.limit(limit)).scalars()]


def persons_in(session: Session, commune_ids: set[str], include_deleted: bool = False) -> list[E.Person]:
    statement = select(M.Person).where(M.Person.commune_id.in_(commune_ids))
    if not include_deleted:
        statement = statement.where(M.Person.deleted.is_(False))
    return [to_entity(r) for r in session.execute(statement).scalars()]


def literacy_rows(session: Session, commune_ids: set[str]) -> list[tuple]:
    """(id, commune_id, village_id, birth_date, birth_year, exempt, moved_away_on, died_on, level, level_date)."""
    statement = select(M.Person.id, M.Person.commune_id, M.Person.village_id, M.Person.birth_date,
                       M.Person.birth_year, M.Person.exempt, M.Person.moved_away_on, M.Person.died_on,
                       M.Person.literacy_level, M.Person.literacy_date).where(
        M.Person.commune_id.in_(commune_ids), M.Person.deleted.is_(False))
    return [tuple(r) for r in session.execute(statement)]


def attainments_for(session: Session, person_ids: Iterable[str]) -> dict[str, list[tuple[date | None, int]]]:
    """Literacy level history per person: (attained_on, level), for as-of computations."""
    result: dict[str, list[tuple[date | None, int]]] = defaultdict(list)
    ids = list(person_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        statement = select(M.LiteracyAttainment.person_id, M.LiteracyAttainment.attained_on,
                           M.LiteracyAttainment.level).where(M.LiteracyAttainment.person_id.in_(chunk),
                                                             M.LiteracyAttainment.deleted.is_(False))
        for person_id, attained_on, level in session.execute(statement):
            result[person_id].append((attained_on, level))
    return result


def unit_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(M.AdminUnit.id, M.AdminUnit.name)).all())
