"""The database encrypted at rest (issue 15) against the same work on a plain file, in the same run.
Not part of the test run; see bench/README.md.

  python bench/encryption_bench.py [--people 5000] [--searches 300] [--rounds 3] [--dir DIR]

After a warm-up round of each (not counted), for each of plain and encrypted (SQLCipher 4, raw key),
alternating, --rounds times (medians):
  load      demo data for --people people into a new office (the bulk loader): rows per second;
  search    --searches searches of the people list by a fragment of a name: p95 in ms;
  import    the hub importing one commune's bundle of --people people (verify, decrypt, plan, apply):
            seconds, the commune and the hub both plain or both encrypted;
  open      opening the database (with the full check at open, as a `kbang` command does) and reading the
            office, median ms;
  window    start-to-window with a password: the installation's database opened as the window's start does
            (`Door`: a plain file at once, an encrypted one by the password), the log-in with the password
            (scrypt: the key's slot, then the account), and the data of the first screen (the office, the
            first page of the people list), median ms. The day's backup (and, encrypted, the full check) run
            beside the window as in the program, waited for outside the timing.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kbang_desktop import i18n
from kbang_desktop.services import registry
from kbang_desktop.services.context import Actor
from kbang_desktop.services.demo import DemoService
from kbang_desktop.services.registry import Door, open_services
from kbang_desktop.storage import vault
from kbang_desktop.sync import exchange, join

ENCRYPT_IN_PLACE = registry.encrypt_in_place


def _office(path: Path, kind: str, name: str, key: bytes | None):
    services = open_services(path, Actor("os:bench", "admin"), key=key)
    services.offices.initialise(kind, name, None, "admin", "bench-password")
    join.site_keys(services)
    return services


def one_round(root: Path, people: int, searches: int, encrypted: bool, seed: int) -> dict[str, float]:
    key = vault.new_key() if encrypted else None
    folder = root / ("encrypted" if encrypted else "plain")
    shutil.rmtree(folder, ignore_errors=True)
    hub = _office(folder / "hub" / "kbang.db", "hub", "Hub", key)
    commune = _office(folder / "commune" / "kbang.db", "commune", "UBND xã Thử nghiệm", key)
    usb = folder / "usb"
    welcome = join.register(hub, join.join_request(commune, usb / "join.kbj"), usb)
    join.trust(commune, welcome.file)

    t0 = time.perf_counter()
    counts = DemoService(commune.ctx).generate(1, people, seed=seed)
    load_s = time.perf_counter() - t0
    rows = sum(counts.values())

    names = [p.full_name for p in commune.persons.page(limit=2000)]
    rng = random.Random(seed)
    times = []
    for _ in range(searches):
        words = rng.choice(names).split()
        query = " ".join(w[: max(2, len(w) - 1)] for w in words[-2:])
        t1 = time.perf_counter()
        commune.persons.search(query)
        times.append(time.perf_counter() - t1)
    p95 = statistics.quantiles(times, n=20)[-1] * 1000

    written = exchange.export_bundle(commune, hub.ctx.require_identity()[1], usb)
    t2 = time.perf_counter()
    result = exchange.import_bundle(hub, written.file)
    import_s = time.perf_counter() - t2
    assert result.status == "applied", result.reason
    path = commune.ctx.db.path
    commune.ctx.db.close()
    hub.ctx.db.close()

    opens = []
    for _ in range(5):
        t3 = time.perf_counter()
        again = open_services(path, Actor("os:bench", "admin"), create=False, key=key)
        again.offices.this_office()
        opens.append(time.perf_counter() - t3)
        again.ctx.db.close()
    windows = []
    if not encrypted:  # the same start of a plain installation (this version would encrypt it at the log-in)
        registry.encrypt_in_place = lambda services, _actor, _progress=None: (services, None)
    for _ in range(5):
        t4 = time.perf_counter()
        door = Door(path)
        services, _actor, _recovery = door.enter("admin", "bench-password")
        services.offices.this_office()
        services.persons.page(limit=50)
        windows.append(time.perf_counter() - t4)
        if door.backup is not None:
            door.backup.join()
            assert door.backup.problem is None, door.backup.problem
        services.ctx.db.close()
    registry.encrypt_in_place = ENCRYPT_IN_PLACE
    assert vault.is_encrypted(path) == encrypted
    return {"window_ms": statistics.median(windows) * 1000,
            "load_rows_per_s": rows / load_s, "rows": rows, "search_p95_ms": p95, "import_s": import_s,
            "records": written.records, "open_ms": statistics.median(opens) * 1000,
            "db_mb": path.stat().st_size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir")
    args = parser.parse_args()
    i18n.setup("vi")
    root = Path(args.dir or tempfile.mkdtemp(prefix="kbang-encryption-bench-"))
    runs: dict[str, list[dict[str, float]]] = {"plain": [], "encrypted": []}
    for encrypted in (False, True):  # a warm-up round of each, not counted (imports, SQLAlchemy's caches)
        one_round(root, min(300, args.people), 20, encrypted, seed=99)
    for index in range(args.rounds):
        for encrypted in ((False, True) if index % 2 == 0 else (True, False)):
            runs["encrypted" if encrypted else "plain"].append(
                one_round(root, args.people, args.searches, encrypted, seed=index + 1))
    medians = {kind: {k: statistics.median(r[k] for r in rounds) for k in rounds[0]} for kind, rounds in runs.items()}
    plain, encrypted = medians["plain"], medians["encrypted"]
    ratios = {"load (time per row)": plain["load_rows_per_s"] / encrypted["load_rows_per_s"],
              "search p95": encrypted["search_p95_ms"] / plain["search_p95_ms"],
              "bundle import": encrypted["import_s"] / plain["import_s"],
              "open to office": encrypted["open_ms"] / plain["open_ms"],
              "start to window": encrypted["window_ms"] / plain["window_ms"]}
    print(json.dumps({"people": args.people, "rounds": args.rounds, "plain": plain, "encrypted": encrypted,
                      "ratios_encrypted_over_plain": ratios}, indent=1))
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
