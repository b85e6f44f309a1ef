"""`kbang decisions`: recognition decisions and the list attached to each."""

from __future__ import annotations

import argparse
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.cli.common import EXIT_OK, command, date_arg, emit, group, pdf_path
from kbang_desktop.core.scoring import MODEL_KINDS
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    decisions = group(sub, common, "decisions", _("quyết định công nhận"))
    p = command(decisions, common, "list", _("các quyết định, mới nhất trước"), list_)
    p.add_argument("--year", type=int)
    p = command(decisions, common, "create", _("lập một quyết định công nhận (bản soạn thảo)"), create)
    p.add_argument("--kind", choices=MODEL_KINDS, required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--number", required=True, help=_("số quyết định, ví dụ 7/QĐ-UBND"))
    p.add_argument("--date", type=date_arg, required=True)
    p.add_argument("--signer", default="", help=_("họ tên người ký"))
    p.add_argument("--signer-title", default="chairman", choices=("chairman", "vice_chairman"))
    p.add_argument("--commune", help=_("xã ra quyết định (mặc định: xã của máy này)"))
    p = command(decisions, common, "add", _("thêm các đăng ký đã đạt vào danh sách của quyết định"), add)
    p.add_argument("decision")
    p.add_argument("registrations", nargs="+")
    p = command(decisions, common, "remove", _("bỏ các đăng ký khỏi danh sách của quyết định"), remove)
    p.add_argument("decision")
    p.add_argument("registrations", nargs="+")
    p = command(decisions, common, "entries", _("danh sách được công nhận của một quyết định"), entries)
    p.add_argument("decision")
    p = command(decisions, common, "issue", _("ban hành quyết định"), issue)
    p.add_argument("decision")
    p = command(decisions, common, "annex", _("danh sách kèm theo quyết định (PDF)"), annex)
    p.add_argument("--decision", required=True)
    p.add_argument("--out", required=True, help=_("tệp PDF"))
    p.add_argument("--template", default="a4-landscape",
                   help=_("mẫu giấy công nhận cho biết ai quyết định (mặc định: a4-landscape)"))


def list_(args: argparse.Namespace, services: Any) -> int:
    rows = services.models.decisions(args.year)
    data = [{"id": d.id, "number": d.number, "date": d.decided_on.isoformat(), "kind": d.kind, "year": d.year,
             "status": d.status, "entries": entries} for d, entries in rows]
    text = "\n".join(f"{d.number}\t{i18n.format_date(d.decided_on)}\t{d.kind}\t{d.year}\t{d.status}\t{entries}"
                     for d, entries in rows)
    emit(args, data, text or _("Chưa có quyết định nào."))
    return EXIT_OK


def annex(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.lists import annex_pdf

    data = services.paperwork.annex(args.decision)
    pages = annex_pdf(data, pdf_path(args.out), services.certificates.template(args.template).authority)
    emit(args, {"pages": pages, "rows": len(data.rows), "file": args.out},
         _("Đã ghi danh sách {rows} dòng, {pages} trang vào {path}.").format(rows=len(data.rows), pages=pages,
                                                                         path=args.out))
    return EXIT_OK


def _decision_json(d: Any, entries: int | None = None) -> dict:
    data = {"id": d.id, "number": d.number, "date": d.decided_on.isoformat(), "kind": d.kind, "year": d.year,
            "status": d.status, "signer": d.signer_name, "signer_title": d.signer_title}
    if entries is not None:
        data["entries"] = entries
    return data


def create(args: argparse.Namespace, services: Any) -> int:
    commune = args.commune
    if not commune:
        office = services.offices.this_office()
        if not office.unit_id:
            from kbang_desktop.core.errors import KbangError

            raise KbangError(i18n.N_("Máy này chưa gắn với xã nào; hãy ghi --commune."))
        commune = services.units.get(office.unit_id).name
    made = services.models.create_decision(commune, args.number, args.date, args.kind, args.year, args.signer,
                                           args.signer_title)
    emit(args, _decision_json(made), _("Đã lập quyết định {number}: {id}").format(number=made.number, id=made.id))
    return EXIT_OK


def _entries_json(services: Any, decision_id: str) -> list[dict]:
    return [{"id": e.id, "registration": e.registration_id, "position": e.position, "name": e.display_name}
            for e in services.models.entries(decision_id)]


def add(args: argparse.Namespace, services: Any) -> int:
    added = services.models.add_entries(args.decision, args.registrations)
    data = {"decision": args.decision, "added": [e.registration_id for e in added],
            "entries": _entries_json(services, args.decision)}
    emit(args, data, _("Đã thêm {n} vào danh sách; danh sách có {total}.").format(n=len(added),
                                                                                total=len(data["entries"])))
    return EXIT_OK


def remove(args: argparse.Namespace, services: Any) -> int:
    removed = services.models.remove_entries(args.decision, args.registrations)
    data = {"decision": args.decision, "removed": removed, "entries": _entries_json(services, args.decision)}
    emit(args, data, _("Đã bỏ {n} khỏi danh sách; danh sách còn {total}.").format(n=removed,
                                                                                total=len(data["entries"])))
    return EXIT_OK


def entries(args: argparse.Namespace, services: Any) -> int:
    data = _entries_json(services, args.decision)
    emit(args, data, "\n".join(f"{e['position']}\t{e['name']}\t{e['registration']}" for e in data)
         or _("Danh sách còn trống."))
    return EXIT_OK


def issue(args: argparse.Namespace, services: Any) -> int:
    issued = services.models.issue(args.decision)
    count = len(services.models.entries(issued.id))
    emit(args, _decision_json(issued, count),
         _("Đã ban hành quyết định {number} ({n} được công nhận).").format(number=issued.number, n=count))
    return EXIT_OK
