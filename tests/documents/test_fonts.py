"""The shipped font prints every Vietnamese, Bahnar and Jrai letter, and PDFs embed it."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from kbang_desktop.documents import fonts


def test_every_letter_has_a_glyph_in_every_style():
    family = fonts.family()
    assert len(fonts.VIETNAMESE) == 12 * 2 * 6  # a ă â e ê i o ô ơ u ư y, both cases, six tones each
    for name in (family.regular, family.bold, family.italic, family.bold_italic):
        assert fonts.missing_glyphs(name) == [], name


def test_a_letter_the_font_lacks_is_reported():
    family = fonts.family()
    assert fonts.missing_glyphs(family.regular, "ắ\u4e2d") == ["\u4e2d"]


def test_times_new_roman_falls_back_to_liberation_serif_when_not_installed(monkeypatch):
    monkeypatch.setattr(fonts, "_font_dirs", list)
    fonts.family.cache_clear()
    try:
        assert fonts.family("Times New Roman").name == "LiberationSerif"
    finally:
        fonts.family.cache_clear()


def test_pdf_embeds_the_font_and_keeps_the_text():
    from pypdf import PdfReader

    family = fonts.family()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, initialFontName=family.regular)  # no standard (unembedded) font at all
    text = "Xã Kông Bơ La, làng Kon Lốc: Đinh Văn Hmưk, Rơ Châm Thị Blơng; ĕ ŏ ŭ ĭ"
    page.setFont(family.bold, 13)
    page.drawString(72, 720, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    page.setFont(family.regular, 12)
    page.drawString(72, 700, text)
    page.save()
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    extracted = reader.pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in extracted and text in extracted
    fonts_used = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts_used.values():
        font = ref.get_object()
        assert "LiberationSerif" in str(font["/BaseFont"])
        assert "/FontFile2" in font["/FontDescriptor"].get_object()  # the TrueType program is inside the PDF
