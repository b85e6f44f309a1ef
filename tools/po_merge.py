"""A git merge driver for the gettext catalogs: merges by message, not by line.

Two branches that each add strings (and so move every "#: file:line" reference) would otherwise
conflict all over `translations/`. Set up once per clone:

    git config merge.kbang-po.name "gettext catalogs, message by message"
    git config merge.kbang-po.driver ".venv/bin/python tools/po_merge.py %O %A %B"

(`.gitattributes` names the files.) Run `make update` after the merge: it puts the references and the
order right again. A message translated differently on both sides keeps ours and is marked fuzzy, so
the completeness test fails until a person chooses.
"""

from __future__ import annotations

import sys

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def _read(path: str) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle)


def merge(base_path: str, ours_path: str, theirs_path: str) -> int:
    base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
    clashes = 0
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id, message.context)
        old = base.get(message.id, message.context)
        if mine is None:
            if old is None:  # added on their side
                ours[message.id] = message
            continue  # else removed on our side: stays removed
        if message.string == mine.string or message.string == (old.string if old else None):
            continue
        if old is not None and mine.string == old.string:
            mine.string = message.string  # changed on their side only
        elif message.string and mine.string:
            mine.flags.add("fuzzy")  # both changed it: a person chooses
            clashes += 1
        else:
            mine.string = mine.string or message.string
    for message in list(ours):
        if message.id and base.get(message.id, message.context) is not None \
                and theirs.get(message.id, message.context) is None:
            mine = ours.get(message.id, message.context)
            if mine.string == base.get(message.id, message.context).string:
                ours.delete(message.id, message.context)  # removed on their side
    with open(ours_path, "wb") as handle:
        write_po(handle, ours, width=120)
    return 1 if clashes else 0


if __name__ == "__main__":
    raise SystemExit(merge(*sys.argv[1:4]))
