"""Before an import writes (a bundle, people or scores from a spreadsheet) the database is backed up, encrypted
with its keyring, named for the file imported, the newest 5 kept; a dry run makes none; a backup that fails
(a full disk) stops the import in one sentence with nothing imported."""

from __future__ import annotations

import errno
import json
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from kbang_desktop.storage import backup, vault
from tests.conftest import open_test_services


def people_sheet(path: Path, names: list[str]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Giới tính", "Năm sinh", "Dân tộc", "Thôn/Làng"])
    for name in names:
        sheet.append([name, "Nữ", 1990, "Ba Na", "Làng A"])
    book.save(path)
    return path


def names(path: Path) -> set[str]:
    services = open_test_services(path)  # an encrypted file: unlocked with the keyring beside it
    try:
        return {p.full_name for p in services.persons.list("Kông Bơ La")}
    finally:
        services.ctx.db.close()


def pre_import(db: Path) -> list[Path]:
    return [p for _w, kind, p in backup.list_backups(backup.default_backup_dir(db)) if kind == "pre-import"]


def test_an_excel_import_is_preceded_by_an_encrypted_backup_that_restores_the_state_before(db, cli, tmp_path):
    first = people_sheet(tmp_path / "Danh sách đợt 1.xlsx", ["Đinh Thị Hmưk"])
    assert cli("--db", db, "import", "persons", first, "--create-villages").code == 0
    sheet = people_sheet(tmp_path / "Danh sách Làng A.xlsx", ["Rơ Châm Hlim", "Đinh Văn Blơng"])
    assert cli("--db", db, "import", "persons", sheet, "--dry-run", "--create-villages").code == 0
    assert len(pre_import(db)) == 1  # the dry run made none
    assert cli("--db", db, "import", "persons", sheet, "--create-villages").code == 0
    assert names(db) == {"Đinh Thị Hmưk", "Rơ Châm Hlim", "Đinh Văn Blơng"}
    made = pre_import(db)
    assert len(made) == 2
    newest = made[0]
    assert newest.name.endswith("-pre-import_danh-sach-lang-a.xlsx.db"), newest.name
    assert vault.is_encrypted(newest) and vault.keyring_path(newest).exists()
    assert b"Hm\xc6\xb0k" not in newest.read_bytes()  # nobody's name in clear
    assert names(newest) == {"Đinh Thị Hmưk"}  # the state just before this import
    # `kbang restore` of that backup brings the database back to the state before the import
    result = cli("restore", newest, "--db", db)
    assert result.code == 0, result.err
    assert names(db) == {"Đinh Thị Hmưk"}


def test_a_bundle_import_is_preceded_by_a_backup_and_a_dry_run_makes_none(tmp_path, cli):
    def js(*args, expect=0):
        code, out, err = cli(*args, "--json")
        assert code == expect, (out, err)
        return json.loads(out)

    hub, commune, usb = tmp_path / "hub" / "kbang.db", tmp_path / "xa" / "kbang.db", tmp_path / "usb"
    js("init", "--db", hub, "--office-kind", "hub", "--office-name", "Phòng GD&ĐT Kbang")
    js("init", "--db", commune, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La",
       "--unit", "Kông Bơ La")
    request = js("office", "join-request", "--out", usb / "join.kbj", "--db", commune)["file"]
    registered = js("office", "register", request, "--out", usb, "--db", hub)
    js("office", "trust", registered["file"], "--fingerprint", registered["fingerprint"], "--db", commune)
    js("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1990", "--ethnic", "Ba Na",
       "--commune", "Kông Bơ La", "--village", "Làng Lợk", "--db", commune)
    bundle = Path(js("bundle", "export", "--to", "hub", "--out", usb, "--db", commune)["file"])
    assert js("bundle", "import", bundle, "--dry-run", "--db", hub)["status"] == "dry-run"
    assert pre_import(hub) == []
    applied = js("bundle", "import", bundle, "--db", hub)
    assert applied["status"] == "applied"
    made = pre_import(hub)
    assert len(made) == 1 and applied["backup"] == str(made[0])
    assert made[0].name.endswith(f"-pre-import_{backup.source_label(bundle)}.db")
    assert "_xa-kong-bo-la-gui-phong-gd-dt-kbang-" in made[0].name and made[0].name.endswith(".kbb.db")
    assert vault.is_encrypted(made[0]) and vault.keyring_path(made[0]).exists()
    services = open_test_services(made[0])
    try:
        assert services.persons.search("hmuk") == []  # before the import: not there yet
    finally:
        services.ctx.db.close()
    services = open_test_services(hub)
    try:
        assert services.persons.search("hmuk")
    finally:
        services.ctx.db.close()
    assert js("bundle", "import", bundle, "--db", hub)["status"] == "already-imported"
    assert len(pre_import(hub)) == 1  # nothing written, no copy


def test_a_full_disk_stops_the_import_in_one_sentence_with_nothing_imported(db, cli, tmp_path, monkeypatch):
    sheet = people_sheet(tmp_path / "ds.xlsx", ["Rơ Châm Hlim"])

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "copy_database", full)
    result = cli("--db", db, "import", "persons", sheet, "--create-villages")
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1, result.err
    assert "đã đầy" in result.err and "ds.xlsx" in result.err and "chưa nhập gì" in result.err
    assert "Traceback" not in result.err and "Lỗi không mong đợi" not in result.err
    monkeypatch.undo()
    assert names(db) == set() and pre_import(db) == []
    assert not [p for p in backup.default_backup_dir(db).iterdir() if ".part" in p.name or "pre-import" in p.name]


def test_scores_imported_from_a_spreadsheet_are_preceded_by_a_backup(db, cli, tmp_path):
    def run(*args):
        code, out, err = cli(*args, "--json", "--db", db)
        assert code == 0, (out, err)
        return json.loads(out)

    person = run("persons", "add", "--name", "Đinh Thị C0", "--sex", "F", "--birth", "1990", "--ethnic", "Ba Na",
                 "--commune", "Kông Bơ La", "--village", "Làng A")["id"]
    run("models", "register", "--year", "2026", "--kind", "citizen", "--subject", person)
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã người", "Họ và tên"] + [f"CS{i}" for i in range(1, 11)])
    sheet.append([person, "Đinh Thị C0"] + [8] * 10)
    book.save(tmp_path / "Điểm 2026.xlsx")
    args = ("models", "import-scores", tmp_path / "Điểm 2026.xlsx", "--year", "2026", "--date", "2026-11-01")
    assert run(*args, "--dry-run")["status"] == "dry-run" and pre_import(db) == []
    assert run(*args)["status"] == "imported"
    made = pre_import(db)
    assert len(made) == 1 and made[0].name.endswith("-pre-import_diem-2026.xlsx.db")


def test_the_newest_five_pre_import_backups_are_kept_and_no_other_kind_is_touched(services, tmp_path):
    path = services.ctx.db.path
    folder = tmp_path / "b"
    daily = backup.backup_now(path, folder, "daily", now=datetime(2026, 1, 1, 7))
    for day in range(1, 9):
        backup.pre_import_backup(path, folder, f"goi {day}.kbb", now=datetime(2026, 2, day, 8))
    kept = [(w.day, p.name) for w, k, p in backup.list_backups(folder) if k == "pre-import"]
    assert [d for d, _n in kept] == [8, 7, 6, 5, 4]
    assert kept[0][1] == "kbang-20260208-080000-pre-import_goi-8.kbb.db"
    assert daily.exists()
