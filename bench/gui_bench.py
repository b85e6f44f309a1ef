"""Benchmarks of the desktop application (issue 5). Not part of the test run; see bench/README.md.

  python bench/gui_bench.py --commune /path/commune.db --hub /path/hub.db [--runs 5] [--queries 100]

(i) start to the main window shown and usable (on screen, the event loop turning, navigation
    answering) and, separately, to the data open and the first area filled in; each start its own
    process, offscreen: the application on a 10,000-person commune and on the 1.35-million-person
    hub, against a bare PySide6 window started the same way in the same run.
(j) search as you type over the hub: from the text changing to the table holding the new rows
    (the people area's model, background thread and all), median and 95th percentile.
(k) resident memory of the application with the hub open, the overview worked out and the
    people list's first page shown (peak, as the OS counts it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"

BARE = r"""
import sys, time
start = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Kbang"))
window.resize(1200, 760)
window.show()
def ready():
    print("READY", time.time() - start, flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""

APP = r"""
import resource, sys, time
start = float(sys.argv[1])
db, wait_overview = sys.argv[2], sys.argv[3] == "1"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from kbang_desktop import i18n
i18n.setup("vi")
app = QApplication(sys.argv[:1])
from kbang_desktop.ui.main_window import MainWindow
def opener():  # as kbang-desktop does: the data layer is imported and opened while the window is up
    from kbang_desktop.services.context import Actor
    from kbang_desktop.services.registry import open_services
    return open_services(db, Actor("os:bench", "admin"), create=False)
window = MainWindow(opener)
window.show()
def data():
    if window.services is not None and window.built:
        print("DATA", time.time() - start, flush=True)
        if not wait_overview:
            app.quit()
        return True
    return False
def wait_data():
    if not data():
        QTimer.singleShot(10, wait_data)
def ready():
    print("READY", time.time() - start, flush=True)
    if not wait_overview:
        wait_data()
        return
    def check():
        if window.services is not None and 0 in window.built and 1 not in window.built:
            window.show_area(1)
        overview, people = window.built.get(0), window.built.get(1)
        if (window.services is not None and overview is not None and people is not None
                and overview.figures is not None and people.model.rowCount() > 0 and not window.tasks.busy()):
            print("LOADED", time.time() - start, flush=True)
            print("MAXRSS_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
            app.quit()
        else:
            QTimer.singleShot(100, check)
    check()
QTimer.singleShot(0, ready)
app.exec()
"""


def _start(code: str, *args: str) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code, str(time.time()), *args], capture_output=True, text=True,
                         env=env, timeout=900, check=True).stdout
    return {line.split()[0]: float(line.split()[1]) for line in out.splitlines() if line.split() and
            line.split()[0] in ("READY", "DATA", "LOADED", "MAXRSS_MB")}


def bench_start(commune: Path, hub: Path, runs: int) -> dict:
    figures: dict[str, list[float]] = {"bare": [], "commune": [], "hub": [], "commune_data": [], "hub_data": []}
    for _ in range(runs):  # interleaved, so a busy moment of the machine hits all of them
        figures["bare"].append(_start(BARE)["READY"])
        for name, path in (("commune", commune), ("hub", hub)):
            found = _start(APP, str(path), "0")
            figures[name].append(found["READY"])
            figures[f"{name}_data"].append(found["DATA"])
    medians = {k: statistics.median(v) for k, v in figures.items()}
    return {"runs": runs, **{f"{k}_median_s": round(v, 3) for k, v in medians.items()},
            "ratio_commune": round(medians["commune"] / medians["bare"], 2),
            "ratio_hub": round(medians["hub"] / medians["bare"], 2),
            "data_ratio_commune": round(medians["commune_data"] / medians["bare"], 2),
            "data_ratio_hub": round(medians["hub_data"] / medians["bare"], 2)}


def bench_memory(hub: Path) -> dict:
    found = _start(APP, str(hub), "1")
    return {"overview_and_people_loaded_s": round(found["LOADED"], 2), "peak_rss_mb": round(found["MAXRSS_MB"], 1)}


def bench_search(hub: Path, queries: int) -> dict:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from kbang_desktop import i18n
    from kbang_desktop.services.context import Actor
    from kbang_desktop.services.registry import open_services
    from kbang_desktop.ui.main_window import MainWindow

    i18n.setup("vi")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    services = open_services(hub, Actor("os:bench", "admin"), create=False)
    window = MainWindow(services)
    window.show()
    area = window.areas[1]
    window.show_area(1)

    def settle(limit: float = 60) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end and (window.tasks.busy() or area.model.loading):
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()

    settle()
    area.commune.setCurrentIndex(0)  # all communes: the whole hub
    settle()
    with services.ctx.read() as repo:
        names = [row[0] for row in repo.session.execute(
            __import__("sqlalchemy").text("SELECT name_folded FROM person ORDER BY random() LIMIT :n"), {"n": queries})]
    rng = random.Random(5)
    typed = []
    for name in names:
        words = name.split()
        typed.append(rng.choice([name, " ".join(words[-2:]), words[-1][:3], " ".join(w[:2] for w in words)]))
    times = []
    for text in typed:
        start = time.perf_counter()
        area.search.setText(text)
        area.refresh()  # what the typing pause triggers
        settle()
        times.append((time.perf_counter() - start) * 1000)
    window.tasks.wait()
    times.sort()
    return {"queries": len(times), "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1), "max_ms": round(times[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commune", type=Path, required=True)
    parser.add_argument("--hub", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    results = {"date": time.strftime("%Y-%m-%d")}
    results["start"] = bench_start(args.commune, args.hub, args.runs)
    print(json.dumps(results["start"], indent=1), flush=True)
    results["memory"] = bench_memory(args.hub)
    print(json.dumps(results["memory"], indent=1), flush=True)
    results["search"] = bench_search(args.hub, args.queries)
    print(json.dumps(results["search"], indent=1), flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"gui-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"saved {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
