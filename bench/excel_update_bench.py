"""Benchmark (issue 14): `kbang import persons FILE --update` of a 10,000-person commune's own list.

  flock /work/brief/heavy.lock .venv/bin/python bench/excel_update_bench.py [--people 10000] [--dir DIR]

Makes a commune of PEOPLE demo people, exports its list (`export_rows` + `write_persons`, as `kbang
export persons` does), changes some cells with openpyxl (every 100th name, every 100th birth year from
the 50th row on) and adds 20 new rows. Then, in the same run, REPEAT times each:

- openpyxl's bare read of the file: `load_workbook(read_only=True)`, every row's values (the baseline);
- the import without the command line around it: `read_sheet` + `PersonImportService.import_rows(update=True)`
  (every row matched to its person by id, compared field by field, the changes and the new people written
  in one transaction after the pre-import backup), on a fresh copy of the database each time;
- the same as a dry run (what the window's preview costs).

Each import and each dry run is timed right after a bare read of its own; the ratio is the median of
those pairs (the machine is shared: a pair sees the same load). Target: import / bare read at most 2x.
Prints JSON and keeps it in bench/results/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

from kbang_desktop import i18n
from kbang_desktop.documents.excel import read_sheet, write_persons
from kbang_desktop.services import person_import
from kbang_desktop.services.context import Actor
from kbang_desktop.services.demo import DemoService
from kbang_desktop.services.registry import open_services

RESULTS = Path(__file__).parent / "results"


def bare_read(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return n


def cold() -> None:
    """Forget what the import remembered of earlier rows (a command run is a fresh process)."""
    for name in ("_text", "_flag", "_sex", "_literacy", "header_key"):
        getattr(person_import, name).cache_clear()


def make(work: Path, people: int) -> tuple[Path, Path, int]:
    db = work / f"commune-{people}.db"
    for stale in work.glob(f"commune-{people}.db*"):
        stale.unlink()
    services = open_services(db, Actor("os:bench", "admin"), backup_dir=work / "backups")
    services.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La")
    DemoService(services.ctx).generate(communes=1, people_per_commune=people, seed=1)
    headers, rows = services.person_import.export_rows()
    services.ctx.db.close()
    path = work / "ds.xlsx"
    write_persons(path, headers, rows, "Danh sách người")
    book = load_workbook(path)
    sheet = book.active
    col = {c.value: c.column for c in sheet[1]}
    changed = 0
    for line in range(2, sheet.max_row + 1, 100):
        sheet.cell(line, col["Họ và tên"], sheet.cell(line, col["Họ và tên"]).value + " A")
        changed += 1
    for line in range(52, sheet.max_row + 1, 100):
        birth = sheet.cell(line, col["Ngày sinh"])
        birth.value = (birth.value.year if hasattr(birth.value, "year") else int(birth.value)) - 1
        birth.number_format = "General"  # a year typed over a date: as Excel shows it once the cell is General
        changed += 1
    template = [c.value for c in sheet[2]]
    for n in range(20):
        row = list(template)
        row[col["Họ và tên"] - 1] = f"Người Mới Số {n}"
        row[col["Mã người (không sửa)"] - 1] = None
        sheet.append(row)
    book.save(path)
    return db, path, changed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--dir", default="/work/bench-data/i14x")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    i18n.setup("vi")
    work = Path(args.dir or tempfile.mkdtemp(prefix="kbang-excel-update-"))
    work.mkdir(parents=True, exist_ok=True)
    db, path, changed = make(work, args.people)
    bare, ours, dry, ratios, dry_ratios = [], [], [], [], []
    outcome = None
    for run in range(args.repeat):  # each figure right after its own bare read: a pair per run
        copy = work / f"run-{run}.db"
        shutil.copy(db, copy)
        services = open_services(copy, Actor("os:bench", "admin"), backup_dir=work / "backups")
        start = time.perf_counter()
        rows_read = bare_read(path)
        bare.append(time.perf_counter() - start)
        cold()
        start = time.perf_counter()
        preview = services.person_import.import_rows(*read_sheet(path), update=True, dry_run=True)
        dry.append(time.perf_counter() - start)
        dry_ratios.append(dry[-1] / bare[-1])
        start = time.perf_counter()
        bare_read(path)
        bare.append(time.perf_counter() - start)
        cold()
        start = time.perf_counter()
        outcome = services.person_import.import_rows(*read_sheet(path), update=True, source=path)
        ours.append(time.perf_counter() - start)
        ratios.append(ours[-1] / bare[-1])
        assert (outcome.updated, outcome.created) == (preview.updated, preview.created)
        services.ctx.db.close()
        for made in work.glob(f"run-{run}.db*"):
            made.unlink()
    assert outcome is not None
    result = {"people": args.people, "rows_in_file": rows_read - 1, "cells_changed": changed,
              "updated": outcome.updated, "created": outcome.created, "unchanged": outcome.unchanged,
              "errors": len(outcome.errors), "xlsx_kb": round(path.stat().st_size / 1024),
              "openpyxl_bare_read_s": round(statistics.median(bare), 3),
              "import_update_s": round(statistics.median(ours), 3),
              "import_update_dry_run_s": round(statistics.median(dry), 3),
              "ratio": round(statistics.median(ratios), 2),
              "ratio_dry_run": round(statistics.median(dry_ratios), 2),
              "runs": {"bare": [round(x, 3) for x in bare], "import": [round(x, 3) for x in ours],
                       "dry_run": [round(x, 3) for x in dry], "ratio": [round(x, 2) for x in ratios],
                       "ratio_dry_run": [round(x, 2) for x in dry_ratios]}}
    print(json.dumps(result, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"excel_update_{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
