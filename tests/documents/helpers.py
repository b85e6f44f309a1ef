"""Building an issued recognition decision, and reading PDFs back."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

from pypdf import PdfReader

SCORES = {"1.1": 15, "1.2": 10, "1.3": 5, "2.1": 10, "2.2": 10, "2.3": 10, "3.1": 10, "3.2": 10, "4.1": 10, "4.2": 10}
HEADS = (("Đinh Văn Hmưk", "M"), ("Đinh Thị Bŏk", "F"), ("Kpă Nguyễn Ơ", "M"))


def issued_decision(services, heads=HEADS, decided_on: date = date(2026, 2, 5), number: str = "15/QĐ-UBND",
                    year: int = 2025, issue: bool = True):
    """A decision of the commune recognising one household per head ("Làng Kon Kơ Tu")."""
    decision = services.models.create_decision("Kông Bơ La", number, decided_on, "household", year, "Nguyễn Văn Hùng")
    for name, sex in heads:
        head = services.persons.add(name, sex, "1980", "13", "Kông Bơ La", "Làng Kon Kơ Tu")
        household = services.households.add("Kông Bơ La", "Làng Kon Kơ Tu", "12", head.id)
        registration = services.models.register(year, "household", household.id, date(year, 1, 10))
        services.models.evaluate(registration.id, SCORES, date(year, 11, 1))
        services.models.add_entry(decision.id, registration.id)
    return services.models.issue(decision.id) if issue else decision


def flat(text: str) -> str:
    """Text extracted from a PDF, NFC and with runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def pdf_fonts(path: Path) -> dict[str, bool]:
    """Every font used on any page, and whether its file is embedded."""
    found = {}
    for page in PdfReader(str(path)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            found[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found
