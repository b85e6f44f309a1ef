"""`kbang conflicts`: two offices edited one record; list them and choose, field by field."""

from __future__ import annotations

import argparse
from typing import Any

from kbang_desktop.cli.common import EXIT_OK, command, emit, group
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    conflicts = group(sub, common, "conflicts", _("xung đột khi hai nơi cùng sửa một bản ghi"))
    p = command(conflicts, common, "list", _("các xung đột đang chờ xử lý"), list_)
    p.add_argument("--all", action="store_true", help=_("kể cả xung đột đã xử lý"))
    p = command(conflicts, common, "resolve", _("xử lý một xung đột"), resolve)
    p.add_argument("id")
    p.add_argument("--take", nargs="+", required=True, metavar="local|incoming|FIELD=local|incoming")


def list_(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import conflicts

    rows = conflicts.list_conflicts(services, None if args.all else "open")
    text = "\n".join(f"{c.id[:8]}\t{c.record_type}\t{c.record_id[:8]}\t{', '.join(c.differing)}" for c in rows)
    emit(args, [c.as_json() for c in rows], text or _("Không có xung đột nào đang chờ xử lý."))
    return EXIT_OK


def resolve(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import conflicts

    view = conflicts.resolve(services, args.id, conflicts.parse_choice(args.take))
    emit(args, view.as_json(), _("Đã xử lý xung đột {id}; bản ghi đã được cập nhật và sẽ được gửi đi ở lần trao đổi tới.")
         .format(id=view.id[:8]))
    return EXIT_OK
