"""What a report is, independent of how it is drawn: sections of typed columns, totals, charts, notes.

Services fill these; documents/ draws them as PDF (with charts) or XLSX (real numbers and dates).
Labels are msgids, translated when drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

KINDS = ("text", "int", "percent", "date", "bool")


@dataclass(frozen=True, slots=True)
class Column:
    label: str  # msgid
    kind: str = "text"  # text | int | percent (a fraction 0..1) | date | bool
    width: float = 14  # characters, for XLSX and a hint for the PDF


@dataclass(frozen=True, slots=True)
class Chart:
    title: str  # msgid
    column: int  # index of the plotted value column
    target: float | None = None  # a horizontal line: a threshold or a national target, as a fraction


@dataclass(frozen=True, slots=True)
class Section:
    title: str  # msgid
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: tuple[Any, ...] | None = None
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    title: str  # msgid
    scope: str  # e.g. "xã Kông Bơ La" or "135 xã"
    as_of: date
    sections: tuple[Section, ...]
    notes: tuple[tuple[str, dict[str, Any]], ...] = field(default_factory=tuple)  # (msgid, values)


def share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None
