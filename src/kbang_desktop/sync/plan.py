"""Import, step 2 (DESIGN §5): what each incoming record does here: new, updated, unchanged, conflict or refused.

The plan reads only. The preview (`--dry-run`, the window's import preview) and the apply
step make the very same decisions, batch by batch, so what the user was shown is what happens.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbang_desktop.core import write_policy as P
from kbang_desktop.core.hlc import author_site, rev_problem, wall_millis
from kbang_desktop.core.write_policy import REFERENCE_OFFICE_ID, REFERENCE_SITE
from kbang_desktop.i18n import N_, _
from kbang_desktop.storage import changelog
from kbang_desktop.storage.models import SYNCABLE, Conflict, Office, Site, SiteReceipt, state_columns
from kbang_desktop.storage.states import TYPE_KEY, decode_state
from kbang_desktop.sync import bundle as B
from kbang_desktop.sync.export import BATCH, PUBLIC_TABLES
from kbang_desktop.sync.verify import Verified

COUNT_KEYS = ("new", "updated", "unchanged", "conflicts", "refused")
REV_REFUSALS = {
    "ahead": N_("Bản ghi mang thời điểm sửa sau giờ của máy này hơn một ngày: đồng hồ của máy đã sửa nó chạy sai (hoặc "
                "bản ghi bị làm giả). Bản ghi không được nhập; hãy chỉnh đồng hồ máy đó, sửa lại bản ghi rồi xuất gói mới."),
    "malformed": N_("Bản ghi mang dấu phiên bản (rev) sai dạng: tệp đã bị sửa. Bản ghi không được nhập."),
}
CLOCK_AHEAD = N_("Gói từ {office} có bản ghi mang thời điểm sửa muộn hơn giờ của máy này quá một ngày: đồng hồ của "
                 "một máy ở đó chạy sai. Các bản ghi đó không được nhập; hãy báo để họ chỉnh đồng hồ, sửa lại rồi xuất gói mới.")


@dataclass
class ImportResult:
    status: str  # applied | already-imported | rejected | dry-run
    bundle_id: str = ""
    from_office: str = ""
    from_office_name: str = ""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    per_type: dict[str, dict[str, int]] = field(default_factory=dict)
    reason: str = ""
    check: str = ""
    warnings: list[str] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    conflicts: list[dict[str, str]] = field(default_factory=list)
    backup: Path | None = None  # the copy of the database made just before the apply

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "bundle_id": self.bundle_id, "from_office": self.from_office,
                "counts": self.counts, "reason": self.reason, "check": self.check, "warnings": self.warnings,
                "per_type": self.per_type, "refused": self.refused[:100], "conflicts": self.conflicts[:100],
                "backup": str(self.backup) if self.backup else None}


# --- who may write (the table is core/write_policy.py) -------------------------------------


@dataclass(frozen=True, slots=True)
class Offices:
    """What this site knows of offices and sites, from its own records: who writes with which role."""

    me: str  # this office
    my_kind: str  # commune | hub, as this office's own record says
    my_hub: str | None  # at a commune: the hub it joined (the only office it takes as a hub)
    kind: dict[str, str]  # office id -> commune | hub
    site_office: dict[str, str]  # site id -> office id
    names: dict[str, str]  # office id -> name

    @classmethod
    def load(cls, session: Session, office_id: str) -> "Offices":
        rows = session.execute(select(Office.id, Office.kind, Office.name, Office.hub_office_id)).all()
        kinds = {row.id: row.kind for row in rows}
        names = {row.id: row.name for row in rows}
        mine = next((row for row in rows if row.id == office_id), None)
        sites = dict(session.execute(select(Site.id, Site.office_id)).all())
        sites[REFERENCE_SITE] = REFERENCE_OFFICE_ID
        my_kind = mine.kind if mine else P.COMMUNE
        return cls(office_id, my_kind, mine.hub_office_id if mine and my_kind != P.HUB else None, kinds, sites,
                   names)

    def role(self, office_id: str | None) -> str:
        """The role this office gives a writer: a hub only if it is the hub this commune joined."""
        return P.HUB if office_id is not None and office_id == self.my_hub else P.COMMUNE


# --- the decisions ------------------------------------------------------------------------


@dataclass(slots=True)
class Decision:
    kind: str  # new | updated | unchanged | conflict | refused
    table: str
    values: dict[str, Any]
    line: dict[str, Any]
    local: dict[str, Any] | None = None
    incoming_wins: bool = True
    reason: str = ""
    known_conflict: bool = False
    params: dict[str, Any] = field(default_factory=dict)  # the values of the reason's placeholders


class Planner:
    """Decides, batch by batch, what each incoming record does here. Reads only."""

    def __init__(self, session: Session, verified: Verified) -> None:
        self.session = session
        self.verified = verified
        manifest = verified.opened.manifest
        self.sender_site = manifest["sender_site_id"]
        self.sender_office = manifest["sender_office_id"]
        self.offices = Offices.load(session, verified.office_id)
        self.sender_role = self.offices.role(self.sender_office)
        self.sender_is_hub = self.sender_role == P.HUB
        if self.offices.my_kind == P.COMMUNE and not self.sender_is_hub:
            raise B.BundleRejected("not-from-hub", N_("Gói dữ liệu này không do đơn vị đầu mối của xã gửi: xã chỉ nhận "
                                                      "gói từ đơn vị đầu mối đã đăng ký cho mình. Gói không được nhập."))
        receipt = session.get(SiteReceipt, self.sender_site)
        self.acked = receipt.highest_seq if receipt else 0
        self.sender_max_rev = (receipt.sender_max_rev if receipt else None) or ""
        self.seen: set[tuple[str, str]] = set()
        self.new_max_rev = self.sender_max_rev
        self.seq_from, self.seq_to = manifest["seq_from"], manifest["seq_to"]
        self.now_ms = wall_millis()  # the receiver's clock: revs far ahead of it are refused

    def batches(self, lines: Iterator[dict[str, Any]]) -> Iterator[list[Decision]]:
        table, batch = None, []
        for line in lines:
            kind = line["state"].get(TYPE_KEY)
            if batch and (kind != table or len(batch) >= BATCH):
                yield self.decide(table or "", batch)
                batch = []
            table = kind
            batch.append(line)
        if batch:
            yield self.decide(table or "", batch)

    def _decode(self, line: dict[str, Any]) -> dict[str, Any]:
        state = line["state"]
        try:
            _table, values = decode_state(state, fill_missing=self.verified.older_schema)
            if not (self.seq_from <= line["seq"] <= self.seq_to):
                raise ValueError("seq")
        except (ValueError, TypeError, KeyError):
            raise B.BundleRejected("record", N_("Gói dữ liệu có bản ghi không đúng cấu trúc: tệp hỏng hoặc do phiên bản "
                                                "khác tạo ra. Hãy cập nhật Kbang Desktop ở cả hai nơi rồi xuất lại.")) from None
        return values

    def _check_identity(self, line: dict[str, Any], rev: str) -> None:
        """A sequence number we acknowledged, carrying a newer edit of the sender's own: reused numbers."""
        if author_site(rev) != self.sender_site:
            return
        if line["seq"] <= self.acked and self.sender_max_rev and rev > self.sender_max_rev:
            office = self.session.get(Office, self.sender_office)
            if self.sender_is_hub:
                raise B.BundleRejected(
                    "reused-sequence",
                    N_("Đơn vị đầu mối {office} đã dùng lại số thứ tự thay đổi {seq} cho nội dung khác: cơ sở dữ liệu ở "
                       "đó đã được khôi phục từ bản sao lưu. Gói không được nhập. Hãy xuất một gói gửi cho đơn vị đầu "
                       "mối và nhập ở đó trước: gói đó cho họ biết những số đã dùng, rồi xin họ xuất gói mới."),
                    office=office.name if office else self.sender_office[:8], seq=line["seq"])
            raise B.BundleRejected(
                "reused-sequence",
                N_("Máy {site} của {office} đã dùng lại số thứ tự thay đổi {seq} cho nội dung khác: cơ sở dữ liệu ở máy "
                   "đó đã được khôi phục từ bản sao lưu hoặc bị chép sang máy khác. Gói không được nhập để không trộn "
                   "lẫn dữ liệu. Tại máy đó hãy chạy \"kbang office new-site\" rồi đăng ký lại với đơn vị đầu mối; "
                   "không dữ liệu nào bị mất."),
                site=self.sender_site[:8], office=office.name if office else self.sender_office[:8], seq=line["seq"])
        self.new_max_rev = max(self.new_max_rev, rev)

    def decide(self, table: str, lines: list[dict[str, Any]]) -> list[Decision]:
        model = SYNCABLE.get(table)
        if model is None:
            raise B.BundleRejected("record", N_("Gói dữ liệu có bản ghi không đúng cấu trúc: tệp hỏng hoặc do phiên bản "
                                                "khác tạo ra. Hãy cập nhật Kbang Desktop ở cả hai nơi rồi xuất lại."))
        decoded = [self._decode(line) for line in lines]
        for values in decoded:
            key = (table, values["id"])
            if key in self.seen:
                raise B.BundleRejected("duplicate-record", N_("Gói dữ liệu chứa một bản ghi hai lần: tệp đã bị sửa. "
                                                              "Hãy xin nơi gửi xuất lại gói."))
            self.seen.add(key)
        columns = model.__table__.columns  # type: ignore[attr-defined]
        ids = [v["id"] for v in decoded]
        keys = state_columns(table)
        local = {row.id: {key: row._mapping[key] for key in keys} for row in
                 self.session.execute(select(model.__table__).where(columns.id.in_(ids)))}  # type: ignore[attr-defined]
        decisions: list[Decision] = []
        need_history: list[str] = []
        for line, values in zip(lines, decoded, strict=True):
            rev = values["rev"]
            mine = local.get(values["id"])
            decision = Decision("new", table, values, line, mine)
            problem = rev_problem(rev, self.now_ms)
            if problem:  # before anything reads the rev: it must not count as the sender's newest either
                decision.kind, decision.reason = "refused", REV_REFUSALS[problem]
                decisions.append(decision)
                continue
            self._check_identity(line, rev)
            refusal = self._refusal(table, values, mine)
            if not refusal and table in PUBLIC_TABLES:
                self._learn(table, values)
            if refusal:
                decision.kind = "refused"
                decision.reason, decision.params = P.sentence(refusal, self.offices.names)
            elif mine is None:
                decision.kind = "new"
            elif mine["rev"] == rev:
                decision.kind = "unchanged"
            elif mine["rev"] in line["history"]:
                decision.kind = "updated"
            else:
                decision.kind = "conflict?"
                need_history.append(values["id"])
            decisions.append(decision)
        if need_history:
            held = changelog.histories(self.session, table, need_history)
            losers = set(self.session.execute(select(Conflict.record_id, Conflict.loser_rev)
                                              .where(Conflict.record_id.in_(need_history))).all())
            for decision in decisions:
                if decision.kind != "conflict?":
                    continue
                rev, mine = decision.values["rev"], decision.local or {}
                if rev in held.get(decision.values["id"], []):
                    decision.kind = "unchanged"  # an older version of ours
                    continue
                decision.kind = "conflict"
                decision.incoming_wins = rev > mine["rev"]
                loser = mine["rev"] if decision.incoming_wins else rev
                decision.known_conflict = (decision.values["id"], loser) in losers
                if decision.known_conflict and not decision.incoming_wins:
                    decision.kind = "unchanged"  # the same losing version, sent again
        for decision in decisions:  # the fields: only what would be written
            if decision.kind in ("new", "updated") or (decision.kind == "conflict" and decision.incoming_wins):
                refusal = self._field_refusal(table, decision.values, decision.local)
                if refusal:
                    decision.kind = "refused"
                    decision.reason, decision.params = P.sentence(refusal, self.offices.names)
        return decisions

    def _learn(self, table: str, values: dict[str, Any]) -> None:
        """Offices and sites come first in a bundle: the records after them may be theirs."""
        if table == "office":
            self.offices.kind.setdefault(values["id"], values["kind"])
        else:
            self.offices.site_office.setdefault(values["id"], values["office_id"])

    def _author(self, values: dict[str, Any]) -> str | None:
        return self.offices.site_office.get(author_site(values["rev"]))

    def _refusal(self, table: str, values: dict[str, Any], mine: dict[str, Any] | None) -> P.Refusal | None:
        """Who wrote the record, and may that office write it here (core/write_policy.py)."""
        owner = values["owner_office_id"]
        if mine is not None and mine["owner_office_id"] != owner:
            return P.Refusal(N_("Bản ghi này thuộc đơn vị khác; gói không được đổi đơn vị sở hữu."), {})
        if not self.sender_is_hub and owner != self.sender_office:
            return P.Refusal(N_("Xã chỉ được gửi bản ghi của chính mình."), {})
        author = self._author(values)
        if self.sender_is_hub and table in P.REGISTRY:  # the hub relays the registry of offices and keys
            return P.vouch_refusal(table, values, mine, self.offices.me, self.sender_office, self.offices.kind)
        if author is None:
            return P.Refusal(N_("Bản ghi do một máy không rõ danh tính sửa."), {})
        if not self.sender_is_hub and author != self.sender_office:
            return P.Refusal(N_("Đơn vị sửa bản ghi này không phải là đơn vị sở hữu nó."), {})
        if author == REFERENCE_OFFICE_ID and owner == REFERENCE_OFFICE_ID:
            return None  # the shipped reference data, as every office loads it
        if self.sender_is_hub and author not in (owner, self.sender_office):
            return P.Refusal(N_("Đơn vị sửa bản ghi này không phải là đơn vị sở hữu nó."), {})
        return P.refusal(self.offices.role(author), table, author, values, mine, joined_hub=self._joined_hub(),
                         check_fields=False)

    def _field_refusal(self, table: str, values: dict[str, Any], mine: dict[str, Any] | None) -> P.Refusal | None:
        """The fields that carry power, for a record that would be written."""
        if self.sender_is_hub and table in P.REGISTRY:
            return None
        author = self._author(values)
        if author is None or author == REFERENCE_OFFICE_ID:
            return None
        return P.refusal(self.offices.role(author), table, author, values, mine, joined_hub=self._joined_hub())

    def _joined_hub(self) -> str | None:
        return self.offices.me if self.offices.my_kind == P.HUB else None


def count(result: ImportResult, decision: Decision) -> None:
    """Add one decision to the counts, and to the lists of refused records and conflicts."""
    key = {"new": "new", "updated": "updated", "unchanged": "unchanged", "conflict": "conflicts",
           "refused": "refused"}[decision.kind]
    result.counts[key] += 1
    per = result.per_type.setdefault(decision.table, dict.fromkeys(COUNT_KEYS, 0))
    per[key] += 1
    if decision.reason == REV_REFUSALS["ahead"]:
        warning = _(CLOCK_AHEAD).format(office=result.from_office_name or result.from_office[:8])
        if warning not in result.warnings:
            result.warnings.append(warning)
    if decision.kind == "refused" and len(result.refused) < 1000:
        reason = _(decision.reason)
        try:
            reason = reason.format(**decision.params)
        except (KeyError, IndexError, ValueError):
            pass
        result.refused.append({"type": decision.table, "id": decision.values["id"], "reason": reason})
    if decision.kind == "conflict" and len(result.conflicts) < 1000:
        result.conflicts.append({"type": decision.table, "id": decision.values["id"],
                                 "kept": "incoming" if decision.incoming_wins else "local"})
