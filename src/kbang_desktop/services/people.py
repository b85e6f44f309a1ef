"""People, households, clans and organisations."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from kbang_desktop.core import entities as E
from kbang_desktop.core.dates import Birth, BornBetween, born_between, parse_birth
from kbang_desktop.core.errors import KbangError, NotFound, Problem, ValidationError
from kbang_desktop.core.text import (
    fold,
    nfc,
    person_search_text,
    person_sort_key,
    search_terms,
)
from kbang_desktop.core.validation import PersonInput, validate_person
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.offices import SETTING_DEFAULTS, a_day_of_every_year
from kbang_desktop.services.reference import EthnicIndex
from kbang_desktop.services.units import find_commune, find_village, predecessors_of, unit_graph, village_named
from kbang_desktop.storage import queries
from kbang_desktop.storage.repo import Repository
from kbang_desktop.storage.writes import change_refusal, jsonable, new_id

ORGANISATION_KINDS = ("school", "office", "enterprise", "association", "other")
EDITABLE = {"full_name", "sex", "birth", "ethnic_code", "household_id", "relation_to_head", "id_number",
            "disability", "exempt", "education", "note", "village_id"}
HEAD = "Chủ hộ"  # relation_to_head of the head of a household, as the registers write it


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person as lists and search show them."""

    id: str
    full_name: str
    birth: str  # "1978-02-05" or "1978"
    commune: str
    village: str
    sex: str = ""
    literacy_level: int = 0
    sort_key: str = ""  # person_sort_text: where the next page of a list starts
    status: str = ""  # "", "moved" (moved away) or "deceased"

    def as_json(self) -> dict:
        return {"id": self.id, "full_name": self.full_name, "birth": self.birth, "commune": self.commune,
                "village": self.village, "status": self.status or "present"}


def birth_of(person: E.Person) -> Birth:
    return Birth(person.birth_year, person.birth_date)


def _rows(names: dict[str, str], people: queries.Keyed) -> list[PersonRow]:
    """Rows of people with their stored sort keys (no key worked out again per row)."""
    return [PersonRow(p.id, p.full_name, birth_of(p).iso(), names.get(p.commune_id, ""), names.get(p.village_id or "", ""),
                      p.sex, p.literacy_level, key, life_status(p)) for p, key in people]


def life_status(person: E.Person) -> str:
    """"deceased", "moved" (moved away) or "" (lives here)."""
    return "deceased" if person.died_on else "moved" if person.moved_away_on else ""


def birth_rule(repo: Repository, office_id: str) -> tuple[int, int]:
    """(month, day) on which a person known only by birth year counts as born (office setting)."""
    values = {**SETTING_DEFAULTS, **{s.key: s.value for s in repo.list(E.OfficeSetting, office_id=office_id)}}
    month, day = values["birth_year_only_month"], values["birth_year_only_day"]
    if not a_day_of_every_year(month, day):  # stored by an older version (31/2) or damaged: the default
        month, day = SETTING_DEFAULTS["birth_year_only_month"], SETTING_DEFAULTS["birth_year_only_day"]
    return int(month), int(day)


def ethnic_index(repo: Repository) -> EthnicIndex:
    return EthnicIndex(repo.list(E.EthnicGroup))


class PersonService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add(self, full_name: str, sex: str, birth: object, ethnic: str, commune: str, village: str | None = None,
            literacy_level: int = 0, literacy_date: date | None = None, exempt: bool = False,
            household_id: str | None = None, relation_to_head: str = "", id_number: str | None = None,
            disability: bool = False, education: str = "", note: str = "", allow_duplicate: bool = False
            ) -> E.Person:
        """Record a person; a village not yet known in that commune is created. One transaction.

        A living person of the same name (folded), birth year and village is refused as a likely
        duplicate, naming them (`DuplicatePerson`), unless `allow_duplicate` (the user confirmed that
        they are two people)."""
        with self.ctx.write("add_person") as repo:
            parsed = _checked(repo, self.ctx.today(), full_name, sex, birth, ethnic, literacy_level)
            unit = find_commune(repo, commune, self.ctx.today())
            village_unit = village_named(repo, unit, village) if village else None
            if not allow_duplicate:
                _refuse_duplicate(repo, full_name, parsed, unit, village_unit)
            if household_id:
                repo.require(E.Household, household_id)
            return _insert(repo, parsed, full_name, sex, ethnic, unit, village_unit, household_id, relation_to_head,
                           literacy_level=literacy_level, literacy_date=literacy_date, exempt=exempt,
                           id_number=id_number, disability=disability, education=education, note=note)

    def add_in_household(self, full_name: str, sex: str, birth: object, ethnic: str, commune_id: str,
                         village_id: str | None = None, new_village: str = "", household_id: str | None = None,
                         new_household: str | None = None, relation: str = "", allow_duplicate: bool = False
                         ) -> E.Person:
        """A person with their village and household as the person form gives them: ids of what exists,
        the name of a village or the number of a household not yet recorded ("" for a household without
        a number), made here. "Chủ hộ" makes the person the household's head. One transaction: a
        failure leaves neither a person without their household nor a household without its head.
        A likely duplicate is refused as `add` refuses it, unless `allow_duplicate`."""
        with self.ctx.write("add_person") as repo:
            parsed = _checked(repo, self.ctx.today(), full_name, sex, birth, ethnic, 0)
            unit = repo.require(E.AdminUnit, commune_id)
            village_unit = (_village_of(repo, unit, village_id) if village_id
                            else village_named(repo, unit, new_village) if nfc(new_village) else None)
            if not allow_duplicate:
                _refuse_duplicate(repo, full_name, parsed, unit, village_unit)
            household = repo.require(E.Household, household_id) if household_id else None
            if household is not None and (household.commune_id, household.village_id) != (
                    unit.id, village_unit.id if village_unit else None):
                raise KbangError(N_("Hộ này không thuộc thôn, làng đã chọn."))
            if household is None and new_household is not None:
                household = repo.add(E.Household, id=new_id(), commune_id=unit.id,
                                     village_id=village_unit.id if village_unit else None, number=nfc(new_household),
                                     head_person_id=None, address="", residence_status="resident")
            relation = nfc(relation) if household is not None else ""
            person = _insert(repo, parsed, full_name, sex, ethnic, unit, village_unit,
                             household.id if household else None, relation)
            if household is not None and relation == HEAD:
                repo.update(E.Household, household.id, head_person_id=person.id)
            return person

    def ethnic_groups(self) -> list[E.EthnicGroup]:
        """The ethnic groups, by code. Reads only."""
        with self.ctx.read() as repo:
            return sorted(repo.list(E.EthnicGroup), key=lambda g: g.code)

    def count(self, commune_id: str | None = None, village_id: str | None = None, status: str | None = None,
              text: str | None = None, age: tuple[int, int] | None = None) -> int:
        """How many people are recorded (not deleted); with the filters of `page` (and the `text` of a
        search), how many it lists: the total beside a list ("500 / 2.314 người"). Reads only."""
        terms = search_terms(text) if text and text.strip() else None
        with self.ctx.read() as repo:
            if commune_id is None and village_id is None and status is None and terms is None and age is None:
                return repo.count(E.Person)
            communes = predecessors_of(repo, commune_id) if commune_id else None
            return queries.persons_count(repo.session, communes, village_id, status, terms, self._born(repo, age))

    def _born(self, repo: Repository, age: tuple[int, int] | None) -> BornBetween | None:
        """An age band (whole years today; people known only by birth year as the office counts them)."""
        if age is None:
            return None
        identity = self.ctx.identity()
        month, day = birth_rule(repo, identity[1]) if identity else (7, 1)
        return born_between(age[0], age[1], self.ctx.today(), month, day)

    def find_place(self, commune: str, village: str | None = None) -> tuple[str, str | None]:
        """The ids of a commune (by name, valid today) and of one of its villages (by name, folded),
        as the command line names them; NotFound for a village the commune does not have. Reads only."""
        with self.ctx.read() as repo:
            unit = find_commune(repo, commune, self.ctx.today())
            if not village:
                return unit.id, None
            found = find_village(repo, unit, village)
            if found is None:
                raise NotFound(N_("Xã {commune} chưa có thôn, làng \"{name}\"."), commune=unit.name, name=village)
            return unit.id, found.id

    def get(self, person_id: str) -> E.Person:
        with self.ctx.read() as repo:
            return repo.require(E.Person, person_id)

    def row(self, person_id: str) -> PersonRow:
        """One person as lists show them. Reads only."""
        with self.ctx.read() as repo:
            person = repo.require(E.Person, person_id)
            return _rows(queries.unit_names(repo.session), [(person, "")])[0]

    def editable(self, person_id: str) -> str:
        """"" if this office may change the person; else why not, naming the owner office. Reads only."""
        with self.ctx.read() as repo:
            person = repo.require(E.Person, person_id)
        return self.ctx.change_refusal("person", person)

    def update(self, person_id: str, **changes: object) -> E.Person:
        """Change a person's fields, validated as a whole. One transaction.

        Only the office that owns the person changes it: at the hub, a commune's person is refused
        with a sentence naming the commune (the write policy, core/write_policy.py)."""
        unknown = set(changes) - EDITABLE
        if unknown:
            raise KbangError(N_("Không sửa được trường {field}."), field=", ".join(sorted(unknown)))
        today = self.ctx.today()
        with self.ctx.write("update_person") as repo:
            current = repo.require(E.Person, person_id)
            values: dict[str, object] = dict(changes)
            if "birth" in values:
                parsed = _birth(values.pop("birth"), today)
                values["birth_date"], values["birth_year"] = parsed.date, parsed.year
            return _updated(repo, today, current, values)

    def edit(self, person_id: str, full_name: str | None = None, sex: str | None = None, birth: object = None,
             ethnic: str | None = None, village: str | None = None, note: str | None = None
             ) -> tuple[PersonRow, tuple[str, ...]]:
        """Corrections named field by field, as the command line gives them (None: unchanged): the birth
        as the person form takes it (a year or a date), the ethnic group by name or code, the village by
        its name among the villages of the person's commune (folded; an unknown one is refused naming the
        commune, never made). A person moved to another village leaves a household of the village left
        (and stops heading it), as `move` does. Validated as a whole; only fields that differ are
        written, in one transaction. Returns the person as lists show them and the fields changed
        (none: nothing was written).

        Only the office that owns the person changes it: refused naming the owner, even when nothing
        would change (the write policy); a viewer is refused (the role, checked first)."""
        today = self.ctx.today()
        with self.ctx.write("update_person") as repo:
            current = repo.require(E.Person, person_id)
            refusal = change_refusal(repo.session, self.ctx.require_identity()[1], "person",
                                     {k: jsonable(v) for k, v in dataclasses.asdict(current).items()})
            if refusal:
                raise KbangError(refusal[0], **refusal[1])
            values: dict[str, object] = {}
            if full_name is not None and nfc(full_name) != current.full_name:
                values["full_name"] = full_name
            if sex is not None and sex != current.sex:
                values["sex"] = sex
            if birth is not None:
                parsed = _birth(birth, today)
                if (parsed.date, parsed.year) != (current.birth_date, current.birth_year):
                    values["birth_date"], values["birth_year"] = parsed.date, parsed.year
            if ethnic is not None:
                group = ethnic_index(repo).find(ethnic)
                code = group.code if group else nfc(ethnic)
                if code != current.ethnic_code:
                    values["ethnic_code"] = code
            if note is not None and nfc(note) != current.note:
                values["note"] = nfc(note)
            if village is not None:
                commune = repo.require(E.AdminUnit, current.commune_id)
                found = find_village(repo, commune, village) if nfc(village) else None
                if found is None:
                    raise NotFound(N_("Xã {commune} chưa có thôn, làng \"{name}\"."), commune=commune.name,
                                   name=village)
                if found.id != current.village_id:
                    values["village_id"] = found.id
                    household = repo.get(E.Household, current.household_id) if current.household_id else None
                    if household is not None and household.village_id != found.id:
                        values["household_id"], values["relation_to_head"] = None, ""
                        if household.head_person_id == current.id:
                            repo.update(E.Household, household.id, head_person_id=None)
            changed = tuple(sorted({{"birth_date": "birth", "birth_year": "birth"}.get(k, k) for k in values
                                    if k not in ("household_id", "relation_to_head")}))
            person = _updated(repo, today, current, values) if values else current
            return _rows(queries.unit_names(repo.session), [(person, "")])[0], changed

    def move(self, person_id: str, village: str | None, household_number: str = "", relation: str = "",
             new_village: bool = True) -> E.Person:
        """Move a person within the commune: to another village (created if not yet known, unless not
        `new_village`: then refused naming the commune) and/or another household, found by its number
        in that village or started with this person as head. The person stops heading the household
        left. One transaction; moving to another commune is recorded there as a new person and here as
        moved away (`mark_moved_away`)."""
        with self.ctx.write("move_person") as repo:
            person = repo.require(E.Person, person_id)
            commune = repo.require(E.AdminUnit, person.commune_id)
            if village and village.strip() and not new_village and find_village(repo, commune, village) is None:
                raise NotFound(N_("Xã {commune} chưa có thôn, làng \"{name}\"."), commune=commune.name, name=village)
            village_id = village_named(repo, commune, village).id if village and village.strip() else None
            household_id, relation = None, nfc(relation)
            number = nfc(household_number)
            if number:
                household = next((h for h in repo.list(E.Household, commune_id=commune.id, number=number)
                                  if h.village_id == village_id), None)
                if household is None:
                    household = repo.add(E.Household, id=new_id(), commune_id=commune.id, village_id=village_id,
                                         number=number, head_person_id=person_id, address="",
                                         residence_status="resident")
                    relation = HEAD
                elif relation == HEAD:
                    repo.update(E.Household, household.id, head_person_id=person_id)
                household_id = household.id
            if person.household_id and person.household_id != household_id:
                left = repo.get(E.Household, person.household_id)
                if left is not None and left.head_person_id == person_id:
                    repo.update(E.Household, left.id, head_person_id=None)
            return repo.update(E.Person, person_id, village_id=village_id, household_id=household_id,
                               relation_to_head=relation if household_id else "")

    def place_of(self, person: E.Person) -> tuple[str, str, str]:
        """The names forms show for a person's place: commune, village, household number. Reads only."""
        with self.ctx.read() as repo:
            commune = repo.get(E.AdminUnit, person.commune_id)
            village = repo.get(E.AdminUnit, person.village_id) if person.village_id else None
            household = repo.get(E.Household, person.household_id) if person.household_id else None
            return (commune.name if commune else "", village.name if village else "",
                    household.number if household else "")

    def mark_moved_away(self, person_id: str, when: date) -> E.Person:
        return self.set_life_status(person_id, "moved", when)

    def mark_deceased(self, person_id: str, when: date) -> E.Person:
        return self.set_life_status(person_id, "deceased", when)

    def set_life_status(self, person_id: str, status: str, when: date | None) -> E.Person:
        """"moved" (moved away from the commune) or "deceased" on a date, or "" (lives here: back
        from moving away, or a status recorded by mistake). Reports count people by these dates."""
        if status not in ("", "moved", "deceased"):
            raise KbangError(N_("Tình trạng không hợp lệ: {status}."), status=status)
        if status and when is None:
            raise ValidationError([Problem("status", N_("Cần ngày chuyển đi hoặc ngày mất."))])
        with self.ctx.write("person_status") as repo:
            current = repo.require(E.Person, person_id)
            died_on = when if status == "deceased" else None
            moved_away_on = when if status == "moved" else (current.moved_away_on if status == "deceased" else None)
            candidate = PersonInput(current.full_name, current.sex, birth_of(current), current.ethnic_code,
                                    current.literacy_level, died_on, moved_away_on)
            problems = validate_person(candidate, self.ctx.today(), [current.ethnic_code or ""])
            if problems:
                raise ValidationError(problems)
            return repo.update(E.Person, person_id, died_on=died_on, moved_away_on=moved_away_on)

    def set_literacy(self, person_id: str, level: int, attained_on: date | None, source: str = "correction",
                     source_ref: str | None = None) -> E.Person:
        """Record a literacy level reached on a date (kept as history for as-of reports)."""
        if level not in (0, 1, 2):
            raise ValidationError([Problem("literacy_level", N_("Mức độ biết chữ phải là 0, 1 hoặc 2."))])
        with self.ctx.write("set_literacy") as repo:
            return set_literacy(repo, person_id, level, attained_on, source, source_ref)

    def remove(self, person_id: str) -> E.Person:
        """Mark a person deleted (kept as a tombstone so the deletion travels)."""
        with self.ctx.write("remove_person") as repo:
            return repo.tombstone(E.Person, person_id)

    def search(self, text: str, limit: int = 100, commune: str | None = None, after: tuple[str, str] | None = None,
               commune_id: str | None = None, village_id: str | None = None, status: str | None = None,
               age: tuple[int, int] | None = None) -> list[PersonRow]:
        """The first `limit` people in Vietnamese order (after `after`, as `page`) whose name matches
        `text` folded (case, diacritics, đ, punctuation), with the filters applied in the query: a
        commune by name (`commune`) or id, a village, a status, an age band. `count(text=...)` says
        how many match in all. Reads only."""
        terms = search_terms(text)
        if not terms:
            return []
        with self.ctx.read() as repo:
            communes = None
            if commune:
                commune_id = find_commune(repo, commune, self.ctx.today()).id
            if commune_id:
                communes = predecessors_of(repo, commune_id)
            people = queries.persons_page(repo.session, after, limit, communes, village_id, status, terms,
                                          self._born(repo, age))
            return _rows(queries.unit_names(repo.session, people), people)

    def page(self, after: tuple[str, str] | None = None, limit: int = 500,
             commune_id: str | None = None, village_id: str | None = None, status: str | None = None,
             age: tuple[int, int] | None = None) -> list[PersonRow]:
        """One page of people after `after` = (sort key, id) of the last row shown, for lists that
        load as they scroll (a hub of 1.35 million people), in Vietnamese order (given name first) as
        the index keeps it. `status`: "present", "moved", "deceased" or None for everyone; `age`: an
        age band in whole years today. Reads only."""
        with self.ctx.read() as repo:
            communes = predecessors_of(repo, commune_id) if commune_id else None
            people = queries.persons_page(repo.session, after, limit, communes, village_id, status,
                                          born=self._born(repo, age))
            return _rows(queries.unit_names(repo.session), people)

    def list(self, commune: str | None = None, as_of: date | None = None, living: bool = False) -> list[PersonRow]:
        """People of a commune on a date (regrouped through successions), in Vietnamese order, each
        row with its status on that date; with `living`, only those living there on that date (not
        moved away, not deceased by then). Reads only."""
        when = as_of or self.ctx.today()
        with self.ctx.read() as repo:
            names = queries.unit_names(repo.session)
            if commune is None:
                people = queries.persons_keyed(repo.session)
            else:
                target = find_commune(repo, commune, when)
                graph = unit_graph(repo)
                people = [(p, key) for p, key in queries.persons_keyed(repo.session, graph.predecessors_of(target.id))
                          if graph.record_commune_on(p.commune_id, p.village_id, when) == target.id]
            rows = [(row, status_on(person, when)) for row, (person, _key) in zip(_rows(names, people), people, strict=True)]
            return [dataclasses.replace(row, status=status) for row, status in rows if not (living and status)]


def status_on(person: E.Person, when: date) -> str:
    """"deceased", "moved" or "" (living in the commune) on `when`: a date of death or of moving away
    after `when` has not happened yet."""
    if person.died_on is not None and person.died_on <= when:
        return "deceased"
    if person.moved_away_on is not None and person.moved_away_on <= when:
        return "moved"
    return ""


class DuplicatePerson(KbangError):
    """A person about to be added looks like one already recorded: `other` names them (a PersonRow)."""

    def __init__(self, other: PersonRow) -> None:
        super().__init__(N_("Đã có {name}, sinh {birth}, {village} (mã {id}) cùng họ tên, năm sinh và thôn, làng: có "
                            "thể là cùng một người. Nếu đúng là hai người khác nhau, hãy xác nhận để vẫn thêm."),
                         name=other.full_name, birth=other.birth, village=other.village or other.commune, id=other.id)
        self.other = other


def likely_duplicate(repo: Repository, full_name: str, birth_year: int, commune_id: str,
                     village_id: str | None, besides: str | None = None) -> E.Person | None:
    """A living person (not moved away, not deceased, not merged) of the same folded name, birth year,
    commune and village; None if there is none."""
    column = repo.column
    found = repo.list(E.Person, column(E.Person, "village_id").is_not_distinct_from(village_id),
                      column(E.Person, "died_on").is_(None), column(E.Person, "moved_away_on").is_(None),
                      name_folded=person_search_text(nfc(full_name)), birth_year=birth_year, commune_id=commune_id,
                      order_by=(column(E.Person, "sort_key"), column(E.Person, "id")), limit=2)
    return next((p for p in found if p.id != besides), None)


def _refuse_duplicate(repo: Repository, full_name: str, parsed: Birth, unit: E.AdminUnit,
                      village: E.AdminUnit | None) -> None:
    other = likely_duplicate(repo, full_name, parsed.year, unit.id, village.id if village else None)
    if other is not None:
        raise DuplicatePerson(_rows(queries.unit_names(repo.session), [(other, "")])[0])


def _birth(value: object, today: date) -> Birth:
    """A birth as the person form takes it (a year or a date); else ValidationError."""
    try:
        return parse_birth(value, today)
    except ValueError as error:
        raise ValidationError([Problem("birth", str(error.args[0]))]) from None


def _updated(repo: Repository, today: date, current: E.Person, values: dict[str, object]) -> E.Person:
    """`current` with `values` (fields of the person; the birth as birth_date and birth_year), the
    person validated as a whole, written."""
    if "full_name" in values:
        values["full_name"] = nfc(str(values["full_name"]))
        values["name_folded"] = person_search_text(str(values["full_name"]))
    candidate = PersonInput(str(values.get("full_name", current.full_name)), str(values.get("sex", current.sex)),
                            Birth(int(values.get("birth_year", current.birth_year)),  # type: ignore[arg-type]
                                  values.get("birth_date", current.birth_date)),  # type: ignore[arg-type]
                            values.get("ethnic_code", current.ethnic_code),  # type: ignore[arg-type]
                            current.literacy_level, current.died_on, current.moved_away_on)
    problems = validate_person(candidate, today, [g.code for g in ethnic_index(repo).groups])
    if problems:
        raise ValidationError(problems)
    return repo.update(E.Person, current.id, **values)


def _checked(repo: Repository, today: date, full_name: str, sex: str, birth: object, ethnic: str,
             literacy_level: int) -> Birth:
    """The birth of a new person whose fields are valid; else ValidationError naming each problem."""
    problems: list[Problem] = []
    parsed: Birth | None = None
    try:
        parsed = parse_birth(birth, today)
    except ValueError as error:
        problems.append(Problem("birth", str(error.args[0])))
    group = ethnic_index(repo).find(ethnic) if ethnic else None
    person = PersonInput(nfc(full_name), sex, parsed, group.code if group else (ethnic or None), literacy_level)
    problems += [p for p in validate_person(person, today, [g.code for g in ethnic_index(repo).groups])
                 if p.field != "birth" or parsed is not None]
    if problems:
        raise ValidationError(problems)
    assert parsed is not None
    return parsed


def _joining(repo: Repository, household: E.Household, person_id: str) -> E.Person:
    """A person about to join `household`: of its commune; they stop heading the household they leave."""
    person = repo.require(E.Person, person_id)
    if person.commune_id not in unit_graph(repo).predecessors_of(household.commune_id) | {household.commune_id}:
        raise KbangError(N_("{name} không ở xã của hộ này."), name=person.full_name)
    if person.household_id and person.household_id != household.id:
        left = repo.get(E.Household, person.household_id)
        if left is not None and left.head_person_id == person.id:
            repo.update(E.Household, left.id, head_person_id=None)
    return person


def _village_of(repo: Repository, commune: E.AdminUnit, village_id: str) -> E.AdminUnit:
    village = repo.require(E.AdminUnit, village_id)
    if village.kind != "village" or village.parent_id not in unit_graph(repo).predecessors_of(commune.id) | {commune.id}:
        raise KbangError(N_("Thôn, làng này không thuộc xã {commune}."), commune=commune.name)
    return village


def _insert(repo: Repository, parsed: Birth, full_name: str, sex: str, ethnic: str, unit: E.AdminUnit,
            village_unit: E.AdminUnit | None, household_id: str | None, relation: str, literacy_level: int = 0,
            literacy_date: date | None = None, exempt: bool = False, id_number: str | None = None,
            disability: bool = False, education: str = "", note: str = "") -> E.Person:
    group = ethnic_index(repo).find(ethnic) if ethnic else None
    name = nfc(full_name)
    row = repo.add(E.Person, id=new_id(), full_name=name, name_folded=person_search_text(name),
                   sex=sex, birth_date=parsed.date, birth_year=parsed.year, ethnic_code=group.code if group else ethnic,
                   household_id=household_id, relation_to_head=relation, commune_id=unit.id,
                   village_id=village_unit.id if village_unit else None, id_number=id_number or None,
                   disability=disability, exempt=exempt, education=education, literacy_level=literacy_level,
                   literacy_date=literacy_date, literacy_source="survey" if literacy_level else "",
                   moved_away_on=None, died_on=None, note=note)
    if literacy_level:
        repo.add(E.LiteracyAttainment, id=new_id(), person_id=row.id, level=literacy_level,
                 attained_on=literacy_date, source="survey", source_ref=None)
    return row


def set_literacy(repo: Repository, person_id: str, level: int, attained_on: date | None, source: str,
                 source_ref: str | None) -> E.Person:
    repo.require(E.Person, person_id)
    repo.add(E.LiteracyAttainment, id=new_id(), person_id=person_id, level=level, attained_on=attained_on,
             source=source, source_ref=source_ref)
    return repo.update(E.Person, person_id, literacy_level=level, literacy_date=attained_on, literacy_source=source)


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    """A household as the list of households shows it."""

    id: str
    village_id: str | None
    village: str
    number: str
    head_person_id: str | None
    head: str  # the head's full name, "" when none is recorded
    members: int  # people of the household living in the commune (not moved away, not deceased)


def _number_key(number: str) -> tuple:
    """Household numbers in the order a register counts them: "2" before "10", "12a" after "12"."""
    digits = "".join(c for c in number if c.isdigit())
    return (int(digits) if digits else 1 << 30, fold(number))


class HouseholdService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def rows(self, commune_id: str, village_id: str | None = None) -> list[HouseholdRow]:
        """The households of a commune (and of the communes merged into it), with village, head and how
        many members live here, by village then number; `village_id` keeps one village. Reads only."""
        with self.ctx.read() as repo:
            communes = unit_graph(repo).predecessors_of(commune_id) | {commune_id}
            where = [repo.column(E.Household, "commune_id").in_(communes)]
            if village_id:
                where.append(repo.column(E.Household, "village_id") == village_id)
            households = repo.list(E.Household, *where)
            people = repo.list(E.Person, repo.column(E.Person, "household_id").in_([h.id for h in households])) \
                if households else []
            names = queries.unit_names(repo.session)
        counts: dict[str, int] = {}
        for person in people:
            if not life_status(person):
                counts[person.household_id or ""] = counts.get(person.household_id or "", 0) + 1
        heads = {p.id: p.full_name for p in people}
        rows = [HouseholdRow(h.id, h.village_id, names.get(h.village_id or "", ""), h.number, h.head_person_id,
                             heads.get(h.head_person_id or "", ""), counts.get(h.id, 0)) for h in households]
        return sorted(rows, key=lambda r: (fold(r.village), _number_key(r.number), r.id))

    def create(self, commune_id: str, village_id: str | None = None, new_village: str = "", number: str = "",
               head_person_id: str | None = None) -> E.Household:
        """A household as the household form gives it: the id of its village or the name of a village not
        yet recorded (made here), its number, and an existing person as its head (moved into it). A number
        already used in that village is refused. One transaction."""
        with self.ctx.write("add_household") as repo:
            unit = repo.require(E.AdminUnit, commune_id)
            village = (_village_of(repo, unit, village_id) if village_id
                       else village_named(repo, unit, new_village) if nfc(new_village) else None)
            number = nfc(number)
            if number and any(h.village_id == (village.id if village else None)
                              for h in repo.list(E.Household, commune_id=unit.id, number=number)):
                raise KbangError(N_("{village} đã có hộ số {number}."),
                                 village=village.name if village else unit.name, number=number)
            household = repo.add(E.Household, id=new_id(), commune_id=unit.id,
                                 village_id=village.id if village else None, number=number,
                                 head_person_id=None, address="", residence_status="resident")
            if head_person_id:
                head = repo.require(E.Person, head_person_id)
                if head.commune_id not in unit_graph(repo).predecessors_of(unit.id) | {unit.id}:
                    raise KbangError(N_("{name} không ở xã {commune}."), name=head.full_name, commune=unit.name)
                left = repo.get(E.Household, head.household_id) if head.household_id else None
                if left is not None and left.head_person_id == head.id:
                    repo.update(E.Household, left.id, head_person_id=None)
                repo.update(E.Person, head.id, household_id=household.id, relation_to_head=HEAD,
                            village_id=household.village_id or head.village_id)
                household = repo.update(E.Household, household.id, head_person_id=head.id)
            return household

    def add(self, commune: str, village: str | None, number: str = "", head_person_id: str | None = None,
            address: str = "") -> E.Household:
        with self.ctx.write("add_household") as repo:
            unit = find_commune(repo, commune, self.ctx.today())
            village_unit = find_village(repo, unit, village) if village else None
            if village and village_unit is None:
                raise KbangError(N_("Xã {commune} chưa có thôn, làng \"{name}\"."), commune=unit.name, name=village)
            household = repo.add(E.Household, id=new_id(), commune_id=unit.id,
                                 village_id=village_unit.id if village_unit else None, number=nfc(number),
                                 head_person_id=None, address=nfc(address), residence_status="resident")
            if head_person_id:
                repo.require(E.Person, head_person_id)
                repo.update(E.Person, head_person_id, household_id=household.id, relation_to_head=HEAD)
                household = repo.update(E.Household, household.id, head_person_id=head_person_id)
            return household

    def get(self, household_id: str) -> E.Household:
        with self.ctx.read() as repo:
            return repo.require(E.Household, household_id)

    def add_member(self, household_id: str, person_id: str, relation: str) -> E.Person:
        """A person joins a household (leaving theirs, which they stop heading); they live in its village.
        One transaction."""
        with self.ctx.write("add_household_member") as repo:
            household = repo.require(E.Household, household_id)
            person = _joining(repo, household, person_id)
            return repo.update(E.Person, person.id, household_id=household_id, relation_to_head=nfc(relation),
                               village_id=household.village_id or person.village_id)

    def set_head(self, household_id: str, person_id: str) -> E.Household:
        """`person_id` heads the household (joining it if not yet in it); the head before stays a member
        without the relation "Chủ hộ". One transaction."""
        with self.ctx.write("set_household_head") as repo:
            household = repo.require(E.Household, household_id)
            person = _joining(repo, household, person_id)
            before = repo.get(E.Person, household.head_person_id) if household.head_person_id else None
            if before is not None and before.id != person_id and before.relation_to_head == HEAD:
                repo.update(E.Person, before.id, relation_to_head="")
            repo.update(E.Person, person_id, household_id=household_id, relation_to_head=HEAD,
                        village_id=household.village_id or person.village_id)
            return repo.update(E.Household, household_id, head_person_id=person_id)

    def members(self, household_id: str) -> list[E.Person]:
        with self.ctx.read() as repo:
            return sorted(repo.list(E.Person, household_id=household_id), key=lambda p: person_sort_key(p.full_name))

    def list(self, commune_id: str) -> list[E.Household]:
        with self.ctx.read() as repo:
            return repo.list(E.Household, commune_id=commune_id)


class ClanService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add(self, commune: str, name: str, head_person_id: str | None = None) -> E.Clan:
        if not nfc(name):
            raise KbangError(N_("Chưa nhập tên dòng họ."))
        with self.ctx.write("add_clan") as repo:
            unit = find_commune(repo, commune, self.ctx.today())
            return repo.add(E.Clan, id=new_id(), commune_id=unit.id, name=nfc(name), head_person_id=head_person_id)

    def add_household(self, clan_id: str, household_id: str) -> E.ClanMember:
        with self.ctx.write("add_clan_member") as repo:
            repo.require(E.Clan, clan_id)
            repo.require(E.Household, household_id)
            if repo.first(E.ClanMember, clan_id=clan_id, household_id=household_id):
                raise KbangError(N_("Hộ này đã thuộc dòng họ."))
            return repo.add(E.ClanMember, id=new_id(), clan_id=clan_id, household_id=household_id)

    def list(self, commune_id: str) -> list[E.Clan]:
        with self.ctx.read() as repo:
            return repo.list(E.Clan, commune_id=commune_id)


class OrganisationService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add(self, commune: str, name: str, kind: str) -> E.Organisation:
        if kind not in ORGANISATION_KINDS:
            raise KbangError(N_("Loại đơn vị không hợp lệ."))
        if not nfc(name):
            raise KbangError(N_("Chưa nhập tên đơn vị."))
        with self.ctx.write("add_organisation") as repo:
            unit = find_commune(repo, commune, self.ctx.today())
            return repo.add(E.Organisation, id=new_id(), commune_id=unit.id, name=nfc(name), kind=kind)

    def list(self, commune_id: str) -> list[E.Organisation]:
        with self.ctx.read() as repo:
            return repo.list(E.Organisation, commune_id=commune_id)
