"""Benchmarks of documents (issue 4). Not part of the test run; see bench/README.md.

  python bench/documents_bench.py [--certificates 1000] [--hub /path/to/hub.db] [--rows 10000]

(f) 1,000 recognition certificates in one PDF through the template engine (documents/certificates.py),
    against plain ReportLab canvas code that draws the same text at the same places on the same
    pages, in the same run: once with the same QR codes (encoded and drawn by the plain code
    itself) and once with text only. Plus the end-to-end `print_decision` of a demo
    decision (database, serials, print log, signing, PDF) per certificate.
(g) every report over the hub database given with --hub (the 1.35-million-person hub of
    `bench/run.py`), PDF and XLSX, wall time of build + write; target under 10 s each.
(h) importing a --rows-row spreadsheet of people into a fresh commune: reading the workbook and
    the import (checks, duplicates, one transaction), against openpyxl only reading the same file.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import zxingcpp
from PIL import Image
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as pdfcanvas

from kbang_desktop import i18n
from kbang_desktop.documents import certificates as docs
from kbang_desktop.documents.fonts import family
from kbang_desktop.documents.pdf import qr_image
from kbang_desktop.services.certificates import CertificateSheet, sign_record
from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import open_services
from kbang_desktop.storage import keys as K

RESULTS = Path(__file__).parent / "results"


def _sheets(count: int) -> list[CertificateSheet]:
    keys = K.generate("bench-site")
    names = ["Đinh Văn Hmưk", "Rơ Châm Hlim", "Kpă Thị Bŏk", "Nguyễn Văn Ơn", "Ksor Thị Ŭt"]
    sheets = []
    for n in range(1, count + 1):
        name = f"{names[n % len(names)]} {n}"
        payload = {"c": f"ABCD-EFGH-{n:04d}", "d": "15/QĐ-UBND", "dd": "2026-02-05", "k": "household", "m": 2025,
                   "n": n, "o": "office-0000-0000-0000-000000000000", "s": "bench-site", "t": name,
                   "u": "xã Kông Bơ La", "y": 2026}
        fields = {"issuer_body": "ỦY BAN NHÂN DÂN", "issuer_unit": "XÃ KÔNG BƠ LA", "issuer_unit_name": "xã Kông Bơ La",
                  "model_year": "2025", "decision_number": "15/QĐ-UBND", "decision_date": "ngày 05 tháng 02 năm 2026",
                  "place_date": "Kông Bơ La, ngày 05 tháng 02 năm 2026", "signer_for": "TM. ỦY BAN NHÂN DÂN",
                  "signer_title": "CHỦ TỊCH", "signer_name": "Nguyễn Văn Hùng", "year": "2026",
                  "address": "Làng Kon Kơ Tu, xã Kông Bơ La, tỉnh Gia Lai", "serial": str(n),
                  "code": payload["c"]}
        sheets.append(CertificateSheet(f"id{n}", "household", n, 2026, payload["c"], sign_record(keys, payload), False,
                                       fields, {"name": name, "honorific": "Ông", "honorific_lower": "ông"}))
    return sheets


def _plain(sheets: list[CertificateSheet], out: Path, with_qr: bool) -> None:
    """What a programmer would write by hand for the A4 landscape certificate: fixed positions, no template."""
    fonts = family("Times New Roman")
    width, height = 297 * mm, 210 * mm
    c = pdfcanvas.Canvas(str(out), pagesize=(width, height), initialFontName=fonts.regular, pageCompression=1)

    def centred(text: str, x: float, y: float, font: str, size: float) -> None:
        c.setFont(font, size)
        c.drawCentredString(x * mm, height - y * mm, text)

    for s in sheets:
        f = s.fields
        centred("ỦY BAN NHÂN DÂN", 70, 22, fonts.bold, 13)
        centred(f["issuer_unit"], 70, 28.5, fonts.bold, 13)
        c.line(62 * mm, height - 31 * mm, 78 * mm, height - 31 * mm)
        centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 205, 22, fonts.bold, 13)
        centred("Độc lập - Tự do - Hạnh phúc", 205, 28.5, fonts.bold, 14)
        c.line(175 * mm, height - 31 * mm, 235 * mm, height - 31 * mm)
        centred("GIẤY CÔNG NHẬN", 148.5, 64, fonts.bold, 36)
        centred(f"GIA ĐÌNH HỌC TẬP NĂM {f['model_year']}", 148.5, 79, fonts.bold, 22)
        centred(f"Hộ gia đình {s.subject['honorific_lower']} {s.subject['name']}", 148.5, 98, fonts.bold, 20)
        centred(f["address"], 148.5, 108, fonts.regular, 15)
        centred(f"Theo Quyết định số {f['decision_number']} {f['decision_date']} của Chủ tịch Ủy ban nhân dân "
                f"{f['issuer_unit_name']}", 148.5, 121, fonts.regular, 14)
        centred(f["place_date"], 215, 142, fonts.italic, 14)
        centred(f["signer_for"], 215, 149, fonts.bold, 13)
        centred(f["signer_title"], 215, 155.5, fonts.bold, 13)
        centred(f["signer_name"], 215, 186, fonts.bold, 14)
        c.setFont(fonts.regular, 13)
        c.drawString(28 * mm, height - 146 * mm, f"Số vào sổ: {f['serial']}/{f['year']}")
        c.setFont(fonts.regular, 9)
        c.drawString(28 * mm, height - 191 * mm, f"Mã xác minh: {f['code']}")
        if with_qr:
            code = zxingcpp.create_barcode(s.record, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
            pixels = code.to_image(scale=1, add_quiet_zones=True)
            image = Image.frombytes("L", (pixels.shape[1], pixels.shape[0]), bytes(pixels))
            c.drawImage(ImageReader(image), 28 * mm, height - 184 * mm, 34 * mm, 34 * mm)
        c.showPage()
    c.save()


def _timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_certificates(count: int, work: Path, repeat: int) -> dict:
    sheets = _sheets(count)
    services = open_services(work / "cert.db", Actor("os:bench", "admin"))
    services.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La")
    template = services.certificates.template("a4-landscape")
    family("Times New Roman")  # fonts registered before timing, as in a running application
    ours = _timed(lambda: docs.render(template, sheets, work / "ours.pdf"), repeat)
    plain_qr = _timed(lambda: _plain(sheets, work / "plain_qr.pdf", True), repeat)
    plain_text = _timed(lambda: _plain(sheets, work / "plain.pdf", False), repeat)
    qr_only = _timed(lambda: [qr_image(s.record) for s in sheets], 1)
    from kbang_desktop.services.demo import DemoService

    DemoService(services.ctx).generate(communes=1, people_per_commune=3000, seed=1)
    decision, entries = max(services.models.decisions(), key=lambda d: d[1])
    start = time.perf_counter()
    result = docs.print_decision(services.certificates, decision.id, work / "decision.pdf")
    end_to_end = time.perf_counter() - start
    services.ctx.db.close()
    return {"certificates": count, "ours_s": round(ours, 2), "plain_with_qr_s": round(plain_qr, 2),
            "plain_text_only_s": round(plain_text, 2), "qr_encoding_s": round(qr_only, 2),
            "ratio_vs_plain_with_qr": round(ours / plain_qr, 2), "ratio_vs_plain_text_only": round(ours / plain_text, 2),
            "pdf_mb": round((work / "ours.pdf").stat().st_size / 1e6, 2),
            "plain_pdf_mb": round((work / "plain_qr.pdf").stat().st_size / 1e6, 2),
            "print_decision_entries": result.pages, "print_decision_s": round(end_to_end, 2),
            "print_decision_ms_per_certificate": round(1000 * end_to_end / max(result.pages, 1), 1)}


def bench_reports(hub: Path, work: Path) -> dict:
    from kbang_desktop.documents.reports import write_report
    from kbang_desktop.sync.exchange import status

    services = open_services(hub, Actor("os:bench", "admin"), create=False)
    as_of = date(2026, 6, 30)
    figures = {}
    for info in services.reports.available():
        for fmt in ("pdf", "xlsx"):
            start = time.perf_counter()
            peers = status(services) if info.name == "data-completeness" else ()
            report = services.reports.build(info.name, as_of, peers=peers)
            built = time.perf_counter() - start
            write_report(report, fmt, work / f"{info.name}.{fmt}", "Hub")
            figures[f"{info.name}.{fmt}"] = {"build_s": round(built, 2),
                                             "total_s": round(time.perf_counter() - start, 2),
                                             "rows": sum(len(s.rows) for s in report.sections)}
            print(info.name, fmt, figures[f"{info.name}.{fmt}"], flush=True)
    services.ctx.db.close()
    return figures


def bench_import(rows: int, work: Path) -> dict:
    from openpyxl import load_workbook

    from kbang_desktop.documents.excel import read_sheet, write_persons
    from kbang_desktop.services.demo import DemoService

    source = open_services(work / "source.db", Actor("os:bench", "admin"))
    source.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La")
    DemoService(source.ctx).generate(communes=1, people_per_commune=rows, seed=7)
    headers, table = source.person_import.export_rows(sensitive=True)
    source.ctx.db.close()
    path = work / "people.xlsx"
    write_persons(path, headers, table[:rows], "Danh sách")
    start = time.perf_counter()
    book = load_workbook(path, data_only=True)
    raw = sum(1 for _ in book.active.iter_rows(values_only=True))
    openpyxl_only = time.perf_counter() - start
    target = open_services(work / "target.db", Actor("os:bench", "admin"))
    target.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La")
    start = time.perf_counter()
    sheet_rows, found = read_sheet(path)
    read = time.perf_counter() - start
    outcome = target.person_import.import_rows(sheet_rows, found, skip_invalid=True)
    total = time.perf_counter() - start
    target.ctx.db.close()
    return {"rows": rows, "xlsx_mb": round(path.stat().st_size / 1e6, 2), "openpyxl_read_only_s": round(openpyxl_only, 2),
            "read_sheet_s": round(read, 2), "import_total_s": round(total, 2), "created": outcome.created,
            "invalid_rows": outcome.skipped, "rows_per_s": round(raw / total),
            "ratio_vs_openpyxl_read": round(total / openpyxl_only, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hub", type=Path, help="hub database of bench/run.py (skips (g) when not given)")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    i18n.setup("vi")
    results: dict = {"date": date.today().isoformat()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results["certificates"] = bench_certificates(args.certificates, work, args.repeat)
        print(json.dumps(results["certificates"], indent=1), flush=True)
        results["import"] = bench_import(args.rows, work)
        print(json.dumps(results["import"], indent=1), flush=True)
        if args.hub:
            results["reports"] = bench_reports(args.hub, work)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"documents-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"saved {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
