"""`kbang units`: administrative units and their designations."""

from __future__ import annotations

import argparse
from pathlib import Path
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
    p.add_argument("--from", dest="valid_from", type=date_arg, help=_("ngày bắt đầu (mặc định: như xã)"))
    p = command(units, common, "add-commune", _("thêm xã, phường của tỉnh (tại đơn vị đầu mối)"), add_commune)
    p.add_argument("--name", required=True)
    p.add_argument("--from", dest="valid_from", type=date_arg, required=True, help=_("ngày có hiệu lực"))
    p.add_argument("--predecessor", action="append", default=[], metavar=_("TÊN"),
                   help=_("đơn vị cũ nhập toàn bộ vào đơn vị này (ghi nhiều lần nếu nhiều đơn vị)"))
    p.add_argument("--part-of", action="append", default=[], metavar=_("TÊN"),
                   help=_("đơn vị cũ chỉ nhập một phần vào đơn vị này"))
    p.add_argument("--parent", metavar=_("TÊN"), help=_("tỉnh hoặc huyện (mặc định: tỉnh có hiệu lực vào ngày đó)"))
    p.add_argument("--kind", choices=("commune", "ward", "town"), default="commune")
    p = command(units, common, "export", _("ghi tệp danh mục đơn vị cho máy xã mới thiết lập (tại đơn vị đầu mối)"),
                export)
    p.add_argument("--out", required=True)


def designate(args: argparse.Namespace, services: Any) -> int:
    found = services.units.designate(args.commune, args.flag, args.valid_from, args.valid_to)
    emit(args, {"id": found.id, "unit_id": found.unit_id, "flag": found.flag, "from": found.valid_from.isoformat(),
                "to": found.valid_to.isoformat() if found.valid_to else None},
         _("Đã đánh dấu xã có điều kiện kinh tế - xã hội đặc biệt khó khăn."))
    return EXIT_OK


def add_village(args: argparse.Namespace, services: Any) -> int:
    village = services.units.add_village(args.commune, args.name, valid_from=args.valid_from)
    emit(args, {"id": village.id, "name": village.name, "parent_id": village.parent_id,
                "valid_from": village.valid_from.isoformat()},
         _("Đã thêm thôn, làng {name}.").format(name=village.name))
    return EXIT_OK


def add_commune(args: argparse.Namespace, services: Any) -> int:
    unit = services.units.add_commune(args.name, args.valid_from, args.predecessor, args.parent, args.kind,
                                      args.part_of)
    successions = [s for s in services.units.successions() if s.successor_id == unit.id]
    emit(args, {"id": unit.id, "kind": unit.kind, "name": unit.name, "parent_id": unit.parent_id,
                "valid_from": unit.valid_from.isoformat(),
                "predecessors": [{"id": s.predecessor_id, "share": s.share} for s in successions]},
         _("Đã thêm {name}, có hiệu lực từ ngày {date}. Các xã nhận đơn vị này qua gói dữ liệu lần tới.").format(
             name=unit.name, date=unit.valid_from.strftime("%d/%m/%Y")))
    return EXIT_OK


def export(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import join

    path, count = join.units_file(services, Path(args.out))
    emit(args, {"file": str(path), "records": count},
         _("Đã ghi danh mục đơn vị hành chính ({n} bản ghi) vào {path}. Máy xã mới thiết lập dùng tệp này: "
           "kbang init --units TỆP.").format(n=count, path=path))
    return EXIT_OK


def list_(args: argparse.Namespace, services: Any) -> int:
    units = services.units.list(args.as_of)
    data = [{"id": u.id, "kind": u.kind, "name": u.name, "parent_id": u.parent_id,
             "valid_from": u.valid_from.isoformat(), "valid_to": u.valid_to.isoformat() if u.valid_to else None}
            for u in units]
    emit(args, data, "\n".join(f"{u.kind}\t{u.name}\t{u.valid_from}\t{u.valid_to or ''}" for u in units))
    return EXIT_OK
