"""Spreadsheet cells that are only data: what the program writes is never evaluated.

A name, a village or an office name can begin with "=", "+", "-", "@", a tab or a carriage return
(typed by someone, or received in a bundle from another office). Written as they are, openpyxl makes
"=..." a formula, and Excel or LibreOffice evaluates the others when the cell is edited (formula
injection: a HYPERLINK that sends data away, a DDE call). Every cell the program writes goes through
`put()`: such text is stored as a string with Excel's "quote prefix" (the leading apostrophe that
keeps it text when the cell is edited), and characters that XML cannot hold are dropped instead of
failing the whole export.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What makes Excel or LibreOffice read the rest of a cell as a formula or a command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: str) -> str:
    """`value` without the control characters an .xlsx file cannot store."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write `value` into the cell at (row, column) as data; return the cell.

    Numbers, dates and booleans stay what they are; text is always text, whatever it begins with.
    """
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        value = as_text(value)
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl made "=..." a formula
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell
