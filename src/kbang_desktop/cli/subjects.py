"""`kbang clans` and `kbang organisations`: the clans and the organisations of a commune, which register as
learning models ("Dòng họ học tập", "Đơn vị học tập")."""

from __future__ import annotations

import argparse
from typing import Any

from kbang_desktop.cli.common import EXIT_OK, command, emit, group
from kbang_desktop.i18n import _
from kbang_desktop.services.people import ORGANISATION_KINDS


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    clans = group(sub, common, "clans", _("dòng họ"))
    p = command(clans, common, "add", _("thêm một dòng họ"), clan_add)
    p.add_argument("--commune", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--head", help=_("mã người đứng đầu dòng họ"))
    p = command(clans, common, "list", _("các dòng họ của xã"), clan_list)
    p.add_argument("--commune", required=True)
    organisations = group(sub, common, "organisations", _("cơ quan, đơn vị, tổ chức"))
    p = command(organisations, common, "add", _("thêm một cơ quan, đơn vị"), organisation_add)
    p.add_argument("--commune", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--kind", choices=ORGANISATION_KINDS, default="office")
    p = command(organisations, common, "list", _("các cơ quan, đơn vị của xã"), organisation_list)
    p.add_argument("--commune", required=True)


def clan_add(args: argparse.Namespace, services: Any) -> int:
    clan = services.clans.add(args.commune, args.name, args.head)
    emit(args, {"id": clan.id, "name": clan.name}, _("Đã thêm dòng họ {name}: {id}").format(name=clan.name, id=clan.id))
    return EXIT_OK


def clan_list(args: argparse.Namespace, services: Any) -> int:
    found = services.clans.list(services.units.find_commune(args.commune).id)
    emit(args, [{"id": c.id, "name": c.name} for c in found], "\n".join(f"{c.id}\t{c.name}" for c in found))
    return EXIT_OK


def organisation_add(args: argparse.Namespace, services: Any) -> int:
    made = services.organisations.add(args.commune, args.name, args.kind)
    emit(args, {"id": made.id, "name": made.name, "kind": made.kind},
         _("Đã thêm {name}: {id}").format(name=made.name, id=made.id))
    return EXIT_OK


def organisation_list(args: argparse.Namespace, services: Any) -> int:
    found = services.organisations.list(services.units.find_commune(args.commune).id)
    emit(args, [{"id": o.id, "name": o.name, "kind": o.kind} for o in found],
         "\n".join(f"{o.id}\t{o.name}\t{o.kind}" for o in found))
    return EXIT_OK
