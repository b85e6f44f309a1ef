"""Files private to their owner: the database and its WAL, backups, keys, crash reports and exports are
0600, the program's folders 0700 (POSIX); a folder the user merely chose keeps its modes."""

import json
import os
import stat
from pathlib import Path

import pytest

from kbang_desktop import crash
from kbang_desktop.paths import data_dir
from kbang_desktop.services.registry import open_services
from kbang_desktop.storage import backup
from kbang_desktop.storage.db import Database

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes (Windows: the user's own profile folder)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _lenient_umask():
    old = os.umask(0o022)  # as on most PCs: what the program makes would be readable by all without its care
    yield
    os.umask(old)


def test_everything_the_program_writes_in_its_data_folder_is_its_owners_only(cli, tmp_path):
    db = data_dir() / "kbang.db"
    assert cli("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La",
               "--unit", "kong bo la")[0] == 0
    assert cli("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1990", "--ethnic", "13",
               "--commune", "Kông Bơ La", "--village", "A", "--db", db)[0] == 0
    code, out, _ = cli("backup", "--json", "--db", db)
    assert code == 0
    export = data_dir() / "xuat" / "ds.xlsx"
    export.parent.mkdir()
    assert cli("export", "persons", "--out", export, "--sensitive", "--db", db)[0] == 0
    report = crash.write_report(RuntimeError("x"), "test")
    assert report is not None and report.parent == data_dir() / "logs"
    files = [p for p in data_dir().rglob("*") if p.is_file()]
    folders = [data_dir(), *(p for p in data_dir().rglob("*") if p.is_dir() and p != export.parent)]
    assert {p.name for p in files} >= {"kbang.db", Path(json.loads(out)["file"]).name, "ds.xlsx", report.name}
    assert any(p.parent.name == "keys" for p in files)
    assert {str(p.relative_to(data_dir())): oct(mode(p)) for p in files if mode(p) != 0o600} == {}
    assert {str(p.relative_to(data_dir())): oct(mode(p)) for p in folders if mode(p) != 0o700} == {}


def test_an_older_installation_is_closed_at_the_next_start(tmp_path):
    folder = data_dir()
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    path = folder / "kbang.db"
    open_services(path).ctx.db.close()
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists():
            os.chmod(name, 0o644)
    os.chmod(folder, 0o755)
    saved = backup.backup_now(path, folder / "backups")
    os.chmod(saved, 0o644)
    os.chmod(saved.parent, 0o755)
    Database.open(path).close()
    assert mode(folder) == 0o700 and mode(path) == 0o600
    backup.backup_now(path, folder / "backups")
    assert mode(saved.parent) == 0o700


def test_a_folder_the_user_chose_keeps_its_modes(tmp_path):
    chosen = tmp_path / "Tai lieu"
    chosen.mkdir()
    os.chmod(chosen, 0o755)
    Database.open(chosen / "kbang.db").close()
    assert mode(chosen) == 0o755  # not ours to close
    assert mode(chosen / "kbang.db") == 0o600
    Database.open(tmp_path / "moi" / "kbang.db").close()
    assert mode(tmp_path / "moi") == 0o700  # made by the program: private
