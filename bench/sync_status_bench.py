"""Sync status at a hub with many peers (issue 12). Not part of the test run; see bench/README.md.

  flock /work/brief/heavy.lock .venv/bin/python bench/sync_status_bench.py [--communes 60] [--people 1000]
        [--dir /work/bench-data/i12b] [--repeat 5] [--code /work/main/src]

Builds once (kept in --dir) a hub of --communes communes, each a real commune office joined to the hub
whose demo data of --people people arrived in a real bundle; every commune is a peer (a registered PC).
Two states of the same hub: "first" (no commune has imported anything from the hub yet: every peer
still needs everything, the status reads the whole change log) and "spread" (each peer acknowledged
up to a different point, spread evenly over the change log: every peer needs a different part, and
what a commune's only PC sent itself is not counted for it).

Measured, warm, median of --repeat, in the same run on the same file:
- `exchange.status(hub)` (what `kbang bundle status` and the overview call);
- the baseline: one `GROUP BY` of the change log, the latest change of every record
  (`SELECT record_type, record_id, MAX(seq) FROM change_log GROUP BY record_type, record_id`), with
  plain sqlite3, (1) counted in SQL, (2) every row fetched into Python;
- with --code SRC: the same status by another source tree (e.g. main, one pass per peer and record
  type), in a fresh process, once.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kbang_desktop import i18n
from kbang_desktop.sync import exchange

sys.path.insert(0, str(Path(__file__).parent))
from sync_bench import _commune, _services

GROUP_BY = "SELECT record_type, record_id, MAX(seq) FROM change_log GROUP BY record_type, record_id"


def build(root: Path, communes: int, people: int) -> Path:
    """The hub (made once; a later run with the same sizes reuses it)."""
    hub_path = root / "hub" / "kbang.db"
    marker = root / "built.json"
    wanted = {"communes": communes, "people": people}
    if marker.exists() and json.loads(marker.read_text()) == wanted and hub_path.exists():
        return hub_path
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    t0 = time.perf_counter()
    hub = _services(hub_path, "hub", "Sở Giáo dục và Đào tạo Gia Lai")
    hub_office = hub.ctx.require_identity()[1]
    for index in range(communes):
        path, commune = _commune(root, hub, index, people)
        written = exchange.export_bundle(commune, hub_office, root / "usb")
        commune.ctx.db.close()
        shutil.rmtree(path.parent)
        result = exchange.import_bundle(hub, written.file)
        written.file.unlink()
        if result.status != "applied":
            raise SystemExit(f"commune {index}: {result.status} {result.reason}")
        if index % 10 == 9:
            print(f"  {index + 1} communes in {time.perf_counter() - t0:.0f} s", flush=True)
    hub.ctx.db.close()
    marker.write_text(json.dumps(wanted))
    print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
    return hub_path


def _median(work, repeat: int) -> tuple[float, object]:
    work()  # warm: the file in the page cache, the statements prepared
    times, answer = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        answer = work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), answer


def _acknowledge(plain: sqlite3.Connection, highest: int) -> None:
    """Each peer's PCs acknowledged up to a point spread evenly over 1..highest (0: nothing)."""
    offices = [row[0] for row in plain.execute("SELECT DISTINCT office_id FROM peer_site ORDER BY office_id")]
    with plain:
        for index, office in enumerate(offices):
            seq = highest * (index + 1) // (len(offices) + 1) if highest else 0
            plain.execute("UPDATE peer_site SET acked_seq = ? WHERE office_id = ?", (seq, office))


def _check(hub, peers) -> bool:
    """The one-pass figures against counting peer by peer, table by table (export.unacknowledged), for a few."""
    from kbang_desktop.storage.changelog import last_seq
    from kbang_desktop.sync.export import selection, unacknowledged

    _site, office = hub.ctx.require_identity()
    with hub.ctx.read() as repo:
        seq_to = last_seq(repo.session)
        return all(unacknowledged(repo.session, selection(repo.session, office, p.office_id), seq_to) == p.unacknowledged
                   for p in peers)


def _other_code(src: str, hub_path: Path) -> float:
    script = ("import sys, time\n"
              "from kbang_desktop.services.context import Actor\n"
              "from kbang_desktop.services.registry import open_services\n"
              "from kbang_desktop.sync import exchange\n"
              f"s = open_services({str(hub_path)!r}, Actor('os:bench', 'admin'))\n"
              "exchange.status(s)\n"  # warm, as the others
              "t0 = time.perf_counter(); exchange.status(s); print(time.perf_counter() - t0)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"})
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=60)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=Path("/work/bench-data/i12b"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--code", action="append", default=[], help="another source tree to time (once)")
    args = parser.parse_args()
    i18n.setup("vi")
    hub_path = build(args.dir / f"c{args.communes}-p{args.people}", args.communes, args.people)
    hub = _services(hub_path)
    plain = sqlite3.connect(hub_path)
    log_rows = plain.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    counted_s, records = _median(lambda: plain.execute(f"SELECT COUNT(*) FROM ({GROUP_BY})").fetchone()[0],
                                 args.repeat)
    fetched_s, _rows = _median(lambda: len(plain.execute(GROUP_BY).fetchall()), args.repeat)
    result = {"communes": args.communes, "people_each": args.people, "change_log_rows": log_rows,
              "records": records, "group_by_counted_s": round(counted_s, 3), "group_by_fetched_s": round(fetched_s, 3),
              "file_mb": round(hub_path.stat().st_size / 1e6, 1)}
    for state in ("first", "spread"):
        _acknowledge(plain, log_rows if state == "spread" else 0)
        hub.ctx.db.engine.dispose()
        status_s, peers = _median(lambda: exchange.status(hub), args.repeat)
        result[state] = {"peers": len(peers), "not_acknowledged_total": sum(p.unacknowledged for p in peers),
                         "status_s": round(status_s, 3), "ratio_to_counted": round(status_s / counted_s, 2),
                         "ratio_to_fetched": round(status_s / fetched_s, 2),
                         "same_as_peer_by_peer": _check(hub, peers[:: max(1, len(peers) // 4)])}
        if state == "spread":
            _acknowledge(plain, 0)
    for src in args.code:
        seconds = _other_code(src, hub_path)
        result[f"status_s[{src}]"] = round(seconds, 3)
        result[f"ratio[{src}]"] = round(seconds / counted_s, 2)
    plain.close()
    hub.ctx.db.close()
    print(json.dumps(result, indent=1, ensure_ascii=False))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"sync_status_{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
