"""Community learning centres: the centre, its staff, its activities and its yearly ranking."""

from __future__ import annotations

from datetime import date

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError, Problem, ValidationError
from kbang_desktop.core.text import nfc
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.units import commune_or_successor
from kbang_desktop.storage.writes import new_id

ACTIVITY_KINDS = ("literacy", "topic", "vocational", "agriculture", "health", "law", "culture_sport", "reading")
ACTIVITY_NAMES = {"literacy": N_("Lớp xóa mù chữ"), "topic": N_("Chuyên đề"), "vocational": N_("Dạy nghề"),
                  "agriculture": N_("Nông nghiệp"), "health": N_("Y tế, sức khỏe"), "law": N_("Pháp luật"),
                  "culture_sport": N_("Văn hóa, thể thao"), "reading": N_("Đọc sách")}
RANKINGS = ("tot", "kha", "trung_binh", "yeu")
STAFF_ROLES = ("director", "deputy", "staff")
FACILITIES = ("has_premises", "has_seal", "has_bank_account", "computers", "has_internet", "has_book_corner")


class CentreService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add(self, commune: str, name: str, founding_decision: str = "", founded_on: date | None = None,
            **facilities: object) -> E.LearningCentre:
        if not nfc(name):
            raise KbangError(N_("Chưa nhập tên trung tâm."))
        unknown = set(facilities) - set(FACILITIES)
        if unknown:
            raise KbangError(N_("Không sửa được trường {field}."), field=", ".join(sorted(unknown)))
        with self.ctx.write("add_centre") as repo:
            # the commune it works in now (a centre founded in 2015 in Kông Bơ La belongs to the Kông Bơ La
            # of today, with today's villages), or what a commune merged since became
            unit = commune_or_successor(repo, commune, self.ctx.today())
            values = {"has_premises": False, "has_seal": False, "has_bank_account": False, "computers": 0,
                      "has_internet": False, "has_book_corner": False, **facilities}
            return repo.add(E.LearningCentre, id=new_id(), commune_id=unit.id, name=nfc(name),
                            founding_decision=founding_decision, founded_on=founded_on, status="active",
                            merged_into_id=None, **values)

    def update(self, centre_id: str, **changes: object) -> E.LearningCentre:
        allowed = set(FACILITIES) | {"name", "founding_decision", "founded_on", "status", "merged_into_id"}
        unknown = set(changes) - allowed
        if unknown:
            raise KbangError(N_("Không sửa được trường {field}."), field=", ".join(sorted(unknown)))
        if changes.get("status", "active") not in ("active", "merged", "closed"):
            raise KbangError(N_("Trạng thái không hợp lệ."))
        with self.ctx.write("update_centre") as repo:
            return repo.update(E.LearningCentre, centre_id, **changes)

    def add_staff(self, centre_id: str, full_name: str, role: str, position: str = "",
                  from_date: date | None = None) -> E.CentreStaff:
        if role not in STAFF_ROLES:
            raise KbangError(N_("Chức danh không hợp lệ."))
        with self.ctx.write("add_centre_staff") as repo:
            repo.require(E.LearningCentre, centre_id)
            return repo.add(E.CentreStaff, id=new_id(), centre_id=centre_id, full_name=nfc(full_name), role=role,
                            position=position, from_date=from_date, to_date=None)

    def add_activity(self, centre_id: str, kind: str, title: str, start_date: date, sessions: int = 1,
                     participants_total: int = 0, participants_female: int = 0, participants_minority: int = 0,
                     end_date: date | None = None, funding: int = 0, funding_source: str = "") -> E.CentreActivity:
        """Record an activity; the counts must be consistent (women and minorities within the total)."""
        problems = []
        if kind not in ACTIVITY_KINDS:
            problems.append(Problem("kind", N_("Loại hoạt động không hợp lệ.")))
        if min(sessions, participants_total, participants_female, participants_minority, funding) < 0:
            problems.append(Problem("participants_total", N_("Số liệu không được âm.")))
        if participants_female > participants_total or participants_minority > participants_total:
            problems.append(Problem("participants_female",
                                    N_("Số nữ và số người dân tộc thiểu số không được lớn hơn tổng số lượt người tham gia.")))
        if end_date and end_date < start_date:
            problems.append(Problem("end_date", N_("Ngày kết thúc trước ngày bắt đầu.")))
        if problems:
            raise ValidationError(problems)
        with self.ctx.write("add_centre_activity") as repo:
            repo.require(E.LearningCentre, centre_id)
            return repo.add(E.CentreActivity, id=new_id(), centre_id=centre_id, kind=kind, title=nfc(title),
                            start_date=start_date, end_date=end_date, sessions=sessions,
                            participants_total=participants_total, participants_female=participants_female,
                            participants_minority=participants_minority, funding=funding,
                            funding_source=funding_source)

    def set_ranking(self, centre_id: str, year: int, ranking: str, notes: str = "") -> E.CentreRanking:
        """The yearly ranking (one per year: a second call corrects it)."""
        if ranking not in RANKINGS:
            raise KbangError(N_("Xếp loại phải là Tốt, Khá, Trung bình hoặc Yếu."))
        with self.ctx.write("set_centre_ranking") as repo:
            repo.require(E.LearningCentre, centre_id)
            existing = repo.first(E.CentreRanking, centre_id=centre_id, year=year)
            if existing:
                return repo.update(E.CentreRanking, existing.id, ranking=ranking, notes=notes)
            return repo.add(E.CentreRanking, id=new_id(), centre_id=centre_id, year=year, ranking=ranking, notes=notes)

    def list(self, commune_id: str | None = None) -> list[E.LearningCentre]:
        with self.ctx.read() as repo:
            return repo.list(E.LearningCentre, **({"commune_id": commune_id} if commune_id else {}))

    def activities(self, centre_id: str) -> list[E.CentreActivity]:
        with self.ctx.read() as repo:
            return repo.list(E.CentreActivity, centre_id=centre_id)

    def rankings(self, centre_id: str) -> list[E.CentreRanking]:
        with self.ctx.read() as repo:
            return repo.list(E.CentreRanking, centre_id=centre_id)

    def staff(self, centre_id: str) -> list[E.CentreStaff]:
        with self.ctx.read() as repo:
            return repo.list(E.CentreStaff, centre_id=centre_id)
