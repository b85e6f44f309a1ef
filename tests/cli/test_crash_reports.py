"""Crash reports name the operation, the error type and the code location, never a person's data."""

from __future__ import annotations

import os
import time

from sqlalchemy import text

from kbang_desktop import crash
from kbang_desktop.services.people import PersonService

NAME, ID_NUMBER, ETHNIC = "Đinh Thị Hmưk Riêng", "064199001234", "Ba Na"


def test_a_crash_in_a_statement_holding_a_name_leaves_no_personal_data(services, db_path, tmp_path, cli, monkeypatch):
    services.ctx.db.close()

    def failing_add(self, full_name, sex, birth, ethnic, commune, village=None, **_kw):
        with self.ctx.db.session() as session:  # a statement that fails with the person's values bound
            session.execute(text("INSERT INTO no_such_table (name, id_number, ethnic) VALUES (:n, :i, :e)"),
                            {"n": full_name, "i": ID_NUMBER, "e": ethnic})

    monkeypatch.setattr(PersonService, "add", failing_add)
    result = cli("--db", db_path, "persons", "add", "--name", NAME, "--sex", "F", "--birth", "1990",
                 "--ethnic", ETHNIC, "--commune", "Kông Bơ La", "--village", "Làng A")
    assert result.code == 1 and "Lỗi không mong đợi: OperationalError" in result.err
    reports = list((tmp_path / "data" / "logs").glob("kbang-crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in result.err
    report = reports[0].read_text(encoding="utf-8")
    assert "operation: kbang persons add" in report
    assert "error: sqlalchemy.exc.OperationalError" in report  # the plain file was encrypted at the first command:
    assert "driver error: sqlcipher3.dbapi2.OperationalError" in report  # SQLCipher's driver
    assert "kbang_desktop/cli/main.py:" in report and "in failing_add" in report  # where it happened
    for secret in (NAME, "Hmưk", ID_NUMBER, ETHNIC, "no_such_table", "INSERT"):
        assert secret not in report and secret not in result.err
    if os.name == "posix":
        assert reports[0].stat().st_mode & 0o777 == 0o600


def test_reports_older_than_90_days_and_old_whole_traceback_logs_are_removed(tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir()
    old, recent = folder / "kbang-crash-20260101-000000-0.txt", folder / "kbang-crash-20261101-000000-0.txt"
    for path in (old, recent, folder / "kbang-cli-crash.log", folder / "kbang-desktop-errors.log",
                 folder / "other.txt"):
        path.write_text("x")
    os.utime(old, (time.time() - 91 * 86400,) * 2)
    os.utime(recent, (time.time() - 89 * 86400,) * 2)
    try:
        raise ValueError(f"{NAME} {ID_NUMBER}")
    except ValueError as error:
        written = crash.write_report(error, "test", folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([recent.name, written.name, "other.txt"])
    assert NAME not in written.read_text(encoding="utf-8") and "builtins.ValueError" in written.read_text()


def test_a_closed_output_pipe_ends_quietly(tmp_path):
    import subprocess
    import sys

    for args in (["--help"], ["persons", "--help"]):
        child = subprocess.Popen([sys.executable, "-m", "kbang_desktop.cli.main", *args], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env={**os.environ, "KBANG_DATA_DIR": str(tmp_path)})
        child.stdout.close()  # `| head` that has already gone: every write meets a closed pipe
        err = child.stderr.read().decode()
        assert child.wait(timeout=60) == 0 and err == "", err


def test_check_reads_the_database_once_and_backup_on_postgresql_names_pg_dump(services, db_path, cli, monkeypatch):
    import pytest

    from kbang_desktop.core.errors import KbangError
    from kbang_desktop.services import maintenance
    from kbang_desktop.storage import db

    real = db.quick_check
    calls = []

    def counting(path, full=True, require_table=None, key=None):
        calls.append(full)
        return real(path, full, require_table, key)

    monkeypatch.setattr(db, "quick_check", counting)
    monkeypatch.setattr(maintenance, "quick_check", counting)
    assert cli("--db", db_path, "check").code == 0
    assert calls == [True]  # one full quick_check, not one at open and another in the check
    services.ctx.db.path = None  # as on PostgreSQL: no file to copy
    with pytest.raises(KbangError, match="pg_dump"):
        services.maintenance.backup()


def test_a_database_locked_by_another_program_is_named_so(services, db_path, cli, monkeypatch):
    import sqlite3

    from kbang_desktop.storage import db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    services.ctx.db.close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        result = cli("--db", db_path, "persons", "add", "--name", NAME, "--sex", "F", "--birth", "1990",
                     "--ethnic", ETHNIC, "--commune", "Kông Bơ La", "--village", "Làng A")
    finally:
        other.rollback()
        other.close()
    assert result.code == 1 and "đang được chương trình khác sử dụng" in result.err
    assert "hỏng" not in result.err and "restore" not in result.err and "Lỗi không mong đợi" not in result.err
    assert not list(db_path.parent.glob("data/logs/kbang-crash-*"))
