"""Both catalogs are complete and keep the same placeholders."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from kbang_desktop.i18n import translations_dir

PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[sdr]|%[sdr]")  # {name}, and argparse's %(name)s and %s


def _catalog(lang: str):
    path = Path(translations_dir()) / lang / "LC_MESSAGES" / "kbang.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def test_catalogs_are_complete_with_matching_placeholders():
    template = {m.id for m in read_po((Path(translations_dir()) / "kbang.pot").open("rb")) if m.id}
    for lang in ("vi", "en"):
        catalog = _catalog(lang)
        ids = {m.id for m in catalog if m.id}
        assert template <= ids, f"{lang}: not updated: {sorted(template - ids)[:5]}"
        for message in catalog:
            if not message.id:
                continue
            assert message.string, f"{lang}: untranslated {message.id!r}"
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


def test_every_marked_string_in_the_code_is_in_the_template():
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parents[2] / "src" / "kbang_desktop"
    keywords = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    found = {msg[2] if isinstance(msg[2], str) else msg[2][0]
             for msg in extract_from_dir(str(root), method_map=[("**.py", "python")], keywords=keywords)}
    template = {m.id for m in read_po((Path(translations_dir()) / "kbang.pot").open("rb")) if m.id}
    assert found <= template, f"run `make update`: {sorted(found - template)[:5]}"
