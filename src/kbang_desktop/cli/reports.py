"""`kbang report`: the reports, as PDF or Excel, at a commune or at the hub."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.cli.common import EXIT_OK, command, emit
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    report = command(sub, common, "report", _("báo cáo (PDF hoặc Excel)"), report_)
    report.add_argument("name", help=_("tên báo cáo, hoặc list để xem danh sách"))
    report.add_argument("--as-of", type=date.fromisoformat, help=_("tính đến ngày (YYYY-MM-DD), mặc định hôm nay"))
    report.add_argument("--format", choices=("pdf", "xlsx"), default="pdf")
    report.add_argument("--out", help=_("tệp kết quả"))
    report.add_argument("--commune", help=_("chỉ một xã"))


def report_(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.services.reports import find_report

    office = services.offices.this_office()
    if args.name == "list":
        infos = [r for r in services.reports.available() if office.kind == "hub" or not r.hub_only]
        emit(args, [{"name": r.name, "title": _(r.title), "hub_only": r.hub_only} for r in infos],
             "\n".join(f"{r.name}\t{_(r.title)}" for r in infos))
        return EXIT_OK
    info = find_report(args.name)
    if not args.out:
        raise KbangError(i18n.N_("Cần ghi tệp kết quả: --out TỆP.{format}"), format=args.format)
    from kbang_desktop.documents.reports import write_report

    as_of = args.as_of or services.ctx.today()
    peers = ()
    if info.name == "data-completeness" and office.kind == "hub":
        from kbang_desktop.sync.exchange import status

        peers = status(services)
    report = services.reports.build(info.name, as_of, args.commune, peers)
    pages = write_report(report, args.format, Path(args.out), office.name)
    rows = sum(len(s.rows) for s in report.sections)
    emit(args, {"report": info.name, "file": args.out, "format": args.format, "rows": rows,
                "pages" if args.format == "pdf" else "sheets": pages},
         _("Đã ghi báo cáo \"{title}\" vào {path}.").format(title=_(info.title), path=args.out))
    return EXIT_OK
