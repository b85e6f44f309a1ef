"""`kbang decisions`: recognition decisions and the list attached to each."""

from __future__ import annotations

import argparse
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.cli.common import EXIT_OK, command, emit, group, pdf_path
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    decisions = group(sub, common, "decisions", _("quyết định công nhận"))
    p = command(decisions, common, "list", _("các quyết định, mới nhất trước"), list_)
    p.add_argument("--year", type=int)
    p = command(decisions, common, "annex", _("danh sách kèm theo quyết định (PDF)"), annex)
    p.add_argument("--decision", required=True)
    p.add_argument("--out", required=True, help=_("tệp PDF"))


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
    pages = annex_pdf(data, pdf_path(args.out))
    emit(args, {"pages": pages, "rows": len(data.rows), "file": args.out},
         _("Đã ghi danh sách {rows} dòng, {pages} trang vào {path}.").format(rows=len(data.rows), pages=pages,
                                                                         path=args.out))
    return EXIT_OK
