"""Self-assessment scores of many people (or households, clans ...) at once, from a spreadsheet.

One row per registered subject, one column per item of the criteria set in force ("CS1" ... "CS10" for
citizens; the item codes of the set). Every row is checked first; errors are named by row and column;
a dry run writes nothing; otherwise all evaluations are written in one transaction (like the person import).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError, ValidationError
from kbang_desktop.core.scoring import MODEL_KINDS, parse_definition, score
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.learning_models import _in_force
from kbang_desktop.services.maintenance import backup_before_import
from kbang_desktop.storage.bulk import BulkLoader
from kbang_desktop.storage.writes import new_id

SUBJECT_HEADERS = ("mã đăng ký", "registration", "mã người", "mã", "id", "person", "subject")


@dataclass(frozen=True, slots=True)
class ScoreRow:
    number: int  # the row number in the spreadsheet
    cells: Mapping[str, Any]  # header as written -> value


@dataclass(frozen=True, slots=True)
class ScoreProblem:
    row: int
    column: str
    message: str  # msgid
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScoreReady:
    """A row that is (or would be) written: its number, the id as written in the file, the total, the result."""

    row: int
    subject: str
    total: Decimal
    passed: bool


@dataclass(frozen=True, slots=True)
class ScoreImportOutcome:
    status: str  # imported | rejected | dry-run
    rows: int
    evaluated: int
    passed: int
    errors: tuple[ScoreProblem, ...]
    ready: tuple[ScoreReady, ...] = ()  # the rows written (or, in a dry run, that would be)


def _number(value: Any) -> str:
    text = str(value).strip().replace(",", ".") if value is not None else ""
    return text or "0"


class ScoreImportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def import_scores(self, year: int, rows: Sequence[ScoreRow], evaluated_on: date, model_kind: str = "citizen",
                      dry_run: bool = False, skip_invalid: bool = False,
                      source: str | Path | None = None) -> ScoreImportOutcome:
        """Check every row, then (unless `dry_run`) write one self-assessment evaluation per valid row, after a
        backup of the database named for `source` (the file read); a failed backup imports nothing."""
        if model_kind not in MODEL_KINDS:
            raise KbangError(N_("Loại mô hình học tập không hợp lệ."))
        errors: list[ScoreProblem] = []
        ready: list[tuple[str, str, dict[str, str], Decimal, bool]] = []
        shown: list[ScoreReady] = []
        with self.ctx.read() as repo:
            criteria = _in_force(repo, model_kind, evaluated_on)
            definition = parse_definition(json.loads(criteria.definition))
            codes = set(definition.items())
            by_id, by_subject = {}, {}
            for r in repo.list(E.Registration, year=year, model_kind=model_kind):
                if r.status == "registered":
                    by_id[r.id] = r
                    by_subject[r.subject_id] = r
        if not rows:
            raise KbangError(N_("Tệp không có dòng nào."))
        headers = list(rows[0].cells)
        subject_header = next((h for h in headers if str(h).strip().lower() in SUBJECT_HEADERS), None)
        if subject_header is None:
            raise KbangError(N_("Không tìm thấy cột \"Mã người\" hoặc \"Mã đăng ký\" trong tệp."))
        item_headers = {h: str(h).strip() for h in headers if str(h).strip() in codes}
        if not item_headers:
            raise KbangError(N_("Tệp không có cột nào trùng mã nội dung của bộ tiêu chí ({codes})."),
                             codes=", ".join(sorted(codes)))
        seen: set[str] = set()
        for row in rows:
            key = str(row.cells.get(subject_header) or "").strip()
            registration = by_id.get(key) or by_subject.get(key)
            if registration is None:
                errors.append(ScoreProblem(row.number, str(subject_header),
                                           N_("\"{value}\" chưa đăng ký danh hiệu năm {year}."), {"value": key,
                                                                                                   "year": year}))
                continue
            if registration.id in seen:
                errors.append(ScoreProblem(row.number, str(subject_header), N_("Trùng với một dòng ở trên.")))
                continue
            seen.add(registration.id)
            points = {code: _number(row.cells.get(h)) for h, code in item_headers.items()}
            try:
                result = score(definition, points)
            except ValidationError as error:
                errors.extend(ScoreProblem(row.number, p.field, p.message, dict(p.params)) for p in error.problems)
                continue
            ready.append((registration.id, criteria.id, points, result.total, result.passed))
            shown.append(ScoreReady(row.number, key, result.total, result.passed))
        if errors and not skip_invalid:
            return ScoreImportOutcome("rejected", len(rows), 0, 0, tuple(errors))
        passed = sum(1 for r in ready if r[4])
        if dry_run:
            return ScoreImportOutcome("dry-run", len(rows), len(ready), passed, tuple(errors), tuple(shown))
        if ready:
            backup_before_import(self.ctx, source)  # a failure: one sentence, nothing imported
        with self.ctx.write("import_scores") as repo:  # executemany, a rev and change-log row each, one audit event
            loader = BulkLoader(repo.session, repo.session.info["writer"])
            loader.insert("evaluation", [
                {"id": new_id(), "registration_id": registration_id, "criteria_set_id": set_id,
                 "evaluated_on": evaluated_on, "scores": json.dumps(points, sort_keys=True), "total": str(total),
                 "passed": ok, "self_assessment": True, "notes": ""}
                for registration_id, set_id, points, total, ok in ready])
            loader.finish("import_scores", {"rows": len(rows), "year": year, "kind": model_kind})
        return ScoreImportOutcome("imported", len(rows), len(ready), passed, tuple(errors), tuple(shown))
