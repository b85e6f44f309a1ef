"""Deterministic demo data: realistic enough to try every screen and report, never real people.

Names follow Bahnar, Jrai and Kinh patterns; some older people are known only by
birth year; villages are invented and marked as demo. Data spans 2021 to 2026,
so the 2024 split of Đăk Hlơ and the 2025 merger of communes show: people
recorded before 2025 live in villages of the old communes and are counted in the
new commune afterwards.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.literacy import PHASE_TERMS
from kbang_desktop.core.scoring import parse_definition, score
from kbang_desktop.core.text import fold, person_search_text
from kbang_desktop.core.units import COMMUNE_KINDS
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.learning_models import _in_force
from kbang_desktop.services.reference import reference_id
from kbang_desktop.services.units import unit_graph
from kbang_desktop.storage.bulk import BulkLoader
from kbang_desktop.storage.repo import Repository

TABLE_ORDER = ("admin_unit", "admin_succession", "household", "person", "literacy_attainment", "clan", "clan_member",
               "organisation", "learning_centre", "centre_staff", "centre_activity", "centre_ranking",
               "literacy_class", "enrolment", "term_result", "registration", "evaluation", "decision",
               "decision_entry")
YEARS = range(2021, 2027)

BAHNAR_GIVEN_M = ["Hmưk", "Blih", "Nhốt", "Kơn", "Ngưh", "Byưh", "Jưi", "Hlơr", "Thiêng", "Bler", "Đinh", "Pưh",
                  "Hyưk", "Krơl", "Mơnh", "Tơk", "Yưn", "Blông", "Hnhuk", "Djuan"]
BAHNAR_GIVEN_F = ["Blơr", "H'Nhi", "Yă", "Pin", "Hlin", "Djen", "Bơi", "Hnhoan", "Ngơi", "Yơk", "Lơn", "Thuỳ",
                  "Hnim", "Ble", "Jŭ", "Mơ", "Prăk", "Sêng"]
JRAI_FAMILY = ["Rơ Châm", "Ksor", "Siu", "Rơ Mah", "Kpă", "Nay", "Rơ Lan", "Puih"]
JRAI_GIVEN_M = ["Y Blang", "Đoàn", "Tơn", "Hyơr", "Thuin", "Khươl", "Djơi", "Bhum"]
JRAI_GIVEN_F = ["H'Bia", "H'Nga", "H'Lan", "H'Yon", "H'Ben", "Nguyệt", "H'Mai", "H'Prông"]
KINH_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
KINH_MIDDLE_M = ["Văn", "Hữu", "Minh", "Đức", "Quốc", "Thành"]
KINH_MIDDLE_F = ["Thị", "Ngọc", "Thu", "Kim", "Thanh"]
KINH_GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hùng", "Nam", "Quang", "Sơn", "Tuấn", "Việt", "Long", "Phúc", "Đạt"]
KINH_GIVEN_F = ["Hà", "Hạnh", "Lan", "Mai", "Ngọc", "Phương", "Thảo", "Trang", "Yến", "Ánh", "Hương", "Ly", "Oanh"]
VILLAGE_WORDS = ["Kon", "Đăk", "Tơ", "Hà", "Lơ", "Krông", "Pơ", "Bơ"]
VILLAGE_ROOTS = ["Lốc", "Hlơ", "Bơ Kăn", "Rang", "Tung", "Klăh", "Jơ", "Mơ Hra", "Pông", "Rơ Nang", "Drăng", "Sơ Lăng"]
ACTIVITIES = [("topic", "Chuyên đề phòng chống ma túy"), ("agriculture", "Kỹ thuật trồng cà phê"),
              ("agriculture", "Chăn nuôi bò an toàn"), ("health", "Chăm sóc sức khỏe bà mẹ và trẻ em"),
              ("law", "Tuyên truyền Luật Hôn nhân và gia đình"), ("culture_sport", "Đánh chiêng, múa xoang"),
              ("reading", "Ngày sách và văn hóa đọc"), ("vocational", "Dệt thổ cẩm"), ("literacy", "Lớp xóa mù chữ")]


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# The note on every demo village, household and unit: stored data, in the records' language (as the
# reference data's notes are), so the village list says what the rows are instead of "demo".
DEMO_NOTE = "Dữ liệu mẫu để tập dùng chương trình"


class CommuneGenerator:
    """All demo rows of one commune, table by table (nothing written here)."""

    def __init__(self, rng: random.Random, commune: E.AdminUnit, predecessors: list[E.AdminUnit],
                 criteria: E.CriteriaSet | None, people: int, demo_tag: str) -> None:
        self.rng, self.commune, self.people = rng, commune, people
        self.predecessors = predecessors or [commune]
        self.criteria = criteria
        self.tag = demo_tag
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLE_ORDER}

    def add(self, table: str, **values: object) -> dict:
        row = {"id": _uid(self.rng), **values}
        self.rows[table].append(row)
        return row

    # --- places -----------------------------------------------------------------

    def villages(self) -> list[tuple[dict, dict]]:
        """Invented villages, 1 per ~600 people, under the units valid when people were recorded."""
        count = max(3, self.people // 600)
        result = []
        for index in range(count):
            unit = self.predecessors[index % len(self.predecessors)]
            name = f"Làng {self.rng.choice(VILLAGE_WORDS)} {self.rng.choice(VILLAGE_ROOTS)} {index + 1}"
            village = self.add("admin_unit", key=None, kind="village", name=name, name_folded=fold(name),
                               parent_id=unit.id, code=None, valid_from=unit.valid_from, valid_to=unit.valid_to,
                               note=self.tag, is_demo=True)
            commune_of_record = unit
            if unit.key == "dak_hlo":  # the 2024 split: each village of Đăk Hlơ went to one side
                side = reference_id("admin_unit", "nghia_an" if index % 2 else "kong_bo_la")
                later = self.add("admin_unit", key=None, kind="village", name=name, name_folded=fold(name),
                                 parent_id=side, code=None, valid_from=date(2024, 11, 1), valid_to=None,
                                 note=self.tag, is_demo=True)
                self.add("admin_succession", predecessor_id=village["id"], successor_id=later["id"],
                         effective=date(2024, 11, 1), share="whole", note=self.tag)
            result.append((village, {"id": commune_of_record.id}))
        return result

    # --- people -----------------------------------------------------------------

    def name(self, ethnic: str, sex: str) -> str:
        r = self.rng
        if ethnic == "13":
            given = r.choice(BAHNAR_GIVEN_M if sex == "M" else BAHNAR_GIVEN_F)
            return f"Đinh {'Văn' if sex == 'M' else 'Thị'} {given}" if r.random() < 0.6 else f"Đinh {given}"
        if ethnic == "10":
            return f"{r.choice(JRAI_FAMILY)} {r.choice(JRAI_GIVEN_M if sex == 'M' else JRAI_GIVEN_F)}"
        middle = r.choice(KINH_MIDDLE_M if sex == "M" else KINH_MIDDLE_F)
        return f"{r.choice(KINH_FAMILY)} {middle} {r.choice(KINH_GIVEN_M if sex == 'M' else KINH_GIVEN_F)}"

    def persons(self, villages: list[tuple[dict, dict]]) -> list[dict]:
        r, made = self.rng, []
        while len(made) < self.people:
            village, commune = r.choice(villages)
            ethnic = r.choices(["13", "01", "10"], weights=[55, 35, 10])[0]
            size = min(r.randint(2, 7), self.people - len(made))
            household = self.add("household", commune_id=commune["id"], village_id=village["id"],
                                 number=str(len(self.rows["household"]) + 1), head_person_id=None, address="",
                                 residence_status="resident")
            head_age = r.randint(22, 75)
            for member in range(size):
                age = head_age if member == 0 else (r.randint(max(18, head_age - 8), head_age + 5) if member == 1
                                                    else r.randint(0, max(1, head_age - 18)))
                sex = ("M" if r.random() < 0.7 else "F") if member == 0 else ("F" if member == 1 else r.choice("MF"))
                born_year = 2026 - age
                year_only = ethnic != "01" and age > 40 and r.random() < 0.35
                birth_date = None if year_only else date(born_year, r.randint(1, 12 if born_year < 2026 else 10),
                                                                  r.randint(1, 28))  # no births after the demo's November
                level = self._literacy(ethnic, age)
                name = self.name(ethnic, sex)
                moved = date(r.randint(2021, 2025), r.randint(1, 12), 1) if r.random() < 0.01 else None
                died = date(r.randint(2021, 2025), r.randint(1, 12), 1) if age > 60 and r.random() < 0.05 else None
                person = self.add("person", full_name=name, name_folded=person_search_text(name), sex=sex, birth_date=birth_date,
                                  birth_year=born_year, ethnic_code=ethnic, household_id=household["id"],
                                  relation_to_head=["Chủ hộ", "Vợ/chồng", "Con"][min(member, 2)],
                                  commune_id=commune["id"], village_id=village["id"], id_number=None,
                                  disability=r.random() < 0.01, exempt=r.random() < 0.005,
                                  education="", literacy_level=level, literacy_date=None,
                                  literacy_source="survey" if level else "", moved_away_on=moved, died_on=died,
                                  note="")
                if member == 0:
                    household["head_person_id"] = person["id"]
                if level:
                    self.add("literacy_attainment", person_id=person["id"], level=level, attained_on=None,
                             source="survey", source_ref=None)
                made.append(person)
        return made

    def _literacy(self, ethnic: str, age: int) -> int:
        if age < 10:
            return 0
        chance = self.rng.random()
        if ethnic == "01":
            return 2 if chance < 0.97 else 1
        if age < 30:
            return 2 if chance < 0.85 else (1 if chance < 0.93 else 0)
        return 2 if chance < 0.55 else (1 if chance < 0.78 else 0)

    # --- centre, classes --------------------------------------------------------

    def centre(self, people: list[dict], villages: list[tuple[dict, dict]]) -> None:
        r = self.rng
        centre = self.add("learning_centre", commune_id=self.commune.id,
                          name=f"Trung tâm học tập cộng đồng xã {self.commune.name}",
                          founding_decision=f"{r.randint(10, 300)}/QĐ-UBND", founded_on=date(2008, 9, 1),
                          has_premises=r.random() < 0.6, has_seal=True, has_bank_account=r.random() < 0.7,
                          computers=r.randint(0, 4), has_internet=r.random() < 0.5, has_book_corner=True,
                          status="active", merged_into_id=None)
        for role, name in (("director", "Nguyễn Văn Thành"), ("deputy", "Đinh Thị Hlin"), ("staff", "Trần Thu Hà")):
            self.add("centre_staff", centre_id=centre["id"], full_name=name, role=role, position="",
                     from_date=date(2021, 1, 1), to_date=None)
        for year in YEARS:
            for _ in range(r.randint(8, 16)):
                kind, title = r.choice(ACTIVITIES)
                total = r.randint(15, 120)
                start = date(year, r.randint(1, 11), r.randint(1, 28))
                self.add("centre_activity", centre_id=centre["id"], kind=kind, title=title, start_date=start,
                         end_date=start + timedelta(days=r.randint(0, 20)), sessions=r.randint(1, 10),
                         participants_total=total, participants_female=r.randint(0, total),
                         participants_minority=r.randint(0, total), funding=r.randint(0, 20) * 500_000,
                         funding_source="Ngân sách xã")
            self.add("centre_ranking", centre_id=centre["id"], year=year,
                     ranking=r.choices(["tot", "kha", "trung_binh", "yeu"], weights=[4, 4, 2, 1])[0], notes="")
        self.classes(centre, people, villages)

    def classes(self, centre: dict, people: list[dict], villages: list[tuple[dict, dict]]) -> None:
        r = self.rng
        for year in YEARS:
            for phase in (1, 2):
                wanted = phase - 1  # phase 1 takes people with level 0, phase 2 people with level 1
                pool = [p for p in people if p["literacy_level"] == wanted and not p["exempt"] and not p["died_on"]
                        and 15 <= year - p["birth_year"] <= 60]
                if len(pool) < 5:
                    continue
                start = date(year, 9, 5) if year < 2026 else date(2026, 2, 16)
                village = r.choice(villages)[0]
                klass = self.add("literacy_class", centre_id=centre["id"], name=f"Lớp XMC GĐ{phase} {year}",
                                 phase=phase, current_term=PHASE_TERMS[phase][-1] if year < 2025 else
                                 PHASE_TERMS[phase][0], teacher_name=r.choice(["Lê Thị Mai", "Võ Văn Dũng"]),
                                 village_id=village["id"], start_date=start, end_date=None,
                                 funding_programme="Chương trình mục tiêu quốc gia")
                finished = year < 2025
                for person in r.sample(pool, min(len(pool), r.randint(12, 25))):
                    completes = finished and r.random() < 0.8
                    enrolment = self.add("enrolment", class_id=klass["id"], person_id=person["id"],
                                         enrolled_on=start, left_on=None, status="studying", drop_reason="")
                    terms = PHASE_TERMS[phase] if finished else PHASE_TERMS[phase][:1]
                    for term in terms:
                        last = term == PHASE_TERMS[phase][-1]
                        for subject in ("tieng_viet", "toan"):
                            result = ("tot" if r.random() < 0.4 else "hoan_thanh") if (completes or not last) else "chua"
                            self.add("term_result", enrolment_id=enrolment["id"], term=term, subject=subject,
                                     result=result, recorded_on=start + timedelta(days=120 * (term - terms[0] + 1)))
                    if completes:
                        done = start + timedelta(days=120 * len(terms))
                        enrolment.update(status="completed", left_on=done)
                        person.update(literacy_level=phase, literacy_date=done, literacy_source="class")
                        self.add("literacy_attainment", person_id=person["id"], level=phase, attained_on=done,
                                 source="class", source_ref=enrolment["id"])

    # --- learning models ---------------------------------------------------------

    def learning_models(self) -> None:
        if self.criteria is None:
            return
        r = self.rng
        definition = parse_definition(json.loads(self.criteria.definition))
        items = [(item.code, item.max_points) for c in definition.criteria for item in c.items]
        households = self.rows["household"]
        heads = {p["id"]: p["full_name"] for p in self.rows["person"]}
        for year in YEARS:
            passed_by_issuer: dict[str, list[tuple[dict, dict, dict]]] = {}
            for household in r.sample(households, max(1, len(households) * 3 // 10)):
                registered = date(year, 1, r.randint(5, 28))
                issuer = household["commune_id"] if year < 2025 else self.commune.id
                registration = self.add("registration", year=year, model_kind="household",
                                        subject_id=household["id"], commune_id=issuer, registered_on=registered,
                                        status="registered")
                good = r.random() < 0.8
                points = {code: str(top if good and r.random() < 0.85 else (top * Decimal(r.randint(3, 9)) / 10)
                                    .quantize(Decimal("1"))) for code, top in items}
                result = score(definition, points)
                evaluation = self.add("evaluation", registration_id=registration["id"],
                                      criteria_set_id=self.criteria.id, evaluated_on=date(year, 11, r.randint(1, 28)),
                                      scores=json.dumps(points, sort_keys=True), total=str(result.total),
                                      passed=result.passed, self_assessment=False, notes="")
                if result.passed:
                    passed_by_issuer.setdefault(issuer, []).append((household, registration, evaluation))
            if year == 2026:
                continue  # this year's decision is still to be made in the demo
            for number, (issuer, passed) in enumerate(sorted(passed_by_issuer.items()), start=1):
                decision = self.add("decision", issuer_unit_id=issuer, number=f"{100 + number}/QĐ-UBND",
                                    decided_on=date(year, 12, 15), signer_name="Nguyễn Văn Hùng",
                                    signer_title="chairman", kind="household", year=year, status="issued",
                                    revoked_on=None, revoke_reason="")
                for position, (household, registration, evaluation) in enumerate(passed, start=1):
                    head = heads.get(household["head_person_id"] or "", "")
                    self.add("decision_entry", decision_id=decision["id"], registration_id=registration["id"],
                             evaluation_id=evaluation["id"], position=position, display_name=f"Hộ ông/bà {head}")

    def clans_and_organisations(self, people: list[dict]) -> None:
        """Clans group households whose heads share a family name; a few organisations per commune."""
        r = self.rng
        heads = {p["id"]: p for p in people if p["relation_to_head"] == "Chủ hộ"}
        by_family: dict[str, list[dict]] = {}
        for household in self.rows["household"]:
            head = heads.get(household["head_person_id"] or "")
            if head:
                by_family.setdefault(head["full_name"].split(" ")[0], []).append(household)
        for family, households in sorted(by_family.items(), key=lambda item: -len(item[1]))[:6]:
            members = households[: max(3, len(households) // 4)]
            clan = self.add("clan", commune_id=self.commune.id, name=f"Dòng họ {family}",
                            head_person_id=members[0]["head_person_id"])
            for household in members:
                self.add("clan_member", clan_id=clan["id"], household_id=household["id"])
        for kind, name in (("school", f"Trường Tiểu học xã {self.commune.name}"),
                           ("school", f"Trường Mầm non xã {self.commune.name}"),
                           ("office", f"Trạm Y tế xã {self.commune.name}"),
                           ("association", f"Hội Khuyến học xã {self.commune.name}"),
                           ("enterprise", f"Hợp tác xã nông nghiệp {r.choice(VILLAGE_ROOTS)}")):
            self.add("organisation", commune_id=self.commune.id, name=name, kind=kind)

    def generate(self) -> dict[str, list[dict]]:
        villages = self.villages()
        people = self.persons(villages)
        self.clans_and_organisations(people)
        self.centre(people, villages)
        self.learning_models()
        return self.rows


def demo_communes(repo: Repository, office: E.Office, count: int, rng: random.Random) -> Iterator[E.AdminUnit]:
    """The office's own commune first (or the real Kbang communes), then invented ones marked demo."""
    today_units = [u for u in repo.list(E.AdminUnit) if u.kind in COMMUNE_KINDS and u.valid_to is None]
    chosen: list[E.AdminUnit] = []
    if office.unit_id:
        chosen.append(repo.require(E.AdminUnit, office.unit_id))
    for unit in sorted(today_units, key=lambda u: u.name):
        if len(chosen) >= count:
            break
        if unit not in chosen:
            chosen.append(unit)
    yield from chosen[:count]
    province = reference_id("admin_unit", "gialai_2025")
    for index in range(len(chosen), count):
        name = f"Xã Mẫu {index + 1:03d}"
        yield E.AdminUnit(id=_uid(rng), key=None, kind="commune", name=name, name_folded=fold(name),
                          parent_id=province, code=None, valid_from=date(2025, 7, 1), valid_to=None,
                          note=DEMO_NOTE, is_demo=True, owner_office_id="", rev="", prev_rev=None, deleted=False,
                          created_at=None, created_by="", updated_at=None, updated_by="")  # type: ignore[arg-type]


class DemoService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def commune_rows(self, communes: int, people_per_commune: int, seed: int) -> Iterator[dict[str, list[dict]]]:
        """The demo rows, commune by commune (used by `generate` and by the benchmarks)."""
        rng = random.Random(seed)
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            office = repo.require(E.Office, office_id)
            graph = unit_graph(repo)
            units = {u.id: u for u in repo.list(E.AdminUnit)}
            try:
                criteria = _in_force(repo, "household", date(2021, 6, 1))
            except KbangError:  # no criteria set in force: the demo has no evaluations
                criteria = None
            targets = list(demo_communes(repo, office, communes, rng))
        for commune in targets:
            extra: dict[str, list[dict]] = {}
            if commune.id not in units:
                extra["admin_unit"] = [{"id": commune.id, "key": None, "kind": "commune", "name": commune.name,
                                        "name_folded": commune.name_folded, "parent_id": commune.parent_id,
                                        "code": None, "valid_from": commune.valid_from, "valid_to": None,
                                        "note": DEMO_NOTE, "is_demo": True}]
            predecessors = [units[p] for p in graph.predecessors_of(commune.id)
                            if p in units and units[p].kind in COMMUNE_KINDS and p != commune.id]
            predecessors = sorted(predecessors, key=lambda u: u.name) or [commune]
            generator = CommuneGenerator(rng, commune, predecessors, criteria, people_per_commune, DEMO_NOTE)
            rows = generator.generate()
            if extra:
                rows["admin_unit"] = extra["admin_unit"] + rows["admin_unit"]
            yield rows

    def generate(self, communes: int = 1, people_per_commune: int = 5000, seed: int = 1) -> dict[str, int]:
        """Fill the database with demo data; one transaction per commune. Returns row counts per table."""
        if communes < 1 or people_per_commune < 1:
            raise KbangError(N_("Số xã và số người mỗi xã phải lớn hơn 0."))
        totals: dict[str, int] = {}
        for rows in self.commune_rows(communes, people_per_commune, seed):
            with self.ctx.write("demo_data", minimum_role="admin") as repo:
                loader = BulkLoader(repo.session, repo.session.info["writer"])
                for table in TABLE_ORDER:
                    loader.insert(table, rows.get(table, []))
                loader.finish("demo_data", {"seed": seed})
            for table, count in loader.counts.items():
                totals[table] = totals.get(table, 0) + count
        return totals
