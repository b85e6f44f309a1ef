"""`kbang certificates`, `kbang annex`, `kbang literacy-docs`, `kbang report`, `kbang import/export persons`."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import gettext as _

EXIT_OK, EXIT_FAILED = 0, 1


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    from kbang_desktop.cli.main import _emit as emit

    emit(args, data, text)


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: type, literacy_sub: Any,
                decisions_sub: Any) -> None:
    p = decisions_sub.add_parser("annex", parents=[common], help=_("danh sách kèm theo quyết định (PDF)"))
    p.add_argument("--decision", required=True)
    p.add_argument("--out", required=True, help=_("tệp PDF"))
    for name, text in (("completions", _("danh sách học viên hoàn thành giai đoạn (PDF)")),
                       ("certificates", _("giấy chứng nhận hoàn thành cho từng học viên (PDF)"))):
        p = literacy_sub.add_parser(name, parents=[common], help=text)
        p.add_argument("--class", dest="class_id", required=True, help=_("mã lớp xóa mù chữ"))
        p.add_argument("--out", required=True, help=_("tệp PDF"))
        p.add_argument("--on", type=date.fromisoformat, help=_("ngày ghi trên giấy (YYYY-MM-DD)"))
        p.add_argument("--signer", default="", help=_("họ và tên người ký"))
        if name == "certificates":
            p.add_argument("--template", default="literacy-a5-landscape")
    importer = sub.add_parser("import", parents=[common], help=_("nhập từ Excel"))
    importer_sub = importer.add_subparsers(dest="import_command", parser_class=parser_class, required=True)
    p = importer_sub.add_parser("persons", parents=[common], help=_("nhập danh sách người từ tệp .xlsx"))
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help=_("chỉ kiểm tra, không lưu"))
    p.add_argument("--skip-invalid", action="store_true", help=_("lưu các dòng hợp lệ, bỏ qua dòng có lỗi"))
    p.add_argument("--map", action="append", default=[], metavar=_("CỘT=TRƯỜNG"),
                   help=_("cột của tệp và trường nó chứa, ví dụ \"Tên=full_name\""))
    exporter = sub.add_parser("export", parents=[common], help=_("xuất ra Excel"))
    exporter_sub = exporter.add_subparsers(dest="export_command", parser_class=parser_class, required=True)
    p = exporter_sub.add_parser("persons", parents=[common], help=_("xuất danh sách người ra tệp .xlsx"))
    p.add_argument("--out", required=True)
    p.add_argument("--commune", help=_("chỉ một xã"))
    p.add_argument("--sensitive", action="store_true",
                   help=_("kèm số định danh và khuyết tật (dữ liệu nhạy cảm; chỉ khi thật cần)"))

    report = sub.add_parser("report", parents=[common], help=_("báo cáo (PDF hoặc Excel)"))
    report.add_argument("name", help=_("tên báo cáo, hoặc list để xem danh sách"))
    report.add_argument("--as-of", type=date.fromisoformat, help=_("tính đến ngày (YYYY-MM-DD), mặc định hôm nay"))
    report.add_argument("--format", choices=("pdf", "xlsx"), default="pdf")
    report.add_argument("--out", help=_("tệp kết quả"))
    report.add_argument("--commune", help=_("chỉ một xã"))

    certificates = sub.add_parser("certificates", parents=[common], help=_("giấy công nhận"))
    certificates_sub = certificates.add_subparsers(dest="certificates_command", parser_class=parser_class, required=True)
    p = certificates_sub.add_parser("print", parents=[common], help=_("in giấy công nhận của một quyết định"))
    p.add_argument("--decision", required=True, help=_("mã quyết định (xem kbang decisions list)"))
    p.add_argument("--out", required=True, help=_("tệp PDF"))
    p.add_argument("--template", default="a4-landscape", help=_("mẫu giấy (a4-landscape, a5-landscape hoặc mẫu riêng)"))
    p.add_argument("--reason", default="", help=_("lý do in lại"))
    p = certificates_sub.add_parser("verify", parents=[common], help=_("kiểm tra giấy công nhận thật hay giả"))
    p.add_argument("code", help=_("mã xác minh, nội dung mã QR, hoặc tệp (ảnh chụp, PDF hoặc văn bản)"))
    p = certificates_sub.add_parser("templates", parents=[common], help=_("các mẫu giấy công nhận"))
    p = certificates_sub.add_parser("template-show", parents=[common], help=_("xuất một mẫu ra JSON để sửa"))
    p.add_argument("name")
    p.add_argument("--out", help=_("tệp JSON"))
    p = certificates_sub.add_parser("template-save", parents=[common], help=_("lưu mẫu đã sửa (quản trị)"))
    p.add_argument("file", help=_("tệp JSON của mẫu"))
    p.add_argument("--background", help=_("ảnh nền PNG hoặc JPEG của giấy in sẵn"))


def dispatch(args: argparse.Namespace, services: Any) -> int | None:
    """Run a documents command; None when `args.command` is not one of them."""
    if args.command == "certificates":
        return _certificates(args, services)
    if args.command == "report":
        return _report(args, services)
    if args.command == "import":
        return _import_persons(args, services)
    if args.command == "export":
        from kbang_desktop.documents.excel import write_persons

        headers, rows = services.person_import.export_rows(args.commune, args.sensitive)
        count = write_persons(Path(args.out), headers, rows, _("Danh sách người"))
        _emit(args, {"file": args.out, "rows": count, "columns": headers},
              _("Đã xuất {n} người vào {path}.").format(n=i18n.format_number(count), path=args.out))
        return EXIT_OK
    if args.command == "decisions" and args.decisions_command == "annex":
        from kbang_desktop.documents.lists import annex_pdf

        annex = services.paperwork.annex(args.decision)
        pages = annex_pdf(annex, _pdf_path(args.out))
        _emit(args, {"pages": pages, "rows": len(annex.rows), "file": args.out},
              _("Đã ghi danh sách {rows} dòng, {pages} trang vào {path}.").format(rows=len(annex.rows), pages=pages,
                                                                              path=args.out))
        return EXIT_OK
    if args.command == "literacy" and args.literacy_command in ("completions", "certificates"):
        return _literacy(args, services)
    return None


def _pdf_path(text: str) -> Path:
    if not text.lower().endswith(".pdf"):
        raise KbangError(i18n.N_("Tệp in phải có đuôi .pdf: {path}"), path=text)
    return Path(text)


def _literacy(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.certificates import print_completions
    from kbang_desktop.documents.lists import completions_pdf

    data = services.paperwork.completions(args.class_id, on=args.on, signer_name=args.signer)
    if not data.rows:
        raise KbangError(i18n.N_("Lớp {name} chưa có học viên nào hoàn thành giai đoạn {phase}."),
                         name=data.class_name, phase=data.phase)
    out = _pdf_path(args.out)
    if args.literacy_command == "completions":
        pages = completions_pdf(data, out)
    else:
        pages = print_completions(services.certificates, data, out, args.template)
    _emit(args, {"pages": pages, "learners": len(data.rows), "file": args.out},
          _("Đã ghi {learners} học viên, {pages} trang vào {path}.").format(learners=len(data.rows), pages=pages,
                                                                           path=args.out))
    return EXIT_OK


def _certificates(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents import certificates as docs

    command = args.certificates_command
    if command == "print":
        result = docs.print_decision(services.certificates, args.decision, Path(args.out), args.template, args.reason)
        _emit(args, result.as_json(), _("Đã in {pages} giấy công nhận vào {path} (số vào sổ {first} đến {last}).").format(
            pages=result.pages, path=result.path, first=min(result.serials), last=max(result.serials)))
        return EXIT_OK
    if command == "verify":
        texts = _verification_inputs(args.code)
        results = [services.certificates.verify(text) for text in texts]
        data = [{"status": r.status, "genuine": r.genuine, "message": _(r.message).format(code=r.details.get("code")),
                 **r.details} for r in results]
        lines = []
        for r, item in zip(results, data, strict=True):
            line = item["message"]
            if r.details.get("recognised"):
                decision = r.details.get("decision") or {}
                decided = decision.get("date")
                try:
                    decided = i18n.format_date(date.fromisoformat(str(decided)))
                except ValueError:
                    pass  # shown as written in a record that is not genuine
                line += " " + _("{who}, số vào sổ {serial}/{year}, theo Quyết định số {number} ngày {date}.").format(
                    who=r.details["recognised"], serial=r.details.get("serial"), year=r.details.get("year"),
                    number=decision.get("number"), date=decided)
            lines.append(line)
        _emit(args, data[0] if len(data) == 1 else data, "\n".join(lines))
        return EXIT_OK if all(r.genuine for r in results) else EXIT_FAILED
    if command == "templates":
        names = services.certificates.template_names()
        _emit(args, [{"name": n, "built_in": b} for n, b in names],
              "\n".join(f"{n}\t{_('có sẵn') if b else _('mẫu riêng của đơn vị')}" for n, b in names))
        return EXIT_OK
    if command == "template-show":
        text = services.certificates.template_json(args.name)
        if args.out:
            from kbang_desktop.storage.files import write_atomic

            write_atomic(Path(args.out), text.encode("utf-8"))
            _emit(args, {"file": args.out}, _("Đã ghi mẫu vào {path}.").format(path=args.out))
        else:
            print(text)
        return EXIT_OK
    # template-save
    import base64

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
        if args.background:
            data["background"] = base64.b64encode(Path(args.background).read_bytes()).decode("ascii")
    except OSError as error:
        raise KbangError(i18n.N_("Không đọc được tệp {path}: {error}"), path=args.file, error=error.strerror) from None
    except ValueError as error:
        raise KbangError(i18n.N_("Mẫu giấy công nhận không hợp lệ: không đọc được JSON ({error})."),
                         error=str(error)) from None
    template = services.certificates.save_template(data)
    _emit(args, {"name": template.name}, _("Đã lưu mẫu {name}.").format(name=template.name))
    return EXIT_OK


def _verification_inputs(code: str) -> list[str]:
    """The records to check: the argument itself, or those in a PDF printed by Kbang, or a text file's lines."""
    from kbang_desktop.documents.certificates import IMAGE_SUFFIXES, records_in_image, records_in_pdf

    path = Path(code)
    if len(code) < 300 and path.is_file():
        if path.suffix.lower() in IMAGE_SUFFIXES:
            records = records_in_image(path)
            if not records:
                raise KbangError(i18n.N_("Không thấy mã QR của Kbang Desktop trong ảnh {path}; hãy chụp rõ hơn, thẳng "
                                         "và đủ sáng."), path=code)
            return records
        data = path.read_bytes()
        if data.startswith(b"%PDF"):
            records = records_in_pdf(data)
            if not records:
                raise KbangError(i18n.N_("Tệp {path} không chứa mã xác minh của Kbang Desktop."), path=code)
            return records
        lines = [line.strip() for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]
        if not lines:
            raise KbangError(i18n.N_("Tệp {path} không chứa mã xác minh của Kbang Desktop."), path=code)
        return lines
    return [code]


def _report(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.services.reports import find_report

    office = services.offices.this_office()
    if args.name == "list":
        infos = [r for r in services.reports.available() if office.kind == "hub" or not r.hub_only]
        _emit(args, [{"name": r.name, "title": _(r.title), "hub_only": r.hub_only} for r in infos],
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
    _emit(args, {"report": info.name, "file": args.out, "format": args.format, "rows": rows,
                 "pages" if args.format == "pdf" else "sheets": pages},
          _("Đã ghi báo cáo \"{title}\" vào {path}.").format(title=_(info.title), path=args.out))
    return EXIT_OK


def _import_persons(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.excel import read_sheet
    from kbang_desktop.services.person_import import parse_mapping

    rows, headers = read_sheet(Path(args.file), parse_mapping(args.map))
    outcome = services.person_import.import_rows(rows, headers, dry_run=args.dry_run, skip_invalid=args.skip_invalid)
    errors = [{"row": e.row, "column": e.column, "message": _(e.message).format(**e.params)} for e in outcome.errors]
    data = {"status": outcome.status, "rows": outcome.rows, "created": outcome.created,
            "duplicates": len(outcome.duplicates), "errors": errors, "duplicate_rows": list(outcome.duplicates),
            "columns": headers}
    lines = [f"{_('Dòng')} {e['row']}, {_('cột')} \"{e['column']}\": {e['message']}" for e in errors]
    lines += [_("Dòng {row}: {name} ({year}) có vẻ đã có, không thêm lần nữa.").format(
        row=d["row"], name=d["full_name"], year=d["birth_year"]) for d in outcome.duplicates]
    summary = {"imported": _("Đã nhập {created} người từ {rows} dòng."),
               "dry-run": _("Kiểm tra xong: sẽ nhập {created} người từ {rows} dòng; chưa lưu gì."),
               "rejected": _("Không nhập: có {n} lỗi. Sửa tệp rồi nhập lại, hoặc dùng --skip-invalid.")}[outcome.status]
    lines.append(summary.format(created=outcome.created, rows=outcome.rows, n=len(errors)))
    _emit(args, data, "\n".join(lines))
    return EXIT_FAILED if outcome.status == "rejected" else EXIT_OK
