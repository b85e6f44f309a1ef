"""Benchmark (issue 16): evaluating 5,000 citizens from a spreadsheet of self-assessment scores.

  python bench/score_import_bench.py [--people 5000] [--dir /work/bench-data/i16a]

(i) `kbang models import-scores` without the command line around it: reading the workbook
    (documents/scores.py) and ScoreImportService.import_scores (every row scored with the criteria set
    in force, errors by row, all evaluations in one transaction), against openpyxl's bare read of the
    same file (read-only workbook, every row's values) in the same run. Target: at most 2x.
(ii) the citizen grid's read of those registrations (LearningModelService.rows) against the same read
    one registration at a time, as it was before (no target: the figure says what opening the grid costs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from kbang_desktop.documents.scores import read_scores
from kbang_desktop.services.context import Actor
from kbang_desktop.services.demo import DemoService
from kbang_desktop.services.registry import open_services

RESULTS = Path(__file__).parent / "results"


def _bare_read(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return n


def _rows_one_by_one(services, year: int) -> int:
    """The grid's read as it was: the latest evaluation, village, name and criteria set read per row."""
    from kbang_desktop.core import entities as E
    from kbang_desktop.services import learning_models as L

    with services.ctx.read() as repo:
        count = 0
        for registration in repo.list(E.Registration, year=year, model_kind="citizen"):
            L.subject_village(repo, registration.model_kind, registration.subject_id)
            latest = L._latest(repo, registration.id)
            L.subject_name(repo, registration.model_kind, registration.subject_id)
            L._reasons(repo, latest)
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--dir")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(args.dir or tempfile.mkdtemp(prefix="kbang-score-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / f"scores-{args.people}.db"
    db.unlink(missing_ok=True)
    services = open_services(db, Actor("os:bench", "admin"))
    services.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La")
    DemoService(services.ctx).generate(communes=1, people_per_commune=args.people, seed=1)
    year = 2027  # a year the demo data did not register
    subjects = [s.id for s in services.models.subjects(year, "citizen")][: args.people]
    services.models.register_many(year, "citizen", subjects, date(year, 1, 10))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([f"PHIẾU TỰ ĐÁNH GIÁ CÔNG DÂN HỌC TẬP NĂM {year}"])
    sheet.append(["Mã người"] + [f"CS{i}" for i in range(1, 11)])
    for n, subject in enumerate(subjects):
        sheet.append([subject] + [str(6 + (n + i) % 5).replace(".", ",") for i in range(10)])
    path = work / "scores.xlsx"
    book.save(path)

    bare, ours, outcome = [], [], None
    for run in range(args.repeat):
        start = time.perf_counter()
        _bare_read(path)
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        outcome = services.score_import.import_scores(year, read_scores(path), date(year, 11, 1 + run))
        ours.append(time.perf_counter() - start)
    # (ii) the citizen grid's read (LearningModelService.rows: every registration with its latest
    # evaluation and the reasons it failed), against the same read one registration at a time (the code
    # before one read of the evaluations and remembered villages and criteria sets)
    grid, one_by_one = [], []
    for _run in range(args.repeat):
        start = time.perf_counter()
        shown = services.models.rows(year, "citizen")
        grid.append(time.perf_counter() - start)
        start = time.perf_counter()
        _rows_one_by_one(services, year)
        one_by_one.append(time.perf_counter() - start)
    services.ctx.db.close()
    result = {"rows": len(subjects), "evaluated": outcome.evaluated, "passed": outcome.passed,
              "errors": len(outcome.errors), "openpyxl_bare_read_s": round(statistics.median(bare), 3),
              "import_scores_s": round(statistics.median(ours), 3),
              "ratio": round(statistics.median(ours) / statistics.median(bare), 2),
              "xlsx_kb": round(path.stat().st_size / 1024),
              "grid_rows": len(shown), "grid_read_s": round(statistics.median(grid), 3),
              "grid_read_one_by_one_s": round(statistics.median(one_by_one), 3),
              "grid_speed_up": round(statistics.median(one_by_one) / statistics.median(grid), 1)}
    print(json.dumps(result, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"score_import_{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
