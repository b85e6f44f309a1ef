"""Benchmark (issue 13): printing a decision of N certificates through the window's print path
against saving the same decision with "Lưu PDF". Not part of the test run; see bench/README.md.

  python bench/print_bench.py [--certificates 500] [--dir /work/bench-data/i13a]

Each side runs in its own process (peak memory is the process's own high-water mark, VmHWM):
  save   documents.certificates.print_decision into a PDF (what "Lưu PDF" does), on a worker thread;
  print  what the window's "In..." does for certificates: documents.certificates.issue_decision with
         each certificate laid out (layout_certificate) and painted by ui.shared.printing.print_pages
         onto a QPrinter(HighResolution) (Qt's PDF printer writing a file: vector, as for a paper
         printer), on a worker thread.
The time is the wall clock of the work and, steadier on a shared machine, the CPU time of the worker
thread (time.thread_time). Meanwhile the main thread runs a 10 ms QTimer; the longest gap between its ticks is how long the GUI
thread was blocked. Memory "flat": the resident size after the first 10% of the pages against the
size at the end. Neither side records the print (record=False), so both do the same work each run.
Both sides start with the fonts registered with ReportLab, as in the window (the preview did it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SCORES = {"1.1": 15, "1.2": 10, "1.3": 5, "2.1": 10, "2.2": 10, "2.3": 10, "3.1": 10, "3.2": 10, "4.1": 10, "4.2": 10}


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def build(db: Path, count: int) -> None:
    from kbang_desktop.services.context import Actor
    from kbang_desktop.services.registry import open_services

    services = open_services(db, Actor("os:bench", "admin"))
    services.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La", "admin", "matkhau-bench-1")
    decision = services.models.create_decision("Kông Bơ La", "15/QĐ-UBND", date(2026, 2, 5), "household", 2025,
                                               "Nguyễn Văn Hùng")
    for n in range(count):
        head = services.persons.add(f"Đinh Văn Hmưk {n}", "M", "1980", "13", "Kông Bơ La", "Làng Kon Kơ Tu")
        household = services.households.add("Kông Bơ La", "Làng Kon Kơ Tu", str(n + 1), head.id)
        registration = services.models.register(2025, "household", household.id, date(2025, 1, 10))
        services.models.evaluate(registration.id, SCORES, date(2025, 11, 1))
        services.models.add_entry(decision.id, registration.id)
    services.models.issue(decision.id)
    services.ctx.db.close()


def side(db: Path, work: Path, which: str) -> dict:
    """One side, in this process: the work on a worker thread, the GUI thread's longest gap measured."""
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from kbang_desktop import i18n
    from kbang_desktop.documents.certificates import issue_decision, layout_certificate, print_decision
    from kbang_desktop.documents.fonts import family
    from kbang_desktop.services.context import Actor
    from kbang_desktop.services.registry import open_services
    from kbang_desktop.ui.shared.printing import print_pages

    i18n.setup("vi")
    app = QApplication([])
    services = open_services(db, Actor("os:bench", "admin"))
    decision = services.models.decisions()[0][0]
    # As in the window, where the preview (drawn before "In..." is enabled) has registered the fonts with
    # ReportLab: parsing the four TrueType files holds the GIL ~0.1 s, once per run of the program.
    family(services.certificates.template("a4-landscape").font)
    pdf = work / f"{which}.pdf"
    samples: list[float] = []
    outcome: dict = {}

    def job() -> None:
        start, cpu = time.perf_counter(), time.thread_time()
        if which == "save":
            pages = print_decision(services.certificates, decision.id, pdf, record=False).pages
        else:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(work / "printed.pdf"))
            outcome["printer_dpi"] = printer.resolution()

            def progress(done: int, total: int) -> None:
                if done in (max(1, total // 10), total):
                    samples.append(rss_mb())

            def output(template, sheets) -> int:
                return print_pages(printer, (layout_certificate(template, s) for s in sheets), len(sheets),
                                   progress=progress)

            pages = issue_decision(services.certificates, decision.id, output, record=False).pages
            outcome["printed_mb"] = round((work / "printed.pdf").stat().st_size / 1e6, 2)
        outcome["pages"] = pages
        outcome["s"] = round(time.perf_counter() - start, 2)
        outcome["worker_cpu_s"] = round(time.thread_time() - cpu, 2)  # the worker thread's own CPU time

    gaps = [0.0]
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps[0] = max(gaps[0], now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    worker = threading.Thread(target=job)
    worker.start()
    while worker.is_alive():
        app.processEvents()
        time.sleep(0.002)
    worker.join()
    services.ctx.db.close()
    return {**outcome, "gui_longest_block_ms": round(1000 * gaps[0], 1), "peak_mb": round(rss_mb("VmHWM"), 1),
            "rss_at_10pct_mb": round(samples[0], 1) if samples else None,
            "rss_at_end_mb": round(samples[-1], 1) if samples else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/kbang-print-bench"))
    parser.add_argument("--side", choices=("save", "print"))
    args = parser.parse_args()
    work = args.dir
    work.mkdir(parents=True, exist_ok=True)
    db = work / f"print-{args.certificates}.db"
    if args.side:
        print(json.dumps(side(db, work, args.side)), flush=True)
        os._exit(0)  # PySide can abort while tearing down at exit ("deallocating None"); the figures are out
    if not db.exists():
        start = time.perf_counter()
        build(db, args.certificates)
        print(f"built a decision of {args.certificates} households in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    results = {}
    for which in ("save", "print"):
        done = subprocess.run([sys.executable, __file__, "--certificates", str(args.certificates), "--dir", str(work),
                               "--side", which], capture_output=True, text=True, check=True)
        results[which] = json.loads(done.stdout.strip().splitlines()[-1])
    save, printed = results["save"], results["print"]
    results["time_ratio_print_vs_save"] = round(printed["s"] / save["s"], 2)
    results["cpu_ratio_print_vs_save"] = round(printed["worker_cpu_s"] / save["worker_cpu_s"], 2)  # steadier
    results["peak_memory_ratio_print_vs_save"] = round(printed["peak_mb"] / save["peak_mb"], 2)
    print(json.dumps(results, indent=1))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"print-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
