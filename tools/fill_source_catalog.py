"""Vietnamese is the source language: its catalog translates every msgid to itself.

Run after `pybabel update` (make update does): fills every empty msgstr of the
given .po file with its msgid, so the Vietnamese catalog is always complete.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def fill(path: str) -> int:
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=120)
    return filled


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {fill(name)} filled")
