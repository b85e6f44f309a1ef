"""The command line logs in: `--user` or KBANG_USER, the password from KBANG_PASSWORD or asked without
echo; the role of the account decides as in the window; a wrong password is one sentence and exit 1."""

import json
import sys

import pytest

from tests.conftest import TEST_PASSWORD, open_test_services


@pytest.fixture
def db(db, cli):
    """The shared commune office, with a viewer and an officer besides its administrator."""
    path = str(db)
    assert cli("users", "add", "xem", "--role", "viewer", "--password", "chixem123", "--db", path)[0] == 0
    assert cli("users", "add", "canbo", "--role", "officer", "--password", "canbo1234", "--db", path)[0] == 0
    return path


def add_person(cli, db):
    return cli("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1990", "--ethnic", "13",
               "--commune", "Kông Bơ La", "--village", "Làng Kon Lốc", "--db", db, "--json")


def count_persons(db) -> int:
    services = open_test_services(db)
    try:
        return services.persons.count()
    finally:
        services.ctx.db.close()


def test_a_wrong_password_is_one_sentence_exit_1_and_writes_nothing(db, cli, monkeypatch):
    monkeypatch.setenv("KBANG_PASSWORD", "sai-mat-khau")
    code, out, err = add_person(cli, db)
    assert code == 1 and out == ""
    assert err.strip() == "Tên đăng nhập hoặc mật khẩu không đúng."
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    assert count_persons(db) == 0
    monkeypatch.setenv("KBANG_USER", "khong-co-ai")  # an unknown user: the same sentence, nothing told
    code, _out, err = cli("persons", "list", "--db", db)
    assert code == 1 and err.strip() == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_the_role_of_the_account_decides(db, cli, monkeypatch):
    monkeypatch.setenv("KBANG_PASSWORD", "chixem123")
    code, out, _ = cli("--user", "xem", "persons", "list", "--json", "--db", db)
    assert code == 0 and json.loads(out) == []
    code, _out, err = cli("persons", "add", "--name", "A", "--sex", "M", "--birth", "1990", "--ethnic", "13",
                          "--commune", "Kông Bơ La", "--village", "A", "--db", db, "--user", "xem")
    assert code == 1 and "Chỉ xem" in err and "không được phép" in err
    monkeypatch.setenv("KBANG_USER", "canbo")
    monkeypatch.setenv("KBANG_PASSWORD", "canbo1234")
    assert add_person(cli, db)[0] == 0
    code, _out, err = cli("users", "add", "ke-gian", "--role", "admin", "--password", "12345678", "--db", db)
    assert code == 1 and "Cán bộ" in err
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    assert count_persons(db) == 1
    services = open_test_services(db)
    try:
        assert {u.username for u in services.users.list()} == {"admin", "xem", "canbo"}
        assert "user:canbo" in {e.actor for e in services.audit.events()}
    finally:
        services.ctx.db.close()


def test_without_a_password_and_no_terminal_the_command_says_how(db, cli, monkeypatch):
    monkeypatch.delenv("KBANG_PASSWORD")
    monkeypatch.setattr(sys, "stdin", _Stdin(tty=False))
    code, out, err = cli("persons", "list", "--db", db)
    assert code == 1 and out == ""
    assert "--user" in err and "KBANG_PASSWORD" in err and len(err.strip().splitlines()) == 1


def test_the_password_is_asked_on_the_terminal_without_echo(db, cli, monkeypatch):
    import getpass

    monkeypatch.delenv("KBANG_PASSWORD")
    monkeypatch.delenv("KBANG_USER")
    monkeypatch.setattr(sys, "stdin", _Stdin(tty=True))
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(("input", prompt)) or "canbo")
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(("getpass", prompt)) or "canbo1234")
    assert add_person(cli, db)[0] == 0
    assert asked == [("input", "Tên đăng nhập: "), ("getpass", "Mật khẩu của canbo: ")]
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    monkeypatch.setenv("KBANG_USER", "admin")
    services = open_test_services(db)
    try:
        assert [e.actor for e in services.audit.events() if e.record_type == "person"] == ["user:canbo"]
    finally:
        services.ctx.db.close()


def test_restore_needs_an_administrator_of_the_backup_and_a_wrong_password_changes_nothing(db, cli, monkeypatch):
    code, out, _ = cli("backup", "--json", "--db", db)
    backup_file = json.loads(out)["file"]
    assert add_person(cli, db)[0] == 0
    monkeypatch.setenv("KBANG_PASSWORD", "sai-mat-khau")
    code, _out, err = cli("restore", backup_file, "--db", db)
    assert code == 1 and err.strip() == "Tên đăng nhập hoặc mật khẩu không đúng."
    monkeypatch.setenv("KBANG_USER", "canbo")
    monkeypatch.setenv("KBANG_PASSWORD", "canbo1234")
    code, _out, err = cli("restore", backup_file, "--db", db)
    assert code == 1 and "Cán bộ" in err
    monkeypatch.setenv("KBANG_USER", "admin")
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    assert count_persons(db) == 1  # nothing restored by the refusals
    assert cli("restore", backup_file, "--db", db)[0] == 0
    assert count_persons(db) == 0


class _Stdin:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def readline(self) -> str:
        return ""
