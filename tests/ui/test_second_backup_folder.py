"""A second backup folder (a USB stick kept away from the PC): set in the window's settings, it receives the
daily backup whenever it is there, with the same rotation; a stick not plugged in is no error."""

from __future__ import annotations

from datetime import date, timedelta

from kbang_desktop.storage import backup, vault
from kbang_desktop.ui.main_window import MainWindow
from tests.ui.helpers import TIMEOUT, files, press


def test_the_settings_set_a_second_backup_folder_that_the_daily_backup_fills(qtbot, services, tmp_path, monkeypatch):
    stick = tmp_path / "usb" / "sao-luu"
    stick.mkdir(parents=True)
    win = MainWindow(services)
    win.tasks.quiet = True
    qtbot.addWidget(win)
    win.show()
    settings = win.areas[-1]
    win.show_area(len(win.areas) - 1)
    qtbot.waitUntil(lambda: settings.month.value() == 7 and not win.tasks.busy(), timeout=TIMEOUT)
    assert settings.second_folder.text() == ""
    asked = files(monkeypatch, folder=stick)
    press(settings.findChild(type(settings.save_button), "choose_second_backup_folder"))
    assert asked["folder"] and settings.second_folder.text() == str(stick)
    press(settings.save_button)
    qtbot.waitUntil(lambda: not win.tasks.busy() and "Đã lưu" in settings.message.text(), timeout=TIMEOUT)
    assert services.maintenance.second_backup_folder() == str(stick)
    win.tasks.wait()

    made = services.maintenance.daily_backup()
    assert [p.parent for p in made] == [services.maintenance.backup_dir, stick]
    assert [k for _w, k, _p in backup.list_backups(stick)] == ["weekly"]
    assert not vault.is_encrypted(made[1]) or vault.keyring_path(made[1]).exists()
    assert backup.quick_check(made[1], require_table="alembic_version") is None
    assert services.maintenance.daily_backup() == []  # once a day, in each folder


def test_the_second_folder_is_filled_when_the_stick_comes_back_with_the_same_rotation(services, tmp_path):
    stick = tmp_path / "usb"
    services.maintenance.set_second_backup_folder(str(stick))
    start = date(2026, 11, 2)  # a Monday
    for offset in range(30):
        services.ctx.today = lambda d=start + timedelta(days=offset): d
        if offset == 3:
            stick.mkdir()  # plugged in on the fourth day
        made = services.maintenance.daily_backup()  # unplugged: the usual copy only, and no error
        assert len(made) == (2 if offset >= 3 else 1)
    kinds = [k for _w, k, _p in backup.list_backups(stick)]
    assert kinds.count("daily") == backup.KEEP_DAILY and kinds.count("weekly") == backup.KEEP_WEEKLY


def test_the_second_folder_must_be_a_full_path_and_is_for_administrators(services):
    import pytest

    from kbang_desktop.core.errors import KbangError

    with pytest.raises(KbangError, match="đường dẫn đầy đủ"):
        services.maintenance.set_second_backup_folder("sao-luu")
    services.maintenance.set_second_backup_folder("")
    assert services.maintenance.second_backup_folder() == ""
