"""`kbang certificates`: print a decision's certificates, verify one, and the certificate templates."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.cli.common import EXIT_FAILED, EXIT_OK, command, emit, group
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    certificates = group(sub, common, "certificates", _("giấy công nhận"))
    p = command(certificates, common, "print", _("in giấy công nhận của một quyết định"), print_)
    p.add_argument("--decision", required=True, help=_("mã quyết định (xem kbang decisions list)"))
    p.add_argument("--out", required=True, help=_("tệp PDF"))
    p.add_argument("--template", default="a4-landscape", help=_("mẫu giấy (a4-landscape, a5-landscape hoặc mẫu riêng)"))
    p.add_argument("--reason", default="", help=_("lý do in lại"))
    p = command(certificates, common, "verify", _("kiểm tra giấy công nhận thật hay giả"), verify)
    p.add_argument("code", help=_("mã xác minh, nội dung mã QR, hoặc tệp (ảnh chụp, PDF hoặc văn bản)"))
    command(certificates, common, "templates", _("các mẫu giấy công nhận"), templates)
    p = command(certificates, common, "template-show", _("xuất một mẫu ra JSON để sửa"), template_show)
    p.add_argument("name")
    p.add_argument("--out", help=_("tệp JSON"))
    p = command(certificates, common, "template-save", _("lưu mẫu đã sửa (quản trị)"), template_save)
    p.add_argument("file", help=_("tệp JSON của mẫu"))
    p.add_argument("--background", help=_("ảnh nền PNG hoặc JPEG của giấy in sẵn"))


def print_(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents import certificates as docs

    result = docs.print_decision(services.certificates, args.decision, Path(args.out), args.template, args.reason)
    emit(args, result.as_json(), _("Đã in {pages} giấy công nhận vào {path} (số vào sổ {first} đến {last}).").format(
        pages=result.pages, path=result.path, first=min(result.serials), last=max(result.serials)))
    return EXIT_OK


def verify(args: argparse.Namespace, services: Any) -> int:
    texts = verification_inputs(args.code)
    results = [services.certificates.verify(text) for text in texts]
    data = [{"status": r.status, "genuine": r.genuine, "message": r.text(), **r.details} for r in results]
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
    emit(args, data[0] if len(data) == 1 else data, "\n".join(lines))
    return EXIT_OK if all(r.genuine for r in results) else EXIT_FAILED


def verification_inputs(code: str) -> list[str]:
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


def templates(args: argparse.Namespace, services: Any) -> int:
    names = services.certificates.template_names()
    emit(args, [{"name": n, "built_in": b} for n, b in names],
         "\n".join(f"{n}\t{_('có sẵn') if b else _('mẫu riêng của đơn vị')}" for n, b in names))
    return EXIT_OK


def template_show(args: argparse.Namespace, services: Any) -> int:
    text = services.certificates.template_json(args.name)
    if args.out:
        from kbang_desktop.storage.files import write_atomic

        write_atomic(Path(args.out), text.encode("utf-8"))
        emit(args, {"file": args.out}, _("Đã ghi mẫu vào {path}.").format(path=args.out))
    else:
        print(text)
    return EXIT_OK


def template_save(args: argparse.Namespace, services: Any) -> int:
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
    emit(args, {"name": template.name}, _("Đã lưu mẫu {name}.").format(name=template.name))
    return EXIT_OK
