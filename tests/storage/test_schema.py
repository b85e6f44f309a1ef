"""Migrations give exactly the models; newer databases are refused; entities mirror the models."""

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kbang_desktop.core.errors import StorageError
from kbang_desktop.storage import models
from kbang_desktop.storage.db import Database, head_revision
from kbang_desktop.storage.repo import ENTITY_OF, MODEL_OF


def test_upgrade_of_empty_database_gives_exactly_the_models(tmp_path: Path):
    db = Database.open(tmp_path / "empty.db")
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_object": models.include_object})
        differences = compare_metadata(context, models.Base.metadata)
        fts = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE 'person_fts%'").scalars()
        assert {"person_fts", "person_fts_ai", "person_fts_ad", "person_fts_au"} <= set(fts)
    db.close()
    assert differences == []


def test_pragmas_for_unreliable_power(tmp_path: Path):
    db = Database.open(tmp_path / "p.db")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.close()


def test_database_newer_than_the_code_is_refused(tmp_path: Path):
    path = tmp_path / "newer.db"
    Database.open(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(StorageError) as caught:
        Database.open(path)
    assert "Kbang Desktop" in caught.value.translated()
    assert "9999_future" in caught.value.translated()
    with sqlite3.connect(path) as connection:  # a newer program says which version brought it there
        connection.execute("UPDATE local_state SET value = '7.3.0' WHERE key = 'schema_written_by'")
    with pytest.raises(StorageError) as caught:
        Database.open(path)
    message = caught.value.translated()
    assert "Kbang Desktop 7.3.0" in message and "9999_future" in message and "không bị thay đổi" in message
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999_future",)


def test_damaged_file_is_reported_with_newest_good_backup(tmp_path: Path):
    from kbang_desktop.storage import backup

    path = tmp_path / "kbang.db"
    Database.open(path).close()
    good = backup.backup_now(path, tmp_path / "backups")
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StorageError) as caught:
        Database.open(path)
    message = caught.value.translated()
    assert str(good) in message and "kbang restore" in message


def test_every_model_has_a_frozen_entity_with_the_same_fields():
    mapped = {mapper.class_ for mapper in models.Base.registry.mappers}
    assert mapped == set(ENTITY_OF)
    for entity, model in MODEL_OF.items():
        params = entity.__dataclass_params__
        assert params.frozen, entity
        fields = {f.name for f in dataclasses.fields(entity)}
        derived = set(models.DERIVED.get(model.__tablename__, {}))  # worked out here: an entity may show it or not
        columns = {c.key for c in model.__table__.columns}
        assert columns - derived <= fields <= columns, entity


def test_every_syncable_table_has_the_sync_columns():
    for table in models.SYNCABLE.values():
        columns = {c.key for c in table.__table__.columns}
        assert {"id", "owner_office_id", "rev", "prev_rev", "deleted", "created_at", "created_by", "updated_at",
                "updated_by"} <= columns


def test_head_revision_is_recorded(tmp_path: Path):
    db = Database.open(tmp_path / "h.db")
    from kbang_desktop.storage.db import current_revision

    assert current_revision(db.engine) == head_revision()
    db.close()


def test_cheap_revision_reading_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    from kbang_desktop.storage.db import alembic_config, known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}


def test_sort_key_is_kept_by_every_write_and_never_sent(services):
    """person.sort_key follows the name through the ORM (add, rename) and the bulk loader, and is
    not part of a record's state (bundles, the change log)."""
    from kbang_desktop.core.text import person_sort_text
    from kbang_desktop.storage.writes import row_state

    person = services.persons.add("Nguyễn Văn Ba", "M", "1980", "Kinh", "Kông Bơ La")
    with services.ctx.read() as repo:
        row = repo.session.get(models.Person, person.id)
        assert row.sort_key == person_sort_text("Nguyễn Văn Ba")
        assert "sort_key" not in row_state(row)
    services.persons.update(person.id, full_name="Đinh Thị Ánh")
    with services.ctx.read() as repo:
        assert repo.session.get(models.Person, person.id).sort_key == person_sort_text("Đinh Thị Ánh")


def test_migration_0004_works_out_search_text_and_order_again_for_names_with_punctuation(services, db_path):
    """A database of schema 0003 holds "H'Bia" folded as "h bia" and sorted after every H name:
    opened by this version, "hbia" finds her and she sorts as HBia; other rows are not written."""
    from kbang_desktop.core.text import person_search_text, person_sort_text
    from kbang_desktop.services.context import Actor
    from kbang_desktop.services.registry import open_services

    hbia = services.persons.add("Rơ Châm H'Bia", "F", "2001", "Jrai", "Kông Bơ La", "Thôn 1")
    plain = services.persons.add("Nguyễn Thị Hoa", "F", "2001", "Kinh", "Kông Bơ La", "Thôn 1")
    services.ctx.db.close()
    with sqlite3.connect(db_path) as connection:  # as release 0003 wrote them
        connection.execute("UPDATE person SET name_folded = 'ro cham h bia', sort_key = 'old' WHERE id = ?", (hbia.id,))
        plain_rev = connection.execute("SELECT rev, name_folded FROM person WHERE id = ?", (plain.id,)).fetchone()
        connection.execute("DROP TABLE person_merge")  # made by a later revision (0005), with its index
        connection.execute("DROP INDEX ix_person_commune_name_birth")
        connection.execute("UPDATE alembic_version SET version_num = '0003'")
    reopened = open_services(db_path, Actor("os:tester", "admin"))
    try:
        assert [r.id for r in reopened.persons.search("hbia")] == [hbia.id]
        with reopened.ctx.read() as repo:
            row = repo.session.get(models.Person, hbia.id)
            assert (row.name_folded, row.sort_key) == (person_search_text(row.full_name), person_sort_text("Rơ Châm HBia"))
            other = repo.session.get(models.Person, plain.id)
            assert (other.rev, other.name_folded) == plain_rev
        assert reopened.maintenance.check().ok
    finally:
        reopened.ctx.db.close()
