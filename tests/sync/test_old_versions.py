"""Upgrades keep everything: databases and bundles made by earlier releases of Kbang Desktop.

The files under tests/data/releases/ were made by those releases themselves (git worktrees of the
commits, their own code and CLI), not by today's code:
- schema-0001-commune.db.gz: the first released schema (0001), a commune with demo data (400 people,
  households, clans, a centre, classes and results, evaluations and 13 decisions).
- schema-0002-hub-and-bundle.tar.gz: a hub at schema 0002 with its keys, and the bundle a schema-0002
  commune exported to it (the same commune, migrated by that release).
"""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import tarfile
from pathlib import Path

from kbang_desktop.core.text import person_search_text
from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import open_services

RELEASES = Path(__file__).resolve().parents[1] / "data" / "releases"


def _rows(path: Path) -> dict[str, dict[str, dict]]:
    """Every row of every table, by table and by key, read straight from the file."""
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found: dict[str, dict[str, dict]] = {}
        for table in tables:
            rows = [dict(r) for r in connection.execute(f'SELECT * FROM "{table}"')]
            key = "id" if rows and "id" in rows[0] else None
            found[table] = {str(r[key]) if key else repr(sorted(r.items())): r for r in rows}
        return found


def test_the_first_released_schema_opens_migrated_with_every_record_unchanged(tmp_path):
    path = tmp_path / "kbang.db"
    with gzip.open(RELEASES / "schema-0001-commune.db.gz") as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    before = _rows(path)
    assert before["alembic_version"] and len(before["person"]) == 400

    services = open_services(path, Actor("os:tester", "admin"))
    try:
        report = services.maintenance.check()
        assert report.ok, report  # the audit chain of the old release still verifies
        people = services.persons.page(None, 500)
        assert len(people) == 400 and all(r.sort_key for r in people)
        saved = services.maintenance.list_backups()
    finally:
        services.ctx.db.close()
    assert any("pre-migration" in str(entry) for entry in saved)  # backed up before migrating

    after = _rows(path)
    for table, rows in before.items():
        if table == "alembic_version" or table.startswith("person_fts"):
            continue  # the full-text index follows person.name_folded (checked below)
        assert table in after, f"table {table} is gone"
        if table == "local_state":  # the new version notes that it migrated the file
            assert all(after[table][k] == v for k, v in rows.items() if "schema_written_by" not in k)
            continue
        assert set(after[table]) == set(rows), f"{table}: records added or lost"
        # worked out again by migration 0004 (punctuation in names), every other column as it was
        recomputed = {"person": {"name_folded"}, "admin_unit": {"name_folded"}}.get(table, set())
        for key, old in rows.items():
            new = after[table][key]
            assert {c: new[c] for c in old if c not in recomputed} == {c: v for c, v in old.items()
                                                                       if c not in recomputed}, f"{table} {key} changed"
    hbia = [row for row in after["person"].values() if "H'" in row["full_name"]]
    assert hbia and all(row["name_folded"] == person_search_text(row["full_name"]) for row in hbia)


def test_a_bundle_from_an_older_release_imports_at_an_upgraded_hub(tmp_path):
    from kbang_desktop.sync.exchange import import_bundle

    with tarfile.open(RELEASES / "schema-0002-hub-and-bundle.tar.gz") as packed:
        packed.extractall(tmp_path, filter="data")
    services = open_services(tmp_path / "hub" / "kbang.db", Actor("os:tester", "admin"))
    try:
        result = import_bundle(services, tmp_path / "bundle-from-0002-commune.kbb")
        assert result.status == "applied", result.as_json()
        assert result.counts["refused"] == 0 and result.counts["conflicts"] == 0
        assert result.counts["new"] >= 1900  # every record the old commune sent
        assert result.per_type["person"]["new"] == 400
        people = services.persons.page(None, 500)
        assert len(people) == 400 and all(r.sort_key for r in people)  # worked out here, never sent
        assert import_bundle(services, tmp_path / "bundle-from-0002-commune.kbb").status == "already-imported"
        assert services.maintenance.check().ok
    finally:
        services.ctx.db.close()
