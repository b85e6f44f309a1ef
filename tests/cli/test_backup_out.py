"""`kbang backup --out FOLDER`: an encrypted copy with its keyring on a USB stick, written whole, rotated
there; a missing, read-only or full folder is one sentence, exit 1 and nothing half-written."""

import errno
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kbang_desktop.storage import backup, vault


@pytest.fixture
def db(db, cli):
    """The shared commune office, with one person."""
    code, _out, err = cli("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1990",
                          "--ethnic", "13", "--commune", "Kông Bơ La", "--village", "Làng A", "--db", db)
    assert code == 0, err
    return str(db)


@pytest.fixture
def stick(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def test_backup_out_writes_an_encrypted_copy_with_its_keyring_that_restores(db, cli, stick, tmp_path):
    code, out, err = cli("backup", "--out", stick, "--json", "--db", db)
    assert code == 0, err
    made = Path(json.loads(out)["file"])
    assert made.parent == stick and made.name.endswith("-copy.db")
    assert sorted(p.name for p in stick.iterdir()) == [made.name, made.name + vault.KEYRING_SUFFIX]
    assert vault.is_encrypted(made) and b"Hmu" not in made.read_bytes()
    if os.name == "posix":
        assert made.stat().st_mode & 0o077 == 0
    # another PC: the copy and its keyring alone, opened with a password valid in it
    other = tmp_path / "other-pc" / "kbang.db"
    code, _out, err = cli("restore", made, "--db", other)
    assert code == 0, err
    code, out, _ = cli("persons", "search", "hmuk", "--json", "--db", other)
    assert code == 0 and [p["full_name"] for p in json.loads(out)] == ["Đinh Văn Hmưk"]


def test_backup_out_keeps_as_many_copies_as_the_daily_rotation(db, cli, stick, monkeypatch):
    start = datetime(2026, 11, 1, 9, 0, 0)
    real = backup.backup_now

    for day in range(backup.KEEP_DAILY + 3):
        monkeypatch.setattr(backup, "backup_now", lambda *a, _d=day, **k: real(*a, **{**k, "now": start + timedelta(days=_d)}))
        assert cli("backup", "--out", stick, "--db", db)[0] == 0
    kept = backup.list_backups(stick)
    assert len(kept) == backup.KEEP_DAILY == 7
    assert kept[0][0] == start + timedelta(days=backup.KEEP_DAILY + 2)
    assert len(list(stick.glob("*" + vault.KEYRING_SUFFIX))) == backup.KEEP_DAILY  # each copy with its keyring


def test_backup_out_to_a_missing_folder_is_one_sentence(db, cli, tmp_path):
    missing = tmp_path / "no-stick"
    code, out, err = cli("backup", "--out", missing, "--db", db)
    assert code == 1 and out == ""
    assert "Không tìm thấy thư mục" in err and str(missing) in err and len(err.strip().splitlines()) == 1
    assert not missing.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="chmod does not stop root")
def test_backup_out_to_a_read_only_folder_is_one_sentence(db, cli, stick):
    stick.chmod(0o500)
    try:
        code, _out, err = cli("backup", "--out", stick, "--db", db)
    finally:
        stick.chmod(0o700)
    assert code == 1 and "Không ghi được vào thư mục" in err and "Traceback" not in err
    assert list(stick.iterdir()) == []


def test_backup_out_to_a_full_stick_is_refused_before_writing(db, cli, stick, monkeypatch):
    class Usage:
        free = 200_000

    monkeypatch.setattr(backup.shutil, "disk_usage", lambda _p: Usage)
    code, _out, err = cli("backup", "--out", stick, "--db", db)
    assert code == 1 and "đã đầy" in err and "còn trống 195 KB" in err and "cần khoảng" in err
    assert list(stick.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see which file is synced")
def test_a_stick_that_fills_up_while_writing_leaves_nothing_half_written(db, cli, stick, monkeypatch):
    """The disk fills on the copy itself, after the keyring is written: neither is left on the stick."""
    real_fsync = os.fsync
    full = [True]

    def fsync(fd):
        if full[0] and os.readlink(f"/proc/self/fd/{fd}").endswith(".db.part"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(backup.os, "fsync", fsync)
    code, _out, err = cli("backup", "--out", stick, "--db", db)
    full[0] = False
    assert code == 1 and "đã đầy" in err and "không có gì được ghi dở" in err
    assert list(stick.iterdir()) == []
    # the stick is fine again: the next copy is whole
    assert cli("backup", "--out", stick, "--db", db)[0] == 0
    assert len(backup.list_backups(stick)) == 1
