"""`kbang persons`: the people of a commune."""

from __future__ import annotations

import argparse
from typing import Any

from kbang_desktop.cli.common import EXIT_OK, command, date_arg, emit, group
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    persons = group(sub, common, "persons", _("người dân"))
    p = command(persons, common, "add", _("thêm người"), add)
    p.add_argument("--name", required=True)
    p.add_argument("--sex", choices=("M", "F"), required=True)
    p.add_argument("--birth", required=True)
    p.add_argument("--ethnic", required=True)
    p.add_argument("--commune", required=True)
    p.add_argument("--village", required=True)
    p.add_argument("--literacy", choices=("none", "1", "2"), default="none")
    p.add_argument("--literacy-date", type=date_arg)
    p.add_argument("--exempt", action="store_true")
    p = command(persons, common, "search", _("tìm người theo tên"), search)
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--commune")
    p = command(persons, common, "list", _("danh sách người theo thứ tự tiếng Việt"), list_)
    p.add_argument("--commune")
    p.add_argument("--as-of", type=date_arg)


def person_lines(rows: list) -> str:
    if not rows:
        return _("Không tìm thấy ai.")
    return "\n".join(f"{r.full_name}\t{r.birth}\t{r.village}\t{r.commune}\t{r.id}" for r in rows)


def add(args: argparse.Namespace, services: Any) -> int:
    level = 0 if args.literacy == "none" else int(args.literacy)
    person = services.persons.add(args.name, args.sex, args.birth, args.ethnic, args.commune, args.village,
                                  literacy_level=level, literacy_date=args.literacy_date, exempt=args.exempt)
    emit(args, {"id": person.id}, _("Đã thêm {name} ({id}).").format(name=person.full_name, id=person.id))
    return EXIT_OK


def search(args: argparse.Namespace, services: Any) -> int:
    rows = services.persons.search(args.text, args.limit, args.commune)
    emit(args, [r.as_json() for r in rows], person_lines(rows))
    return EXIT_OK


def list_(args: argparse.Namespace, services: Any) -> int:
    rows = services.persons.list(args.commune, args.as_of)
    emit(args, [r.as_json() for r in rows], person_lines(rows))
    return EXIT_OK
