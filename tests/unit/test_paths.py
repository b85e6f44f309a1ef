"""Where an installation keeps its data: the user's folder, a portable folder, or what set-up chose."""

import sys

from kbang_desktop import paths


def test_portable_copy_keeps_its_data_beside_the_program(tmp_path, monkeypatch):
    monkeypatch.delenv("KBANG_DATA_DIR", raising=False)
    program = tmp_path / "usb" / "KbangDesktop"
    program.mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program / "kbang-desktop.exe"))
    assert paths.portable_dir() is None  # installed: the user's data folder
    assert paths.data_dir() != program / "data"
    (program / paths.PORTABLE_MARKER).write_text("portable\n")
    assert paths.data_dir() == program / "data"
    assert paths.default_database() == program / "data" / "kbang.db"


def test_set_up_choices_are_remembered_and_a_damaged_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("KBANG_DATA_DIR", str(tmp_path / "data"))
    assert paths.config() == {} and paths.default_backups() is None
    paths.save_config(tmp_path / "db" / "kbang.db", tmp_path / "D" / "backups")
    assert paths.default_database() == tmp_path / "db" / "kbang.db"
    assert paths.default_backups() == tmp_path / "D" / "backups"
    (tmp_path / "data" / paths.CONFIG_FILE).write_text("{ half written")
    assert paths.config() == {} and paths.default_database() == tmp_path / "data" / "kbang.db"
