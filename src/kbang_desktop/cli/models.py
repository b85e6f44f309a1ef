"""`kbang criteria` and `kbang models`: the criteria sets, and the registrations and evaluations of a year."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from kbang_desktop.cli.common import EXIT_FAILED, EXIT_OK, command, date_arg, emit, group
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.scoring import MODEL_KINDS, parse_definition
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_, _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    criteria = group(sub, common, "criteria", _("bộ tiêu chí đánh giá mô hình học tập"))
    p = command(criteria, common, "list", _("các bộ tiêu chí"), criteria_list)
    p.add_argument("--kind", choices=MODEL_KINDS)
    p = command(criteria, common, "show", _("một bộ tiêu chí với các nội dung và điểm tối đa"), criteria_show)
    p.add_argument("id")
    p = command(criteria, common, "new-version", _("thay một bộ tiêu chí từ một ngày: phiên bản mới (quản trị viên)"),
                criteria_new_version)
    p.add_argument("id", help=_("mã bộ tiêu chí được thay"))
    p.add_argument("--file", required=True, help=_("tệp JSON: \"criteria\" (tiêu chí, nội dung, điểm tối đa) và "
                                                   "\"pass_rule\" (điều kiện đạt), như các bộ có sẵn"))
    p.add_argument("--from", dest="valid_from", type=date_arg, required=True, help=_("áp dụng từ ngày"))
    p.add_argument("--to", dest="valid_to", type=date_arg, help=_("hết hiệu lực sau ngày (mặc định: không hạn)"))
    p.add_argument("--name", default="", help=_("tên bộ mới (mặc định: tên bộ cũ)"))
    p.add_argument("--source", default="", help=_("căn cứ (mặc định: căn cứ của bộ cũ)"))
    p.add_argument("--official", action="store_true", help=_("đã đối chiếu với văn bản hiện hành: không còn là mẫu"))

    models = group(sub, common, "models", _("đăng ký và đánh giá mô hình học tập"))
    p = command(models, common, "register", _("đăng ký một hộ, dòng họ, thôn, đơn vị hoặc người cho một năm"), register)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=MODEL_KINDS, required=True)
    p.add_argument("--subject", required=True, nargs="+",
                   help=_("mã hộ, dòng họ, thôn, đơn vị hoặc người (có thể nhiều)"))
    p.add_argument("--date", type=date_arg, help=_("ngày đăng ký (mặc định: hôm nay, hoặc 01/01 của năm đăng ký)"))
    p = command(models, common, "registrations", _("các đăng ký của một năm, với kết quả đánh giá gần nhất"),
                registrations)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=MODEL_KINDS)
    p.add_argument("--village", help=_("mã hoặc tên thôn, làng"))
    p = command(models, common, "evaluate", _("chấm điểm một đăng ký theo bộ tiêu chí đang áp dụng"), evaluate)
    p.add_argument("registration")
    p.add_argument("--date", type=date_arg, required=True)
    p.add_argument("--score", action="append", default=[], metavar="CODE=POINTS",
                   help=_("điểm một nội dung, ví dụ 1.1=15 (nội dung không ghi được 0 điểm)"))
    p.add_argument("--self-assessment", action="store_true", help=_("điểm tự đánh giá"))
    p = command(models, common, "import-scores", _("nhập điểm tự đánh giá của nhiều người từ tệp Excel"), import_scores)
    p.add_argument("file", help=_("tệp .xlsx: cột Mã người (hoặc Mã đăng ký) và một cột cho mỗi mã nội dung"))
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--date", type=date_arg, required=True)
    p.add_argument("--kind", choices=MODEL_KINDS, default="citizen")
    p.add_argument("--dry-run", action="store_true", help=_("chỉ kiểm tra, không lưu"))
    p.add_argument("--skip-invalid", action="store_true", help=_("bỏ qua các dòng có lỗi, lưu các dòng đúng"))

    papers = group(models, common, "paper", _("giấy tờ của năm: danh sách đăng ký, phiếu đánh giá, biên bản bình "
                                              "xét, sổ cấp giấy công nhận, báo cáo năm (PDF hoặc Excel)"))
    out_help = _("tệp .pdf hoặc .xlsx")
    p = command(papers, common, "registrations", _("danh sách đăng ký của một thôn (hoặc cả xã) trong năm"),
                paper_registrations)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=MODEL_KINDS)
    p.add_argument("--village", help=_("mã hoặc tên thôn, làng"))
    p.add_argument("--out", required=True, help=out_help)
    p = command(papers, common, "sheets", _("phiếu đánh giá để chấm trên giấy (PDF)"), paper_sheets)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=MODEL_KINDS, required=True)
    p.add_argument("--registration", nargs="+", default=[], help=_("mã các đăng ký (mặc định: mọi đăng ký của năm)"))
    p.add_argument("--village", help=_("mã hoặc tên thôn, làng"))
    p.add_argument("--blank", action="store_true", help=_("một phiếu trống"))
    p.add_argument("--group", choices=("farmer", "worker", "official"),
                   help=_("Công dân học tập: phiếu cho nông dân, công nhân hoặc cán bộ, công chức (gợi ý minh chứng)"))
    p.add_argument("--date", type=date_arg, help=_("bộ tiêu chí áp dụng vào ngày này (mặc định: hôm nay)"))
    p.add_argument("--out", required=True, help=_("tệp PDF"))
    p = command(papers, common, "minutes", _("biên bản họp bình xét của một thôn, với danh sách đề nghị công nhận"),
                paper_minutes)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=MODEL_KINDS, required=True)
    p.add_argument("--village", help=_("mã hoặc tên thôn, làng (mặc định: cả xã)"))
    p.add_argument("--date", type=date_arg, help=_("ngày họp (mặc định: để trống, ghi tay)"))
    p.add_argument("--out", required=True, help=out_help)
    p = command(papers, common, "certificates", _("sổ theo dõi cấp giấy công nhận của năm: số vào sổ, ngày, in lại"),
                paper_certificates)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--date", type=date_arg, help=_("ngày ghi ở cuối sổ (mặc định: để trống)"))
    p.add_argument("--out", required=True, help=out_help)
    p = command(papers, common, "report", _("báo cáo năm của xã về các mô hình học tập"), paper_report)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--date", type=date_arg, help=_("ngày báo cáo, số liệu tính đến ngày này (mặc định: hôm nay)"))
    p.add_argument("--number", default="", help=_("số báo cáo, ví dụ 25/BC-UBND"))
    p.add_argument("--signer", default="", help=_("họ tên người ký"))
    p.add_argument("--signer-title", default="chairman", choices=("chairman", "vice_chairman"))
    p.add_argument("--preparer", default="", help=_("họ tên người lập biểu"))
    p.add_argument("--out", required=True, help=out_help)


def _set_json(s: Any) -> dict:
    return {"id": s.id, "kind": s.model_kind, "name": s.name, "template": s.is_template,
            "valid_from": s.effective_from.isoformat(), "valid_to": s.effective_to.isoformat() if s.effective_to else None,
            "pass_total": str(parse_definition(json.loads(s.definition)).min_total), "version": s.version,
            "source": s.legal_source}


def criteria_list(args: argparse.Namespace, services: Any) -> int:
    sets = sorted(services.criteria.list(args.kind), key=lambda s: (s.model_kind, s.effective_from, s.version))
    data = [_set_json(s) for s in sets]
    lines = [f"{d['id']}\t{d['kind']}\t{d['valid_from']}\t{d['valid_to'] or ''}\t{d['name']}"
             + (f"\t{_('MẪU')}" if d["template"] else "") for d in data]
    emit(args, data, "\n".join(lines) or _("Chưa có bộ tiêu chí nào."))
    return EXIT_OK


def criteria_show(args: argparse.Namespace, services: Any) -> int:
    found = next((s for s in services.criteria.list() if s.id == args.id), None)
    if found is None:
        raise KbangError(N_("Không tìm thấy bản ghi {id}."), id=args.id)
    raw = json.loads(found.definition)
    definition = parse_definition(raw)
    data = {**_set_json(found),
            "criteria": [{"code": c.code, "text": c.title, "max_points": str(c.max_points),
                          "min_points": str(c.min_points)} for c in definition.criteria],
            "items": [{"code": i.code, "text": i.title, "max_points": str(i.max_points), "required": i.required}
                      for c in definition.criteria for i in c.items]}
    lines = [found.name, found.legal_source, _("Đạt khi tổng điểm từ {total}.").format(total=data["pass_total"])]
    for c in definition.criteria:
        lines.append(f"{c.code}. {c.title} ({c.max_points})")
        lines.extend(f"   {i.code}\t{i.max_points}\t{i.title}" + (" *" if i.required else "") for i in c.items)
    emit(args, data, "\n".join(lines))
    return EXIT_OK


def criteria_new_version(args: argparse.Namespace, services: Any) -> int:
    try:
        definition = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as error:
        raise KbangError(N_("Không đọc được tệp {path}: {error}"), path=args.file, error=error.strerror) from None
    except ValueError as error:
        raise KbangError(N_("Không đọc được JSON: {error}"), error=str(error)) from None
    if isinstance(definition, dict) and "definition" in definition:
        definition = definition["definition"]  # a whole set as shipped in resources/criteria/
    if not isinstance(definition, dict):
        raise KbangError(N_("Bộ tiêu chí không hợp lệ: thiếu danh sách tiêu chí."))
    made = services.criteria.new_version(args.id, definition, args.valid_from, args.valid_to, args.name, args.source,
                                         False if args.official else None)
    emit(args, _set_json(made), _("Đã lưu bộ tiêu chí \"{name}\", phiên bản {version}, áp dụng từ {date}.").format(
        name=made.name, version=made.version, date=made.effective_from.strftime("%d/%m/%Y")))
    return EXIT_OK


def register(args: argparse.Namespace, services: Any) -> int:
    today = services.ctx.today()
    on = args.date or (today if today.year == args.year else date(args.year, 1, 1))
    if len(args.subject) == 1:
        made = services.models.register(args.year, args.kind, args.subject[0], on)
        emit(args, {"id": made.id}, _("Đã đăng ký: {id}").format(id=made.id))
        return EXIT_OK
    result = services.models.register_many(args.year, args.kind, args.subject, on)
    data = {"registered": [r.id for r in result.registered],
            "refused": [{"subject": r.id, "name": r.name, "message": r.problem.translated()} for r in result.refused]}
    lines = [_("Đã đăng ký {n}.").format(n=len(result.registered))] + [r.translated() for r in result.refused]
    emit(args, data, "\n".join(lines))
    return EXIT_OK if not result.refused else EXIT_FAILED


def village_of(services: Any, text: str | None) -> str | None:
    """The id of the village named (or given by id) on the command line; None for none."""
    if not text:
        return None
    villages = [u for u in services.units.list(kind="village") if text in (u.id, u.name) or fold(text) == u.name_folded]
    if not villages:
        raise KbangError(N_("Không tìm thấy thôn, làng \"{name}\"."), name=text)
    return villages[0].id


def registrations(args: argparse.Namespace, services: Any) -> int:
    rows = services.models.rows(args.year, args.kind, village_of(services, args.village))
    data = [{"id": r.registration.id, "kind": r.registration.model_kind, "subject": r.registration.subject_id,
             "name": r.name, "village": r.village, "registered_on": r.registration.registered_on.isoformat(),
             "status": r.registration.status, "result": r.result,
             "total": r.evaluation.total if r.evaluation else None,
             "evaluated_on": r.evaluation.evaluated_on.isoformat() if r.evaluation else None,
             "reasons": [{"code": p.field, "message": p.translated()} for p in r.reasons]} for r in rows]
    words = {"not_evaluated": _("chưa đánh giá"), "passed": _("đạt"), "failed": _("chưa đạt")}
    lines = [f"{d['id']}\t{d['kind']}\t{d['name']}\t{d['village']}\t{words[d['result']]}\t{d['total'] or ''}"
             for d in data]
    emit(args, data, "\n".join(lines) or _("Chưa có đăng ký nào."))
    return EXIT_OK


def parse_scores(pairs: list[str]) -> dict[str, str]:
    """CODE=POINTS pairs; a decimal comma is read as a point (7,5 = 7.5)."""
    scores = {}
    for pair in pairs:
        code, sep, points = pair.partition("=")
        if not sep or not code.strip():
            raise KbangError(N_("Điểm phải ghi dạng MÃ=ĐIỂM, ví dụ 1.1=15: \"{text}\"."), text=pair)
        scores[code.strip()] = points.strip().replace(",", ".")
    return scores


def evaluate(args: argparse.Namespace, services: Any) -> int:
    result = services.models.evaluate_explained(args.registration, parse_scores(args.score), args.date,
                                                args.self_assessment)
    data = {"id": result.evaluation.id, "total": result.total, "passed": result.passed,
            "reasons": [{"code": p.field, "message": p.translated()} for p in result.reasons]}
    text = (_("Tổng {total} điểm: đạt.") if result.passed else _("Tổng {total} điểm: chưa đạt.")).format(
        total=result.total)
    emit(args, data, "\n".join([text] + [p.translated() for p in result.reasons]))
    return EXIT_OK


def import_scores(args: argparse.Namespace, services: Any) -> int:
    from pathlib import Path

    from kbang_desktop.documents.scores import read_scores
    from kbang_desktop.i18n import gettext

    rows = read_scores(Path(args.file))
    outcome = services.score_import.import_scores(args.year, rows, args.date, args.kind, args.dry_run,
                                                  args.skip_invalid, source=args.file)
    errors = [{"row": e.row, "column": e.column, "message": gettext(e.message).format(**e.params)}
              for e in outcome.errors]
    data = {"status": outcome.status, "rows": outcome.rows, "evaluated": outcome.evaluated,
            "passed": outcome.passed, "errors": errors}
    head = {"imported": _("Đã nhập điểm của {n} dòng ({passed} đạt)."),
            "dry-run": _("Kiểm tra xong: sẽ nhập điểm của {n} dòng ({passed} đạt); chưa lưu gì."),
            "rejected": _("Không nhập: có lỗi. Sửa tệp rồi nhập lại, hoặc dùng --skip-invalid.")}[outcome.status]
    lines = [head.format(n=outcome.evaluated, passed=outcome.passed)]
    lines += [_("Dòng {row}, cột {column}: {message}").format(**e) for e in errors]
    emit(args, data, "\n".join(lines))
    return EXIT_FAILED if outcome.status == "rejected" else EXIT_OK


# --- the papers of the year ---------------------------------------------------------------------

def _paper_out(args: argparse.Namespace, formats: tuple[str, ...] = ("pdf", "xlsx")) -> Path:
    out = Path(args.out)
    if out.suffix.lower().lstrip(".") not in formats:
        if formats == ("pdf",):
            raise KbangError(N_("Tệp in phải có đuôi .pdf: {path}"), path=args.out)
        raise KbangError(N_("Tệp phải có đuôi .pdf hoặc .xlsx: {path}"), path=args.out)
    return out


def _written(args: argparse.Namespace, out: Path, count: int, rows: int) -> int:
    pdf = out.suffix.lower() == ".pdf"
    data = {"file": str(out), "format": "pdf" if pdf else "xlsx", "rows": rows, **({"pages": count} if pdf else {})}
    text = (_("Đã ghi {rows} dòng, {pages} trang vào {path}.").format(rows=rows, pages=count, path=out) if pdf
            else _("Đã ghi {rows} dòng vào {path}.").format(rows=rows, path=out))
    emit(args, data, text)
    return EXIT_OK


def paper_registrations(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.paperwork import registration_list, write

    out = _paper_out(args)
    data = services.paperwork.year_list(args.year, args.kind, village_of(services, args.village))
    return _written(args, out, write(registration_list(data), out), len(data.rows))


def paper_sheets(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.paperwork import write_sheets

    out = _paper_out(args, ("pdf",))
    sheets = services.paperwork.scoring_sheets(args.year, args.kind, args.registration,
                                               village_of(services, args.village), args.date, args.blank)
    return _written(args, out, write_sheets(sheets, out, args.group), len(sheets))


def paper_minutes(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.paperwork import review_minutes, write

    out = _paper_out(args)
    data = services.paperwork.year_list(args.year, args.kind, village_of(services, args.village))
    return _written(args, out, write(review_minutes(data, args.kind, args.date), out), len(data.proposed))


def paper_certificates(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.paperwork import certificate_register, write

    out = _paper_out(args)
    data = services.paperwork.certificate_register(args.year)
    return _written(args, out, write(certificate_register(data, args.date), out), len(data.rows))


def paper_report(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.documents.paperwork import write, year_report

    out = _paper_out(args)
    data = services.paperwork.year_report(args.year, args.date, args.number, args.signer, args.signer_title,
                                          args.preparer)
    return _written(args, out, write(year_report(data), out), sum(len(m.villages) for m in data.models))
