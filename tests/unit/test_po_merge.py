"""tools/po_merge.py, the git merge driver of the catalogs: strings added on both sides are all kept."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("po_merge", ROOT / "tools" / "po_merge.py")
po_merge = importlib.util.module_from_spec(spec)
spec.loader.exec_module(po_merge)


def _write(path: Path, messages: dict[str, str]) -> str:
    catalog = Catalog(locale="en")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr, locations=[(f"src/{msgid}.py", len(msgid))])
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return str(path)


def _read(path: str) -> dict[str, str]:
    with open(path, "rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id}


def test_additions_on_both_sides_changes_on_one_and_removals_are_kept(tmp_path: Path) -> None:
    base = _write(tmp_path / "O", {"một": "one", "hai": "two", "ba": "three"})
    ours = _write(tmp_path / "A", {"một": "one", "hai": "two", "ba": "three", "bốn": "four"})
    theirs = _write(tmp_path / "B", {"một": "One", "hai": "two", "năm": "five"})
    assert po_merge.merge(base, ours, theirs) == 0
    assert _read(ours) == {"một": "One", "hai": "two", "bốn": "four", "năm": "five"}


def test_a_string_translated_differently_on_both_sides_is_marked_for_a_person(tmp_path: Path) -> None:
    base = _write(tmp_path / "O", {"một": ""})
    ours = _write(tmp_path / "A", {"một": "one"})
    theirs = _write(tmp_path / "B", {"một": "a single"})
    assert po_merge.merge(base, ours, theirs) == 1
    with open(ours, "rb") as handle:
        message = read_po(handle).get("một")
    assert message.string == "one" and message.fuzzy
