"""Search at the 1.35-million-person hub against the bare FTS5 query of the same text (issue 14).

  python bench/search_bench.py [--dir /work/bench-data/i14u] [--people 1350000] [--communes 135]
                               [--repeats 40] [--rebuild] [--out bench/results]

Builds once (kept in --dir, reused by later runs) a hub database of `people` persons in `communes`
communes of about 10 villages each: Kinh, Bahnar and Jrai names (H'Bia, Y Blang, Rơ Châm...), a few
rare names. Rows go in with plain sqlite3 executemany (the FTS triggers fill the index), with
`name_folded` and `sort_key` worked out by `storage.models.derive`, the function every write path
uses. Then, warm, for each query text (with and without a commune filter), interleaved in the same
run on the same file:

  ours: PersonService.search(text, limit=100[, commune_id=...]) (what the window and `kbang persons
        search` call: the first 100 in Vietnamese order, as rows with unit names);
  bare: SELECT rowid FROM person_fts WHERE person_fts MATCH ? LIMIT 100, with the FTS5 query the
        service builds from the same text (storage.queries.fts_query), through plain sqlite3.

and reports p50 / p95 of each and their ratio; the issue's target is p95(ours) <= 2 x p95(bare).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import date, datetime
from pathlib import Path

from kbang_desktop import i18n
from kbang_desktop.core.text import search_terms
from kbang_desktop.services.context import Actor
from kbang_desktop.services.demo import (
    BAHNAR_GIVEN_F,
    BAHNAR_GIVEN_M,
    JRAI_FAMILY,
    JRAI_GIVEN_F,
    JRAI_GIVEN_M,
    KINH_FAMILY,
    KINH_GIVEN_F,
    KINH_GIVEN_M,
    KINH_MIDDLE_F,
    KINH_MIDDLE_M,
    VILLAGE_ROOTS,
    VILLAGE_WORDS,
)
from kbang_desktop.services.reference import reference_id
from kbang_desktop.services.registry import open_services
from kbang_desktop.storage.models import derive
from kbang_desktop.storage.queries import fts_query

# (label, text, with a commune filter)
QUERIES = [
    ("common surname", "nguyen", False),
    ("common surname", "nguyen", True),
    ("first name", "hung", False),
    ("first name", "hung", True),
    ("hbia", "hbia", False),
    ("hbia", "hbia", True),
    ("h'bia", "h'bia", False),
    ("two words", "dinh van", False),
    ("two words", "dinh van", True),
    ("full name", "nguyen thi lan", False),
    ("full name", "nguyen thi lan", True),
    ("jrai family", "ro cham", False),
    ("prefix", "hmu", False),
    ("prefix", "hmu", True),
    ("rare name", "kpuih", False),
    ("rare name", "kpuih", True),
    ("diacritics", "Đinh Thị H'Nhi", False),
    ("no match", "zzyzx", False),
]
RARE = ["Kpuih Y Ngăm", "Kpuih H'Jơn", "Kpuih Thị Blưk"]  # about 40 people in all


def _iso(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _name(rng: random.Random) -> tuple[str, str]:
    sex = rng.choice("MF")
    ethnic = rng.choices(["13", "01", "10"], weights=[45, 40, 15])[0]
    if rng.random() < 0.00003:
        return rng.choice(RARE), sex
    if ethnic == "13":
        given = rng.choice(BAHNAR_GIVEN_M if sex == "M" else BAHNAR_GIVEN_F)
        return (f"Đinh {'Văn' if sex == 'M' else 'Thị'} {given}" if rng.random() < 0.6 else f"Đinh {given}"), sex
    if ethnic == "10":
        return f"{rng.choice(JRAI_FAMILY)} {rng.choice(JRAI_GIVEN_M if sex == 'M' else JRAI_GIVEN_F)}", sex
    family = "Nguyễn" if rng.random() < 0.35 else rng.choice(KINH_FAMILY)
    middle = rng.choice(KINH_MIDDLE_M if sex == "M" else KINH_MIDDLE_F)
    return f"{family} {middle} {rng.choice(KINH_GIVEN_M if sex == 'M' else KINH_GIVEN_F)}", sex


def build(path: Path, people: int, communes: int, seed: int) -> dict:
    """The hub database: set up by the services (schema, reference data, office), filled by executemany."""
    t0 = time.perf_counter()
    services = open_services(path, Actor("os:bench", "admin"))
    result = services.offices.initialise("hub", "Bench hub", None, None, None)
    services.ctx.db.close()
    office, site = result.office.id, result.site.id
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    person_columns = [r[1] for r in connection.execute("PRAGMA table_info(person)")]
    unit_columns = [r[1] for r in connection.execute("PRAGMA table_info(admin_unit)")]
    now = datetime(2026, 12, 1, 8, 0, 0)
    counter = [0]

    def stamp() -> dict:
        counter[0] += 1
        millis, count = 1_764_576_000_000 + counter[0] // 1000, counter[0] % 1000
        return {"owner_office_id": office, "rev": f"{millis:013d}{count:04d}{site}", "prev_rev": None,
                "deleted": False, "created_at": now, "created_by": "bench", "updated_at": now, "updated_by": "bench"}

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    province = reference_id("admin_unit", "gialai_2025")
    units, villages_of = [], {}
    for index in range(communes):
        commune = {"id": uid(), "key": None, "kind": "commune", "name": f"Xã Thử {index + 1:03d}",
                   "parent_id": province, "code": None, "valid_from": date(2025, 7, 1), "valid_to": None,
                   "note": "bench", "is_demo": True, **stamp()}
        units.append(derive("admin_unit", commune))
        villages_of[commune["id"]] = []
        for number in range(10):
            name = f"Làng {rng.choice(VILLAGE_WORDS)} {rng.choice(VILLAGE_ROOTS)} {number + 1}"
            village = derive("admin_unit", {"id": uid(), "key": None, "kind": "village", "name": name,
                                            "parent_id": commune["id"], "code": None, "valid_from": date(2025, 7, 1),
                                            "valid_to": None, "note": "bench", "is_demo": True, **stamp()})
            units.append(village)
            villages_of[commune["id"]].append(village["id"])
    with connection:
        connection.executemany(f"INSERT INTO admin_unit ({', '.join(unit_columns)}) VALUES "
                               f"({', '.join('?' * len(unit_columns))})",
                               [[_iso(u[c]) for c in unit_columns] for u in units])
    per_commune = people // communes
    insert = (f"INSERT INTO person ({', '.join(person_columns)}) VALUES ({', '.join('?' * len(person_columns))})")
    for commune_id, villages in villages_of.items():
        batch = []
        for _ in range(per_commune):
            name, sex = _name(rng)
            year = rng.randint(1940, 2020)
            row = {"id": uid(), "full_name": name, "sex": sex, "birth_date": date(year, rng.randint(1, 12),
                                                                                    rng.randint(1, 28))
                   if rng.random() < 0.8 else None, "birth_year": year, "ethnic_code": "01",
                   "household_id": None, "relation_to_head": "", "commune_id": commune_id,
                   "village_id": rng.choice(villages), "id_number": None, "disability": False, "exempt": False,
                   "education": "", "literacy_level": rng.choice((0, 1, 2)), "literacy_date": None,
                   "literacy_source": "", "moved_away_on": None, "died_on": None, "note": "", **stamp()}
            derive("person", row)
            batch.append([_iso(row[c]) for c in person_columns])
        with connection:
            connection.executemany(insert, batch)
    connection.execute("ANALYZE")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {"people": per_commune * communes, "communes": communes, "build_s": round(time.perf_counter() - t0, 1),
            "size_mb": round(path.stat().st_size / 1e6, 1)}


def _stats(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {"p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 2)}


def encrypted_copy(path: Path) -> tuple[Path, bytes]:
    """The same hub encrypted at rest (SQLCipher, as `kbang init` makes it), made once beside the plain
    file by the program's own `encrypt_database`; its recovery key is kept beside it."""
    from kbang_desktop.storage import vault
    from kbang_desktop.storage.backup import encrypt_database

    target = path.with_name(path.stem + "-encrypted.db")
    recovery = target.with_suffix(".recovery")
    if not target.exists() or not recovery.exists():
        for leftover in target.parent.glob(target.name + "*"):
            leftover.unlink()
        text = vault.new_recovery_key()
        recovery.write_text(text)
        shutil.copy(path, target)
        encrypt_database(target, vault.key_from_recovery(text), path.parent / "encryption-backups")
    return target, vault.key_from_recovery(recovery.read_text())


def measure(path: Path, repeats: int, key: bytes | None = None) -> dict:
    from kbang_desktop.storage import vault

    services = open_services(path, Actor("os:bench", "viewer"), key=key)
    bare = vault.connect(path, key) if key else sqlite3.connect(path)
    commune_id = bare.execute("SELECT commune_id FROM person WHERE rowid = 1").fetchone()[0]
    results = []
    all_ours, all_bare = [], []
    for label, text, filtered in QUERIES:
        match = fts_query(search_terms(text)) or '""'
        extra = {"commune_id": commune_id} if filtered else {}
        found = services.persons.search(text, limit=100, **extra)  # warm
        bare.execute("SELECT rowid FROM person_fts WHERE person_fts MATCH ? LIMIT 100", (match,)).fetchall()
        ours_t, bare_t = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            services.persons.search(text, limit=100, **extra)
            ours_t.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            bare.execute("SELECT rowid FROM person_fts WHERE person_fts MATCH ? LIMIT 100", (match,)).fetchall()
            bare_t.append((time.perf_counter() - t0) * 1000)
        total = bare.execute("SELECT count(*) FROM person_fts WHERE person_fts MATCH ?", (match,)).fetchone()[0]
        ours, base = _stats(ours_t), _stats(bare_t)
        all_ours += ours_t
        all_bare += bare_t
        row = {"query": label, "text": text, "commune": filtered, "matches": total, "rows": len(found),
               "ours": ours, "bare": base, "p50_ratio": round(ours["p50_ms"] / max(base["p50_ms"], 1e-3), 2),
               "p95_ratio": round(ours["p95_ms"] / max(base["p95_ms"], 1e-3), 2)}
        results.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    bare.close()
    services.ctx.db.close()
    ours, base = _stats(all_ours), _stats(all_bare)
    return {"queries": results, "all": {"ours": ours, "bare": base,
                                        "p50_ratio": round(ours["p50_ms"] / base["p50_ms"], 2),
                                        "p95_ratio": round(ours["p95_ms"] / base["p95_ms"], 2)}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=Path("/work/bench-data/i14u"))
    parser.add_argument("--people", type=int, default=1_350_000)
    parser.add_argument("--communes", type=int, default=135)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--encrypted", action="store_true", help="measure the same hub encrypted (SQLCipher)")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    args = parser.parse_args()
    i18n.setup("en")
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"search-hub-{args.people}.db"
    results: dict[str, object] = {"when": datetime.now().isoformat(timespec="seconds"),
                                  "sqlite": sqlite3.sqlite_version}
    if args.rebuild or not path.exists():
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        results["build"] = build(path, args.people, args.communes, args.seed)
        print(json.dumps(results["build"]), flush=True)
    if args.encrypted:
        t0 = time.perf_counter()
        path, key = encrypted_copy(path)
        results["encrypt_s"] = round(time.perf_counter() - t0, 1)
        results["search"] = measure(path, args.repeats, key)
    else:
        results["search"] = measure(path, args.repeats)
    print(json.dumps(results["search"]["all"]), flush=True)  # type: ignore[index]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"search-{results['when']}.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
