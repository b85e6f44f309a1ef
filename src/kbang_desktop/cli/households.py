"""`kbang households`: the households of a commune (what the window's household form and list do)."""

from __future__ import annotations

import argparse
from typing import Any

from kbang_desktop.cli.common import EXIT_OK, command, emit, group
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_, _, format_number


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    households = group(sub, common, "households", _("hộ gia đình"))
    p = command(households, common, "add", _("thêm hộ (chủ hộ là một người đã có)"), add)
    p.add_argument("--village", required=True, help=_("thôn, làng của hộ (phải có sẵn trong xã)"))
    p.add_argument("--number", required=True, help=_("số hộ"))
    p.add_argument("--head", metavar=_("MÃ_NGƯỜI"), help=_("mã của người làm chủ hộ"))
    p.add_argument("--commune", help=_("xã (mặc định: xã của văn phòng này)"))
    p = command(households, common, "list", _("danh sách hộ theo thôn, làng và số hộ"), list_)
    p.add_argument("--village", help=_("chỉ các hộ của thôn, làng này"))
    p.add_argument("--commune", help=_("xã (mặc định: xã của văn phòng này)"))
    p = command(households, common, "add-member", _("đưa một người vào hộ"), add_member)
    p.add_argument("household", help=_("mã của hộ (như kbang households list cho biết)"))
    p.add_argument("person", help=_("mã của người"))
    p.add_argument("--relation", required=True, help=_("quan hệ với chủ hộ, ví dụ Vợ, Con; \"Chủ hộ\" làm chủ hộ"))


def place(args: argparse.Namespace, services: Any) -> tuple[str, str | None]:
    """(commune id, village id) of --commune (or this office's commune) and --village; one sentence for a
    commune or village that is not there."""
    commune = args.commune
    if not commune:
        unit_id = services.offices.this_office().unit_id
        if not unit_id:
            raise KbangError(N_("Văn phòng này không phải của một xã; hãy ghi --commune."))
        commune = services.units.get(unit_id).name
    return services.persons.find_place(commune, args.village)


def household_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "village": row.village, "number": row.number, "head_person_id": row.head_person_id,
            "head": row.head, "members": row.members}


def household_line(row: Any) -> str:
    return "\t".join((row.village, row.number, row.head or "—", format_number(row.members), row.id))


def _row(services: Any, household_id: str) -> Any:
    household = services.households.get(household_id)
    return next(r for r in services.households.rows(household.commune_id, household.village_id)
                if r.id == household_id)


def add(args: argparse.Namespace, services: Any) -> int:
    commune_id, village_id = place(args, services)
    household = services.households.create(commune_id, village_id, number=args.number, head_person_id=args.head)
    row = _row(services, household.id)
    emit(args, household_json(row), _("Đã thêm hộ số {number} ({village}), mã {id}.").format(
        number=row.number, village=row.village, id=row.id))
    return EXIT_OK


def list_(args: argparse.Namespace, services: Any) -> int:
    commune_id, village_id = place(args, services)
    rows = services.households.rows(commune_id, village_id)
    emit(args, [household_json(r) for r in rows],
         "\n".join(household_line(r) for r in rows) if rows else _("Chưa có hộ nào."))
    return EXIT_OK


def add_member(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.core.text import nfc
    from kbang_desktop.services.people import HEAD

    if not nfc(args.relation):
        raise KbangError(N_("Chưa ghi quan hệ với chủ hộ."))
    if nfc(args.relation) == HEAD:
        services.households.set_head(args.household, args.person)
    else:
        services.households.add_member(args.household, args.person, args.relation)
    person, row = services.persons.get(args.person), _row(services, args.household)
    emit(args, {"household": household_json(row), "person_id": person.id, "relation": person.relation_to_head},
         _("{name} đã vào hộ số {number} ({village}), quan hệ với chủ hộ: {relation}.").format(
             name=person.full_name, number=row.number, village=row.village, relation=person.relation_to_head))
    return EXIT_OK
