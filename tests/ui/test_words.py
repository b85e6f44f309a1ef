"""What the window says for codes: audit actions and actors as sentences, file names in the user's words,
moments as dd/MM/yyyy."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from kbang_desktop import i18n
from kbang_desktop.ui.shared.widgets import file_name
from kbang_desktop.ui.shared.words import ACTIONS, audit_action, audit_actor, record_kind, template_name


def test_audit_actions_and_actors_read_as_sentences():
    i18n.setup("vi")
    assert audit_action("create:print_certificates") == "In giấy công nhận (thêm bản ghi)"
    assert audit_action("update:issue_decision") == "Ban hành quyết định (sửa bản ghi)"
    assert audit_action("delete:remove_person") == "Xóa người dân (xóa bản ghi)"
    assert audit_action("create:something_new") == "Thao tác khác (something_new) (thêm bản ghi)"
    assert audit_actor("os:root") == "Tài khoản máy tính root"
    assert audit_actor("user:lan") == "lan"
    assert record_kind("person") == "Người dân"
    assert template_name("a4-landscape") == "Khổ A4, in ngang" and template_name("Mẫu của xã") == "Mẫu của xã"


def test_every_action_a_service_writes_has_a_sentence():
    from pathlib import Path

    import kbang_desktop

    root = Path(kbang_desktop.__file__).parent
    written = {m for path in root.rglob("*.py") if "ui" not in path.relative_to(root).parts
               for m in re.findall(r"\.write\(\"([a-z_]+)\"", path.read_text(encoding="utf-8"))}
    assert written and not written - set(ACTIONS), sorted(written - set(ACTIONS))


def test_file_names_and_moments():
    i18n.setup("vi")
    assert file_name("Giấy công nhận", "QĐ 12/QĐ-UBND", ext="pdf") == "Giấy công nhận QĐ 12-QĐ-UBND.pdf"
    assert file_name("a:b*c?", ext="xlsx") == "a-b-c.xlsx"
    shown = i18n.format_datetime(datetime(2026, 12, 1, 7, 5, tzinfo=UTC))
    assert re.fullmatch(r"\d\d/12/2026 \d\d:05", shown), shown

