"""The recovery-key box: "Lưu trang để in..." writes the sheet (a PDF for the office safe) and the box stays."""

from __future__ import annotations

import stat

from kbang_desktop.storage import vault
from kbang_desktop.ui.login import show_recovery_key
from kbang_desktop.ui.shared.dialogs import answering
from tests.documents.helpers import flat, pdf_fonts, pdf_pages
from tests.ui.helpers import files, press


def test_the_save_button_of_the_recovery_key_box_writes_the_sheet(qtbot, tmp_path, monkeypatch):
    key = vault.new_recovery_key()
    target = tmp_path / "khoa-khoi-phuc"  # without .pdf: the sheet still ends in .pdf
    asked = files(monkeypatch, save=target)
    seen = {}

    def respond(box):
        press(box.save_sheet)
        seen["message"] = box.message.text()
        seen["open"] = box.isVisible()  # the key stays on screen after saving
        press(box.close_button)

    with answering(respond):
        show_recovery_key(None, key, "UBND xã Kông Bơ La")
    sheet = tmp_path / "khoa-khoi-phuc.pdf"
    assert asked["save"] and seen["open"] and str(sheet) in seen["message"]
    text = flat(" ".join(pdf_pages(sheet)))
    assert "".join(key.split("-")) in "".join(text.split()) and "UBND xã Kông Bơ La" in text
    assert all(pdf_fonts(sheet).values())
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600


def test_cancelling_the_file_dialog_writes_nothing(qtbot, tmp_path, monkeypatch):
    files(monkeypatch, save="")

    def respond(box):
        press(box.save_sheet)
        press(box.close_button)

    with answering(respond):
        show_recovery_key(None, vault.new_recovery_key())
    assert list(tmp_path.glob("*.pdf")) == []


def test_the_sheet_is_offered_in_documents_then_in_the_folder_used_last(qtbot, tmp_path, monkeypatch):
    """Never in the program's working folder: the user's Documents with a Vietnamese name, then where it went."""
    from pathlib import Path

    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(tmp_path)
    stick = tmp_path / "usb"
    stick.mkdir()
    asked = files(monkeypatch, save=stick / "khoa.pdf")

    def respond(box):
        press(box.save_sheet)
        press(box.save_sheet)
        press(box.close_button)

    with answering(respond):
        show_recovery_key(None, vault.new_recovery_key(), "UBND xã Kông Bơ La")
    first, second = (Path(call[1]) for call in asked["save"])
    assert first == home / "Documents" / "Khóa khôi phục - UBND xã Kông Bơ La.pdf"
    assert second.parent == stick  # the folder used last time
