"""Importing people from the spreadsheets communes already keep, and the columns of the export.

Headers are recognised in Vietnamese with or without diacritics ("Họ và tên", "Ho ten", "Năm sinh",
"Nữ", "Thôn/Làng" ...) or mapped by the user. Every problem is reported by row and column before
anything is saved; nothing is saved when a row is invalid unless the user asks to skip invalid rows.
Likely duplicates (same folded name, birth year and village) of people already recorded, or of an
earlier row of the same file, are reported and not created twice. One transaction.

With `update` (a list exported, corrected in Excel and imported again), a row names the person it
corrects by the id the export writes ("Mã người"), or else by folded name, birth year and village when
exactly one person matches; the cells that differ are the changes, shown field by field (old -> new)
before anything is saved, and written by the owner office only. A village the commune does not have
is named and created only when asked (`create_villages`). Footers and signature blocks under the list
("Người lập biểu ... CHỦ TỊCH") end it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
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
from kbang_desktop.services.people import HEAD, ethnic_index
from kbang_desktop.services.units import commune_or_successor, find_commune, new_village, unit_graph
from kbang_desktop.storage import queries
from kbang_desktop.storage.bulk import BulkLoader
from kbang_desktop.storage.writes import change_refusal, jsonable, new_id

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
    "id": ("Mã người (không sửa)", ("ma nguoi", "ma nguoi khong sua", "ma so nguoi", "ma cua nguoi", "person id",
                                    "id")),
}
IGNORED = ("stt", "tt", "so tt", "so thu tu", "ma")
SENSITIVE = ("id_number", "disability")  # in the export only when asked for (ethnicity is part of the register)
EXPORT_FIELDS = ("full_name", "birth", "sex", "ethnic", "commune", "village", "household", "relation", "education",
                 "literacy", "literacy_date", "id_number", "disability", "exempt", "note", "id")
# fields an update compares, in the order the changes are shown (the birth stands for date and year)
UPDATE_FIELDS = ("full_name", "birth", "sex", "ethnic", "village", "household", "relation", "education", "literacy",
                 "literacy_date", "id_number", "disability", "exempt", "note")
TRUE_WORDS = {"x", "co", "1", "yes", "true", "dung", "v", "nu", "có"}
FALSE_WORDS = {"", "0", "khong", "no", "false", "-"}
_PUNCT = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096, typed=True)  # the same few words in every row ("Nam", "Nữ", "x", "2")
def header_key(text: object) -> str:
    return _PUNCT.sub(" ", fold(str(text or ""))).strip()


# What the rows under a list say (its signature block, its totals).
FOOTER_WORDS = ("nguoi lap bieu", "nguoi lap", "nguoi ky", "chu tich", "pho chu tich", "tm ubnd", "tm uy ban",
                "kt chu tich", "thu truong", "xac nhan", "ky ghi ro ho ten", "ky ten", "ky va ghi ro", "dong dau",
                "tong cong", "tong so")
_FOOTER_DATE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")
_DIGIT = re.compile(r"[0-9]")


def is_footer(values: Sequence[Any]) -> bool:
    """Whether a row of a sheet begins the footer under the list: only text, and a cell that says who
    signs ("Người lập biểu", "CHỦ TỊCH", "(Ký, ghi rõ họ tên)"), the place and date ("Kbang, ngày 10
    tháng 11 năm 2026") or a total ("Tổng cộng")."""
    if any(v is not None and not isinstance(v, str) for v in values):
        return False  # a number or a date: a person's row
    keys = [header_key(v) for v in values if v]
    return any(k.startswith(FOOTER_WORDS) or _FOOTER_DATE.search(k) for k in keys)


def is_words_only(values: Sequence[Any]) -> bool:
    """A row without a number or a date (not even as text): under a footer, the signers' names."""
    return all(v is None or (isinstance(v, str) and not _DIGIT.search(v)) for v in values)


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
class FieldChange:
    field: str  # a key of FIELDS
    column: str  # the header as the file writes it
    old: str  # as the list shows it ("05/02/1991", "Nữ", "Làng Lợk", "x")
    new: str


@dataclass(frozen=True, slots=True)
class PersonChange:
    """What a row of an update changes in the person it names."""

    row: int
    person_id: str
    full_name: str  # as recorded before the change
    fields: tuple[FieldChange, ...]

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "id": self.person_id, "full_name": self.full_name,
                "fields": [{"field": f.field, "column": f.column, "old": f.old, "new": f.new} for f in self.fields]}


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    status: str  # imported | rejected | dry-run
    rows: int
    created: int
    duplicates: tuple[dict[str, Any], ...]
    errors: tuple[RowProblem, ...]
    skipped: int
    updated: int = 0
    unchanged: int = 0
    changes: tuple[PersonChange, ...] = ()
    new_villages: tuple[tuple[str, str], ...] = ()  # (village, commune): villages the file names, not yet recorded


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
    person_id: str = ""  # the id the row names (the export's "Mã người")
    village_id: str | None = None  # the village found (None: none named, or new)


@dataclass(slots=True)
class _Update:
    draft: _Draft
    person: E.Person
    values: dict[str, Any]  # person fields to write
    household: tuple[str, str] | None  # (commune id, number; "" for none) to be in, in the person's village
    literacy: tuple[int, date | None] | None  # a literacy level reached, recorded with its history
    change: PersonChange


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _compare(draft: _Draft, person: E.Person, headers: dict[str, str], households: dict[str, E.Household],
             names: dict[str, str], groups: dict[str, str]) -> _Update | None:
    """What the row changes in the person, for the fields the file has (a column the file lacks changes
    nothing); None when the row says what is recorded."""
    values: dict[str, Any] = {}
    shown: list[FieldChange] = []

    def change(name: str, old: str, new: str) -> None:
        shown.append(FieldChange(name, headers.get(name) or FIELDS[name][0], old, new))

    if draft.full_name != person.full_name and draft.full_name != _text(person.full_name):
        values["full_name"] = draft.full_name
        change("full_name", person.full_name, draft.full_name)
    if (draft.birth.date, draft.birth.year) != (person.birth_date, person.birth_year):
        values["birth_date"], values["birth_year"] = draft.birth.date, draft.birth.year
        change("birth", Birth(person.birth_year, person.birth_date).display(), draft.birth.display())
    if any(h in headers for h in ("sex", "female", "male")) and draft.sex != person.sex:
        values["sex"] = draft.sex
        word = {"M": "Nam", "F": "Nữ"}
        shown.append(FieldChange("sex", headers.get("sex") or headers.get("female") or headers.get("male") or "",
                                 word.get(person.sex, person.sex), word[draft.sex]))
    if "ethnic" in headers and draft.ethnic_code != person.ethnic_code:
        values["ethnic_code"] = draft.ethnic_code
        change("ethnic", groups.get(person.ethnic_code or "", person.ethnic_code or ""), groups.get(draft.ethnic_code, ""))
    moved = "village" in headers and (draft.village_id != person.village_id or bool(draft.village and not draft.village_id))
    if moved:
        values["village_id"] = draft.village_id  # None with a name: a village this import makes
        change("village", names.get(person.village_id or "", ""), draft.village)
    current = households.get(person.household_id or "")
    household: tuple[str, str] | None = None
    if "household" in headers:
        number = current.number if current else ""
        if draft.household != number or (moved and draft.household):
            household = (draft.commune.id, draft.household)
            change("household", number, draft.household)
    elif moved and current is not None:
        household = (draft.commune.id, "")  # moved to another village: leaves the household of the old one
    relation = person.relation_to_head
    if "relation" in headers and draft.relation != _text(person.relation_to_head):
        relation = values["relation_to_head"] = draft.relation
        change("relation", person.relation_to_head, draft.relation)
    if household is not None and not household[1] and relation:
        values["relation_to_head"] = ""
    for name in ("education", "note"):
        held = getattr(person, name)
        if name in headers and getattr(draft, name) != held and getattr(draft, name) != _text(held):  # several lines
            values[name] = getattr(draft, name)
            change(name, getattr(person, name), getattr(draft, name))
    if "id_number" in headers and (draft.id_number or None) != person.id_number:
        values["id_number"] = draft.id_number or None
        change("id_number", person.id_number or "", draft.id_number or "")
    for name in ("disability", "exempt"):
        if name in headers and getattr(draft, name) != getattr(person, name):
            values[name] = getattr(draft, name)
            change(name, "x" if getattr(person, name) else "", "x" if getattr(draft, name) else "")
    literacy = None
    if "literacy" in headers:
        attained_on = draft.literacy_date if "literacy_date" in headers else \
            person.literacy_date if draft.literacy == person.literacy_level else None
        if (draft.literacy, attained_on) != (person.literacy_level, person.literacy_date):
            literacy = (draft.literacy, attained_on)
            if draft.literacy != person.literacy_level:
                change("literacy", str(person.literacy_level), str(draft.literacy))
            if attained_on != person.literacy_date:
                change("literacy_date", _day(person.literacy_date), _day(attained_on))
    if not values and household is None and literacy is None:
        return None
    order = {name: index for index, name in enumerate(UPDATE_FIELDS)}
    fields = tuple(sorted(shown, key=lambda f: order.get(f.field, len(order))))
    return _Update(draft, person, values, household, literacy, PersonChange(draft.row, person.id, person.full_name,
                                                                            fields))


@lru_cache(maxsize=1 << 16, typed=True)  # villages, communes, sexes, groups: the same in many rows
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))  # white space folded to single spaces, trimmed


@lru_cache(maxsize=4096, typed=True)
def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = header_key(_text(value)) if value not in (None, "") else ""
    if word in FALSE_WORDS:
        return False
    if word in TRUE_WORDS or fold(_text(value)) in TRUE_WORDS:
        return True
    return None


@lru_cache(maxsize=4096, typed=True)
def _sex(value: Any) -> str | None:
    word = header_key(_text(value))
    if word in ("nam", "m", "male", "trai"):
        return "M"
    if word in ("nu", "f", "female", "gai"):
        return "F"
    return None


_LEVEL = re.compile(r"(?:(?:dat )?(?:chuan )?(?:biet chu )?(?:muc do |muc )?|bc ?|bcmd ?|level )(1|2|i|ii)")


@lru_cache(maxsize=4096, typed=True)
def _literacy(value: Any) -> int | None:
    """0, 1 or 2 from what registers write: "2", "Mức 1", "Biết chữ mức độ 2", "BC1", "Mù chữ"."""
    word = header_key(_text(value))
    if word in ("", "0", "khong", "chua biet chu", "mu chu", "tai mu chu", "chua", "chua biet doc biet viet",
                "khong biet chu"):
        return 0
    found = _LEVEL.fullmatch(word)
    if found:
        return 2 if found.group(1) in ("2", "ii") else 1
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
                    skip_invalid: bool = False, source: str | Path | None = None, update: bool = False,
                    create_villages: bool = False) -> ImportOutcome:
        """Check every row, then (unless `dry_run`) write in one transaction, after a backup of the
        database named for `source` (the file read); a failed backup imports nothing.

        Without `update`, the valid rows that are new people are created and rows that look like people
        already recorded are reported as duplicates. With `update`, a row naming a person (by id, or by
        folded name, birth year and village when only one person matches) changes the fields that differ,
        field by field; a row matching no one is created. A village the commune does not have is a
        problem of its rows unless `create_villages`. Only the office that owns the people updates them:
        at the hub, a list of a commune's people is refused in one sentence."""
        today = self.ctx.today()
        if "full_name" not in headers:
            raise KbangError(N_("Không tìm thấy cột \"Họ và tên\" trong tệp. Hãy đặt tên cột hoặc dùng --map."))
        if "birth" not in headers:
            raise KbangError(N_("Không tìm thấy cột \"Ngày sinh\" hoặc \"Năm sinh\" trong tệp. Hãy đặt tên cột hoặc "
                                "dùng --map."))
        _site, office_id = self.ctx.require_identity()
        updates: list[_Update] = []
        unchanged = 0
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
            new_villages = self._villages(repo, drafts, headers, create_villages, errors)
            bad = {e.row for e in errors}
            drafts = [d for d in drafts if d.row not in bad]
            if update:
                fresh, updates, unchanged = self._match(repo, drafts, headers, office_id, ethnic, errors)
                duplicates = self._duplicates(repo, fresh, known_too=False)
            else:
                fresh = drafts
                duplicates = self._duplicates(repo, drafts)
        repeated = {x["row"] for x in duplicates}
        fresh = [d for d in fresh if d.row not in repeated]
        invalid_rows = {e.row for e in errors}
        changes = tuple(u.change for u in updates)

        def outcome(status: str) -> ImportOutcome:  # rejected: nothing created or updated
            done = status != "rejected"
            return ImportOutcome(status, len(rows), len(fresh) if done else 0, tuple(duplicates),
                                 tuple(sorted(errors, key=lambda e: e.row)), len(invalid_rows),
                                 len(updates) if done else 0, unchanged if done else 0, changes if done else (),
                                 tuple(new_villages))

        if errors and not skip_invalid:
            return outcome("rejected")
        if dry_run:
            return outcome("dry-run")
        if fresh or updates:
            backup_before_import(self.ctx, source)
            self._write(fresh, updates, new_villages if create_villages else [])
        return outcome("imported")

    def _villages(self, repo: Any, drafts: list[_Draft], headers: dict[str, str], create: bool,
                  errors: list[RowProblem]) -> list[tuple[str, str]]:
        """Each draft's village found among its commune's; the villages the communes do not have, as
        (village, commune) names, and (unless `create`) a problem of each row that names one."""
        held: dict[str, dict[str, str]] = {}
        missing: dict[tuple[str, str], tuple[str, str]] = {}
        folded: dict[str, str] = {}
        graph = unit_graph(repo)
        for draft in drafts:
            if not draft.village:
                continue
            if draft.commune.id not in held:  # its own villages, then those of the communes merged into it
                parents = [draft.commune.id, *sorted(graph.predecessors_of(draft.commune.id) - {draft.commune.id})]
                found = repo.list(E.AdminUnit, repo.column(E.AdminUnit, "parent_id").in_(parents), kind="village")
                found.sort(key=lambda u: (parents.index(u.parent_id or ""), u.name, u.id))
                held[draft.commune.id] = {}
                for unit in found:
                    held[draft.commune.id].setdefault(unit.name_folded, unit.id)
            key = folded.get(draft.village)
            if key is None:
                key = folded[draft.village] = fold(draft.village)
            draft.village_id = held[draft.commune.id].get(key)
            if draft.village_id is None:
                missing.setdefault((draft.commune.id, key), (draft.village, draft.commune.name))
                if not create:
                    errors.append(RowProblem(
                        draft.row, headers.get("village", FIELDS["village"][0]),
                        N_("Xã {commune} chưa có thôn, làng \"{name}\"; nếu đúng là thôn, làng mới, hãy chọn "
                           "\"Tạo thôn, làng mới\" (dòng lệnh: --create-villages)."),
                        {"commune": draft.commune.name, "name": draft.village}))
        return list(missing.values())

    def _match(self, repo: Any, drafts: list[_Draft], headers: dict[str, str], office_id: str, ethnic: Any,
               errors: list[RowProblem]) -> tuple[list[_Draft], list[_Update], int]:
        """(rows that are new people, the updates, how many rows change nothing): each row matched to the
        person it names; a row naming an id that does not exist or is of another commune, or matching
        several people, or the same person as an earlier row, is a problem."""
        graph = unit_graph(repo)
        scope: set[str] = set()
        for commune_id in {d.commune.id for d in drafts}:
            scope |= graph.predecessors_of(commune_id) | {commune_id}
        people = queries.entities_in(repo.session, E.Person, "commune_id", scope)
        by_id = {p.id: p for p in people}
        by_key: dict[tuple[str, int, str | None], list[E.Person]] = {}
        for person in people:
            by_key.setdefault((person.name_folded, person.birth_year, person.village_id), []).append(person)
        households = {h.id: h for h in queries.entities_in(repo.session, E.Household, "commune_id", scope)}
        names = {u.id: u.name for u in repo.list(E.AdminUnit)}
        groups = {g.code: g.name for g in ethnic.groups}
        id_column = headers.get("id", FIELDS["id"][0])
        unknown = [d.person_id for d in drafts if d.person_id and d.person_id not in by_id]
        elsewhere = {p.id: p for start in range(0, len(unknown), 500)
                     for p in repo.list(E.Person, repo.column(E.Person, "id").in_(unknown[start:start + 500]))}
        fresh: list[_Draft] = []
        updates: list[_Update] = []
        unchanged = 0
        claimed: dict[str, int] = {}
        scopes = {c: graph.predecessors_of(c) | {c} for c in {d.commune.id for d in drafts}}
        for draft in drafts:
            person: E.Person | None = None
            if draft.person_id:
                person = by_id.get(draft.person_id)
                other = elsewhere.get(draft.person_id)
                if person is not None and person.commune_id not in scopes[draft.commune.id]:
                    person, other = None, person
                if person is None:
                    if other is None:
                        errors.append(RowProblem(draft.row, id_column, N_("Không có người nào mang mã {id}."),
                                                 {"id": draft.person_id}))
                    else:
                        errors.append(RowProblem(draft.row, id_column, N_(
                            "Người mang mã {id} ({name}) thuộc xã {commune}, không thuộc xã {row_commune}."),
                            {"id": draft.person_id, "name": other.full_name,
                             "commune": names.get(other.commune_id, ""), "row_commune": draft.commune.name}))
                    continue
            else:
                found = [p for p in by_key.get((person_search_text(draft.full_name), draft.birth.year,
                                                draft.village_id), [])
                         if not (p.birth_date and draft.birth.date and p.birth_date != draft.birth.date)]
                if len(found) > 1:
                    errors.append(RowProblem(draft.row, headers["full_name"], N_(
                        "Có {n} người cùng tên {name}, cùng năm sinh và thôn, làng; hãy ghi mã người của đúng người "
                        "cần sửa (cột \"{column}\")."), {"n": len(found), "name": draft.full_name,
                                                          "column": FIELDS["id"][0]}))
                    continue
                person = found[0] if found else None
            if person is None:
                fresh.append(draft)
                continue
            if person.id in claimed:
                errors.append(RowProblem(draft.row, headers["full_name"], N_(
                    "Dòng này và dòng {other} cùng là {name}; mỗi người chỉ ghi một dòng."),
                    {"other": claimed[person.id], "name": person.full_name}))
                continue
            claimed[person.id] = draft.row
            if person.owner_office_id != office_id:
                refusal = change_refusal(repo.session, office_id, "person",
                                         {k: jsonable(v) for k, v in dataclasses.asdict(person).items()})
                if refusal:
                    raise KbangError(refusal[0], **refusal[1])
            found_update = _compare(draft, person, headers, households, names, groups)
            if found_update is None:
                unchanged += 1
            else:
                updates.append(found_update)
        return fresh, updates, unchanged

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
                                _text(value("note")), _text(value("id")))

    def _duplicates(self, repo: Any, drafts: list[_Draft], known_too: bool = True) -> list[dict[str, Any]]:
        """Rows that match someone already recorded (unless not `known_too`), or an earlier row: same
        folded name, birth year, village."""
        names = sorted({person_search_text(d.full_name) for d in drafts}) if known_too else []
        known: dict[tuple[str, int, str], str] = {}
        villages = {u.id: fold(u.name) for u in repo.list(E.AdminUnit, kind="village")}
        column = repo.column(E.Person, "name_folded")
        for start in range(0, len(names), 500):
            for person in repo.list(E.Person, column.in_(names[start:start + 500])):
                key = (person.name_folded, person.birth_year, villages.get(person.village_id or "", ""))
                known.setdefault(key, person.id)
        seen: dict[tuple[str, int, str], int] = {}
        found = []
        # a row of an exported list names its person: recorded already, whatever the file now says of them
        held_ids = {p.id for p in queries.entities_in(repo.session, E.Person, "id", [d.person_id for d in drafts
                                                                                    if d.person_id])} \
            if known_too else set()
        for draft in drafts:
            key = (person_search_text(draft.full_name), draft.birth.year, fold(draft.village))
            if draft.person_id in held_ids:
                found.append({"row": draft.row, "full_name": draft.full_name, "birth_year": draft.birth.year,
                              "village": draft.village, "existing_id": draft.person_id})
            elif key in known:
                found.append({"row": draft.row, "full_name": draft.full_name, "birth_year": draft.birth.year,
                              "village": draft.village, "existing_id": known[key]})
            elif key in seen:
                found.append({"row": draft.row, "full_name": draft.full_name, "birth_year": draft.birth.year,
                              "village": draft.village, "same_as_row": seen[key]})
            else:
                seen[key] = draft.row
        return found

    def _write(self, drafts: list[_Draft], updates: list[_Update], new_villages: list[tuple[str, str]]) -> None:
        """The new villages, the new people and the updates, in one transaction."""
        with self.ctx.write("import_persons") as repo:
            loader = BulkLoader(repo.session, repo.session.info["writer"])
            units: dict[tuple[str, str], str] = {}
            if new_villages:
                for draft in [*drafts, *(u.draft for u in updates)]:
                    key = (draft.commune.id, fold(draft.village))
                    if draft.village and draft.village_id is None and key not in units:
                        units[key] = new_village(repo, draft.commune, draft.village).id
                    if draft.village and draft.village_id is None:
                        draft.village_id = units[key]
            held_households: dict[str, dict[tuple[str, str], str]] = {}
            graph = unit_graph(repo)

            def households_of(commune_id: str) -> dict[tuple[str, str], str]:
                """(village id, number) -> household, of the commune and of those merged into it."""
                if commune_id not in held_households:
                    scope = sorted(graph.predecessors_of(commune_id) | {commune_id})
                    held_households[commune_id] = {
                        (h.village_id or "", h.number): h.id
                        for h in repo.list(E.Household, repo.column(E.Household, "commune_id").in_(scope))}
                return held_households[commune_id]

            people, attainments = [], []
            households: dict[tuple[str, str, str], dict[str, Any]] = {}
            for draft in drafts:
                village_id = draft.village_id
                person_id = new_id()
                household_id = None
                if draft.household:
                    hkey = (draft.commune.id, village_id or "", draft.household)
                    if hkey not in households:
                        held_id = households_of(draft.commune.id).get((village_id or "", draft.household))
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
            loader.insert("household", new_households)
            loader.insert("person", people)
            loader.insert("literacy_attainment", attainments)
            # The heads of the new households, set in the same transaction that creates them: the
            # state that travels is the final one, so no second revision is needed.
            loader.set_column("household", "head_person_id",
                              [(h["head"], h["id"]) for h in households.values() if h["new"] and h["head"]])
            repo.update_many(E.Person, {found.person.id: self._apply(repo, found, households_of, households)
                                        for found in updates})
            loader.finish("import_persons", {"rows": len(drafts) + len(updates), "created": len(drafts),
                                             "updated": len(updates)})

    def _apply(self, repo: Any, found: _Update, households_of: Any,
               made: dict[tuple[str, str, str], Any]) -> dict[str, Any]:
        """One person's changes: the household they join (found by its number in their village, or started
        with them as head) and the one they leave (which they stop heading), their literacy history
        written; the fields of the person to write (all people in one flush: a rev, the change log and the
        audit for each)."""
        values = dict(found.values)
        person = found.person
        if "village_id" in values and values["village_id"] is None and found.draft.village:
            values["village_id"] = found.draft.village_id  # a village made by this import
        if found.household is not None:
            commune_id, number = found.household
            village_id = values.get("village_id", person.village_id)
            household_id = None
            if number:
                held = made.get((commune_id, village_id or "", number))
                household_id = held["id"] if held else households_of(commune_id).get((village_id or "", number))
                if household_id is None:
                    household_id = repo.add(E.Household, id=new_id(), commune_id=commune_id, village_id=village_id,
                                            number=number, head_person_id=person.id, address="",
                                            residence_status="resident").id
                    households_of(commune_id)[(village_id or "", number)] = household_id
                elif values.get("relation_to_head", person.relation_to_head) == HEAD:
                    repo.update(E.Household, household_id, head_person_id=person.id)
            if person.household_id and person.household_id != household_id:
                left = repo.get(E.Household, person.household_id)
                if left is not None and left.head_person_id == person.id:
                    repo.update(E.Household, left.id, head_person_id=None)
            values["household_id"] = household_id
            if household_id is None:
                values["relation_to_head"] = ""
        if found.literacy is not None:
            level, attained_on = found.literacy
            repo.add(E.LiteracyAttainment, id=new_id(), person_id=person.id, level=level, attained_on=attained_on,
                     source="import", source_ref=None)
            values.update(literacy_level=level, literacy_date=attained_on, literacy_source="import")
        return values

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
                      "exempt": "x" if p.exempt else "", "note": p.note, "id": p.id}
            rows.append([values[f] for f in fields])
        return [FIELDS[f][0] for f in fields], rows
