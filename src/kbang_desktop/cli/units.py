"""`kbang units`: administrative units and their designations."""

from __future__ import annotations

import argparse
from typing import Any

from kbang_desktop.cli.common import EXIT_OK, command, date_arg, emit, group
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    units = group(sub, common, "units", _("đơn vị hành chính"))
    p = command(units, common, "designate", _("đánh dấu xã đặc biệt khó khăn"), designate)
    p.add_argument("--commune", required=True)
    p.add_argument("--flag", choices=("especially-difficult",), required=True)
    p.add_argument("--from", dest="valid_from", type=date_arg, required=True)
    p.add_argument("--to", dest="valid_to", type=date_arg)
    p = command(units, common, "list", _("các đơn vị hành chính"), list_)
    p.add_argument("--as-of", type=date_arg)
    p = command(units, common, "add-village", _("thêm thôn, làng"), add_village)
    p.add_argument("--commune", required=True)
    p.add_argument("--name", required=True)


def designate(args: argparse.Namespace, services: Any) -> int:
    found = services.units.designate(args.commune, args.flag, args.valid_from, args.valid_to)
    emit(args, {"id": found.id, "unit_id": found.unit_id, "flag": found.flag, "from": found.valid_from.isoformat(),
                "to": found.valid_to.isoformat() if found.valid_to else None},
         _("Đã đánh dấu xã có điều kiện kinh tế - xã hội đặc biệt khó khăn."))
    return EXIT_OK


def add_village(args: argparse.Namespace, services: Any) -> int:
    village = services.units.add_village(args.commune, args.name)
    emit(args, {"id": village.id, "name": village.name}, _("Đã thêm thôn, làng {name}.").format(name=village.name))
    return EXIT_OK


def list_(args: argparse.Namespace, services: Any) -> int:
    units = services.units.list(args.as_of)
    data = [{"id": u.id, "kind": u.kind, "name": u.name, "parent_id": u.parent_id,
             "valid_from": u.valid_from.isoformat(), "valid_to": u.valid_to.isoformat() if u.valid_to else None}
            for u in units]
    emit(args, data, "\n".join(f"{u.kind}\t{u.name}\t{u.valid_from}\t{u.valid_to or ''}" for u in units))
    return EXIT_OK
