"""Benchmarks of the foundation (issue 2). Not part of the test run; see bench/README.md.

  python bench/run.py [--communes 135] [--people 10000] [--queries 200] [--out bench/results]

(a) person search over the hub and over one commune: median and p95 latency through
    PersonService.search (what the CLI and GUI call);
(b) loading the demo hub: rows per second of the bulk loader (stamps, change log, FTS
    triggers) against plain sqlite3.executemany of the same rows into the same schema,
    measured in the same run, commune by commune;
(c) opening the database and checking migrations, with the hub.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from kbang_desktop import i18n
from kbang_desktop.core.text import fold
from kbang_desktop.services.context import Actor
from kbang_desktop.services.demo import TABLE_ORDER, DemoService
from kbang_desktop.services.registry import open_services
from kbang_desktop.storage.bulk import BulkLoader
from kbang_desktop.storage.db import Database


def _sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def executemany_rows(connection: sqlite3.Connection, rows: dict[str, list[dict]], order: list[str],
                     verb: str = "INSERT") -> float:
    """The baseline: plain sqlite3 executemany of whole rows, table by table, in one transaction; seconds."""
    t0 = time.perf_counter()
    with connection:
        connection.execute("PRAGMA defer_foreign_keys=ON")
        for table in order:
            batch = rows.get(table, [])
            if not batch:
                continue
            columns = list(batch[0])
            sql = f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            connection.executemany(sql, [[_sqlite_value(r[c]) for c in columns] for r in batch])
    return time.perf_counter() - t0


def make_db(path: Path, kind: str) -> object:
    services = open_services(path, Actor("os:bench", "admin"))
    services.offices.initialise(kind, "Bench", None, None, None)
    return services


def load(path: Path, baseline_path: Path, communes: int, people: int, seed: int) -> dict:
    ours = make_db(path, "hub" if communes > 1 else "commune")
    base = make_db(baseline_path, "hub" if communes > 1 else "commune")
    base.ctx.db.close()
    raw = sqlite3.connect(baseline_path)
    raw.execute("PRAGMA foreign_keys=ON")
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    demo = DemoService(ours.ctx)
    rows_total, t_ours, t_base, t_generate = 0, 0.0, 0.0, 0.0
    started = time.perf_counter()
    iterator = demo.commune_rows(communes, people, seed)
    while True:
        t0 = time.perf_counter()
        rows = next(iterator, None)
        t_generate += time.perf_counter() - t0
        if rows is None:
            break
        t0 = time.perf_counter()
        with ours.ctx.write("demo_data", minimum_role="admin") as repo:
            loader = BulkLoader(repo.session, repo.session.info["writer"])
            for table in TABLE_ORDER:
                loader.insert(table, rows.get(table, []))
            loader.finish("demo_data", {"seed": seed})
        t_ours += time.perf_counter() - t0
        # the same rows, as the loader completed them, with plain executemany in one transaction
        t_base += executemany_rows(raw, rows, TABLE_ORDER)
        rows_total += sum(len(v) for v in rows.values())
    raw.close()
    ours.ctx.db.close()
    return {"rows": rows_total, "ours_s": round(t_ours, 2), "executemany_s": round(t_base, 2),
            "generate_s": round(t_generate, 2), "ours_rows_per_s": round(rows_total / t_ours),
            "executemany_rows_per_s": round(rows_total / t_base), "ratio": round(t_ours / t_base, 2),
            "wall_s": round(time.perf_counter() - started, 1)}


def search(path: Path, queries: int, seed: int) -> dict:
    services = open_services(path, Actor("os:bench", "viewer"))
    connection = sqlite3.connect(path)
    count = connection.execute("SELECT max(rowid) FROM person").fetchone()[0]
    rng = random.Random(seed)
    names = []
    while len(names) < queries:
        row = connection.execute("SELECT full_name FROM person WHERE rowid = ?", (rng.randint(1, count),)).fetchone()
        if row:
            names.append(row[0])
    connection.close()
    texts = []
    for index, name in enumerate(names):
        words = fold(name).split()
        kind = index % 4
        if kind == 0:
            texts.append(" ".join(words))  # the whole name, folded
        elif kind == 1:
            texts.append(f"{words[0]} {words[-1]}")  # family and given name
        elif kind == 2:
            texts.append(words[-1][:3])  # a prefix, as typed
        else:
            texts.append(name)  # with diacritics
    services.persons.search(texts[0])  # warm the cache once, as a running application would be
    timings = []
    for text in texts:
        t0 = time.perf_counter()
        services.persons.search(text, limit=100)
        timings.append((time.perf_counter() - t0) * 1000)
    services.ctx.db.close()
    timings.sort()
    return {"queries": len(timings), "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1), "max_ms": round(timings[-1], 1)}


def open_time(path: Path, repeats: int = 7) -> dict:
    timings = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        db = Database.open(path)
        timings.append((time.perf_counter() - t0) * 1000)
        db.close()
    return {"median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1),
            "size_mb": round(path.stat().st_size / 1e6, 1)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=135)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None, help="where the databases go (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    i18n.setup("en")
    folder = args.dir or Path(tempfile.mkdtemp(prefix="kbang-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"when": datetime.now().isoformat(timespec="seconds"),
                                  "communes": args.communes, "people_per_commune": args.people}
    commune_db = folder / "commune.db"
    results["load_commune"] = load(commune_db, folder / "commune-baseline.db", 1, args.people, args.seed)
    results["search_commune"] = search(commune_db, args.queries, args.seed)
    results["open_commune"] = open_time(commune_db)
    print(json.dumps(results, indent=1), flush=True)
    hub_db = folder / "hub.db"
    results["load_hub"] = load(hub_db, folder / "hub-baseline.db", args.communes, args.people, args.seed)
    print(json.dumps(results["load_hub"]), flush=True)
    results["search_hub"] = search(hub_db, args.queries, args.seed)
    results["open_hub"] = open_time(hub_db)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"bench-{results['when']}.json"
    target.write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
