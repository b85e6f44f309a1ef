"""Administrative units, villages, designations ("especially difficult" communes), successions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError, NotFound
from kbang_desktop.core.text import fold, nfc
from kbang_desktop.core.units import COMMUNE_KINDS, SuccessionInfo, UnitGraph, UnitInfo
from kbang_desktop.core.write_policy import REFERENCE_OFFICE_ID
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.reference import REFERENCE_REV
from kbang_desktop.storage import queries
from kbang_desktop.storage.repo import Repository
from kbang_desktop.storage.states import apply_state, record_state
from kbang_desktop.storage.writes import new_id

ESPECIALLY_DIFFICULT = "especially_difficult"
FLAGS = {"especially-difficult": ESPECIALLY_DIFFICULT, ESPECIALLY_DIFFICULT: ESPECIALLY_DIFFICULT}
UNIT_KINDS = ("province", "district", "commune", "town", "ward", "village")


def _fmt(when: date) -> str:
    return when.strftime("%d/%m/%Y")


def unit_graph(repo: Repository) -> UnitGraph:
    """The units and successions (not deleted), read as plain columns: a hub holds thousands of villages
    and every search with a commune asks for this."""
    units, successions = queries.unit_graph_rows(repo.session)
    return UnitGraph([UnitInfo(*row) for row in units], [SuccessionInfo(*row) for row in successions])


def predecessors_of(repo: Repository, commune_id: str) -> set[str]:
    """Every unit that ever flowed into `commune_id` (itself included), from the successions alone."""
    _units, successions = queries.unit_graph_rows(repo.session, units=False)
    return UnitGraph([], [SuccessionInfo(*row) for row in successions]).predecessors_of(commune_id)


def find_commune(repo: Repository, name: str, when: date) -> E.AdminUnit:
    """The commune-level unit called `name` (folded match) valid on `when`.

    Where two units share a name, the one valid on that date wins; a unit that no
    longer exists on that date is reported with what it became.
    """
    folded = fold(name)
    for prefix in ("xa ", "phuong ", "thi tran ", "tt "):
        if folded.startswith(prefix) and not repo.list(E.AdminUnit, name_folded=folded):
            folded = folded[len(prefix):]
    candidates = [u for u in repo.list(E.AdminUnit, name_folded=folded) if u.kind in COMMUNE_KINDS]
    if not candidates:
        raise NotFound(N_("Không có xã, phường hay thị trấn nào tên \"{name}\"."), name=name)
    valid = [u for u in candidates if u.valid_from <= when and (u.valid_to is None or when <= u.valid_to)]
    if len(valid) == 1:
        return valid[0]
    if len(valid) > 1:
        raise KbangError(N_("Có {n} đơn vị cùng tên \"{name}\" vào ngày {date}; hãy sửa danh mục đơn vị hành chính."),
                         n=len(valid), name=name, date=_fmt(when))
    graph = unit_graph(repo)
    unit = candidates[0]
    successor = graph.commune_on(unit.id, when)
    if successor and successor != unit.id:
        now = repo.require(E.AdminUnit, successor)
        raise NotFound(N_("Vào ngày {date}, \"{name}\" không còn là đơn vị hành chính riêng; nay thuộc {successor}."),
                       date=_fmt(when), name=unit.name, successor=now.name)
    raise NotFound(N_("\"{name}\" không phải là đơn vị hành chính vào ngày {date}."), name=unit.name, date=_fmt(when))


def commune_or_successor(repo: Repository, name: str, when: date) -> E.AdminUnit:
    """The commune called `name` on `when`, or, for a commune merged since, the one it became."""
    try:
        return find_commune(repo, name, when)
    except NotFound:
        graph = unit_graph(repo)
        for unit in repo.list(E.AdminUnit, name_folded=fold(name)):
            successor = graph.commune_on(unit.id, when) if unit.kind in COMMUNE_KINDS else None
            if successor:
                return repo.require(E.AdminUnit, successor)
        raise


def find_village(repo: Repository, commune: E.AdminUnit, name: str) -> E.AdminUnit | None:
    for village in repo.list(E.AdminUnit, kind="village", parent_id=commune.id, name_folded=fold(name)):
        return village
    return None


def new_village(repo: Repository, commune: E.AdminUnit, name: str, is_demo: bool = False,
                valid_from: date | None = None) -> E.AdminUnit:
    """A village of `commune`, valid from `valid_from` (the commune's first day when None) as long as the
    commune is."""
    return repo.add(E.AdminUnit, id=new_id(), key=None, kind="village", name=nfc(name), name_folded=fold(name),
                    parent_id=commune.id, code=None, valid_from=valid_from or commune.valid_from,
                    valid_to=commune.valid_to, note="", is_demo=is_demo)


def _valid_on(unit: E.AdminUnit, when: date) -> bool:
    return unit.valid_from <= when and (unit.valid_to is None or when <= unit.valid_to)


@dataclass(frozen=True, slots=True)
class HubUnits:
    """The hub's own units and successions, as a new PC takes them before it has joined (`kbang init
    --units FILE`, the set-up assistant): read and checked by `sync.join.read_units_file`.

    `states`: whole record states (admin_unit, admin_succession) of the hub or of the shipped data as
    the hub corrected it; `signing_key`: the hub PC's key that signed the file, checked again against
    the hub's welcome file when the commune trusts it."""

    hub_office_id: str
    hub_name: str
    signing_key: str
    states: tuple[dict[str, Any], ...]

    def communes(self, when: date) -> list[str]:
        """Names of the commune-level units of the file in force on `when`."""
        return [s["name"] for s in self.states if s.get("_type") == "admin_unit" and s.get("kind") in COMMUNE_KINDS
                and not s.get("deleted") and str(s.get("valid_from") or "") <= when.isoformat()
                and (not s.get("valid_to") or when.isoformat() <= str(s["valid_to"]))]


UNIT_ORDER = {"province": 0, "district": 1, "commune": 2, "town": 2, "ward": 2, "village": 3}
HUB_UNITS_SIGNER = "hub_units_signer"  # local state: the key that signed the units file this PC was set up with


def load_hub_units(repo: Repository, units: HubUnits) -> int:
    """Take the hub's units and successions (inside a `sync_apply` write, after the shipped data): each
    record unless this PC holds it at the same or a later rev; parents before children. Returns how
    many were written."""
    def order(state: dict[str, Any]) -> tuple[int, int]:
        return (0, UNIT_ORDER.get(str(state.get("kind")), 4)) if state["_type"] == "admin_unit" else (1, 0)

    written = 0
    for state in sorted(units.states, key=order):
        model = E.AdminUnit if state["_type"] == "admin_unit" else E.AdminSuccession
        held = repo.get(model, str(state["id"]), include_deleted=True)
        if held is None or str(state["rev"]) > held.rev:
            apply_state(repo.session, state)
            written += 1
    repo.set_local(HUB_UNITS_SIGNER, units.signing_key)
    return written


def village_named(repo: Repository, commune: E.AdminUnit, name: str) -> E.AdminUnit:
    """The village of `commune` called `name`, made if it is not known yet (a person's form names it)."""
    return find_village(repo, commune, name) or new_village(repo, commune, name)


def designation_on(repo: Repository, unit_id: str, flag: str, when: date) -> bool:
    for d in repo.list(E.UnitDesignation, unit_id=unit_id, flag=flag):
        if d.valid_from <= when and (d.valid_to is None or when <= d.valid_to):
            return True
    return False


class UnitService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def find_commune(self, name: str, when: date | None = None) -> E.AdminUnit:
        """Reads only."""
        with self.ctx.read() as repo:
            return find_commune(repo, name, when or self.ctx.today())

    def list(self, when: date | None = None, kind: str | None = None) -> list[E.AdminUnit]:
        """Units valid on `when` (all units when None)."""
        with self.ctx.read() as repo:
            units = repo.list(E.AdminUnit, **({"kind": kind} if kind else {}))
        if when:
            units = [u for u in units if u.valid_from <= when and (u.valid_to is None or when <= u.valid_to)]
        return units

    def get(self, unit_id: str) -> E.AdminUnit:
        with self.ctx.read() as repo:
            return repo.require(E.AdminUnit, unit_id)

    def successions(self) -> list[E.AdminSuccession]:
        with self.ctx.read() as repo:
            return repo.list(E.AdminSuccession)

    def villages_of(self, commune_id: str) -> list[E.AdminUnit]:
        """The villages of a commune and of the communes merged into it, by name. Reads only."""
        with self.ctx.read() as repo:
            parents = unit_graph(repo).predecessors_of(commune_id) | {commune_id}
            villages = repo.list(E.AdminUnit, repo.column(E.AdminUnit, "parent_id").in_(parents), kind="village")
        return sorted(villages, key=lambda v: v.name)

    def villages(self, commune_id: str) -> list[E.AdminUnit]:
        with self.ctx.read() as repo:
            return repo.list(E.AdminUnit, kind="village", parent_id=commune_id)

    def add_village(self, commune_name: str, name: str, when: date | None = None, is_demo: bool = False,
                    valid_from: date | None = None) -> E.AdminUnit:
        """Add a village (thôn, làng, buôn, tổ dân phố) to a commune valid on `when` (on `valid_from` when
        given: the village's first day, else the commune's). A commune adds its own villages; the hub
        adds the villages of the communes it added, and they travel with them."""
        name = nfc(name).strip()
        if not name:
            raise KbangError(N_("Chưa nhập tên thôn, làng."))
        when = valid_from or when or self.ctx.today()
        with self.ctx.write("add_village") as repo:
            commune = find_commune(repo, commune_name, when)
            if find_village(repo, commune, name):
                raise KbangError(N_("Xã {commune} đã có thôn, làng \"{name}\"."), commune=commune.name, name=name)
            return new_village(repo, commune, name, is_demo, valid_from)

    def add_commune(self, name: str, valid_from: date, predecessors: Sequence[str] = (),
                    parent: str | None = None, kind: str = "commune", part_of: Sequence[str] = ()) -> E.AdminUnit:
        """Add a commune (ward, town) of the province from `valid_from`, at the hub (administrators).

        `parent`: the province or district it belongs to, by name (the province in force on that day
        when None). `predecessors`: the communes it continues wholly, by their names the day before
        (each ends that day); `part_of`: those it takes a part of (they go on). The unit, its
        successions and the predecessors' new end travel to every commune in the hub's bundles. One
        transaction; nothing is written when a name is not found."""
        name = nfc(name).strip()
        if not name:
            raise KbangError(N_("Chưa nhập tên xã, phường."))
        if kind not in COMMUNE_KINDS:
            raise KbangError(N_("Loại đơn vị không hợp lệ."))
        _site, office_id = self.ctx.require_identity()
        with self.ctx.write("add_commune", minimum_role="admin") as repo:
            if repo.require(E.Office, office_id).kind != "hub":
                raise KbangError(N_("Chỉ đơn vị đầu mối thêm được xã, phường; xã nhận danh mục đơn vị hành chính qua "
                                    "gói dữ liệu của đơn vị đầu mối."))
            units = repo.list(E.AdminUnit)
            if parent:
                uppers = [u for u in units if u.kind in ("province", "district") and u.name_folded == fold(parent)
                          and _valid_on(u, valid_from)]
                if len(uppers) != 1:
                    raise KbangError(N_("Không có tỉnh hay huyện nào tên \"{name}\" vào ngày {date}."), name=parent,
                                     date=_fmt(valid_from))
            else:
                uppers = [u for u in units if u.kind == "province" and _valid_on(u, valid_from)]
                if len(uppers) != 1:
                    raise KbangError(N_("Không rõ tỉnh nào vào ngày {date}; hãy ghi tỉnh hoặc huyện."),
                                     date=_fmt(valid_from))
            if any(u.kind in COMMUNE_KINDS and u.name_folded == fold(name) and _valid_on(u, valid_from) for u in units):
                raise KbangError(N_("Đã có đơn vị \"{name}\" vào ngày {date}."), name=name, date=_fmt(valid_from))
            day_before = valid_from - timedelta(days=1)
            chosen: dict[str, tuple[E.AdminUnit, str]] = {}
            for share, names in (("whole", predecessors), ("part", part_of)):
                for old_name in names:
                    if old_name.strip():
                        old = find_commune(repo, old_name, day_before)
                        chosen.setdefault(old.id, (old, share))
            unit = repo.add(E.AdminUnit, id=new_id(), key=None, kind=kind, name=name, name_folded=fold(name),
                            parent_id=uppers[0].id, code=None, valid_from=valid_from, valid_to=None, note="",
                            is_demo=False)
            for old, share in chosen.values():
                repo.add(E.AdminSuccession, id=new_id(), predecessor_id=old.id, successor_id=unit.id,
                         effective=valid_from, share=share, note="")
                if share == "whole" and (old.valid_to is None or old.valid_to >= valid_from):
                    repo.update(E.AdminUnit, old.id, valid_to=day_before)  # it ends where its successor begins
            return unit

    def hub_units(self) -> list[dict[str, Any]]:
        """The units and successions this hub added or corrected, as whole record states (for the file a
        new commune PC is set up with). Reads only."""
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            found = []
            for model, table in ((E.AdminUnit, "admin_unit"), (E.AdminSuccession, "admin_succession")):
                for record in repo.list(model, include_deleted=True):
                    if record.owner_office_id == office_id or (record.rev != REFERENCE_REV and record.owner_office_id
                                                               == REFERENCE_OFFICE_ID):
                        found.append(record_state(repo.session, table, record.id))
            return found

    def designate(self, commune_name: str, flag: str, valid_from: date, valid_to: date | None = None,
                  legal_basis: str = "") -> E.UnitDesignation:
        """Mark a commune (for example "especially difficult") for a date range (administrators)."""
        if flag not in FLAGS:
            raise KbangError(N_("Không có loại đánh dấu \"{flag}\"."), flag=flag)
        if valid_to and valid_to < valid_from:
            raise KbangError(N_("Ngày kết thúc trước ngày bắt đầu."))
        with self.ctx.write("designate_unit", minimum_role="admin") as repo:
            commune = find_commune(repo, commune_name, valid_from)
            for other in repo.list(E.UnitDesignation, unit_id=commune.id, flag=FLAGS[flag]):
                if other.valid_from <= (valid_to or date.max) and valid_from <= (other.valid_to or date.max):
                    raise KbangError(N_("Xã {commune} đã được đánh dấu trong khoảng thời gian này (từ {start})."),
                                     commune=commune.name, start=_fmt(other.valid_from))
            return repo.add(E.UnitDesignation, id=new_id(), unit_id=commune.id, flag=FLAGS[flag],
                            valid_from=valid_from, valid_to=valid_to, legal_basis=legal_basis)

    def designations(self, unit_id: str) -> list[E.UnitDesignation]:
        with self.ctx.read() as repo:
            return repo.list(E.UnitDesignation, unit_id=unit_id)

    def correct_unit(self, unit_id: str, **changes: object) -> E.AdminUnit:
        """Correct a unit's name, code, parent or dates (administrators); the change travels to the hub."""
        allowed = {"name", "code", "parent_id", "valid_from", "valid_to", "note", "kind"}
        unknown = set(changes) - allowed
        if unknown:
            raise KbangError(N_("Không sửa được trường {field}."), field=", ".join(sorted(unknown)))
        if "kind" in changes and changes["kind"] not in UNIT_KINDS:
            raise KbangError(N_("Loại đơn vị không hợp lệ."))
        if "name" in changes:
            changes["name"] = nfc(str(changes["name"]))
            changes["name_folded"] = fold(str(changes["name"]))
        with self.ctx.write("correct_unit", minimum_role="admin") as repo:
            current = repo.require(E.AdminUnit, unit_id)
            start = changes.get("valid_from", current.valid_from)
            end = changes.get("valid_to", current.valid_to)
            if end is not None and end < start:  # type: ignore[operator]
                raise KbangError(N_("Ngày kết thúc trước ngày bắt đầu."))
            return repo.update(E.AdminUnit, unit_id, **changes)

    def add_succession(self, predecessor_id: str, successor_id: str, effective: date, share: str) -> E.AdminSuccession:
        """Record that a unit continued another from a date, whole or in part (administrators)."""
        if share not in ("whole", "part"):
            raise KbangError(N_("Phải chọn toàn bộ hoặc một phần."))
        with self.ctx.write("add_succession", minimum_role="admin") as repo:
            repo.require(E.AdminUnit, predecessor_id)
            repo.require(E.AdminUnit, successor_id)
            if predecessor_id == successor_id:
                raise KbangError(N_("Đơn vị không thể kế tiếp chính nó."))
            return repo.add(E.AdminSuccession, id=new_id(), predecessor_id=predecessor_id, successor_id=successor_id,
                            effective=effective, share=share, note="")
