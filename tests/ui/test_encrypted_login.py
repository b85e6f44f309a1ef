"""The window's log-in opens an encrypted database with the password (the dialog is there at once), and
the first administrator to log in on a plain database of an older version encrypts it, shown the new
recovery key once."""

import json

from kbang_desktop.paths import data_dir
from kbang_desktop.services.registry import Door
from kbang_desktop.storage import vault
from kbang_desktop.ui.login import LoginDialog
from tests.conftest import TEST_PASSWORD, TEST_USER
from tests.ui.helpers import press

TIMEOUT = 30_000


def log_in(qtbot, dialog, password):
    dialog.username.setText(TEST_USER)
    dialog.password.setText(password)
    press(dialog.ok)
    qtbot.waitUntil(lambda: dialog.ok.isEnabled() or dialog.actor is not None, timeout=TIMEOUT)
    dialog.tasks.wait()


def test_an_encrypted_database_opens_with_the_password(qtbot, cli):
    db = data_dir() / "kbang.db"
    assert cli("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La", "--unit",
               "kong bo la")[0] == 0
    dialog = LoginDialog(lambda: Door(db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=TIMEOUT)
    assert dialog.door.locked and "UBND" not in dialog.title.text()  # nothing is read before the password
    log_in(qtbot, dialog, "sai-mat-khau")
    assert dialog.actor is None and dialog.message.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert dialog.password.text() == "" and dialog.door.locked
    log_in(qtbot, dialog, TEST_PASSWORD)
    assert dialog.actor is not None and dialog.actor.role == "admin" and dialog.recovery_key is None
    assert dialog.services.offices.this_office().name == "UBND xã Kông Bơ La"
    assert dialog.services.ctx.db.encrypted
    dialog.services.ctx.db.close()


def test_the_first_log_in_encrypts_a_plain_database(qtbot, services, db_path, cli):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng A")
    services.ctx.db.close()
    assert not vault.is_encrypted(db_path)
    dialog = LoginDialog(lambda: Door(db_path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=TIMEOUT)
    assert "UBND xã Kông Bơ La" in dialog.title.text()  # plain: opened while the user types
    assert dialog.door.encrypts_at_log_in
    log_in(qtbot, dialog, TEST_PASSWORD)
    assert dialog.actor is not None and dialog.recovery_key
    assert vault.is_encrypted(db_path) and dialog.services.ctx.db.encrypted
    assert (dialog.progress.done, dialog.progress.total) == (100, 100)  # how far it was, for the progress dialog
    assert not list((db_path.parent / "backups").glob("*pre-encryption*"))  # the plain copy gone once checked
    assert dialog.services.persons.count() == 1
    dialog.services.ctx.db.close()
    ring = vault.read_keyring(vault.keyring_path(db_path))
    assert vault.unseal_recovery(ring, dialog.recovery_key) == [vault.unlock(db_path, TEST_USER, TEST_PASSWORD)]
    code, out, _ = cli("persons", "list", "--json", "--db", db_path)
    assert code == 0 and [p["full_name"] for p in json.loads(out)] == ["Đinh Văn Hmưk"]


def test_the_log_in_does_not_wait_for_the_daily_backup(qtbot, cli, monkeypatch):
    """The day's backup runs beside the window (seconds at a big hub): the log-in is done while it is still
    running, and it completes afterwards with the day's copy."""
    import threading

    from kbang_desktop.storage import backup

    db = data_dir() / "kbang.db"
    assert cli("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La", "--unit",
               "kong bo la")[0] == 0
    release, started = threading.Event(), threading.Event()
    real = backup.daily_backup

    def slow(*args, **kwargs):
        started.set()
        assert release.wait(TIMEOUT / 1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(backup, "daily_backup", slow)
    dialog = LoginDialog(lambda: Door(db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=TIMEOUT)
    log_in(qtbot, dialog, TEST_PASSWORD)
    assert dialog.actor is not None and dialog.services.offices.this_office().name == "UBND xã Kông Bơ La"
    job = dialog.door.backup
    assert started.wait(TIMEOUT / 1000) and job.is_alive() and not job.daemon  # the process waits for it at exit
    release.set()
    job.join(TIMEOUT / 1000)
    assert job.problem is None and len(job.made) == 1 and job.made[0].exists()
    assert [kind for _w, kind, _p in backup.list_backups(data_dir() / "backups")] == ["weekly"]
    dialog.services.ctx.db.close()


def test_a_daily_backup_that_fails_beside_the_window_is_shown_in_it(qtbot, cli, monkeypatch):
    """The day's backup runs beside the window; when it fails (a full disk), the window says so and what
    to do, above the areas and in the status bar, not only in a log."""
    from kbang_desktop.core.errors import StorageError
    from kbang_desktop.storage import backup
    from kbang_desktop.ui.main_window import MainWindow

    db = data_dir() / "kbang.db"
    assert cli("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La", "--unit",
               "kong bo la")[0] == 0

    def full(*_args, **_kwargs):
        raise StorageError("Ổ đĩa chứa thư mục {dir} đã đầy: còn trống {free}, cần khoảng {needed}. Hãy xóa bớt tệp "
                           "hoặc dùng ổ khác rồi thử lại; không có gì được ghi dở.", dir="/sao-luu", free="1 KB",
                           needed="5 MB")

    monkeypatch.setattr(backup, "daily_backup", full)
    dialog = LoginDialog(lambda: Door(db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=TIMEOUT)
    log_in(qtbot, dialog, TEST_PASSWORD)
    assert dialog.actor is not None
    window = MainWindow(dialog.services.as_actor(dialog.actor))  # as ui.startup does after the log-in
    qtbot.addWidget(window)
    window.show()
    window.watch_background(dialog.door.backup)
    qtbot.waitUntil(lambda: window.backup_warning.isVisible(), timeout=TIMEOUT)
    text = window.backup_warning.text()
    assert "Sao lưu hằng ngày chưa làm được" in text and "đã đầy" in text and "mở lại chương trình" in text
    assert window.statusBar().currentMessage() == "Chưa sao lưu được hôm nay."
    window.tasks.wait()
    dialog.services.ctx.db.close()


def test_damage_found_by_the_check_beside_the_window_is_shown_in_it(qtbot, cli, monkeypatch):
    """An encrypted database opens after the password with its header and schema read; every page is checked
    beside the window, and damage found there is shown in it with the backup to restore."""
    from kbang_desktop.services import maintenance
    from kbang_desktop.ui.main_window import MainWindow

    db = data_dir() / "kbang.db"
    assert cli("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La", "--unit",
               "kong bo la")[0] == 0
    assert cli("backup", "--db", db)[0] == 0
    monkeypatch.setattr(maintenance, "quick_check", lambda *_a, **_k: "row 7 missing from index")
    dialog = LoginDialog(lambda: Door(db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=TIMEOUT)
    log_in(qtbot, dialog, TEST_PASSWORD)
    window = MainWindow(dialog.services.as_actor(dialog.actor))
    qtbot.addWidget(window)
    window.show()
    window.watch_background(dialog.door.backup)
    qtbot.waitUntil(lambda: window.backup_warning.isVisible(), timeout=TIMEOUT)
    assert "bị hỏng" in window.backup_warning.text() and "kbang restore" in window.backup_warning.text()
    window.tasks.wait()
    dialog.services.ctx.db.close()
