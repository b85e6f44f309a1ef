from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kbang_desktop.core.errors import StorageError
from kbang_desktop.storage import backup


def _db(services):
    return services.ctx.db.path


def test_backup_and_restore_round_trip(services, tmp_path: Path):
    path = _db(services)
    saved = services.maintenance.backup()
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    assert services.persons.count() == 1
    services.ctx.db.close()
    safety = backup.restore(saved, path, backup.default_backup_dir(path))
    assert safety is not None and safety.exists()
    from kbang_desktop.services.registry import open_services

    again = open_services(path)
    assert again.persons.count() == 0
    again.ctx.db.close()


def test_restore_refuses_a_bad_file_and_keeps_the_data(services, tmp_path: Path):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 500)
    path = _db(services)
    before = path.read_bytes()
    with pytest.raises(StorageError):
        backup.restore(bad, path, backup.default_backup_dir(path))
    assert path.read_bytes() == before
    assert services.persons.count() == 1


def test_daily_backup_once_a_day_keeps_7_daily_and_4_weekly(services):
    path = _db(services)
    folder = backup.default_backup_dir(path)
    start = date(2026, 1, 1)
    for offset in range(60):
        backup.daily_backup(path, folder, start + timedelta(days=offset))
    assert backup.daily_backup(path, folder, start + timedelta(days=59)) is None  # already today
    kinds = [kind for _when, kind, _p in backup.list_backups(folder)]
    assert kinds.count("daily") == 7 and kinds.count("weekly") == 4


def test_backup_names_sort_newest_first(tmp_path: Path, services):
    path = _db(services)
    folder = tmp_path / "b"
    backup.backup_now(path, folder, "manual", now=datetime(2026, 1, 1, 8))
    backup.backup_now(path, folder, "manual", now=datetime(2026, 1, 2, 8))
    assert [w.day for w, _k, _p in backup.list_backups(folder)] == [2, 1]


def test_migration_of_an_existing_database_makes_a_backup_first(tmp_path: Path):
    from kbang_desktop.storage import db as db_module

    path = tmp_path / "old.db"
    # a database of the first release (revision 0001), as an office would have it
    old = db_module.Database(db_module.make_engine(path), path, None)
    old.upgrade("0001")
    old.close()
    assert not backup.list_backups(backup.default_backup_dir(path))
    opened = db_module.Database.open(path)
    assert db_module.current_revision(opened.engine) == db_module.head_revision() != "0001"
    assert "peer_site" in opened.table_names()
    opened.close()
    kinds = [kind for _w, kind, _p in backup.list_backups(backup.default_backup_dir(path))]
    assert kinds == ["pre-migration"]


def test_restore_over_a_damaged_file_keeps_the_damaged_file_aside(services, tmp_path: Path):
    path = _db(services)
    saved = services.maintenance.backup()
    services.ctx.db.close()
    damaged = b"SQLite format 3\x00" + b"\x07" * 8000  # a header, then garbage: quick_check fails
    path.write_bytes(damaged)
    kept = backup.restore(saved, path, backup.default_backup_dir(path))
    assert kept is not None and kept.name.startswith("kbang.db.damaged-") and kept.read_bytes() == damaged
    assert backup.quick_check(path) is None  # the backup is in place
