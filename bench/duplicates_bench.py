"""Duplicates and merges (issue 14): `persons duplicates` on a commune of N people, against reading one page of
the people list (500 rows) in the same run; and the people list, search and count with merges standing.

    flock /work/brief/heavy.lock .venv/bin/python bench/duplicates_bench.py --people 10000 --dir /work/bench-data/BRANCH

Demo data (the bulk loader), then twenty duplicate pairs added through the service, medians of --repeat; then
ten merges, and one page of the list with and without the condition that leaves merged people out.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import true

from kbang_desktop import i18n
from kbang_desktop.services.context import Actor
from kbang_desktop.services.demo import DemoService
from kbang_desktop.services.registry import open_services
from kbang_desktop.storage import queries


def _timed(fn, repeat: int) -> float:
    fn()  # warm: the first run after writes reads the pages back from the WAL
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--dir")
    args = parser.parse_args()
    i18n.setup("vi")
    root = Path(args.dir or tempfile.mkdtemp(prefix="kbang-duplicates-bench-"))
    shutil.rmtree(root / "db", ignore_errors=True)
    services = open_services(root / "db" / "kbang.db", Actor("os:bench", "admin"))
    services.offices.initialise("commune", "UBND xã Thử nghiệm", None, "admin", "bench-password")
    DemoService(services.ctx).generate(1, args.people, seed=1)
    sample = services.persons.page(limit=40)
    commune_id = services.persons.get(sample[0].id).commune_id
    for row in sample[:20]:  # twenty more pairs, recorded twice on purpose
        person = services.persons.get(row.id)
        services.persons.update(row.id, id_number=None)
        twin = services.persons.add_in_household(person.full_name, person.sex, str(person.birth_year),
                                                 person.ethnic_code or "", person.commune_id, person.village_id,
                                                 allow_duplicate=True)
        assert twin.id
    pairs = services.merges.duplicates(commune_id)
    result = {"people": services.persons.count(), "pairs": len(pairs)}
    result["duplicates_ms"] = _timed(lambda: services.merges.duplicates(commune_id), args.repeat)
    result["page_500_ms"] = _timed(lambda: services.persons.page(limit=500, commune_id=commune_id), args.repeat)
    for pair in pairs[:10]:
        services.merges.merge(pair.first.id, pair.second.id)
    # what leaving merged people out costs the people list: the same page with and without the condition,
    # interleaved (the machine is shared: its load changes more over a minute than the condition costs)
    kept = queries.not_merged
    runs: dict[str, list[float]] = {"with": [], "without": []}
    for index in range(4 * args.repeat):
        for kind in ("with", "without") if index % 2 else ("without", "with"):
            queries.not_merged = kept if kind == "with" else (lambda _column: true())
            t0 = time.perf_counter()
            services.persons.page(limit=500, commune_id=commune_id)
            runs[kind].append(time.perf_counter() - t0)
    queries.not_merged = kept
    result["page_with_10_merges_ms"] = {k: statistics.median(v) * 1000 for k, v in runs.items()}
    result["page_filter_over_none"] = statistics.median(runs["with"]) / statistics.median(runs["without"])
    result["duplicates_over_page"] = result["duplicates_ms"] / result["page_500_ms"]
    print(json.dumps(result, indent=1))
    services.ctx.db.close()


if __name__ == "__main__":
    main()
