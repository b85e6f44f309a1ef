"""Reports with one definition at a commune and at the hub: one row per commune, and a total at the hub.

Every figure is counted in SQL (GROUP BY) or in one scan, then regrouped onto the communes valid on
the report date through the successions, so a report for 2021 uses the units of 2021 and a report
for 2026 counts the records of merged communes under their successor. Ethnicity and disability
appear only as counts. Reads only.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, func, or_, select

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.literacy import aggregate_units
from kbang_desktop.core.reporting import Chart, Column, Report, Section, share
from kbang_desktop.core.text import collation_key, fold
from kbang_desktop.i18n import N_
from kbang_desktop.paths import resource
from kbang_desktop.services.centres import ACTIVITY_KINDS, ACTIVITY_NAMES
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.learning_models import MODEL_NAMES
from kbang_desktop.services.literacy import birth_rule, statuses
from kbang_desktop.services.units import find_commune, unit_graph
from kbang_desktop.storage import models as M
from kbang_desktop.storage.repo import Repository, not_merged


@dataclass(frozen=True, slots=True)
class Target:
    model_kind: str
    year: int
    share: Fraction
    legal_basis: str
    denominator: str


def national_targets() -> dict[str, Target]:
    """The national targets shipped as reference data (resources/reference/national_targets.csv)."""
    with resource("reference", "national_targets.csv").open(encoding="utf-8", newline="") as handle:
        return {row["model_kind"]: Target(row["model_kind"], int(row["year"]), Fraction(Decimal(row["share"])),
                                          row["legal_basis"], row["denominator"])
                for row in csv.DictReader(handle)}


@dataclass(frozen=True, slots=True)
class ReportInfo:
    name: str
    title: str  # msgid
    hub_only: bool = False


REPORTS = (
    ReportInfo("literacy-standard", N_("Chuẩn biết chữ theo xã")),
    ReportInfo("literacy-learners", N_("Học viên và lớp xóa mù chữ")),
    ReportInfo("centre-activities", N_("Hoạt động của trung tâm học tập cộng đồng")),
    ReportInfo("learning-models", N_("Mô hình học tập so với chỉ tiêu quốc gia")),
    ReportInfo("data-completeness", N_("Mức đầy đủ dữ liệu theo xã"), hub_only=True),
)


class _Scope:
    """Which communes a report has rows for, and how a record's unit is regrouped onto them."""

    def __init__(self, repo: Repository, as_of: date, commune: str | None) -> None:
        self.graph = unit_graph(repo)
        self.as_of = as_of
        self.names = {u.id: u.name for u in repo.list(E.AdminUnit)}
        self.only = find_commune(repo, commune, as_of).id if commune else None
        self._cache: dict[tuple[str, str | None], str | None] = {}

    def commune(self, commune_id: str | None, village_id: str | None = None) -> str | None:
        if commune_id is None:
            return None
        key = (commune_id, village_id)
        if key not in self._cache:
            target = self.graph.record_commune_on(commune_id, village_id, self.as_of)
            self._cache[key] = target if self.only is None or target == self.only else None
        return self._cache[key]

    def order(self, ids: Sequence[str]) -> list[str]:
        return sorted({i for i in ids if i is not None}, key=lambda i: collation_key(self.names.get(i, i)))

    def label(self, commune_ids: list[str]) -> str:
        if self.only:
            return self.names[self.only]
        return ", ".join(self.names[i] for i in commune_ids) if len(commune_ids) <= 2 else str(len(commune_ids))


def _sum_rows(rows: Sequence[tuple], first: int, label: str) -> list[Any]:
    total: list[Any] = [label] + [None] * (len(rows[0]) - 1) if rows else [label]
    for row in rows:
        for i in range(first, len(row)):
            if isinstance(row[i], int) and not isinstance(row[i], bool):
                total[i] = (total[i] or 0) + row[i]
    return total


class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def available(self) -> list[ReportInfo]:
        return list(REPORTS)

    def build(self, name: str, as_of: date, commune: str | None = None, peers: Sequence[Any] = ()) -> Report:
        """Build report `name` as of a date; `peers` (sync status per office) feeds data-completeness."""
        builders: dict[str, Callable[..., Report]] = {
            "literacy-standard": self.literacy_standard, "literacy-learners": self.literacy_learners,
            "centre-activities": self.centre_activities, "learning-models": self.learning_models}
        if name == "data-completeness":
            return self.data_completeness(as_of, peers)
        if name not in builders:
            raise KbangError(N_("Không có báo cáo \"{name}\". Xem danh sách bằng lệnh kbang report list."), name=name)
        return builders[name](as_of, commune)

    def _hub(self) -> bool:
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            return repo.require(E.Office, office_id).kind == "hub"

    # --- literacy standard --------------------------------------------------------

    def literacy_standard(self, as_of: date, commune: str | None = None) -> Report:
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            month, day = birth_rule(repo, office_id)
            scope = _Scope(repo, as_of, commune)
            units = [repo.require(E.AdminUnit, scope.only)] if scope.only else None
            found = statuses(repo, as_of, month, day, units)
        found.sort(key=lambda c: collation_key(c.commune.name))
        rows = []
        for item in found:
            s = item.status
            rows.append((item.commune.name, s.especially_difficult,
                         f"{s.level1.age_from}-{s.level1.age_to}", s.level1.population, s.level1.literate,
                         s.level1.rate, s.level1.meets,
                         f"{s.level2.age_from}-{s.level2.age_to}", s.level2.population, s.level2.literate,
                         s.level2.rate, s.level2.meets, s.level_reached, s.birth_year_only, s.exempted))
        columns = (Column(N_("Xã"), "text", 22), Column(N_("Đặc biệt khó khăn"), "bool", 10),
                   Column(N_("Mức 1: độ tuổi"), "text", 9), Column(N_("Mức 1: số người"), "int", 11),
                   Column(N_("Mức 1: biết chữ"), "int", 11), Column(N_("Mức 1: tỉ lệ"), "percent", 9),
                   Column(N_("Đạt mức 1"), "bool", 8),
                   Column(N_("Mức 2: độ tuổi"), "text", 9), Column(N_("Mức 2: số người"), "int", 11),
                   Column(N_("Mức 2: biết chữ"), "int", 11), Column(N_("Mức 2: tỉ lệ"), "percent", 9),
                   Column(N_("Đạt mức 2"), "bool", 8), Column(N_("Mức đạt chuẩn"), "int", 9),
                   Column(N_("Chỉ biết năm sinh"), "int", 11), Column(N_("Được miễn"), "int", 9))
        total = None
        notes: list[tuple[str, dict[str, Any]]] = [
            (N_("Người chỉ biết năm sinh được tính như sinh ngày {day:02d}/{month:02d} của năm đó (thiết lập của đơn vị)."),
             {"day": day, "month": month})]
        if len(rows) > 1:
            total = _sum_rows(rows, 3, N_("Tổng cộng"))
            total[5], total[10] = share(total[4], total[3]), share(total[9], total[8])
            level1, level2 = aggregate_units([c.status for c in found])
            total[6], total[11] = level1.meets, level2.meets
            total[12] = 2 if level2.meets and level1.meets else 1 if level1.meets else 0
            notes.append((N_("Toàn đơn vị đạt mức khi ít nhất {share} số xã đạt: mức 1 {m1}/{n} xã, mức 2 {m2}/{n} xã."),
                          {"m1": level1.meeting, "m2": level2.meeting, "n": level1.units, "share": 0.9}))
        threshold = float(found[0].status.level1.threshold) if found else 0.9
        section = Section(N_("Chuẩn biết chữ theo xã"), columns, tuple(rows), tuple(total) if total else None,
                          (Chart(N_("Tỉ lệ biết chữ mức 1 (đường kẻ: ngưỡng đạt chuẩn)"), 5, threshold),
                           Chart(N_("Tỉ lệ biết chữ mức 2 (đường kẻ: ngưỡng đạt chuẩn)"), 10, threshold)))
        return Report("literacy-standard", N_("Chuẩn biết chữ theo xã"), scope.label([c.commune.id for c in found]),
                      as_of, (section,), tuple(notes))

    # --- literacy learners and classes --------------------------------------------

    def literacy_learners(self, as_of: date, commune: str | None = None) -> Report:
        with self.ctx.read() as repo:
            scope = _Scope(repo, as_of, commune)
            session = repo.session
            minority = {g.code for g in repo.list(E.EthnicGroup) if g.minority}
            names = {g.code: g.name for g in repo.list(E.EthnicGroup)}
            c, e, p, centre = (M.LiteracyClass.__table__, M.Enrolment.__table__, M.Person.__table__,
                               M.LearningCentre.__table__)
            open_class = and_(c.c.deleted.is_(False), c.c.start_date <= as_of,
                              or_(c.c.end_date.is_(None), c.c.end_date >= as_of))
            classes = Counter()
            for commune_id, phase, term, n in session.execute(
                    select(centre.c.commune_id, c.c.phase, c.c.current_term, func.count())
                    .select_from(c.join(centre, centre.c.id == c.c.centre_id)).where(open_class)
                    .group_by(centre.c.commune_id, c.c.phase, c.c.current_term)):
                target = scope.commune(commune_id)
                if target:
                    classes[(target, phase, term)] += n
            studying = and_(e.c.deleted.is_(False), e.c.enrolled_on <= as_of,
                            or_(e.c.left_on.is_(None), e.c.left_on > as_of))
            learners: Counter = Counter()
            by_group: Counter = Counter()
            for commune_id, phase, term, sex, ethnic, n in session.execute(
                    select(centre.c.commune_id, c.c.phase, c.c.current_term, p.c.sex, p.c.ethnic_code, func.count())
                    .select_from(e.join(c, c.c.id == e.c.class_id).join(centre, centre.c.id == c.c.centre_id)
                                 .join(p, p.c.id == e.c.person_id))
                    .where(open_class, studying).group_by(centre.c.commune_id, c.c.phase, c.c.current_term, p.c.sex,
                                                          p.c.ethnic_code)):
                target = scope.commune(commune_id)
                if not target:
                    continue
                key = (target, phase, term)
                learners[key + ("all",)] += n
                learners[key + ("female",)] += n if sex == "F" else 0
                learners[key + ("minority",)] += n if ethnic in minority else 0
                learners[key + ("minority_female",)] += n if sex == "F" and ethnic in minority else 0
                by_group[(ethnic or "", "all")] += n
                by_group[(ethnic or "", "female")] += n if sex == "F" else 0
            year_start = date(as_of.year, 1, 1)
            completed: Counter = Counter()
            for commune_id, phase, term, n in session.execute(
                    select(centre.c.commune_id, c.c.phase, c.c.current_term, func.count())
                    .select_from(e.join(c, c.c.id == e.c.class_id).join(centre, centre.c.id == c.c.centre_id))
                    .where(e.c.deleted.is_(False), c.c.deleted.is_(False), e.c.status == "completed",
                           e.c.left_on >= year_start, e.c.left_on <= as_of)
                    .group_by(centre.c.commune_id, c.c.phase, c.c.current_term)):
                target = scope.commune(commune_id)
                if target:
                    completed[(target, phase, term)] += n
        keys = sorted(set(classes) | {k[:3] for k in learners} | set(completed),
                      key=lambda k: (collation_key(scope.names.get(k[0], "")), k[1], k[2]))
        rows = tuple((scope.names.get(k[0], ""), k[1], k[2], classes[k], learners[k + ("all",)],
                      learners[k + ("female",)], learners[k + ("minority",)], learners[k + ("minority_female",)],
                      completed[k]) for k in keys)
        columns = (Column(N_("Xã"), "text", 22), Column(N_("Giai đoạn"), "int", 9), Column(N_("Kì"), "int", 6),
                   Column(N_("Số lớp"), "int", 8), Column(N_("Học viên"), "int", 9), Column(N_("Nữ"), "int", 8),
                   Column(N_("Dân tộc thiểu số"), "int", 10), Column(N_("Nữ dân tộc thiểu số"), "int", 11),
                   Column(N_("Hoàn thành trong năm"), "int", 11))
        total = tuple(_sum_rows(rows, 3, N_("Tổng cộng"))) if rows else None
        groups = sorted({g for g, _ in by_group}, key=lambda g: -by_group[(g, "all")])
        group_rows = tuple((names.get(g, g or "?"), by_group[(g, "all")], by_group[(g, "female")]) for g in groups)
        return Report("literacy-learners", N_("Học viên và lớp xóa mù chữ"),
                      scope.label(scope.order([k[0] for k in keys])), as_of,
                      (Section(N_("Lớp đang học và học viên theo giai đoạn, kì"), columns, rows, total,
                               (Chart(N_("Học viên đang học theo giai đoạn và kì"), 4),)),
                       Section(N_("Học viên đang học theo dân tộc (chỉ số lượng)"),
                               (Column(N_("Dân tộc"), "text", 16), Column(N_("Học viên"), "int", 9),
                                Column(N_("Nữ"), "int", 8)), group_rows,
                               tuple(_sum_rows(group_rows, 1, N_("Tổng cộng"))) if group_rows else None)),
                      ((N_("Lớp đang mở vào ngày báo cáo; kì là kì hiện tại của lớp. Nữ dân tộc thiểu số được tách "
                           "riêng theo Chỉ thị năm 2021."), {}),))

    # --- learning centre activities -----------------------------------------------

    def centre_activities(self, as_of: date, commune: str | None = None) -> Report:
        year = as_of.year
        with self.ctx.read() as repo:
            scope = _Scope(repo, as_of, commune)
            a, centre = M.CentreActivity.__table__, M.LearningCentre.__table__
            per: dict[str, Counter] = defaultdict(Counter)
            kinds: dict[str, Counter] = defaultdict(Counter)
            for commune_id, kind, n, sessions, total, female, minority in repo.session.execute(
                    select(centre.c.commune_id, a.c.kind, func.count(), func.sum(a.c.sessions),
                           func.sum(a.c.participants_total), func.sum(a.c.participants_female),
                           func.sum(a.c.participants_minority))
                    .select_from(a.join(centre, centre.c.id == a.c.centre_id))
                    .where(a.c.deleted.is_(False), a.c.start_date >= date(year, 1, 1), a.c.start_date <= as_of)
                    .group_by(centre.c.commune_id, a.c.kind)):
                target = scope.commune(commune_id)
                if not target:
                    continue
                for counter in (per[target], kinds[kind]):
                    counter.update({"activities": n, "sessions": int(sessions or 0), "total": int(total or 0),
                                    "female": int(female or 0), "minority": int(minority or 0)})
            centres: Counter = Counter()
            for commune_id, n in repo.session.execute(
                    select(centre.c.commune_id, func.count()).where(centre.c.deleted.is_(False),
                                                                    centre.c.status == "active")
                    .group_by(centre.c.commune_id)):
                target = scope.commune(commune_id)
                if target:
                    centres[target] += n
        ids = scope.order(list(per) + list(centres))
        fields = ("activities", "sessions", "total", "female", "minority")
        rows = tuple((scope.names[i], centres[i], *(per[i][f] for f in fields)) for i in ids)
        columns = (Column(N_("Xã"), "text", 22), Column(N_("Số trung tâm"), "int", 9),
                   Column(N_("Hoạt động"), "int", 9), Column(N_("Buổi"), "int", 8),
                   Column(N_("Lượt người tham gia"), "int", 11), Column(N_("Nữ"), "int", 8),
                   Column(N_("Dân tộc thiểu số"), "int", 10))
        kind_rows = tuple((ACTIVITY_NAMES[k], *(kinds[k][f] for f in fields)) for k in ACTIVITY_KINDS if k in kinds)
        return Report("centre-activities", N_("Hoạt động của trung tâm học tập cộng đồng"), scope.label(ids), as_of,
                      (Section(N_("Theo xã, từ đầu năm đến ngày báo cáo"), columns, rows,
                               tuple(_sum_rows(rows, 1, N_("Tổng cộng"))) if len(rows) > 1 else None,
                               (Chart(N_("Lượt người tham gia theo xã"), 4),)),
                       Section(N_("Theo loại hoạt động"), (Column(N_("Loại hoạt động"), "text", 22), *columns[2:]),
                               kind_rows, tuple(_sum_rows(kind_rows, 1, N_("Tổng cộng"))) if kind_rows else None)),
                      ((N_("Năm {year}: hoạt động bắt đầu từ 01/01 đến ngày báo cáo."), {"year": year}),))

    # --- learning models against the national targets -------------------------------

    def learning_models(self, as_of: date, commune: str | None = None) -> Report:
        year = as_of.year
        targets = national_targets()
        with self.ctx.read() as repo:
            scope = _Scope(repo, as_of, commune)
            session = repo.session
            r, ev, d, de = (M.Registration.__table__, M.Evaluation.__table__, M.Decision.__table__,
                            M.DecisionEntry.__table__)
            counts: dict[str, Counter] = defaultdict(Counter)
            for commune_id, kind, n in session.execute(
                    select(r.c.commune_id, r.c.model_kind, func.count()).where(
                        r.c.deleted.is_(False), r.c.year == year, r.c.status == "registered")
                    .group_by(r.c.commune_id, r.c.model_kind)):
                if target := scope.commune(commune_id):
                    counts[target][(kind, "registered")] += n
            evaluated = select(ev.c.registration_id).where(ev.c.deleted.is_(False), ev.c.evaluated_on <= as_of)
            for commune_id, kind, n in session.execute(
                    select(r.c.commune_id, r.c.model_kind, func.count()).where(
                        r.c.deleted.is_(False), r.c.year == year, r.c.id.in_(evaluated))
                    .group_by(r.c.commune_id, r.c.model_kind)):
                if target := scope.commune(commune_id):
                    counts[target][(kind, "evaluated")] += n
            for commune_id, kind, n in session.execute(
                    select(r.c.commune_id, d.c.kind, func.count(func.distinct(de.c.registration_id)))
                    .select_from(de.join(d, d.c.id == de.c.decision_id).join(r, r.c.id == de.c.registration_id))
                    .where(de.c.deleted.is_(False), d.c.deleted.is_(False), d.c.status == "issued", d.c.year == year,
                           d.c.decided_on <= as_of)
                    .group_by(r.c.commune_id, d.c.kind)):
                if target := scope.commune(commune_id):
                    counts[target][(kind, "recognised")] += n
            denominators = self.denominators(repo, scope, as_of)
        ids = scope.order(list(counts) + list(denominators))
        sections = []
        for kind in MODEL_NAMES:
            target = targets.get(kind)
            rows = []
            for i in ids:
                whole = denominators[i][kind]
                got = counts[i][(kind, "recognised")]
                rows.append((scope.names[i], whole, counts[i][(kind, "registered")], counts[i][(kind, "evaluated")],
                             got, share(got, whole), target.share if target else None))
            total = None
            if len(rows) > 1:
                total = _sum_rows(rows, 1, N_("Tổng cộng"))
                total[5], total[6] = share(total[4], total[1]), target.share if target else None
            columns = (Column(N_("Xã"), "text", 22), Column(_DENOMINATOR[kind], "int", 12),
                       Column(N_("Đăng ký"), "int", 9), Column(N_("Đã đánh giá"), "int", 10),
                       Column(N_("Được công nhận"), "int", 11), Column(N_("Tỉ lệ công nhận"), "percent", 10),
                       Column(N_("Chỉ tiêu quốc gia"), "percent", 10))
            sections.append(Section(MODEL_NAMES[kind], columns, tuple(rows), tuple(total) if total else None,
                                    (Chart(N_("Tỉ lệ công nhận (đường kẻ: chỉ tiêu quốc gia)"), 5,
                                           float(target.share) if target else None),)))
        notes = tuple((N_("{model}: chỉ tiêu {share} ({basis}), tính trên {denominator}."),
                       {"model": MODEL_NAMES[t.model_kind], "share": float(t.share), "basis": t.legal_basis,
                        "denominator": t.denominator}) for t in targets.values())
        return Report("learning-models", N_("Mô hình học tập so với chỉ tiêu quốc gia"), scope.label(ids), as_of,
                      tuple(sections), notes + ((N_("Năm {year}; được công nhận: có trong quyết định đã ban hành đến "
                                                    "ngày báo cáo. Người lớn: từ đủ 15 tuổi trong năm."),
                                                 {"year": year}),))

    def denominators(self, repo: Repository, scope: _Scope, as_of: date) -> dict[str, Counter]:
        session = repo.session
        result: dict[str, Counter] = defaultdict(Counter)
        h, cl, o, p, u = (M.Household.__table__, M.Clan.__table__, M.Organisation.__table__, M.Person.__table__,
                          M.AdminUnit.__table__)
        for commune_id, village_id, n in session.execute(
                select(h.c.commune_id, h.c.village_id, func.count()).where(h.c.deleted.is_(False))
                .group_by(h.c.commune_id, h.c.village_id)):
            if target := scope.commune(commune_id, village_id):
                result[target]["household"] += n
        for table, kind in ((cl, "clan"), (o, "organisation")):
            for commune_id, n in session.execute(select(table.c.commune_id, func.count())
                                                 .where(table.c.deleted.is_(False)).group_by(table.c.commune_id)):
                if target := scope.commune(commune_id):
                    result[target][kind] += n
        for village_id, parent_id in session.execute(
                # A village whose commune was merged lives on under the successor (its own validity ends
                # with the old commune in the reference data), so it counts wherever the successions put it.
                select(u.c.id, u.c.parent_id).where(u.c.kind == "village", u.c.deleted.is_(False),
                                                    u.c.valid_from <= as_of)):
            if target := scope.commune(parent_id, village_id):
                result[target]["village"] += 1
        for commune_id, village_id, n in session.execute(
                select(p.c.commune_id, p.c.village_id, func.count()).where(
                    p.c.deleted.is_(False), not_merged(p.c.id), p.c.birth_year <= as_of.year - 15,
                    or_(p.c.moved_away_on.is_(None), p.c.moved_away_on > as_of),
                    or_(p.c.died_on.is_(None), p.c.died_on > as_of))
                .group_by(p.c.commune_id, p.c.village_id)):
            if target := scope.commune(commune_id, village_id):
                result[target]["citizen"] += n
        return result

    # --- data completeness (hub) ----------------------------------------------------

    def data_completeness(self, as_of: date, peers: Sequence[Any]) -> Report:
        """One row per commune office from the sync status the caller passes in (sync is above services)."""
        if not self._hub():
            raise KbangError(N_("Báo cáo này chỉ có ở đơn vị đầu mối."))
        with self.ctx.read() as repo:
            offices = {o.id: o for o in repo.list(E.Office, kind="commune")}
            received: Counter = Counter()
            bundles: Counter = Counter()
            for office_id, n in repo.session.execute(
                    select(M.BundleLedger.peer_office_id, func.count()).where(M.BundleLedger.direction == "in")
                    .group_by(M.BundleLedger.peer_office_id)):
                bundles[office_id] = n
            for owner, n in repo.session.execute(select(M.Person.owner_office_id, func.count())
                                                 .where(M.Person.deleted.is_(False), not_merged(M.Person.id))
                                                 .group_by(M.Person.owner_office_id)):
                received[owner] = n
        rows = []
        for peer in sorted(peers, key=lambda s: collation_key(s.name)):
            if peer.office_id not in offices:
                continue
            days = (as_of - peer.last_received_at.date()).days if peer.last_received_at else None
            rows.append((peer.name, _day(peer.last_received_at), days, bundles[peer.office_id],
                         received[peer.office_id], _day(peer.last_sent_at), _day(peer.acked_at),
                         peer.unacknowledged, len(peer.gaps)))
        columns = (Column(N_("Xã"), "text", 26), Column(N_("Gói nhận gần nhất"), "date", 12),
                   Column(N_("Số ngày từ gói gần nhất"), "int", 10), Column(N_("Số gói đã nhận"), "int", 9),
                   Column(N_("Số người trong dữ liệu"), "int", 11), Column(N_("Gói gửi gần nhất"), "date", 12),
                   Column(N_("Xã xác nhận gần nhất"), "date", 12), Column(N_("Bản ghi xã chưa xác nhận"), "int", 11),
                   Column(N_("Chỗ thiếu"), "int", 8))
        total = _sum_rows(rows, 3, N_("Tổng cộng")) if len(rows) > 1 else None
        if total:
            total[2] = None
        return Report("data-completeness", N_("Mức đầy đủ dữ liệu theo xã"), str(len(rows)), as_of,
                      (Section(N_("Trao đổi dữ liệu với từng xã"), columns, tuple(rows),
                               tuple(total) if total else None, (Chart(N_("Số ngày từ gói gần nhất"), 2),)),),
                      ((N_("Bản ghi xã chưa xác nhận: bản ghi thay đổi ở đơn vị đầu mối mà xã chưa báo đã nhận."), {}),))


_DENOMINATOR = {"household": N_("Tổng số hộ"), "clan": N_("Tổng số dòng họ"), "village": N_("Tổng số thôn, làng"),
                "organisation": N_("Tổng số đơn vị"), "citizen": N_("Người lớn (từ 15 tuổi)")}


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def find_report(name: str) -> ReportInfo:
    for info in REPORTS:
        if info.name == name or fold(info.name) == fold(name):
            return info
    raise KbangError(N_("Không có báo cáo \"{name}\". Xem danh sách bằng lệnh kbang report list."), name=name)

