"""`kbang import persons` and `kbang export persons`: people from and to Excel."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.cli.common import EXIT_FAILED, EXIT_OK, command, emit, group
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    importer = group(sub, common, "import", _("nhập từ Excel"))
    p = command(importer, common, "persons", _("nhập danh sách người từ tệp .xlsx"), import_persons)
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help=_("chỉ kiểm tra, không lưu"))
    p.add_argument("--skip-invalid", action="store_true", help=_("lưu các dòng hợp lệ, bỏ qua dòng có lỗi"))
    p.add_argument("--map", action="append", default=[], metavar=_("CỘT=TRƯỜNG"),
                   help=_("cột của tệp và trường nó chứa, ví dụ \"Tên=full_name\""))
    p.add_argument("--update", action="store_true",
                   help=_("sửa những người đã có theo tệp (theo mã người, hoặc theo tên, năm sinh và thôn, làng)"))
    p.add_argument("--create-villages", action="store_true",
                   help=_("tạo các thôn, làng mà xã chưa có (mặc định: báo lỗi ở những dòng đó)"))
    exporter = group(sub, common, "export", _("xuất ra Excel"))
    p = command(exporter, common, "persons", _("xuất danh sách người ra tệp .xlsx"), export_persons)
    p.add_argument("--out", required=True)
    p.add_argument("--commune", help=_("chỉ một xã"))
    p.add_argument("--sensitive", action="store_true",
                   help=_("kèm số định danh và khuyết tật (dữ liệu nhạy cảm; chỉ khi thật cần)"))


def export_persons(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.excel import write_persons

    headers, rows = services.person_import.export_rows(args.commune, args.sensitive)
    count = write_persons(Path(args.out), headers, rows, _("Danh sách người"))
    emit(args, {"file": args.out, "rows": count, "columns": headers},
         _("Đã xuất {n} người vào {path}.").format(n=i18n.format_number(count), path=args.out))
    return EXIT_OK


def import_persons(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.excel import read_sheet
    from kbang_desktop.services.person_import import parse_mapping

    rows, headers = read_sheet(Path(args.file), parse_mapping(args.map))
    outcome = services.person_import.import_rows(rows, headers, dry_run=args.dry_run, skip_invalid=args.skip_invalid,
                                                 source=args.file, update=args.update,
                                                 create_villages=args.create_villages)
    errors = [{"row": e.row, "column": e.column, "message": _(e.message).format(**e.params)} for e in outcome.errors]
    data = {"status": outcome.status, "rows": outcome.rows, "created": outcome.created, "updated": outcome.updated,
            "unchanged": outcome.unchanged, "duplicates": len(outcome.duplicates), "errors": errors,
            "duplicate_rows": list(outcome.duplicates), "changes": [c.as_json() for c in outcome.changes],
            "new_villages": [{"village": v, "commune": c} for v, c in outcome.new_villages], "columns": headers}
    lines = [f"{_('Dòng')} {e['row']}, {_('cột')} \"{e['column']}\": {e['message']}" for e in errors]
    lines += [_("Dòng {row}: {name} ({year}) có vẻ đã có, không thêm lần nữa.").format(
        row=d["row"], name=d["full_name"], year=d["birth_year"]) for d in outcome.duplicates]
    if not args.update and any("existing_id" in d for d in outcome.duplicates):
        lines.append(_("Để sửa những người đã có theo tệp, nhập lại với --update."))
    for change in outcome.changes:
        lines.append(_("Dòng {row}: {name} ({id})").format(row=change.row, name=change.full_name, id=change.person_id))
        lines += [f"    {f.column}: {f.old or '—'} → {f.new or '—'}" for f in change.fields]
    if outcome.new_villages:
        lines.append(_("Thôn, làng mới (xã chưa có): {names}.").format(names="; ".join(
            _("{village} (xã {commune})").format(village=v, commune=c) for v, c in outcome.new_villages)))
    summary = {"imported": _("Đã nhập {rows} dòng: thêm {created} người, sửa {updated} người, {unchanged} người không "
                             "đổi."),
               "dry-run": _("Kiểm tra xong {rows} dòng: sẽ thêm {created} người, sửa {updated} người, {unchanged} "
                            "người không đổi; chưa lưu gì."),
               "rejected": _("Không nhập: có {n} lỗi. Sửa tệp rồi nhập lại, hoặc dùng --skip-invalid.")}[outcome.status]
    lines.append(summary.format(created=i18n.format_number(outcome.created), rows=i18n.format_number(outcome.rows),
                                updated=i18n.format_number(outcome.updated),
                                unchanged=i18n.format_number(outcome.unchanged), n=len(errors)))
    emit(args, data, "\n".join(lines))
    return EXIT_FAILED if outcome.status == "rejected" else EXIT_OK
