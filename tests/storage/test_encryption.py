"""The database encrypted at rest (SQLCipher 4): nothing readable without a password or the recovery key.

Plain sqlite3 cannot read the file; no name or ID number is in clear in any file of the data folder; a
wrong password changes nothing; the recovery key opens a backup on another PC alone; a password valid
in a backup opens it with its keyring; a new password rewraps, a removed user loses their slot; a plain
database of an older version is encrypted in place, SIGKILL-safe.
"""

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kbang_desktop.paths import data_dir
from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import open_services
from kbang_desktop.storage import backup, vault
from tests.conftest import TEST_PASSWORD, TEST_USER

NAME, ID_NUMBER = "Đinh Văn Hmưk", "064090001234"


def clear_text(folder: Path) -> dict[str, list[str]]:
    """Each file of `folder` that holds the name or the ID number in clear (UTF-8 or UTF-16)."""
    found = {}
    needles = [t.encode(enc) for t in (NAME, ID_NUMBER, "Hmưk") for enc in ("utf-8", "utf-16-le")]
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [n.decode("utf-8", "replace") for n in needles if n in data]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def state(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def office(cli):
    """An office set up with `kbang init` in the data folder, one person with an ID number, a backup."""
    db = data_dir() / "kbang.db"
    code, out, _ = cli("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La",
                       "--unit", "kong bo la", "--json")
    assert code == 0
    recovery = json.loads(out)["recovery_key"]
    services = unlocked(db)
    try:
        services.persons.add(NAME, "M", "1990", "Ba Na", "Kông Bơ La", "Làng Kon Lốc", id_number=ID_NUMBER)
        services.users.create("canbo", "canbo1234", "officer")
    finally:
        services.ctx.db.close()
    code, out, _ = cli("backup", "--json", "--db", db)
    assert code == 0
    return db, recovery, Path(json.loads(out)["file"])


def unlocked(db: Path, user: str = TEST_USER, password: str = TEST_PASSWORD):
    key = vault.unlock(db, user, password)
    return open_services(db, Actor(f"user:{user}", "admin"), create=False, key=key)


def test_nothing_is_readable_without_the_key(office, cli):
    db, recovery, saved = office
    assert cli("persons", "search", "dinh van hmuk", "--json", "--db", db).json()[0]["full_name"] == NAME
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("SELECT count(*) FROM sqlite_master").fetchone()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(saved).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert vault.is_encrypted(db) and vault.is_encrypted(saved)
    assert saved.with_name(saved.name + ".keyring").exists()
    assert clear_text(data_dir()) == {}
    services = unlocked(db)  # while open, the WAL and shared memory hold nothing in clear either
    try:
        services.persons.add("Nguyễn Thị An", "F", "1978", "01", "Kông Bơ La", "Thôn 1", id_number="064178009999")
        assert clear_text(data_dir()) == {}
        assert b"064178009999" not in b"".join(p.read_bytes() for p in data_dir().rglob("*") if p.is_file())
    finally:
        services.ctx.db.close()


def test_a_wrong_password_changes_nothing(office, cli, monkeypatch):
    db, _recovery, saved = office
    before = state(data_dir())
    monkeypatch.setenv("KBANG_PASSWORD", "sai-mat-khau")
    for command in (("persons", "list"), ("backup",), ("users", "list"), ("restore", saved)):
        code, out, err = cli(*command, "--db", db)
        assert code == 1 and out == "" and err.strip() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert state(data_dir()) == before


def test_the_recovery_key_opens_a_backup_alone_on_another_pc(office, cli, tmp_path, monkeypatch):
    _db, recovery, saved = office
    other = tmp_path / "may-khac"
    stick = tmp_path / "usb"
    stick.mkdir()
    shutil.copy2(saved, stick / saved.name)  # the backup file alone, without its keyring
    monkeypatch.setenv("KBANG_DATA_DIR", str(other))
    target = other / "kbang.db"
    code, _out, err = cli("restore", stick / saved.name, "--db", target)
    assert code == 1 and "không đúng" in err and not target.exists()  # no keyring: the password cannot open it
    code, _out, err = cli("restore", stick / saved.name, "--recovery-key", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
                          "--db", target)
    assert code == 1 and "không mở được" in err and not target.exists()
    code, _out, err = cli("restore", stick / saved.name, "--recovery-key", recovery.lower().replace("-", " "),
                          "--db", target)
    assert code == 0, err
    # the restored file has the keyring of its own accounts: the administrator logs in with the password
    assert [p["full_name"] for p in cli("persons", "list", "--json", "--db", target).json()] == [NAME]
    assert clear_text(other) == {}


def test_a_password_valid_in_the_backup_opens_it_with_its_keyring(office, cli, tmp_path, monkeypatch):
    _db, _recovery, saved = office
    stick = tmp_path / "usb"
    stick.mkdir()
    for path in (saved, saved.with_name(saved.name + ".keyring")):
        shutil.copy2(path, stick / path.name)
    monkeypatch.setenv("KBANG_DATA_DIR", str(tmp_path / "may-khac"))
    target = tmp_path / "may-khac" / "kbang.db"
    monkeypatch.setenv("KBANG_USER", "canbo")
    monkeypatch.setenv("KBANG_PASSWORD", "canbo1234")
    code, _out, err = cli("restore", stick / saved.name, "--db", target)
    assert code == 1 and "Cán bộ" in err and not target.exists()  # a valid password, but not an administrator
    monkeypatch.setenv("KBANG_USER", TEST_USER)
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    assert cli("restore", stick / saved.name, "--db", target)[0] == 0
    assert [p["full_name"] for p in cli("persons", "list", "--json", "--db", target).json()] == [NAME]


def test_a_new_password_rewraps_and_a_removed_user_loses_their_slot(office, cli, monkeypatch):
    db, _recovery, _saved = office
    code, _out, err = cli("users", "set-password", "canbo", "--new-password", "moi-mat-khau-1", "--db", db)
    assert code == 0, err
    with pytest.raises(Exception, match="không đúng"):
        vault.unlock(db, "canbo", "canbo1234")
    assert vault.unlock(db, "canbo", "moi-mat-khau-1")
    monkeypatch.setenv("KBANG_USER", "canbo")
    monkeypatch.setenv("KBANG_PASSWORD", "moi-mat-khau-1")
    assert cli("persons", "list", "--db", db)[0] == 0
    monkeypatch.setenv("KBANG_USER", TEST_USER)
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    assert cli("users", "remove", "canbo", "--db", db)[0] == 0
    monkeypatch.setenv("KBANG_USER", "canbo")
    monkeypatch.setenv("KBANG_PASSWORD", "moi-mat-khau-1")
    assert [s["user"] for s in vault.read_keyring(vault.keyring_path(db))["slots"]] == [TEST_USER]
    code, _out, err = cli("persons", "list", "--db", db)
    assert code == 1 and err.strip() == "Tên đăng nhập hoặc mật khẩu không đúng."
    monkeypatch.setenv("KBANG_USER", TEST_USER)
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    code, out, _ = cli("backup", "--json", "--db", db)  # a backup made now has no slot for the removed user
    later = Path(json.loads(out)["file"])
    assert vault.unseal(vault.read_keyring(vault.keyring_path(later)), "canbo", "moi-mat-khau-1") is None


def plain_office(path: Path, people: int = 0) -> None:
    services = open_services(path, Actor("os:tester", "admin"))
    try:
        services.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La", TEST_USER, TEST_PASSWORD)
        services.persons.add(NAME, "M", "1990", "Ba Na", "Kông Bơ La", "Làng Kon Lốc", id_number=ID_NUMBER)
        if people:
            from kbang_desktop.services.demo import DemoService

            DemoService(services.ctx).generate(1, people, 1)
        services.maintenance.daily_backup()
    finally:
        services.ctx.db.close()


def test_kbang_encrypt_turns_a_plain_database_and_its_backups_into_encrypted_ones(cli):
    db = data_dir() / "kbang.db"
    plain_office(db)
    assert clear_text(data_dir())  # an older version's files: the name in clear
    code, out, err = cli("encrypt", "--json", "--db", db)
    assert code == 0, err
    recovery = json.loads(out)["recovery_key"]
    assert vault.is_encrypted(db) and clear_text(data_dir()) == {}
    assert [kind for _w, kind, _p in backup.list_backups(data_dir() / "backups")] == ["weekly"]  # plain one gone
    assert cli("persons", "search", "hmuk", "--json", "--db", db).json()[0]["full_name"] == NAME
    assert backup.quick_check(db, key=vault.key_from_recovery(recovery)) is None


KILLER = """
import sys
from pathlib import Path
from kbang_desktop.storage import backup, vault
path = Path(sys.argv[1])
backup.encrypt_database(path, vault.key_from_recovery(sys.argv[2]), path.parent / "backups")
"""


@pytest.mark.slow
def test_encryption_in_place_killed_at_any_moment_leaves_the_old_or_the_new_file_whole(tmp_path):
    source = tmp_path / "source.db"
    plain_office(source, people=300)
    recovery = vault.new_recovery_key()
    key = vault.key_from_recovery(recovery)
    outcomes = set()
    for delay in (0.05, 0.15, 0.25, 0.35, 0.5, 0.7, 1.0, 5.0):
        folder = tmp_path / f"run-{delay}"
        folder.mkdir()
        path = folder / "kbang.db"
        shutil.copy2(source, path)
        process = subprocess.Popen([sys.executable, "-c", KILLER, str(path), recovery], env=os.environ.copy())
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        if vault.is_encrypted(path):
            outcomes.add("new")
            assert vault.unlock(path, TEST_USER, TEST_PASSWORD) == key  # with its keyring, whole
            assert backup.quick_check(path, key=key) is None
        else:
            outcomes.add("old")
            assert backup.quick_check(path) is None
        services = open_services(path, Actor("os:tester", "admin"), create=False, key=key)  # the next start
        try:
            assert services.persons.count() == 301
        finally:
            services.ctx.db.close()
        assert vault.is_encrypted(path) and clear_text(folder) == {}
    assert outcomes == {"old", "new"}
