"""`kbang literacy`: the commune's literacy standard, and the papers of a literacy class."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.cli.common import EXIT_OK, command, date_arg, emit, group, pdf_path
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    literacy = group(sub, common, "literacy", _("xóa mù chữ"))
    p = command(literacy, common, "status", _("chuẩn xóa mù chữ của xã"), status)
    p.add_argument("--commune", required=True)
    p.add_argument("--as-of", type=date_arg, required=True)
    for name, text in (("completions", _("danh sách học viên hoàn thành giai đoạn (PDF)")),
                       ("certificates", _("giấy chứng nhận hoàn thành cho từng học viên (PDF)"))):
        p = command(literacy, common, name, text, class_papers)
        p.add_argument("--class", dest="class_id", required=True, help=_("mã lớp xóa mù chữ"))
        p.add_argument("--out", required=True, help=_("tệp PDF"))
        p.add_argument("--on", type=date.fromisoformat, help=_("ngày ghi trên giấy (YYYY-MM-DD)"))
        p.add_argument("--signer", default="", help=_("họ và tên người ký"))
        if name == "certificates":
            p.add_argument("--template", default="literacy-a5-landscape")


def status(args: argparse.Namespace, services: Any) -> int:
    result = services.literacy.status(args.commune, args.as_of)
    data = result.as_json()
    lines = [_("Xã {commune}, ngày {date}").format(commune=result.commune.name, date=i18n.format_date(args.as_of))]
    for level_key, level in (("level1", 1), ("level2", 2)):
        item = data[level_key]
        rate = i18n.format_percent(item["rate"]) if item["rate"] is not None else "-"
        verdict = _("Đạt") if item["meets"] else _("Không đạt")
        lines.append(_("Mức độ {level} (tuổi {a}-{b}): {literate}/{population} = {rate} - {verdict}").format(
            level=level, a=item["age_from"], b=item["age_to"], literate=item["literate"],
            population=item["population"], rate=rate, verdict=verdict))
    emit(args, data, "\n".join(lines))
    return EXIT_OK


def class_papers(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.certificates import print_completions
    from kbang_desktop.documents.lists import completions_pdf

    data = services.paperwork.completions(args.class_id, on=args.on, signer_name=args.signer)
    if not data.rows:
        raise KbangError(i18n.N_("Lớp {name} chưa có học viên nào hoàn thành giai đoạn {phase}."),
                         name=data.class_name, phase=data.phase)
    out = pdf_path(args.out)
    if args.literacy_command == "completions":
        pages = completions_pdf(data, out)
    else:
        pages = print_completions(services.certificates, data, out, args.template)
    emit(args, {"pages": pages, "learners": len(data.rows), "file": args.out},
         _("Đã ghi {learners} học viên, {pages} trang vào {path}.").format(learners=len(data.rows), pages=pages,
                                                                          path=args.out))
    return EXIT_OK
