"""`--self-test`: does this installation work? Run by the smoke test of the built program (CI) and by a
hub officer after installing on a commune PC.

In a temporary folder, never touching the user's data: create a database and migrate it, load the
reference data, add a person, evaluate a household, issue a decision, print its certificate to a
PDF with the embedded fonts and check the certificate's signature; both languages load. Each step
says what it checked; the first failure stops with its reason and exit code 1.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kbang_desktop import __version__, i18n
from kbang_desktop.i18n import _


class SelfTestFailed(Exception):
    pass


def core_steps(folder: Path, state: dict[str, Any]) -> list[tuple[str, Callable[[], str]]]:
    """The checks that need no screen, in order; each returns what it saw. `state` carries what one
    step made to the next (the services, the decision, the PDF) and to the screen's own checks."""

    def database() -> str:
        from kbang_desktop.services.context import Actor
        from kbang_desktop.services.registry import open_services
        from kbang_desktop.storage import vault
        from kbang_desktop.storage.db import current_revision, head_revision

        path = folder / "kbang-selftest.db"  # encrypted, as every office's database (SQLCipher in the build)
        services = open_services(path, Actor("os:self-test", "admin"), backup_dir=folder / "backups",
                                 key=vault.new_key(), recovery=vault.recovery_public(vault.new_recovery_key()))
        state["services"] = services
        revision = current_revision(services.ctx.db.engine)
        if revision != head_revision():
            raise SelfTestFailed(f"schema {revision} != {head_revision()}")
        if not vault.is_encrypted(path):
            raise SelfTestFailed("database not encrypted")
        return f"schema {revision}, encrypted"

    def reference() -> str:
        services = state["services"]
        services.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La", "admin", "selftest-123")
        groups = services.persons.ethnic_groups()
        if len(groups) < 54:
            raise SelfTestFailed(f"{len(groups)} ethnic groups")
        return f"{len(groups)} ethnic groups"

    def person() -> str:
        services = state["services"]
        head = services.persons.add("Đinh Văn Hmưk", "M", "05/02/1978", "Ba Na", "Kông Bơ La", "Làng Kon Kơ Tu")
        found = services.persons.search("dinh van hmuk")
        if [p.id for p in found] != [head.id]:
            raise SelfTestFailed("search")
        state["head"] = head
        return head.full_name

    def decision() -> str:
        from kbang_desktop.core.scoring import parse_definition

        services, head = state["services"], state["head"]
        year = services.ctx.today().year - 1
        household = services.households.add("Kông Bơ La", "Làng Kon Kơ Tu", "1", head.id)
        registration = services.models.register(year, "household", household.id, date(year, 1, 10))
        criteria = services.criteria.in_force("household", date(year, 11, 1))
        definition = parse_definition(json.loads(criteria.definition))
        scores = {item.code: item.max_points for c in definition.criteria for item in c.items}
        services.models.evaluate(registration.id, scores, date(year, 11, 1))
        made = services.models.create_decision("Kông Bơ La", "1/QĐ-UBND", date(year, 12, 20), "household", year,
                                               "Nguyễn Văn Hùng")
        services.models.add_entry(made.id, registration.id)
        state["decision"] = services.models.issue(made.id)
        return state["decision"].number

    def certificate() -> str:
        from kbang_desktop.documents.certificates import print_decision, records_in_pdf

        services = state["services"]
        out = folder / "certificate.pdf"
        printed = print_decision(services.certificates, state["decision"].id, out)
        data = out.read_bytes()
        if printed.pages != 1 or not data.startswith(b"%PDF") or b"FontFile2" not in data:
            raise SelfTestFailed("PDF without embedded fonts")
        records = records_in_pdf(data)
        verdict = services.certificates.verify(records[0]) if records else None
        if verdict is None or not verdict.genuine:
            raise SelfTestFailed(f"verification: {verdict.status if verdict else 'no record'}")
        state["pdf"] = out
        return f"{len(data) // 1024} KB, {verdict.status}"

    def languages() -> str:
        current = i18n.current_language()
        try:
            seen = {}
            for lang in i18n.LANGUAGES:
                i18n.setup(lang)
                seen[lang] = _("Người dân và hộ gia đình")
        finally:
            i18n.setup(current)
        if seen.get("en") == seen.get("vi"):
            raise SelfTestFailed("the English catalog is not loaded")
        return ", ".join(f"{k}: {v}" for k, v in seen.items())

    def guide() -> str:
        from kbang_desktop.paths import guide_file

        pages = [guide_file(which, lang) for which in ("guide", "hub") for lang in ("vi", "en")]
        missing = [p.name for p in pages if not p.is_file()]
        if missing:
            raise SelfTestFailed(f"missing {', '.join(missing)}")
        pictures = list(pages[0].parent.parent.joinpath("screenshots").glob("*.png"))
        return f"{len(pages)} pages, {len(pictures)} pictures"

    return [("database", database), ("reference data", reference), ("person", person),
            ("decision", decision), ("certificate", certificate), ("languages", languages), ("user guide", guide)]


Steps = list[tuple[str, Callable[[], str]]]


def run(extra: Callable[[Path, dict[str, Any]], Steps] | None = None) -> int:
    """Run every step, printing one line each; 0 when all pass. `extra`: the program's own checks
    (the desktop program adds its window), run after the core ones."""
    started = time.monotonic()
    print(f"Kbang Desktop {__version__} self-test ({sys.platform}, Python {sys.version.split()[0]})", flush=True)
    with tempfile.TemporaryDirectory(prefix="kbang-selftest-", ignore_cleanup_errors=True) as name:
        folder, state = Path(name), {}
        steps = core_steps(folder, state) + (extra(folder, state) if extra else [])
        try:
            for title, step in steps:
                try:
                    seen = step()
                except Exception as error:  # the point is to report any failure, whatever it is
                    print(f"FAIL {title}: {type(error).__name__}: {error}", flush=True)
                    return 1
                print(f"ok   {title}: {seen}", flush=True)
        finally:
            if "services" in state:
                state["services"].ctx.db.close()  # before the folder goes (Windows keeps open files)
    print(f"all {len(steps)} checks passed in {time.monotonic() - started:.1f} s", flush=True)
    return 0
