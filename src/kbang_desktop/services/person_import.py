"""Importing people from the spreadsheets communes already keep, and the columns of the export.

Headers are recognised in Vietnamese with or without diacritics ("Họ và tên", "Ho ten", "Năm sinh",
"Nữ", "Thôn/Làng" ...) or mapped by the user. Every problem is reported by row and column before
anything is saved; nothing is saved when a row is invalid unless the user asks to skip invalid rows.
Likely duplicates (same folded name, birth year and village) of people already recorded, or of an
earlier row of the same file, are reported and not created twice. One transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kbang_desktop.core import entities as E
from kbang_desktop.core.dates import Birth, parse_birth, parse_date
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.text import fold, nfc, person_search_text
from kbang_desktop.core.validation import PersonInput, validate_person
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.maintenance import backup_before_import
from kbang_desktop.services.people import ethnic_index
from kbang_desktop.services.units import commune_or_successor, find_commune, find_village, unit_graph
from kbang_desktop.storage.bulk import BulkLoader
from kbang_desktop.storage.writes import new_id

# field -> (the header the export writes, other spellings, folded)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "full_name": ("Họ và tên", ("ho va ten", "ho ten", "ho va ten nguoi", "ten", "full name", "name")),
    "birth": ("Ngày sinh", ("ngay sinh", "nam sinh", "ngay thang nam sinh", "ngay sinh nam sinh", "sinh ngay",
                            "nam sinh ngay sinh", "date of birth", "birth", "birth year")),
    "sex": ("Giới tính", ("gioi tinh", "gioi", "nam nu", "sex")),
    "female": ("Nữ", ("nu", "female")),
    "male": ("Nam", ("nam",)),
    "ethnic": ("Dân tộc", ("dan toc", "ethnic group", "ethnicity", "ma dan toc")),
    "commune": ("Xã", ("xa", "xa phuong", "xa phuong thi tran", "commune")),
    "village": ("Thôn/Làng", ("thon lang", "thon", "lang", "thon buon", "buon", "to dan pho", "village",
                              "thon lang buon", "dia chi thon lang")),
    "household": ("Hộ số", ("ho so", "so ho", "ma ho", "household", "household number")),
    "relation": ("Quan hệ với chủ hộ", ("quan he voi chu ho", "quan he", "quan he chu ho", "relation")),
    "education": ("Trình độ", ("trinh do", "trinh do hoc van", "hoc van", "trinh do van hoa", "education")),
    "literacy": ("Mức độ biết chữ", ("muc do biet chu", "biet chu", "muc biet chu", "literacy", "literacy level")),
    "literacy_date": ("Ngày đạt mức biết chữ", ("ngay dat muc biet chu", "ngay biet chu", "literacy date")),
    "id_number": ("Số định danh cá nhân", ("so dinh danh ca nhan", "so dinh danh", "so cccd", "cccd", "cmnd",
                                           "so cmnd", "id number")),
    "disability": ("Khuyết tật", ("khuyet tat", "disability")),
    "exempt": ("Miễn (không có khả năng học tập)", ("mien khong co kha nang hoc tap", "mien",
                                                    "khong co kha nang hoc tap", "exempt")),
    "note": ("Ghi chú", ("ghi chu", "note", "notes")),
}
IGNORED = ("stt", "tt", "so tt", "so thu tu", "ma", "id")
SENSITIVE = ("id_number", "disability")  # in the export only when asked for (ethnicity is part of the register)
EXPORT_FIELDS = ("full_name", "birth", "sex", "ethnic", "commune", "village", "household", "relation", "education",
                 "literacy", "literacy_date", "id_number", "disability", "exempt", "note")
TRUE_WORDS = {"x", "co", "1", "yes", "true", "dung", "v", "nu", "có"}
FALSE_WORDS = {"", "0", "khong", "no", "false", "-"}
_PUNCT = re.compile(r"[^0-9a-z]+")


def header_key(text: object) -> str:
    return _PUNCT.sub(" ", fold(str(text or ""))).strip()


_LOOKUP = {header_key(alias): name for name, (label, aliases) in FIELDS.items() for alias in (label, *aliases)}


def recognise(text: object, mapping: dict[str, str] | None = None) -> str | None:
    """The field a header means ("Họ và tên" -> "full_name"), None for unknown, "" for STT and the like."""
    key = header_key(text)
    if mapping:
        for given, target in mapping.items():
            if header_key(given) == key:
                return target
    if key in IGNORED:
        return ""
    return _LOOKUP.get(key)


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """`--map "Tên đầy đủ=full_name"`: a header of the file and the field it means."""
    result = {}
    for item in items:
        header, sep, target = item.rpartition("=")
        target = target.strip()
        if not sep or not header.strip() or target not in FIELDS:
            raise KbangError(N_("Ánh xạ cột \"{item}\" không hợp lệ; viết dạng \"Tên cột=trường\" với trường là "
                                "một trong: {fields}."), item=item, fields=", ".join(FIELDS))
        result[header.strip()] = target
    return result


@dataclass(frozen=True, slots=True)
class SheetRow:
    number: int  # the row number in the spreadsheet
    cells: dict[str, tuple[Any, str]]  # field -> (value, header as written in the file)


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    column: str
    message: str  # msgid
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    status: str  # imported | rejected | dry-run
    rows: int
    created: int
    duplicates: tuple[dict[str, Any], ...]
    errors: tuple[RowProblem, ...]
    skipped: int


@dataclass(slots=True)
class _Draft:
    row: int
    full_name: str
    sex: str
    birth: Birth
    ethnic_code: str
    commune: E.AdminUnit
    village: str
    household: str
    relation: str
    education: str
    literacy: int
    literacy_date: date | None
    id_number: str | None
    disability: bool
    exempt: bool
    note: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(nfc(str(value)).split())


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = header_key(_text(value)) if value not in (None, "") else ""
    if word in FALSE_WORDS:
        return False
    if word in TRUE_WORDS or fold(_text(value)) in TRUE_WORDS:
        return True
    return None


def _sex(value: Any) -> str | None:
    word = header_key(_text(value))
    if word in ("nam", "m", "male", "trai"):
        return "M"
    if word in ("nu", "f", "female", "gai"):
        return "F"
    return None


def _literacy(value: Any) -> int | None:
    word = header_key(_text(value))
    if word in ("", "0", "khong", "chua biet chu", "mu chu", "chua"):
        return 0
    for level in (1, 2):
        if word in (str(level), f"muc {level}", f"muc do {level}", f"bc{level}", f"bc {level}", f"level {level}"):
            return level
    return None


def _birth(value: Any, today: date) -> Birth:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        text = _text(value)
        value = int(text) if text.isdigit() and len(text) > 4 else text  # a serial number typed as text
    return parse_birth(value, today)


def _commune_now(units: dict[str, E.AdminUnit], graph: Any, person: E.Person, today: date) -> str:
    """The commune a person lives in today (after mergers), else the one on the record."""
    now = graph.record_commune_on(person.commune_id, person.village_id, today)
    unit = units.get(now or person.commune_id)
    return unit.name if unit else ""


class PersonImportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def import_rows(self, rows: Sequence[SheetRow], headers: dict[str, str], dry_run: bool = False,
                    skip_invalid: bool = False, source: str | Path | None = None) -> ImportOutcome:
        """Check every row, then (unless `dry_run`) create the valid, new people in one transaction, after a
        backup of the database named for `source` (the file read); a failed backup imports nothing."""
        today = self.ctx.today()
        if "full_name" not in headers:
            raise KbangError(N_("Không tìm thấy cột \"Họ và tên\" trong tệp. Hãy đặt tên cột hoặc dùng --map."))
        if "birth" not in headers:
            raise KbangError(N_("Không tìm thấy cột \"Ngày sinh\" hoặc \"Năm sinh\" trong tệp. Hãy đặt tên cột hoặc "
                                "dùng --map."))
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            office = repo.require(E.Office, office_id)
            ethnic = ethnic_index(repo)
            codes = [g.code for g in ethnic.groups]
            default_commune = repo.get(E.AdminUnit, office.unit_id) if office.unit_id else None
            communes: dict[str, E.AdminUnit | KbangError] = {}
            drafts: list[_Draft] = []
            errors: list[RowProblem] = []
            for row in rows:
                problems, draft = self._check(repo, row, headers, today, ethnic, codes, default_commune, communes)
                errors += problems
                if draft and not problems:
                    drafts.append(draft)
            duplicates = self._duplicates(repo, drafts)
        fresh = [d for d in drafts if d.row not in {x["row"] for x in duplicates}]
        invalid_rows = {e.row for e in errors}
        if errors and not skip_invalid:
            return ImportOutcome("rejected", len(rows), 0, tuple(duplicates), tuple(errors), len(invalid_rows))
        if dry_run:
            return ImportOutcome("dry-run", len(rows), len(fresh), tuple(duplicates), tuple(errors), len(invalid_rows))
        if fresh:
            backup_before_import(self.ctx, source)
            self._create(fresh)
        return ImportOutcome("imported", len(rows), len(fresh), tuple(duplicates), tuple(errors), len(invalid_rows))

    def _check(self, repo: Any, row: SheetRow, headers: dict[str, str], today: date, ethnic: Any, codes: list[str],
               default_commune: E.AdminUnit | None,
               communes: dict[str, E.AdminUnit | KbangError]) -> tuple[list[RowProblem], _Draft | None]:
        problems: list[RowProblem] = []

        def value(name: str) -> Any:
            return row.cells.get(name, (None, ""))[0]

        def column(name: str) -> str:
            return row.cells.get(name, (None, ""))[1] or headers.get(name) or FIELDS[name][0]

        def problem(name: str, message: str, **params: Any) -> None:
            problems.append(RowProblem(row.number, column(name), message, params))

        name = _text(value("full_name"))
        birth: Birth | None = None
        try:
            birth = _birth(value("birth"), today)
        except ValueError as error:
            problem("birth", str(error.args[0]))
        sex = None
        if "sex" in headers:
            sex = _sex(value("sex"))
            if sex is None:
                problem("sex", N_("Giới tính \"{value}\" không rõ; ghi Nam hoặc Nữ."), value=_text(value("sex")))
        elif "female" in headers or "male" in headers:
            female, male = _flag(value("female")), _flag(value("male"))
            if female is None or male is None:
                problem("female" if female is None else "male", N_("Ô đánh dấu giới tính chỉ ghi x hoặc để trống."))
            elif female == male and "male" in headers and "female" in headers:
                problem("female", N_("Đánh dấu cả Nam và Nữ, hoặc không đánh dấu ô nào."))
            else:
                sex = "F" if female else "M"
        else:
            problem("sex", N_("Không có cột Giới tính (hoặc cột Nữ)."))
        group = None
        raw_ethnic = _text(value("ethnic"))
        if raw_ethnic:
            group = ethnic.find(raw_ethnic)
            if group is None:
                problem("ethnic", N_("Không nhận ra dân tộc \"{value}\"."), value=raw_ethnic)
        literacy = _literacy(value("literacy"))
        if literacy is None:
            problem("literacy", N_("Mức độ biết chữ \"{value}\" không hợp lệ; ghi 0, 1 hoặc 2."),
                    value=_text(value("literacy")))
            literacy = 0
        literacy_date = None
        if value("literacy_date") not in (None, ""):
            raw = value("literacy_date")
            try:
                literacy_date = raw.date() if isinstance(raw, datetime) else raw if isinstance(raw, date) else \
                    parse_date(_text(raw), today)
            except ValueError as error:
                problem("literacy_date", str(error.args[0]))
        flags = {}
        for flag_name in ("disability", "exempt"):
            flags[flag_name] = _flag(value(flag_name))
            if flags[flag_name] is None:
                problem(flag_name, N_("Ô \"{column}\" chỉ ghi x hoặc để trống."), column=column(flag_name))
        commune_name = _text(value("commune"))
        commune = default_commune
        if commune_name:
            if commune_name not in communes:
                try:
                    communes[commune_name] = commune_or_successor(repo, commune_name, today)
                except KbangError as error:  # says what became of a merged or split commune
                    communes[commune_name] = error
            found_commune = communes[commune_name]
            if isinstance(found_commune, KbangError):
                problem("commune", found_commune.message, **found_commune.params)
                commune = None
            else:
                commune = found_commune
        elif commune is None:
            problem("commune", N_("Chưa ghi xã (đơn vị đầu mối cần cột Xã)."))
        person = PersonInput(name, sex or "M", birth, group.code if group else None if raw_ethnic else None,
                             literacy)
        for found in validate_person(person, today, codes):
            if found.field == "birth" and birth is None or found.field == "ethnic_code" and raw_ethnic:
                continue
            where = {"full_name": "full_name", "birth": "birth", "ethnic_code": "ethnic",
                     "literacy_level": "literacy"}.get(found.field, found.field)
            problem(where, found.message, **found.params)
        if problems or birth is None or commune is None or sex is None or group is None:
            return problems, None
        id_number = _text(value("id_number")) or None
        return problems, _Draft(row.number, name, sex, birth, group.code, commune, _text(value("village")),
                                _text(value("household")), _text(value("relation")), _text(value("education")),
                                literacy, literacy_date, id_number, bool(flags["disability"]), bool(flags["exempt"]),
                                _text(value("note")))

    def _duplicates(self, repo: Any, drafts: list[_Draft]) -> list[dict[str, Any]]:
        """Rows that match someone already recorded, or an earlier row: same folded name, birth year, village."""
        names = sorted({person_search_text(d.full_name) for d in drafts})
        known: dict[tuple[str, int, str], str] = {}
        villages = {u.id: fold(u.name) for u in repo.list(E.AdminUnit, kind="village")}
        column = repo.column(E.Person, "name_folded")
        for start in range(0, len(names), 500):
            for person in repo.list(E.Person, column.in_(names[start:start + 500])):
                key = (person.name_folded, person.birth_year, villages.get(person.village_id or "", ""))
                known.setdefault(key, person.id)
        seen: dict[tuple[str, int, str], int] = {}
        found = []
        for draft in drafts:
            key = (person_search_text(draft.full_name), draft.birth.year, fold(draft.village))
            if key in known:
                found.append({"row": draft.row, "full_name": draft.full_name, "birth_year": draft.birth.year,
                              "village": draft.village, "existing_id": known[key]})
            elif key in seen:
                found.append({"row": draft.row, "full_name": draft.full_name, "birth_year": draft.birth.year,
                              "village": draft.village, "same_as_row": seen[key]})
            else:
                seen[key] = draft.row
        return found

    def _create(self, drafts: list[_Draft]) -> None:
        with self.ctx.write("import_persons") as repo:
            loader = BulkLoader(repo.session, repo.session.info["writer"])
            units: dict[tuple[str, str], str] = {}
            new_units, people, attainments = [], [], []
            households: dict[tuple[str, str, str], dict[str, Any]] = {}
            held_households: dict[str, dict[tuple[str, str], str]] = {}
            for draft in drafts:
                village_id = None
                if draft.village:
                    key = (draft.commune.id, fold(draft.village))
                    if key not in units:
                        held = find_village(repo, draft.commune, draft.village)
                        if held is None:
                            held_id = new_id()
                            new_units.append({"id": held_id, "key": None, "kind": "village", "name": draft.village,
                                              "name_folded": fold(draft.village), "parent_id": draft.commune.id,
                                              "code": None, "valid_from": draft.commune.valid_from,
                                              "valid_to": draft.commune.valid_to, "note": "", "is_demo": False})
                            units[key] = held_id
                        else:
                            units[key] = held.id
                    village_id = units[key]
                person_id = new_id()
                household_id = None
                if draft.household:
                    if draft.commune.id not in held_households:
                        held_households[draft.commune.id] = {
                            (h.village_id or "", h.number): h.id
                            for h in repo.list(E.Household, commune_id=draft.commune.id)}
                    hkey = (draft.commune.id, village_id or "", draft.household)
                    if hkey not in households:
                        held_id = held_households[draft.commune.id].get((village_id or "", draft.household))
                        households[hkey] = {"id": held_id or new_id(), "new": held_id is None, "head": None,
                                            "commune_id": draft.commune.id, "village_id": village_id}
                    household = households[hkey]
                    household_id = household["id"]
                    if household["head"] is None and fold(draft.relation) in ("chu ho", ""):
                        household["head"] = person_id
                people.append({"id": person_id, "full_name": draft.full_name, "name_folded": person_search_text(draft.full_name),
                               "sex": draft.sex, "birth_date": draft.birth.date, "birth_year": draft.birth.year,
                               "ethnic_code": draft.ethnic_code, "household_id": household_id,
                               "relation_to_head": draft.relation, "commune_id": draft.commune.id,
                               "village_id": village_id, "id_number": draft.id_number, "disability": draft.disability,
                               "exempt": draft.exempt, "education": draft.education,
                               "literacy_level": draft.literacy, "literacy_date": draft.literacy_date,
                               "literacy_source": "import" if draft.literacy else "", "moved_away_on": None,
                               "died_on": None, "note": draft.note})
                if draft.literacy:
                    attainments.append({"id": new_id(), "person_id": person_id, "level": draft.literacy,
                                        "attained_on": draft.literacy_date, "source": "import", "source_ref": None})
            new_households = [{"id": h["id"], "commune_id": h["commune_id"], "village_id": h["village_id"],
                               "number": number, "head_person_id": None, "address": "", "residence_status": "resident"}
                              for (_c, _v, number), h in households.items() if h["new"]]
            loader.insert("admin_unit", new_units)
            loader.insert("household", new_households)
            loader.insert("person", people)
            loader.insert("literacy_attainment", attainments)
            # The heads of the new households, set in the same transaction that creates them: the
            # state that travels is the final one, so no second revision is needed.
            loader.set_column("household", "head_person_id",
                              [(h["head"], h["id"]) for h in households.values() if h["new"] and h["head"]])
            loader.finish("import_persons", {"rows": len(drafts)})

    def export_rows(self, commune: str | None = None, sensitive: bool = False) -> tuple[list[str], list[list[Any]]]:
        """The people as rows of the import template (headers first). Reads only."""
        fields = [f for f in EXPORT_FIELDS if sensitive or f not in SENSITIVE]
        with self.ctx.read() as repo:
            ethnic = {g.code: g.name for g in ethnic_index(repo).groups}
            units = {u.id: u for u in repo.list(E.AdminUnit)}
            graph = unit_graph(repo)
            today = self.ctx.today()
            numbers = {h.id: h.number for h in repo.list(E.Household)}
            where = []
            if commune:
                unit = find_commune(repo, commune, self.ctx.today())
                where.append(repo.column(E.Person, "commune_id") == unit.id)
            people = repo.list(E.Person, *where)
        from kbang_desktop.core.text import person_sort_key

        people.sort(key=lambda p: (units[p.commune_id].name if p.commune_id in units else "",
                                   units[p.village_id].name if p.village_id in units else "",
                                   person_sort_key(p.full_name)))
        rows = []
        for p in people:
            values = {"full_name": p.full_name, "birth": p.birth_date or p.birth_year,
                      "sex": "Nữ" if p.sex == "F" else "Nam", "ethnic": ethnic.get(p.ethnic_code or "", p.ethnic_code),
                      "commune": _commune_now(units, graph, p, today),
                      "village": units[p.village_id].name if p.village_id in units else "",
                      "household": numbers.get(p.household_id or "", ""), "relation": p.relation_to_head,
                      "education": p.education, "literacy": p.literacy_level, "literacy_date": p.literacy_date,
                      "id_number": p.id_number or "", "disability": "x" if p.disability else "",
                      "exempt": "x" if p.exempt else "", "note": p.note}
            rows.append([values[f] for f in fields])
        return [FIELDS[f][0] for f in fields], rows
