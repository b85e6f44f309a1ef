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


def test_the_recovery_key_opens_a_backup_on_another_pc(office, cli, tmp_path, monkeypatch):
    db, recovery, saved = office
    key = vault.unlock(db, TEST_USER, TEST_PASSWORD)
    assert key != vault.recovery_secret(recovery) and len(key) == 32  # K is random, not derived from the sheet
    ring = vault.read_keyring(vault.keyring_path(saved))
    assert vault.ring_recovery(ring) == vault.recovery_public(recovery)  # sealed to the public half only
    assert recovery.replace("-", "") not in json.dumps(ring)
    other = tmp_path / "may-khac"
    stick = tmp_path / "usb"
    stick.mkdir()
    shutil.copy2(saved, stick / saved.name)  # the backup file alone, without its keyring
    monkeypatch.setenv("KBANG_DATA_DIR", str(other))
    target = other / "kbang.db"
    code, _out, err = cli("restore", stick / saved.name, "--db", target)
    assert code == 1 and "không đúng" in err and not target.exists()  # no keyring: the password cannot open it
    code, _out, err = cli("restore", stick / saved.name, "--recovery-key", recovery, "--db", target)
    assert code == 1 and ".keyring" in err and not target.exists()  # says which file to bring
    shutil.copy2(vault.keyring_path(saved), stick / (saved.name + ".keyring"))
    code, _out, err = cli("restore", stick / saved.name, "--recovery-key", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
                          "--db", target)
    assert code == 1 and "không mở được" in err and not target.exists()
    code, _out, err = cli("restore", stick / saved.name, "--recovery-key", recovery.lower().replace("-", " "),
                          "--db", target)
    assert code == 0, err
    # the restored file has the keyring of its own accounts: the administrator logs in with the password
    assert [p["full_name"] for p in cli("persons", "list", "--json", "--db", target).json()] == [NAME]
    assert vault.ring_recovery(vault.read_keyring(vault.keyring_path(target))) == vault.recovery_public(recovery)
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


def test_a_new_password_rekeys_and_the_old_password_opens_nothing(office, cli, monkeypatch):
    db, recovery, _saved = office
    old_ring = vault.read_keyring(vault.keyring_path(db))  # a copy someone kept, who knew the old password
    old_key = vault.unlock(db, "canbo", "canbo1234")
    code, _out, err = cli("users", "set-password", "canbo", "--new-password", "moi-mat-khau-1", "--db", db)
    assert code == 0, err
    with pytest.raises(Exception, match="không đúng"):
        vault.unlock(db, "canbo", "canbo1234")
    new_key = vault.unlock(db, "canbo", "moi-mat-khau-1")
    assert new_key != old_key and not vault.opens(db, old_key)
    assert not any(vault.opens(db, k) for k in vault.unseal_all(old_ring, "canbo", "canbo1234"))
    assert vault.unlock(db, TEST_USER, TEST_PASSWORD) == new_key  # everyone else keeps their password
    assert vault.pick(db, vault.unseal_recovery(vault.read_keyring(vault.keyring_path(db)), recovery)) == new_key
    monkeypatch.setenv("KBANG_USER", "canbo")
    monkeypatch.setenv("KBANG_PASSWORD", "moi-mat-khau-1")
    assert cli("persons", "list", "--db", db)[0] == 0


def test_a_removed_user_can_no_longer_open_it(office, cli, monkeypatch, tmp_path):
    db, recovery, saved = office
    kept = tmp_path / "kept.keyring"  # the removed user's own copy of the keyring, taken while still a user
    shutil.copy2(vault.keyring_path(db), kept)
    assert vault.unseal(vault.read_keyring(kept), "canbo", "canbo1234") is not None
    assert cli("users", "remove", "canbo", "--db", db)[0] == 0
    ring = vault.read_keyring(vault.keyring_path(db))
    assert [s["user"] for s in ring["slots"]] == [TEST_USER] and "previous" not in ring
    old_key = vault.unseal(vault.read_keyring(kept), "canbo", "canbo1234")
    assert not vault.opens(db, old_key)  # the old keyring and the old key open nothing now
    monkeypatch.setenv("KBANG_USER", "canbo")
    monkeypatch.setenv("KBANG_PASSWORD", "canbo1234")
    code, _out, err = cli("persons", "list", "--db", db)
    assert code == 1 and err.strip() == "Tên đăng nhập hoặc mật khẩu không đúng."
    shutil.copy2(vault.keyring_path(db), tmp_path / "current.keyring")
    shutil.copy2(kept, vault.keyring_path(db))  # even with the old keyring put back beside the database
    code, out, err = cli("persons", "list", "--json", "--db", db)
    assert code == 1 and NAME not in out and "không phải của cơ sở dữ liệu này" in err
    shutil.copy2(tmp_path / "current.keyring", vault.keyring_path(db))
    # the recovery key still opens it; the administrator too
    assert vault.pick(db, vault.unseal_recovery(vault.read_keyring(vault.keyring_path(db)), recovery)) == \
        vault.unlock(db, TEST_USER, TEST_PASSWORD)
    # a backup taken before keeps its own keyring (and key): it opens as it did then
    before = vault.unlock(saved, "canbo", "canbo1234")
    assert before == old_key and backup.quick_check(saved, key=before) is None
    monkeypatch.setenv("KBANG_USER", TEST_USER)
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    code, out, _ = cli("backup", "--json", "--db", db)  # a backup made now has no slot for the removed user
    later = Path(json.loads(out)["file"])
    assert vault.unseal(vault.read_keyring(vault.keyring_path(later)), "canbo", "canbo1234") is None
    assert not vault.opens(later, old_key)


def test_a_swapped_keyring_is_noticed_and_mended(office, cli):
    db, recovery, _saved = office
    key = vault.unlock(db, TEST_USER, TEST_PASSWORD)
    ring_file = vault.keyring_path(db)
    services = unlocked(db)
    try:
        accounts = [(u.username, u.password_hash) for u in services.users.list() if u.active]
    finally:
        services.ctx.db.close()
    stranger = vault.new_recovery_key()  # someone who held K seals it to a recovery key of their own
    vault.write_keyring(ring_file, key, accounts, vault.recovery_public(stranger))
    assert vault.unseal_recovery(vault.read_keyring(ring_file), stranger) == [key]
    assert cli("persons", "list", "--db", db)[0] == 0  # the next open writes the database's own recovery slot
    ring = vault.read_keyring(ring_file)
    assert vault.ring_recovery(ring) == vault.recovery_public(recovery)
    assert vault.unseal_recovery(ring, stranger) == [] and vault.unseal_recovery(ring, recovery) == [key]


REKEY_KILLER = """
import sys
from pathlib import Path
from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import open_services
from kbang_desktop.storage import vault
path = Path(sys.argv[1])
services = open_services(path, Actor("user:admin", "admin"), create=False, key=vault.unlock(path, "admin", sys.argv[2]))
print("open", flush=True)
services.users.set_active("canbo", False)
"""


@pytest.mark.slow
def test_a_rekey_killed_at_any_moment_leaves_a_database_that_opens(office, tmp_path):
    db, recovery, _saved = office
    services = unlocked(db)
    try:
        from kbang_desktop.services.demo import DemoService

        DemoService(services.ctx).generate(1, 300, 1)
        people = services.persons.count()
    finally:
        services.ctx.db.close()
    source = tmp_path / "source"
    source.mkdir()
    for path in (db, vault.keyring_path(db)):
        shutil.copy2(path, source / path.name)
    old_key = vault.unlock(db, "canbo", "canbo1234")
    outcomes = set()
    for delay in (0.0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.6, 5.0):
        folder = tmp_path / f"run-{delay}"
        shutil.copytree(source, folder)
        path = folder / db.name
        process = subprocess.Popen([sys.executable, "-c", REKEY_KILLER, str(path), TEST_PASSWORD],
                                   env=os.environ.copy(), stdout=subprocess.PIPE)
        assert process.stdout.readline().strip() == b"open"
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        key = vault.unlock(path, TEST_USER, TEST_PASSWORD)  # opens with the keyring beside it, whichever key
        outcomes.add("old" if key == old_key else "new")
        assert backup.quick_check(path, key=key) is None
        services = open_services(path, Actor("os:tester", "admin"), create=False, key=key)  # the next start
        try:
            assert services.persons.count() == people
            services.users.set_active("canbo", False)  # done again if the kill came before it
        finally:
            services.ctx.db.close()
        key = vault.unlock(path, TEST_USER, TEST_PASSWORD)
        assert key != old_key and not vault.opens(path, old_key)  # the removal's rekey is finished
        assert vault.pick(path, vault.unseal_recovery(vault.read_keyring(vault.keyring_path(path)), recovery)) == key
        assert "previous" not in vault.read_keyring(vault.keyring_path(path))
    assert "old" in outcomes and "new" in outcomes


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


def recovery_opens(db: Path, recovery: str) -> bool:
    key = vault.pick(db, vault.unseal_recovery(vault.read_keyring(vault.keyring_path(db)), recovery))
    return key is not None and backup.quick_check(db, key=key) is None


def test_kbang_encrypt_turns_a_plain_database_and_its_backups_into_encrypted_ones(cli):
    db = data_dir() / "kbang.db"
    plain_office(db)
    assert clear_text(data_dir())  # an older version's files: the name in clear
    code, out, err = cli("encrypt", "--json", "--db", db)
    assert code == 0, err
    recovery = json.loads(out)["recovery_key"]
    assert recovery and recovery not in err  # on stdout only
    assert vault.is_encrypted(db) and clear_text(data_dir()) == {}
    assert [kind for _w, kind, _p in backup.list_backups(data_dir() / "backups")] == ["weekly"]  # plain one gone
    assert cli("persons", "search", "hmuk", "--json", "--db", db).json()[0]["full_name"] == NAME
    assert recovery_opens(db, recovery)
    weekly = backup.list_backups(data_dir() / "backups")[0][2]  # the older plain backup, encrypted with its keyring
    assert vault.is_encrypted(weekly) and recovery_opens(weekly, recovery)
    assert cli("encrypt", "--json", "--db", db).json() == {"encrypted": True, "recovery_key": None}


def test_the_first_command_of_this_version_encrypts_a_plain_database(cli, monkeypatch):
    """Whoever logs in first encrypts it, every user gets a slot; the recovery key waits for an administrator."""
    db = data_dir() / "kbang.db"
    plain_office(db)
    services = open_services(db, Actor("os:tester", "admin"), create=False)
    try:
        services.users.create("canbo", "canbo1234", "officer")
    finally:
        services.ctx.db.close()
    monkeypatch.setenv("KBANG_USER", "canbo")
    monkeypatch.setenv("KBANG_PASSWORD", "canbo1234")
    code, out, err = cli("persons", "list", "--json", "--db", db)
    assert code == 0, err
    assert [p["full_name"] for p in json.loads(out)] == [NAME]  # stdout is the command's own output alone
    assert "Đang mã hóa cơ sở dữ liệu" in err and "Đã mã hóa cơ sở dữ liệu" in err and "Khóa khôi phục" not in err
    assert vault.is_encrypted(db) and clear_text(data_dir()) == {}
    assert [kind for _w, kind, _p in backup.list_backups(data_dir() / "backups")] == ["weekly"]  # plain one gone
    ring = vault.read_keyring(vault.keyring_path(db))
    assert sorted(s["user"] for s in ring["slots"]) == ["admin", "canbo"] and vault.ring_recovery(ring) is None
    monkeypatch.setenv("KBANG_USER", TEST_USER)
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    code, out, err = cli("persons", "list", "--json", "--db", db)  # the administrator's password was never typed
    assert code == 0 and json.loads(out)[0]["full_name"] == NAME
    recovery = err.split("Khóa khôi phục")[1].split("\n")[1].strip()  # made now, shown once on stderr
    assert recovery_opens(db, recovery)
    code, _out, err = cli("persons", "list", "--db", db)
    assert code == 0 and "Khóa khôi phục" not in err


def test_a_release_database_is_encrypted_at_its_first_start(cli, tmp_path, monkeypatch):
    """The oldest shipped release's plain database: migrated and encrypted at the first command."""
    import gzip

    db = tmp_path / "old" / "kbang.db"
    db.parent.mkdir()
    db.write_bytes(gzip.decompress((Path(__file__).parents[1] / "data" / "releases" / "schema-0001-commune.db.gz")
                                   .read_bytes()))
    accounts = backup.accounts(db)
    admins = [a["username"] for a in accounts if a["role"] == "admin" and a["active"]]
    if not admins:
        pytest.skip("the release database has no administrator")
    from kbang_desktop.storage import vault as v

    assert not v.is_encrypted(db)
    from kbang_desktop.services.users import hash_password

    with sqlite3.connect(db) as connection:  # its administrator's password known to the test (schema 0001 kept)
        connection.execute("UPDATE app_user SET password_hash = ? WHERE username = ?",
                           (hash_password(TEST_PASSWORD), admins[0]))
    accounts = backup.accounts(db)
    code, out, err = cli("persons", "list", "--json", "--db", db, "--user", admins[0])
    assert code == 0 and v.is_encrypted(db), err
    assert len(json.loads(out)) > 0 and "Khóa khôi phục" in err
    assert clear_text(db.parent) == {}
    assert [s["user"] for s in v.read_keyring(v.keyring_path(db))["slots"]] == sorted(
        a["username"] for a in accounts if a["active"] and str(a["password_hash"]).startswith("scrypt$"))


FIRST_START = """
import sys
from kbang_desktop.cli.main import main
sys.exit(main(["persons", "list", "--db", sys.argv[1]]))
"""


@pytest.mark.slow
def test_encryption_at_the_first_start_killed_at_any_moment_leaves_the_old_or_the_new_file_whole(tmp_path):
    source = tmp_path / "source.db"
    plain_office(source, people=300)
    outcomes = set()
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 3.0, 30.0):
        folder = tmp_path / f"run-{delay}"
        folder.mkdir()
        path = folder / "kbang.db"
        shutil.copy2(source, path)
        env = {**os.environ, "KBANG_USER": TEST_USER, "KBANG_PASSWORD": TEST_PASSWORD, "KBANG_DATA_DIR": str(folder)}
        process = subprocess.Popen([sys.executable, "-c", FIRST_START, str(path)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(delay)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        if vault.is_encrypted(path):
            outcomes.add("new")
            key = vault.unlock(path, TEST_USER, TEST_PASSWORD)  # with its keyring, whole
            assert backup.quick_check(path, key=key) is None
        else:
            outcomes.add("old")
            assert backup.quick_check(path) is None
        result = subprocess.run([sys.executable, "-c", FIRST_START, str(path)], env=env, capture_output=True)
        assert result.returncode == 0, result.stderr.decode()  # the next start: encrypted, the command done
        key = vault.unlock(path, TEST_USER, TEST_PASSWORD)
        services = open_services(path, Actor("os:tester", "admin"), create=False, key=key)
        try:
            assert services.persons.count() == 301
        finally:
            services.ctx.db.close()
        assert vault.is_encrypted(path) and clear_text(folder) == {}
        assert not [p for _w, kind, p in backup.list_backups(folder / "backups") if not vault.is_encrypted(p)]
    assert outcomes == {"old", "new"}


def test_a_rekey_while_another_program_reads_waits_for_the_next_open(office):
    """A reader holding the file (another window, a copy program): the user is removed all the same, their
    slot is gone at once, the message says the key changes at the next open, and it does."""
    from kbang_desktop.core.errors import KbangError

    db, recovery, _saved = office
    services = unlocked(db)
    old_key = services.ctx.db.key
    reader = vault.connect(db, old_key)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM app_user").fetchone()
        with pytest.raises(KbangError) as refused:
            services.users.set_active("canbo", False)
        assert "khóa được đổi ở lần mở sau" in refused.value.translated()
        assert services.persons.count() == 1  # the open database still works, with the key it has
    finally:
        reader.rollback()
        reader.close()
        services.ctx.db.close()
    ring = vault.read_keyring(vault.keyring_path(db))
    assert [s["user"] for s in ring["slots"]] == [TEST_USER]  # no slot for the removed user in either half
    assert vault.unseal_all(ring, "canbo", "canbo1234") == []
    services = unlocked(db)  # the next open finishes the rekey
    try:
        assert services.ctx.db.key != old_key and services.persons.count() == 1
    finally:
        services.ctx.db.close()
    assert not vault.opens(db, old_key) and recovery_opens(db, recovery)
    assert "previous" not in vault.read_keyring(vault.keyring_path(db))
