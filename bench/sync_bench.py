"""Benchmarks of the sync bundles (issue 3). Not part of the test run; see bench/README.md.

  python bench/sync_bench.py [--people 10000] [--communes 135] [--dir DIR]

(d) one commune of --people people: export and import, time, bundle size and the peak memory
    of each as its own `kbang` process (what an officer runs);
(e) the hub importing one bundle from each of --communes communes: records per second of
    `kbang bundle import` (verify, decrypt, plan, apply with change log and audit) against plain
    sqlite3.executemany of the same rows into the same schema, in the same run, bundle by bundle;
    and the peak memory of importing the last bundle into the full hub.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kbang_desktop import i18n
from kbang_desktop.services.context import Actor
from kbang_desktop.services.demo import DemoService
from kbang_desktop.services.registry import open_services
from kbang_desktop.storage import keys as K
from kbang_desktop.storage.states import decode_state
from kbang_desktop.sync import bundle as B
from kbang_desktop.sync import exchange, join

sys.path.insert(0, str(Path(__file__).parent))
from run import executemany_rows


def _services(path: Path, kind: str | None = None, name: str = "Bench"):
    services = open_services(path, Actor("os:bench", "admin"))
    if kind:
        services.offices.initialise(kind, name, None, None, None)
        join.site_keys(services)
    return services


# A small launcher starts `kbang` and reports its peak memory. A child forked straight from this
# benchmark would count this process's own memory (demo rows, the hub's caches) in its peak:
# Linux's ru_maxrss starts from the parent's resident size at fork and survives exec.
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen([sys.executable, "-m", "kbang_desktop", *sys.argv[1:]])
_pid, status, usage = os.wait4(child.pid, 0)
sys.stderr.write(f"\\nKBANG_MAXRSS_KIB {usage.ru_maxrss}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _kbang(*args: object) -> tuple[dict, float, float]:
    """Run `kbang ... --json` as its own process: (output, seconds, its peak resident memory in MB)."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, *map(str, args), "--json"], capture_output=True,
                          text=True, check=False)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"kbang {' '.join(map(str, args))} failed: {done.stderr or done.stdout}")
    peak_kib = int(done.stderr.rsplit("KBANG_MAXRSS_KIB", 1)[1].split()[0])
    return json.loads(done.stdout), seconds, peak_kib / 1024


def _commune(root: Path, hub, index: int, people: int) -> tuple[Path, object]:
    """A commune office joined to the hub, with demo data for `people` people."""
    path = root / f"commune-{index}" / "kbang.db"
    commune = _services(path, "commune", f"UBND xã Thử nghiệm {index + 1}")
    usb = root / "usb"
    request = join.join_request(commune, usb / f"join-{index}.kbj")
    welcome = join.register(hub, request, usb)
    join.trust(commune, welcome.file)
    DemoService(commune.ctx).generate(1, people, seed=1000 + index)
    return path, commune


def _decode(path: Path, site_id: str, keys: K.SiteKeys) -> dict[str, list[dict]]:
    # read without the trust check (the benchmark only needs the rows): open the container directly
    from kbang_desktop.sync import container as C

    with open(path, "rb") as handle:
        entries = C.read_entries(handle, path.stat().st_size, B.MEMBERS, B.LIMITS)
        manifest_bytes = C.read_member(handle, entries[1])
    opened = B.Opened(path, json.loads(manifest_bytes), manifest_bytes, entries[0])
    key = B.unseal_key(opened, site_id, keys.encryption) if opened.encrypted else None
    rows: dict[str, list[dict]] = {}
    for line in B.iter_lines(opened, key):
        table, values = decode_state(line["state"])
        rows.setdefault(table, []).append(values)
    return rows


def _executemany(connection: sqlite3.Connection, rows: dict[str, list[dict]]) -> float:
    return executemany_rows(connection, rows, exchange.TABLE_ORDER, verb="INSERT OR REPLACE")


def commune_scale(root: Path, people: int) -> dict:
    hub_path = root / "d-hub" / "kbang.db"
    hub = _services(hub_path, "hub", "Phòng GD&ĐT (thử)")
    path, commune = _commune(root / "d", hub, 0, people)
    hub_office = hub.ctx.require_identity()[1]
    hub.ctx.db.close()
    commune.ctx.db.close()
    _kbang("check", "--db", path)  # the day's automatic backup is not part of what is measured
    _kbang("check", "--db", hub_path)
    exported, export_s, export_mb = _kbang("bundle", "export", "--to", hub_office, "--out", root / "d-usb",
                                           "--db", path)
    imported, import_s, import_mb = _kbang("bundle", "import", exported["file"], "--db", hub_path)
    again, again_s, _mb = _kbang("bundle", "import", exported["file"], "--db", hub_path)
    assert imported["status"] == "applied" and again["status"] == "already-imported"
    return {"people": people, "records": exported["records"], "bundle_bytes": exported["bytes"],
            "bytes_per_record": round(exported["bytes"] / exported["records"], 1),
            "export_s": round(export_s, 2), "export_peak_mb": round(export_mb), "import_s": round(import_s, 2),
            "import_peak_mb": round(import_mb), "replay_s": round(again_s, 2),
            "import_records_per_s": round(exported["records"] / import_s)}


def _pg_database(admin_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


class _PgBaseline:
    """The same baseline on PostgreSQL: psycopg executemany of the same rows into the same schema."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))

    def run(self, rows: dict[str, list[dict]]) -> float:
        t0 = time.perf_counter()
        with self.connection.transaction(), self.connection.cursor() as cursor:
            for table in exchange.TABLE_ORDER:
                batch = rows.get(table, [])
                if batch:
                    columns = list(batch[0])
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                       f"({', '.join(['%s'] * len(columns))}) ON CONFLICT DO NOTHING",
                                       [[r[c] for c in columns] for r in batch])
        return time.perf_counter() - t0

    def close(self) -> None:
        self.connection.close()


def hub_scale(root: Path, communes: int, people: int, pg_admin: str | None = None) -> dict:
    if pg_admin:
        hub_path: Path | str = _pg_database(pg_admin, "kbang_bench_hub")
        base_path: Path | str = _pg_database(pg_admin, "kbang_bench_baseline")
    else:
        hub_path, base_path = root / "e-hub" / "kbang.db", root / "e-base" / "kbang.db"
    hub = _services(hub_path, "hub", "Sở GD&ĐT (thử)")
    hub_office = hub.ctx.require_identity()[1]
    base = _services(base_path, "hub", "Sở GD&ĐT (chuẩn)")
    base.ctx.db.close()
    if pg_admin:
        raw = _PgBaseline(str(base_path))
        baseline = raw.run
    else:
        raw = sqlite3.connect(base_path)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        raw.execute("PRAGMA foreign_keys=ON")

        def baseline(rows: dict[str, list[dict]]) -> float:
            return _executemany(raw, rows)
    hub_site = hub.ctx.require_identity()[0]
    hub_key = K.load(K.key_file(hub.ctx.db.path, hub_site))
    totals = {"records": 0, "ours_s": 0.0, "executemany_s": 0.0, "bytes": 0, "prepare_s": 0.0}
    t_start = time.perf_counter()
    for index in range(communes):
        t0 = time.perf_counter()
        path, commune = _commune(root / "e", hub, index, people)
        written = exchange.export_bundle(commune, hub_office, root / "e-usb")
        commune.ctx.db.close()
        shutil.rmtree(path.parent)
        rows = _decode(written.file, hub_site, hub_key)
        totals["prepare_s"] += time.perf_counter() - t0
        t1 = time.perf_counter()
        result = exchange.import_bundle(hub, written.file)
        seconds = time.perf_counter() - t1
        assert result.status == "applied", result.reason
        written.file.unlink()
        totals["ours_s"] += seconds
        totals["executemany_s"] += baseline(rows)
        totals["records"] += written.records
        totals["bytes"] += written.bytes
        if index % 10 == 0 or index == communes - 1:
            print(f"  {index + 1}/{communes} communes, {totals['records']:,} records, "
                  f"ratio so far {totals['ours_s'] / totals['executemany_s']:.2f}", flush=True)
    raw.close()
    # memory: one more commune's bundle imported into the full hub by `kbang` as its own process
    # (after `kbang check`, so that the day's automatic backup is not part of the measure)
    path, commune = _commune(root / "e", hub, communes, people)
    extra = exchange.export_bundle(commune, hub_office, root / "e-usb")
    commune.ctx.db.close()
    hub.ctx.db.close()
    _kbang("check", "--db", hub_path)
    result, seconds, peak = _kbang("bundle", "import", extra.file, "--db", hub_path)
    assert result["status"] == "applied"
    totals.update(extra_import_s=round(seconds, 1), extra_import_peak_mb=round(peak))
    totals.update(ours_records_per_s=round(totals["records"] / totals["ours_s"]),
                  executemany_records_per_s=round(totals["records"] / totals["executemany_s"]),
                  ratio=round(totals["ours_s"] / totals["executemany_s"], 2),
                  ours_s=round(totals["ours_s"], 1), executemany_s=round(totals["executemany_s"], 1),
                  prepare_s=round(totals["prepare_s"], 1), wall_s=round(time.perf_counter() - t_start, 1),
                  hub_mb=round(hub_path.stat().st_size / 1e6) if isinstance(hub_path, Path) else None,
                  database="postgresql" if pg_admin else "sqlite", communes=communes, people_per_commune=people)
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--communes", type=int, default=135)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--skip-hub", action="store_true")
    parser.add_argument("--skip-commune", action="store_true")
    parser.add_argument("--pg", metavar="ADMIN_URL", help="the hub (and its baseline) on PostgreSQL: "
                        "postgresql+psycopg://USER@HOST:PORT/postgres (tools/pg_test_server.sh starts one)")
    args = parser.parse_args()
    i18n.setup("vi")
    root = args.dir or Path(tempfile.mkdtemp(prefix="kbang-sync-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KBANG_DATA_DIR", str(root / "data"))
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "sqlite": sqlite3.sqlite_version}
    if not args.skip_commune:
        print(f"(d) one commune of {args.people:,} people ...", flush=True)
        results["commune"] = commune_scale(root, args.people)
        print(json.dumps(results["commune"], indent=1), flush=True)
    if not args.skip_hub:
        print(f"(e) the hub importing {args.communes} communes of {args.people:,} people ...", flush=True)
        results["hub"] = hub_scale(root, args.communes, args.people, args.pg)
        print(json.dumps(results["hub"], indent=1), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"sync-{time.strftime('%Y%m%d-%H%M%S')}.json"
    target.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"saved {target}")
    if not args.dir:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
