"""A full disk under the database, and a database that cannot be written: the machine's own trouble, one
clear sentence (never "damaged", never a crash report), exit 1, nothing half-written."""

import os
import sqlite3

import pytest
from sqlalchemy import event

from kbang_desktop.storage import db as db_module
from tests.conftest import open_test_services

NAME = "Đinh Thị Hmưk"


def add(cli, db, name=NAME):
    return cli("--db", db, "persons", "add", "--name", name, "--sex", "F", "--birth", "1990", "--ethnic", "13",
               "--commune", "Kông Bơ La", "--village", "Làng A")


def count(db):
    services = open_test_services(db)
    try:
        return services.persons.count()
    finally:
        services.ctx.db.close()


@pytest.fixture
def full_disk(monkeypatch):
    """Every engine the program makes meets a disk that is full at its first write to the person table:
    SQLite's own SQLITE_FULL, through SQLAlchemy, in the middle of the transaction."""
    real = db_module.make_engine
    state = {"full": True}

    def make_engine(target, key=None):
        engine = real(target, key)

        @event.listens_for(engine, "before_cursor_execute")
        def full(_conn, _cursor, statement, *_args):
            if state["full"] and statement.lstrip().upper().startswith("INSERT INTO PERSON "):
                raise sqlite3.OperationalError("database or disk is full")

        return engine

    monkeypatch.setattr(db_module, "make_engine", make_engine)
    return state


def test_a_full_disk_is_named_with_the_free_space_and_nothing_is_half_written(db, cli, monkeypatch, full_disk):
    class Usage:
        free = 3 * 1024 * 1024

    real_usage = db_module.backups.shutil.disk_usage
    monkeypatch.setattr(db_module.backups.shutil, "disk_usage", lambda _p: Usage)
    result = add(cli, db)
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1
    assert "Ổ đĩa chứa dữ liệu" in result.err and str(db.parent) in result.err and "đã đầy" in result.err
    assert "còn trống 3.072 KB" in result.err
    assert "cần thêm khoảng 64 MB" in result.err and "nguyên vẹn" in result.err
    assert "Lỗi không mong đợi" not in result.err and "hỏng" not in result.err and "restore" not in result.err
    assert not list((db.parent.parent / "data" / "logs").glob("kbang-crash-*"))
    full_disk["full"] = False  # room again: the change was rolled back whole (no audit event, no change-log row)
    monkeypatch.setattr(db_module.backups.shutil, "disk_usage", real_usage)
    assert count(db) == 0
    assert cli("--db", db, "check").code == 0
    assert add(cli, db).code == 0 and count(db) == 1


def test_the_sqlite_error_code_alone_is_enough(tmp_path):
    error = sqlite3.OperationalError("disk I/O trouble")
    error.sqlite_errorname = "SQLITE_FULL"
    trouble = db_module.machine_trouble(error, tmp_path / "kbang.db")
    assert trouble is not None and "đã đầy" in trouble.translated()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="chmod does not stop root")
def test_a_read_only_database_is_called_read_only_never_damaged(db, cli):
    assert add(cli, db).code == 0
    for path in (db.parent, *db.parent.iterdir()):
        path.chmod(0o500 if path.is_dir() else 0o400)
    try:
        result = add(cli, db, "Nguyễn Văn B")
    finally:
        db.parent.chmod(0o700)
        for path in db.parent.iterdir():
            path.chmod(0o600)
    assert result.code == 1 and "chỉ cho đọc" in result.err
    assert "hỏng" not in result.err and "restore" not in result.err and "Lỗi không mong đợi" not in result.err
    assert count(db) == 1


def test_a_read_only_database_as_root_is_still_called_read_only(db, cli, monkeypatch):
    """Root writes through chmod: SQLite's own "attempt to write a readonly database" is simulated then."""
    real = db_module.make_engine

    def make_engine(target, key=None):
        engine = real(target, key)

        @event.listens_for(engine, "before_cursor_execute")
        def read_only(_conn, _cursor, statement, *_args):
            if statement.lstrip().upper().startswith("INSERT INTO PERSON "):
                raise sqlite3.OperationalError("attempt to write a readonly database")

        return engine

    monkeypatch.setattr(db_module, "make_engine", make_engine)
    result = add(cli, db)
    assert result.code == 1 and "chỉ cho đọc" in result.err
    assert "hỏng" not in result.err and "restore" not in result.err and "Lỗi không mong đợi" not in result.err
