"""Recognition certificates (giấy công nhận) drawn from a template, one page each, in one PDF.

The wording, sizes and positions come from the template (data, see core/templates.py); this module
only lays them out (`layout_certificate`: a `Page` of drawing operations, documents/pdf.py) and draws
them into a PDF. The window's printer paints the same pages (ui/shared/printing.py) through
`issue_decision`, so what is printed and recorded is what "Lưu PDF" would save and record. Serial
numbers, the print log and the signed QR record come from CertificateService.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas

from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.templates import CertificateTemplate, authority_fields
from kbang_desktop.documents.fonts import family
from kbang_desktop.documents.pdf import (
    Op,
    Page,
    PageImage,
    Rule,
    draw_page,
    layout_lines,
    qr_code,
    save_pdf,
    style_file,
    style_font,
    wrap,
)
from kbang_desktop.i18n import N_
from kbang_desktop.services.certificates import RECORD_PREFIX, CertificateService, CertificateSheet
from kbang_desktop.services.paperwork import Completions

RECORDS_KEY = "kbang-certificates:"


@dataclass(frozen=True, slots=True)
class PrintResult:
    path: Path | None  # None: sent to a printer
    pages: int
    serials: list[int]
    reprints: int

    def as_json(self) -> dict:
        return {"pages": self.pages, "serials": self.serials, "file": str(self.path) if self.path else None,
                "reprints": self.reprints}


def sheet_fields(template: CertificateTemplate, sheet: CertificateSheet) -> dict[str, str]:
    """The fields of one certificate: the sheet's, the model's wording, and what follows from who decides."""
    wording = template.models[sheet.model_kind]
    fields = {**sheet.fields, "model_title": wording["title"], "subject": wording["subject"].format(**sheet.subject)}
    if template.kind == "recognition":
        fields["recognition"] = wording["recognition"].format(**sheet.subject, model_title=wording["title"],
                                                              model_year=fields.get("model_year", ""))
        fields.update(authority_fields(template.authority, fields.get("issuer_unit_name", "")))
    return fields


def layout_certificate(template: CertificateTemplate, sheet: CertificateSheet) -> Page:
    """One certificate laid out (pure): background, text blocks with their rules, QR code; every line
    break and position decided here, for the PDF and the printer alike."""
    fonts = family(template.font)
    width_mm, height_mm = template.size_mm
    ops: list[Op] = []
    if template.background is not None:
        ops.append(PageImage(template.background, 0, 0, width_mm * mm, height_mm * mm))
    values = sheet_fields(template, sheet)
    for block in template.blocks:
        font = style_font(fonts, block.style)
        # strip: a line left empty by a field (no "TM. ỦY BAN NHÂN DÂN" when the Chairman decides) is dropped
        lines = wrap(block.text.format(**values).strip("\n"), font, block.size, block.width * mm)
        x, top = block.x * mm, block.y * mm
        runs = layout_lines(lines, x, top, font, style_file(fonts, block.style), block.size, block.align,
                            block.leading)
        ops += runs
        if block.rule != "none":
            widths = [run.width for run in runs]
            length = max(widths) / 3 if block.rule == "short" else widths[-1]
            centre = x if block.align == "center" else x + length / 2 if block.align == "left" else x - length / 2
            rule_y = top + (len(lines) - 1) * block.size * block.leading + block.size * 0.45 + 1.5
            ops.append(Rule(centre - length / 2, rule_y, centre + length / 2, rule_y, 0.6))
    if template.qr is not None:
        ops.append(qr_code(sheet.record, template.qr.x * mm, template.qr.y * mm, template.qr.size * mm))
    return Page(width_mm * mm, height_mm * mm, tuple(ops))


def certificate_keywords(sheets: list[CertificateSheet]) -> str:
    """The signed records, ASCII only, in the PDF's keywords so that `verify FILE.pdf` reads them back."""
    return RECORDS_KEY + " ".join(base64.urlsafe_b64encode(s.record.encode("utf-8")).decode("ascii") for s in sheets)


def records_in_pdf(data: bytes) -> list[str]:
    """The verification records that `print_decision` put in a PDF's keywords."""
    found = re.search(rb"/Keywords \(" + re.escape(RECORDS_KEY.encode()) + rb"([A-Za-z0-9_\-= ]*)\)", data)
    if not found:
        return []
    records = []
    for token in found.group(1).split():
        try:
            records.append(base64.urlsafe_b64decode(token).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
    return records


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def records_in_image(path: Path) -> list[str]:
    """The verification records in the QR codes of a photo or scan of certificates."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    except (OSError, UnidentifiedImageError, ValueError) as error:
        raise KbangError(N_("Không đọc được ảnh {path} ({error})."), path=str(path), error=type(error).__name__) from None
    return [code.text for code in found if code.valid and code.text.startswith(RECORD_PREFIX.strip())]


def render(template: CertificateTemplate, sheets: list[CertificateSheet], out: Path,
           check: Callable[[], None] = lambda: None) -> int:
    """Draw the sheets into one PDF at `out` (written all or nothing); return the number of pages.
    `check()` is called before each sheet and may raise to stop (nothing is written then)."""
    fonts = family(template.font)
    width_mm, height_mm = template.size_mm

    def draw(c: pdfcanvas.Canvas) -> None:
        images: dict = {}
        for sheet in sheets:
            check()
            draw_page(c, layout_certificate(template, sheet), images)
            c.showPage()

    records = [s for s in sheets if s.record]
    return save_pdf(out, draw, (width_mm * mm, height_mm * mm), fonts, template.title,
                    keywords=certificate_keywords(records) if records else "")


def issue_decision(certificates: CertificateService, decision_id: str,
                   output: Callable[[CertificateTemplate, list[CertificateSheet]], int],
                   template_name: str = "a4-landscape", reason: str = "", record: bool = True,
                   check: Callable[[], None] = lambda: None, path: Path | None = None) -> PrintResult:
    """The certificates of a decision handed to `output(template, sheets)`, which draws them somewhere
    (a PDF file, a printer) and returns the pages drawn; the print log is kept only if it returned.
    `check()` may raise to stop (a cancel): it is called once more before the print log is kept, so a
    cancelled print leaves no line in the log and no serial used."""
    template = certificates.template(template_name)
    if template.kind != "recognition":
        raise KbangError(N_("Mẫu {name} không phải mẫu giấy công nhận."), name=template_name)

    def draw(sheets: list[CertificateSheet]) -> PrintResult:
        pages = output(template, sheets)
        check()
        return PrintResult(path, pages, [s.serial for s in sheets], sum(s.reprint for s in sheets))

    return certificates.print_decision(decision_id, draw, reason=reason, record=record)


def print_decision(certificates: CertificateService, decision_id: str, out: Path, template_name: str = "a4-landscape",
                   reason: str = "", record: bool = True, check: Callable[[], None] = lambda: None) -> PrintResult:
    """Print the certificates of a decision into the PDF `out` ("Lưu PDF"); the print log is kept only
    if the file was written. `check()` may raise to stop (a cancel), while the pages are drawn and once
    more before the print log is kept."""
    if out.suffix.lower() != ".pdf":
        raise KbangError(N_("Tệp in phải có đuôi .pdf: {path}"), path=str(out))
    return issue_decision(certificates, decision_id, lambda template, sheets: render(template, sheets, out, check),
                          template_name, reason, record, check, out)


def print_completions(certificates: CertificateService, data: Completions, out: Path,
                      template_name: str = "literacy-a5-landscape") -> int:
    """One literacy completion certificate per learner who completed the class's phase."""
    template = certificates.template(template_name)
    if template.kind != "literacy":
        raise KbangError(N_("Mẫu {name} không phải mẫu giấy chứng nhận xóa mù chữ."), name=template_name)
    heading = data.heading
    common = {"issuer_body": "ỦY BAN NHÂN DÂN", "issuer_unit": heading.issuer_unit,
              "issuer_unit_name": heading.issuer_name, "place_date": heading.place_date,
              "signer_for": "TM. ỦY BAN NHÂN DÂN", "signer_title": "\n".join(heading.signer_title),
              "signer_name": heading.signer_name, "class_name": data.class_name, "centre_name": data.centre_name}
    sheets = [CertificateSheet(row.person_id, f"phase{data.phase}", 0, 0, "", "", False,
                               {**common, "birth": ("Sinh năm " if len(row.birth) == 4 else "Sinh ngày ") + row.birth, "address": row.address,
                                "completed_date": row.completed_on.strftime("%d/%m/%Y") if row.completed_on else ""},
                               {"name": row.name, "honorific": row.honorific,
                                "honorific_lower": row.honorific.lower()})
              for row in data.rows]
    return render(template, sheets, out)
