"""Shipped reference data (units, successions, ethnic groups, literacy rules, criteria template).

Reference records get deterministic ids and a fixed initial rev, so every office
that loads the same shipped data holds the same records and a hub's later edits
replace them cleanly through sync.
"""

from __future__ import annotations

import csv
import json
import uuid
from datetime import date, datetime
from pathlib import Path

from kbang_desktop.core import entities as E
from kbang_desktop.core.text import collation_key, fold, fold_compact, nfc
from kbang_desktop.core.units import COMMUNE_KINDS
from kbang_desktop.core.write_policy import REFERENCE_NAMESPACE, REFERENCE_OFFICE_ID, REFERENCE_SITE
from kbang_desktop.paths import resource
from kbang_desktop.storage.repo import Repository

NAMESPACE = REFERENCE_NAMESPACE
REFERENCE_REV = f"{0:013d}{0:04d}{REFERENCE_SITE}"
REFERENCE_TIME = datetime(2021, 1, 1)


def reference_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _rows(name: str) -> list[dict[str, str]]:
    """Rows of a shipped CSV. A free-text last column may hold unquoted commas: extra fields rejoin it."""
    with resource("reference", name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, restkey="_extra")
        last = reader.fieldnames[-1] if reader.fieldnames else ""
        rows = []
        for row in reader:
            extra = row.pop("_extra", None)
            if extra:
                row[last] = ",".join([row[last] or "", *extra])
            rows.append({k: (v or "").strip() for k, v in row.items()})
        return rows


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _stamp() -> dict:
    return {"owner_office_id": REFERENCE_OFFICE_ID, "rev": REFERENCE_REV, "prev_rev": None, "deleted": False,
            "created_at": REFERENCE_TIME, "created_by": "reference", "updated_at": REFERENCE_TIME,
            "updated_by": "reference"}


def load_shipped(repo: Repository) -> dict[str, int]:
    """Insert the shipped reference data that is not there yet; return counts per kind.

    Runs inside a `sync_apply` write so the fixed revs are kept.
    """
    counts = {"admin_unit": 0, "admin_succession": 0, "ethnic_group": 0, "literacy_rule": 0, "criteria_set": 0}
    units = _rows("kbang_admin_units.csv")
    for row in units:
        unit_id = reference_id("admin_unit", row["key"])
        if repo.get(E.AdminUnit, unit_id, include_deleted=True):
            continue
        repo.add(E.AdminUnit, id=unit_id, key=row["key"], kind=row["kind"], name=nfc(row["name"]),
                 name_folded=fold(row["name"]),
                 parent_id=reference_id("admin_unit", row["parent_key"]) if row["parent_key"] else None,
                 code=None, valid_from=_date(row["valid_from"]), valid_to=_date(row["valid_to"]),
                 note=row.get("note", ""), is_demo=False, **_stamp())
        counts["admin_unit"] += 1
    for row in _rows("kbang_admin_successions.csv"):
        key = f"{row['predecessor_key']}>{row['successor_key']}@{row['effective']}"
        succession_id = reference_id("admin_succession", key)
        if repo.get(E.AdminSuccession, succession_id, include_deleted=True):
            continue
        repo.add(E.AdminSuccession, id=succession_id,
                 predecessor_id=reference_id("admin_unit", row["predecessor_key"]),
                 successor_id=reference_id("admin_unit", row["successor_key"]),
                 effective=_date(row["effective"]), share=row["share"], note="", **_stamp())
        counts["admin_succession"] += 1
    details = {row["code"]: row for row in _rows("ethnic_group_details.csv")}
    for row in _rows("ethnic_groups.csv"):
        group_id = reference_id("ethnic_group", row["code"])
        if repo.get(E.EthnicGroup, group_id, include_deleted=True):
            continue
        extra = details.get(row["code"], {})
        repo.add(E.EthnicGroup, id=group_id, code=row["code"], name=nfc(row["name"]),
                 aliases=nfc(extra.get("aliases", "")), minority=extra.get("minority", "yes") != "no", **_stamp())
        counts["ethnic_group"] += 1
    for row in _rows("literacy_rules.csv"):
        rule_id = reference_id("literacy_rule", f"{row['level']}@{row['valid_from']}")
        if repo.get(E.LiteracyRuleRecord, rule_id, include_deleted=True):
            continue
        repo.add(E.LiteracyRuleRecord, id=rule_id, level=int(row["level"]), valid_from=_date(row["valid_from"]),
                 valid_to=_date(row["valid_to"]), age_from=int(row["age_from"]), age_to=int(row["age_to"]),
                 difficult_age_from=int(row["difficult_age_from"]), difficult_age_to=int(row["difficult_age_to"]),
                 threshold=row["threshold"], legal_basis=row["legal_basis"], **_stamp())
        counts["literacy_rule"] += 1
    for path in sorted(Path(resource("criteria")).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        set_id = reference_id("criteria_set", f"{path.stem}@{data['version']}")
        if repo.get(E.CriteriaSet, set_id, include_deleted=True):
            continue
        repo.add(E.CriteriaSet, id=set_id, model_kind=data["model_kind"], name=data["name"],
                 legal_source=data["legal_source"], effective_from=_date(data["effective_from"]),
                 effective_to=_date(data["effective_to"] or ""), version=int(data["version"]),
                 is_template=bool(data["is_template"]),
                 definition=json.dumps(data["definition"], ensure_ascii=False), **_stamp())
        counts["criteria_set"] += 1
    return counts


class EthnicIndex:
    """Finds an ethnic group by code or by any usual spelling ("Ba Na", "Bahnar", "Jrai")."""

    def __init__(self, groups: list[E.EthnicGroup]) -> None:
        self.groups = groups
        self.by_code = {g.code: g for g in groups}
        self.by_spelling: dict[str, E.EthnicGroup] = {}
        for g in groups:
            for spelling in [g.name, *filter(None, g.aliases.split(";"))]:
                self.by_spelling.setdefault(fold_compact(spelling), g)

    def find(self, text: str) -> E.EthnicGroup | None:
        value = nfc(str(text))
        if value.isdigit():
            return self.by_code.get(value.zfill(2))
        return self.by_spelling.get(fold_compact(value))


def shipped_communes(when: date) -> list[str]:
    """Names of the communes, wards and towns in force on `when`, from the shipped data (no database:
    the set-up assistant offers them before one exists), in Vietnamese order."""
    names = {row["name"] for row in _rows("kbang_admin_units.csv") if row["kind"] in COMMUNE_KINDS
             and (_date(row["valid_from"]) or date.min) <= when <= (_date(row["valid_to"]) or date.max)}
    return sorted(names, key=collation_key)
