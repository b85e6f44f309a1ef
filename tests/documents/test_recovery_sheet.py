"""`kbang init --recovery-sheet FILE.pdf`: the recovery key on a sheet to print, fonts embedded, 0600."""

from __future__ import annotations

import json
import stat

from kbang_desktop.storage import vault
from tests.documents.helpers import flat, pdf_fonts, pdf_pages


def test_init_writes_the_recovery_key_on_a_sheet_to_print(tmp_path, cli):
    sheet = tmp_path / "khoa.pdf"
    db = tmp_path / "kbang.db"
    code, out, err = cli("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La",
                         "--unit", "kong bo la", "--recovery-sheet", sheet, "--json")
    assert code == 0, err
    data = json.loads(out)
    key = data["recovery_key"]
    assert data["recovery_sheet"] == str(sheet)
    fonts = pdf_fonts(sheet)
    assert fonts and all(fonts.values()), fonts  # every font embedded
    assert any("LiberationMono" in name for name in fonts)  # the key in monospaced letters
    text = flat(" ".join(pdf_pages(sheet)))
    assert "".join(key.split("-")) in "".join(text.split())  # the key, group by group
    assert "  ".join(key.split("-")[:4]).split()[0] in text
    assert "UBND xã Kông Bơ La" in text and "tủ an toàn" in text and "KHÓA KHÔI PHỤC" in text
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600
    ring = vault.read_keyring(vault.keyring_path(db))  # the key printed opens the data (its keyring slot)
    assert vault.unseal_recovery(ring, key) == [vault.unlock(db, *_test_user())]
    assert not list(tmp_path.glob("*.part"))


def test_a_sheet_that_cannot_be_written_still_shows_the_key_once(tmp_path, cli):
    (tmp_path / "a-file").write_text("x")  # no folder can be made there
    code, out, err = cli("init", "--db", tmp_path / "kbang.db", "--office-kind", "commune", "--office-name",
                         "UBND xã Kông Bơ La", "--unit", "kong bo la", "--recovery-sheet",
                         tmp_path / "a-file" / "khoa.pdf")
    assert code == 0, err
    assert "Không ghi được trang khóa khôi phục" in out and "chép khóa ở trên ra giấy" in out
    key_line = out.splitlines()[out.splitlines().index(next(x for x in out.splitlines() if "Khóa khôi phục" in x)) + 1]
    vault.recovery_secret(key_line.strip())  # a well-formed key is printed


def _test_user():
    from tests.conftest import TEST_PASSWORD, TEST_USER

    return TEST_USER, TEST_PASSWORD
