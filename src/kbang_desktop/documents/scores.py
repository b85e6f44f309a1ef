"""Reading a spreadsheet of self-assessment scores: a header row with "Mã người" (or "Mã đăng ký") and one
column per item code of the criteria set (CS1 ... CS10); title rows above the header are skipped."""

from __future__ import annotations

from pathlib import Path

from kbang_desktop.core.errors import KbangError
from kbang_desktop.documents.excel import BROKEN, broken, open_workbook
from kbang_desktop.i18n import N_
from kbang_desktop.services.score_import import SUBJECT_HEADERS, ScoreRow

HEADER_SCAN = 15
MAX_ROWS = 200_000


def read_scores(path: Path) -> list[ScoreRow]:
    if path.suffix.lower() not in (".xlsx", ".xls"):
        raise KbangError(N_("Tệp điểm phải là tệp Excel .xlsx: {path}"), path=str(path))
    book = open_workbook(path)
    try:
        headers: list[str] | None = None
        rows: list[ScoreRow] = []
        for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            if headers is None:
                if number > HEADER_SCAN:
                    break
                texts = ["" if v is None else str(v).strip() for v in values]
                if any(t.lower() in SUBJECT_HEADERS for t in texts):
                    headers = texts
                continue
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise KbangError(N_("Tệp có quá {n} dòng."), n=MAX_ROWS)
            rows.append(ScoreRow(number, {h: v for h, v in zip(headers, values, strict=False) if h}))
    except KbangError:
        raise
    except BROKEN as error:
        raise broken(path, error) from None
    finally:
        book.close()
    if headers is None:
        raise KbangError(N_("Không tìm thấy cột \"Mã người\" hoặc \"Mã đăng ký\" trong tệp."))
    return rows
