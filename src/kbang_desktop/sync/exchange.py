"""Export and import of bundles (DESIGN §5): who may see what, verify -> plan -> apply, receipts.

Sequence numbers are per site: every change this site makes or applies gets the next
number in its change log. A bundle carries the latest state of every record changed
after what the peer has acknowledged, with the record's history here (every rev this
site has held), so the receiver can tell a descendant of its own version from a
concurrent edit. The receiver acknowledges the highest sequence it holds without a gap;
those receipts come back in its next bundle, and only then is a change no longer sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, aliased

from kbang_desktop import __version__
from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_, _
from kbang_desktop.services.reference import REFERENCE_OFFICE_ID, REFERENCE_SITE
from kbang_desktop.services.registry import Services
from kbang_desktop.storage import keys as K
from kbang_desktop.storage.db import head_revision, known_revisions
from kbang_desktop.storage.fastwrite import RowWriter
from kbang_desktop.storage.models import (
    SYNCABLE,
    Base,
    BundleLedger,
    ChangeLog,
    Conflict,
    Office,
    Peer,
    PeerSite,
    Site,
    SiteReceipt,
    state_columns,
)
from kbang_desktop.storage.repo import Repository
from kbang_desktop.storage.states import TYPE_KEY, decode_state
from kbang_desktop.storage.writes import AuditChain, jsonable, new_id, save_clock, utcnow
from kbang_desktop.sync import bundle as B
from kbang_desktop.sync.join import site_keys

BATCH = 1000
PUBLIC_TABLES = ("office", "site")  # every office may know every office and its public keys
# offices and sites first (the authors of what follows), then parents before children
TABLE_ORDER = [*PUBLIC_TABLES, *(t.name for t in Base.metadata.sorted_tables
                                 if t.name in SYNCABLE and t.name not in PUBLIC_TABLES)]
COUNT_KEYS = ("new", "updated", "unchanged", "conflicts", "refused")


def author_site(rev: str) -> str:
    return rev[17:]


def last_seq(session: Session) -> int:
    """The highest number in this site's change log (0 when empty)."""
    return session.execute(select(func.coalesce(func.max(ChangeLog.seq), 0))).scalar_one()


# --- who may see and who may write --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offices:
    """What this site knows of offices and sites, for the ownership rules."""

    kind: dict[str, str]  # office id -> commune | hub
    site_office: dict[str, str]  # site id -> office id

    @classmethod
    def load(cls, session: Session) -> "Offices":
        kinds = dict(session.execute(select(Office.id, Office.kind)).all())
        sites = dict(session.execute(select(Site.id, Site.office_id)).all())
        sites[REFERENCE_SITE] = REFERENCE_OFFICE_ID
        return cls(kinds, sites)

    def is_hub(self, office_id: str | None) -> bool:
        return office_id is not None and self.kind.get(office_id) == "hub"


def may_write(offices: Offices, table: str, author_office: str | None, owner: str) -> bool:
    """Only the owner office changes a record; the hub also keeps reference data and the site keys (revocation)."""
    if author_office is None:
        return False
    if author_office == owner:
        return True
    return offices.is_hub(author_office) and (owner == REFERENCE_OFFICE_ID or table == "site")


# --- export -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportResult:
    file: Path
    records: int
    bytes: int
    bundle_id: str
    encrypted: bool

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.file), "records": self.records, "bytes": self.bytes}


@dataclass(frozen=True, slots=True)
class Selection:
    """What one peer office may receive from this site, from which sequence on."""

    peer: E.Office
    recipients: list[B.Recipient]
    start: int
    owners: tuple[str, ...]
    public_tables: bool
    echo_site: str | None  # the only site of the peer: what it sent itself need not go back


def _selection(session: Session, office_id: str, peer_id: str) -> Selection:
    repo = Repository(session)
    me = repo.require(E.Office, office_id)
    peer = repo.get(E.Office, peer_id)
    if peer is None or peer_id == office_id:
        raise KbangError(N_("Không tìm thấy đơn vị {office} trong danh sách đơn vị đã đăng ký."), office=peer_id)
    if me.kind == "commune":
        if me.hub_office_id != peer_id:
            raise KbangError(N_("Xã chỉ gửi dữ liệu cho đơn vị đầu mối của mình. Hãy hoàn tất việc tham gia "
                                "(tệp chào mừng) trước."))
        owners: tuple[str, ...] = (office_id,)
        public = False
    else:
        if peer.kind != "commune":
            raise KbangError(N_("Đơn vị đầu mối chỉ gửi dữ liệu cho các xã đã đăng ký."))
        owners, public = (office_id, REFERENCE_OFFICE_ID, peer_id), True
    sites = [s for s in repo.list(E.Site, office_id=peer_id) if s.encryption_key and s.revoked_at is None]
    if not sites:
        raise KbangError(N_("Đơn vị {office} chưa có máy nào được đăng ký: hãy hoàn tất việc tham gia trước."),
                         office=peer.name)
    acked = dict(session.execute(select(PeerSite.site_id, PeerSite.acked_seq)
                                 .where(PeerSite.office_id == peer_id)).all())
    start = min(acked.get(s.id, 0) for s in sites)
    # what the peer's only PC sent us need not go back, except in a full bundle (a first exchange,
    # or after the peer said it was restored from a backup: then it gets its own changes back too)
    echo = sites[0].id if len(sites) == 1 and start > 0 else None
    return Selection(peer, [B.Recipient(s.id, s.encryption_key or "") for s in sites], start, owners, public, echo)


def _changed(session: Session, table: str, selection: Selection, seq_to: int, count_only: bool = False) -> Any:
    model = SYNCABLE[table].__table__  # type: ignore[attr-defined]
    latest = (select(ChangeLog.record_id, func.max(ChangeLog.seq).label("seq"))
              .where(ChangeLog.record_type == table, ChangeLog.seq > selection.start, ChangeLog.seq <= seq_to)
              .group_by(ChangeLog.record_id).subquery())
    origin = aliased(ChangeLog)
    columns = [func.count()] if count_only else [model, latest.c.seq.label("_seq")]
    query = (select(*columns).select_from(model)
             .join(latest, model.c.id == latest.c.record_id).join(origin, origin.seq == latest.c.seq))
    if not (selection.public_tables and table in PUBLIC_TABLES):
        query = query.where(model.c.owner_office_id.in_(selection.owners))
    if selection.echo_site:
        query = query.where(origin.origin_site_id != selection.echo_site)
    return query if count_only else query.order_by(latest.c.seq)


def _histories(session: Session, table: str, ids: list[str], ancestry: bool = False) -> dict[str, list[str]]:
    """Every rev each record has held here, oldest first.

    With `ancestry`, versions that lost a conflict here are left out: what remains is what the
    current version descends from, so a site still holding a losing version sees the conflict too.
    """
    found: dict[str, list[str]] = {}
    rows = session.execute(select(ChangeLog.record_id, ChangeLog.rev)
                           .where(ChangeLog.record_type == table, ChangeLog.record_id.in_(ids))
                           .order_by(ChangeLog.seq))
    for record_id, rev in rows:
        history = found.setdefault(record_id, [])
        if rev not in history:
            history.append(rev)
    if ancestry:
        losers = session.execute(select(Conflict.record_id, Conflict.loser_rev).where(Conflict.record_id.in_(ids)))
        for record_id, rev in losers:
            if rev in found.get(record_id, ()):
                found[record_id].remove(rev)
    return found


def _changed_tables(session: Session, selection: Selection, seq_to: int) -> list[str]:
    kinds = set(session.execute(select(ChangeLog.record_type).distinct()
                                .where(ChangeLog.seq > selection.start, ChangeLog.seq <= seq_to)).scalars())
    return [table for table in TABLE_ORDER if table in kinds]


def _lines(session: Session, selection: Selection, seq_to: int) -> Iterator[dict[str, Any]]:
    for table in _changed_tables(session, selection, seq_to):
        columns = state_columns(table)
        result = session.execute(_changed(session, table, selection, seq_to), execution_options={"yield_per": BATCH})
        for rows in result.partitions(BATCH):
            histories = _histories(session, table, [row.id for row in rows], ancestry=True)
            for row in rows:
                mapping = row._mapping
                state = {TYPE_KEY: table, **{key: jsonable(mapping[key]) for key in columns}}
                yield {"seq": mapping["_seq"], "history": histories.get(row.id, [row.rev]), "state": state}


def unacknowledged(session: Session, selection: Selection, seq_to: int) -> int:
    return sum(session.execute(_changed(session, t, selection, seq_to, count_only=True)).scalar_one()
               for t in _changed_tables(session, selection, seq_to))


def _file_name(me: E.Office, peer: E.Office, bundle_id: str, now: datetime) -> str:
    def short(name: str) -> str:
        return "-".join(fold(name).replace("ubnd ", "").split())[:30] or "office"

    return f"{short(me.name)}_gui_{short(peer.name)}_{now:%Y-%m-%d_%H%M}_{bundle_id[:8]}{B.SUFFIX}"


def export_bundle(services: Services, to_office_id: str, out_dir: Path, encrypt: bool = True) -> ExportResult:
    """Write one bundle for `to_office_id` into `out_dir` and record it as sent."""
    ctx = services.ctx
    ctx.require_role("officer")
    keys = site_keys(services)
    site_id, office_id = ctx.require_identity()
    bundle_id = B.new_bundle_id()
    now = utcnow()
    with ctx.read() as repo:
        session = repo.session
        me_site = repo.require(E.Site, site_id)
        if me_site.revoked_at is not None:
            raise KbangError(N_("Khóa của máy này đã bị đơn vị đầu mối thu hồi ({reason}). Hãy chạy \"kbang office "
                                "new-site\" để tạo khóa mới và đăng ký lại."), reason=me_site.revoke_reason or "-")
        selection = _selection(session, office_id, to_office_id)
        seq_to = last_seq(session)
        receipts = dict(session.execute(select(SiteReceipt.site_id, SiteReceipt.highest_seq)
                                        .where(SiteReceipt.office_id == to_office_id)).all())
        manifest = {"bundle_id": bundle_id, "created_at": now.isoformat(timespec="milliseconds") + "Z",
                    "app_version": __version__, "schema_revision": head_revision(),
                    "sender_office_id": office_id, "sender_site_id": site_id, "recipient_office_id": to_office_id,
                    "seq_from": min(selection.start + 1, seq_to), "seq_to": seq_to, "receipts": receipts,
                    "restored_at": repo.local("restored_at")}
        me = repo.require(E.Office, office_id)
        written = B.write_bundle(out_dir, _file_name(me, selection.peer, bundle_id, now), manifest,
                                 _lines(session, selection, seq_to), selection.recipients, keys, encrypt)
    with ctx.write("sync_export") as repo:
        session = repo.session
        peer = session.get(Peer, to_office_id) or Peer(office_id=to_office_id, acked_seq=0)
        peer.last_sent_seq, peer.last_sent_at = seq_to, now
        session.add(peer)
        session.add(BundleLedger(bundle_id=bundle_id, direction="out", peer_office_id=to_office_id,
                                 sender_site_id=site_id, seq_from=manifest["seq_from"], seq_to=seq_to,
                                 sha256=written.sha256, counts=json.dumps({"records": written.records}), at=now,
                                 file_name=written.path.name))
    return ExportResult(written.path, written.records, written.bytes, bundle_id, encrypt)


# --- import: verify -----------------------------------------------------------------------


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

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "bundle_id": self.bundle_id, "from_office": self.from_office,
                "counts": self.counts, "reason": self.reason, "check": self.check, "warnings": self.warnings,
                "per_type": self.per_type, "refused": self.refused[:100], "conflicts": self.conflicts[:100]}


@dataclass(frozen=True, slots=True)
class Verified:
    opened: B.Opened
    key: bytes | None
    site_id: str
    office_id: str
    older_schema: bool


def _trust_lookup(session: Session) -> B.TrustLookup:
    def lookup(site_id: str) -> tuple[str, str | None, bool] | None:
        site = session.get(Site, site_id)
        if site is None or site.deleted:
            return None
        return site.office_id, site.signing_key, site.revoked_at is not None

    return lookup


def _verify(services: Services, path: Path, session: Session) -> Verified:
    site_id, office_id = services.ctx.require_identity()
    opened = B.open_bundle(path, _trust_lookup(session))
    manifest = opened.manifest
    if manifest["recipient_office_id"] != office_id:
        raise B.BundleRejected("wrong-recipient", N_("Gói dữ liệu này được gửi cho đơn vị khác, không phải đơn vị này. "
                                                     "Hãy kiểm tra lại tệp trên USB."))
    if manifest["sender_site_id"] == site_id:
        raise B.BundleRejected("own-bundle", N_("Gói dữ liệu này do chính máy này xuất ra; chỉ nhập gói nhận từ đơn vị "
                                                "khác."))
    revision = manifest["schema_revision"]
    if revision not in known_revisions():
        raise B.BundleRejected("newer-schema", N_("Gói dữ liệu này do phiên bản Kbang Desktop mới hơn tạo ra (phiên bản "
                                                  "dữ liệu {revision}). Hãy cập nhật Kbang Desktop rồi nhập lại."),
                               revision=revision[:20])
    key = None
    if opened.encrypted:
        keys = K.load(K.key_file(services.ctx.db.path, site_id))
        key = B.unseal_key(opened, site_id, keys.encryption)
    return Verified(opened, key, site_id, office_id, revision != head_revision())


# --- import: plan and apply (the same decisions) -----------------------------------------


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


class Planner:
    """Decides, batch by batch, what each incoming record does here. Reads only."""

    def __init__(self, session: Session, verified: Verified) -> None:
        self.session = session
        self.verified = verified
        manifest = verified.opened.manifest
        self.sender_site = manifest["sender_site_id"]
        self.sender_office = manifest["sender_office_id"]
        self.offices = Offices.load(session)
        self.sender_is_hub = self.offices.is_hub(self.sender_office)
        receipt = session.get(SiteReceipt, self.sender_site)
        self.acked = receipt.highest_seq if receipt else 0
        self.sender_max_rev = (receipt.sender_max_rev if receipt else None) or ""
        self.seen: set[tuple[str, str]] = set()
        self.new_max_rev = self.sender_max_rev
        self.seq_from, self.seq_to = manifest["seq_from"], manifest["seq_to"]

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
            self._check_identity(line, rev)
            mine = local.get(values["id"])
            decision = Decision("new", table, values, line, mine)
            refusal = self._refusal(table, values, mine)
            if not refusal and table in PUBLIC_TABLES:
                self._learn(table, values)
            if refusal:
                decision.kind, decision.reason = "refused", refusal
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
            held = _histories(self.session, table, need_history)
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
        return decisions

    def _learn(self, table: str, values: dict[str, Any]) -> None:
        """Offices and sites come first in a bundle: the records after them may be theirs."""
        if table == "office":
            self.offices.kind.setdefault(values["id"], values["kind"])
        else:
            self.offices.site_office.setdefault(values["id"], values["office_id"])

    def _refusal(self, table: str, values: dict[str, Any], mine: dict[str, Any] | None) -> str:
        owner = values["owner_office_id"]
        if mine is not None and mine["owner_office_id"] != owner:
            return N_("Bản ghi này thuộc đơn vị khác; gói không được đổi đơn vị sở hữu.")
        sender_is_hub = self.sender_is_hub
        if not sender_is_hub and owner != self.sender_office:
            return N_("Xã chỉ được gửi bản ghi của chính mình.")
        if sender_is_hub and table in PUBLIC_TABLES:
            return ""  # the hub vouches for the offices and site keys it registered (and revoked)
        author = self.offices.site_office.get(author_site(values["rev"]))
        if author is None:
            return N_("Bản ghi do một máy không rõ danh tính sửa.")
        if not may_write(self.offices, table, author, owner):
            return N_("Đơn vị sửa bản ghi này không phải là đơn vị sở hữu nó.")
        return ""


def _count(result: ImportResult, decision: Decision) -> None:
    key = {"new": "new", "updated": "updated", "unchanged": "unchanged", "conflict": "conflicts",
           "refused": "refused"}[decision.kind]
    result.counts[key] += 1
    per = result.per_type.setdefault(decision.table, dict.fromkeys(COUNT_KEYS, 0))
    per[key] += 1
    if decision.kind == "refused" and len(result.refused) < 1000:
        result.refused.append({"type": decision.table, "id": decision.values["id"], "reason": _(decision.reason)})
    if decision.kind == "conflict" and len(result.conflicts) < 1000:
        result.conflicts.append({"type": decision.table, "id": decision.values["id"],
                                 "kept": "incoming" if decision.incoming_wins else "local"})


def _state_json(table: str, values: dict[str, Any]) -> str:
    return json.dumps({TYPE_KEY: table, **{k: jsonable(v) for k, v in values.items()}}, ensure_ascii=False,
                      sort_keys=True)


def import_bundle(services: Services, path: Path, dry_run: bool = False) -> ImportResult:
    """Verify, plan and (unless dry_run) apply one bundle. Never raises for a bad bundle: status "rejected"."""
    ctx = services.ctx
    ctx.require_role("officer")
    ctx.require_identity()
    result = ImportResult("dry-run" if dry_run else "applied")
    try:
        with ctx.read() as repo:
            verified = _verify(services, path, repo.session)
            result.bundle_id = verified.opened.bundle_id
            result.from_office = verified.opened.manifest["sender_office_id"]
            sender = repo.session.get(Office, result.from_office)
            result.from_office_name = sender.name if sender else ""
            if not verified.opened.encrypted:
                result.warnings.append(_("Gói này không được mã hóa (chỉ dùng để kiểm tra lỗi). Đừng gửi dữ liệu thật "
                                         "theo cách này."))
            ledger = repo.session.get(BundleLedger, result.bundle_id)
            if ledger is not None:
                if ledger.sha256 != verified.opened.manifest["payload"]["sha256"]:
                    raise B.BundleRejected("reused-bundle-id", N_("Gói này mang mã của một gói đã nhập nhưng nội dung "
                                                                  "khác: máy gửi có vấn đề. Hãy báo cho đơn vị đầu mối."))
                result.status = "already-imported"
                result.counts = json.loads(ledger.counts).get("counts", result.counts)
                return result
            if dry_run:  # the preview: the same decisions as the apply step, nothing written
                planner = Planner(repo.session, verified)
                for decisions in planner.batches(B.iter_lines(verified.opened, verified.key)):
                    for decision in decisions:
                        _count(result, decision)
                return result
        try:
            _apply(services, verified, result)
        except (IntegrityError, DataError) as error:  # e.g. a child whose parent is in no bundle (checked at commit)
            _gap_rejection(services, verified)
            raise B.BundleRejected("integrity", N_("Gói dữ liệu có bản ghi không khớp với dữ liệu ở đây ({error}). Gói "
                                                   "không được nhập; hãy báo cho đơn vị đầu mối."),
                                   error=str(error.orig).splitlines()[0][:200]) from None
    except B.BundleRejected as rejected:
        result.status, result.reason, result.check = "rejected", rejected.translated(), rejected.check
    return result


def _gap_rejection(services: Services, verified: Verified) -> None:
    """Raise the clear reason when a bundle could not apply because an earlier part never arrived here."""
    manifest = verified.opened.manifest
    with services.ctx.read() as repo:
        receipt = repo.session.get(SiteReceipt, manifest["sender_site_id"])
        highest = receipt.highest_seq if receipt else 0
        sender = repo.session.get(Office, manifest["sender_office_id"])
    if manifest["seq_from"] > highest + 1:
        raise B.BundleRejected(
            "gap", N_("Gói này tiếp nối những thay đổi số {a} đến {b} mà máy này chưa từng nhận (có thể cơ sở dữ liệu ở "
                      "đây đã được khôi phục từ bản sao lưu). Hãy xuất một gói gửi cho {office} và nhập ở đó: gói đó "
                      "báo cho họ phần còn thiếu, và lần gửi sau của họ sẽ mang đầy đủ."),
            a=highest + 1, b=manifest["seq_from"] - 1, office=sender.name if sender else manifest["sender_office_id"])


def _apply(services: Services, verified: Verified, result: ImportResult) -> None:
    manifest = verified.opened.manifest
    with services.ctx.write("sync_import", minimum_role="officer", sync_apply=True) as repo:
        session = repo.session
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("PRAGMA defer_foreign_keys=ON"))  # parents and children arrive in one transaction
        if session.get(BundleLedger, result.bundle_id) is not None:  # imported meanwhile by another window
            result.status = "already-imported"
            return
        writer = session.info["writer"]
        chain = AuditChain(session)
        now = utcnow()
        planner = Planner(session, verified)
        writers = {"change_log": RowWriter(session, ChangeLog.__table__, generated=("seq",))}
        for decisions in planner.batches(B.iter_lines(verified.opened, verified.key)):
            _apply_batch(session, decisions, writer, chain, now, result, writers)
        chain.append(writer, "sync_import", "bundle", result.bundle_id, None,
                     {"from_office": result.from_office, "sender_site": manifest["sender_site_id"],
                      "seq_from": manifest["seq_from"], "seq_to": manifest["seq_to"], "counts": result.counts,
                      "file": verified.opened.path.name}, now)
        chain.close()
        save_clock(session, writer)
        _record_receipts(session, verified, planner, now)
        session.add(BundleLedger(bundle_id=result.bundle_id, direction="in", peer_office_id=result.from_office,
                                 sender_site_id=manifest["sender_site_id"], seq_from=manifest["seq_from"],
                                 seq_to=manifest["seq_to"], sha256=manifest["payload"]["sha256"],
                                 counts=json.dumps({"counts": result.counts}), at=now,
                                 file_name=verified.opened.path.name))


def _apply_batch(session: Session, decisions: list[Decision], writer: Any, chain: AuditChain, now: datetime,
                 result: ImportResult, writers: dict[str, RowWriter]) -> None:
    if not decisions:
        return
    table = decisions[0].table
    if table not in writers:
        writers[table] = RowWriter(session, SYNCABLE[table].__table__)  # type: ignore[attr-defined]
    rows = writers[table]
    inserts, updates, log = [], [], []
    for decision in decisions:
        _count(result, decision)
        values = decision.values
        if decision.kind == "conflict" and not decision.known_conflict:
            _conflict(session, decision, now)
        if decision.kind == "new":
            inserts.append(values)
        elif decision.kind == "updated" or (decision.kind == "conflict" and decision.incoming_wins):
            updates.append(values)
        else:
            continue
        log.append({"record_type": table, "record_id": values["id"], "rev": values["rev"],
                    "origin_site_id": author_site(values["rev"])})
        if decision.local is not None:
            chain.append(writer, "update:sync_import", table, values["id"],
                         {k: jsonable(v) for k, v in decision.local.items()}, {k: jsonable(v) for k, v in values.items()},
                         now)
    rows.insert(inserts)
    rows.update(updates)
    writers["change_log"].insert(log)
    if log:
        writer.clock.observe(max(entry["rev"] for entry in log))  # later local edits sort after these


def _conflict(session: Session, decision: Decision, now: datetime) -> None:
    table, incoming, local = decision.table, decision.values, decision.local or {}
    winner, loser = (incoming, local) if decision.incoming_wins else (local, incoming)
    session.add(Conflict(id=new_id(), record_type=table, record_id=incoming["id"], winner_rev=winner["rev"],
                         loser_rev=loser["rev"], winner_state=_state_json(table, winner),
                         loser_state=_state_json(table, loser), loser_was_local=decision.incoming_wins,
                         detected_at=now, status="open"))


def leap_past(session: Session, acknowledged: int) -> None:
    """Never reuse a sequence number a peer has acknowledged.

    When a peer acknowledges more of our change log than we hold, our numbers went back (a
    restore that `kbang restore` did not make, which moves the numbering on by itself): later
    changes take numbers above what the peer holds, or it would take them for ones it has.
    Called wherever a receipt is recorded, so no acknowledgement ever exceeds the log afterwards.
    """
    if acknowledged <= last_seq(session):
        return
    session.execute(ChangeLog.__table__.insert(), [{"seq": acknowledged, "record_type": "-", "record_id": "-",
                                                    "rev": "-", "origin_site_id": "-"}])
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence('change_log', 'seq'), :n)"), {"n": acknowledged})


def _record_receipts(session: Session, verified: Verified, planner: Planner, now: datetime) -> None:
    manifest = verified.opened.manifest
    sender_site, sender_office = manifest["sender_site_id"], manifest["sender_office_id"]
    seq_from, seq_to = manifest["seq_from"], manifest["seq_to"]
    receipt = session.get(SiteReceipt, sender_site)
    if receipt is None:
        receipt = SiteReceipt(site_id=sender_site, highest_seq=0, updated_at=now, gap_from=0, gap_to=0)
        session.add(receipt)
    receipt.office_id = sender_office
    if seq_from <= receipt.highest_seq + 1:
        receipt.highest_seq = max(receipt.highest_seq, seq_to)
        if receipt.gap_to and receipt.highest_seq >= receipt.gap_to:
            receipt.gap_from = receipt.gap_to = 0
    else:  # a part the sender believes we hold is missing here: our receipt stays, so it is sent again
        receipt.gap_from, receipt.gap_to = receipt.highest_seq + 1, seq_from - 1
    if planner.new_max_rev:
        receipt.sender_max_rev = planner.new_max_rev
    receipt.updated_at = now
    # the sender's receipts for this site: what it holds of ours
    acked = manifest["receipts"].get(verified.site_id, 0)
    peer_site = session.get(PeerSite, sender_site)
    if peer_site is None:
        peer_site = PeerSite(site_id=sender_site, office_id=sender_office, acked_seq=0, receipt_as_of="")
        session.add(peer_site)
    # the newest bundle's receipts count, even when lower: a peer restored from a backup lacks what it
    # had acknowledged, and a lower receipt makes this site send it again (an older bundle arriving late
    # is ignored). Newest by the sender's clock, which a restore does not turn back.
    as_of = f"{manifest.get('created_at', '')}|{seq_to:012d}"
    if as_of >= peer_site.receipt_as_of:
        peer_site.acked_seq, peer_site.acked_at, peer_site.receipt_as_of = acked, now, as_of
    leap_past(session, acked)
    restored = manifest.get("restored_at")
    if isinstance(restored, str) and restored:
        repo = Repository(session)
        key = f"restored_seen:{sender_site}"[:60]
        if repo.local(key) != restored:  # the sender went back to a backup: send it everything again
            repo.set_local(key, restored)
            peer_site.acked_seq = 0
    peer = session.get(Peer, sender_office)
    if peer is None:
        peer = Peer(office_id=sender_office, last_sent_seq=0, acked_seq=0)
        session.add(peer)
    peer.last_received_at = now
    peer.acked_seq = acked
    peer.acked_at = now


# --- status -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeerStatus:
    office_id: str
    name: str
    kind: str
    last_sent_seq: int
    last_sent_at: datetime | None
    acked_seq: int
    acked_at: datetime | None
    unacknowledged: int
    last_received_at: datetime | None
    received: tuple[dict[str, Any], ...]
    gaps: tuple[dict[str, Any], ...]
    problem: str = ""

    def as_json(self) -> dict[str, Any]:
        def when(value: datetime | None) -> str | None:
            return value.isoformat(timespec="seconds") if value else None

        return {"office_id": self.office_id, "name": self.name, "kind": self.kind,
                "last_sent_seq": self.last_sent_seq, "last_sent_at": when(self.last_sent_at),
                "last_acknowledged_seq": self.acked_seq, "last_acknowledged_at": when(self.acked_at),
                "not_acknowledged": self.unacknowledged, "last_received_at": when(self.last_received_at),
                "received": list(self.received), "gaps": list(self.gaps), "problem": self.problem}


def status(services: Services) -> list[PeerStatus]:
    """Per peer office: what was sent, what it acknowledged, what is only here, what is missing."""
    site_id, office_id = services.ctx.require_identity()
    result = []
    with services.ctx.read() as repo:
        session = repo.session
        me = repo.require(E.Office, office_id)
        if me.kind == "commune":
            peers = [repo.get(E.Office, me.hub_office_id)] if me.hub_office_id else []
        else:
            peers = [o for o in repo.list(E.Office, kind="commune")
                     if any(s.signing_key for s in repo.list(E.Site, office_id=o.id))]
        own_seq = last_seq(session)
        for peer in [p for p in peers if p is not None]:
            sent = session.get(Peer, peer.id)
            problem, count, acked = "", 0, 0
            try:
                selection = _selection(session, office_id, peer.id)
                count, acked = unacknowledged(session, selection, own_seq), selection.start
            except KbangError as error:
                problem = error.translated()
            acked_at = max((p.acked_at for p in session.execute(select(PeerSite).where(
                PeerSite.office_id == peer.id)).scalars() if p.acked_at), default=None)
            receipts = session.execute(select(SiteReceipt).where(SiteReceipt.office_id == peer.id)).scalars().all()
            received = tuple({"site_id": r.site_id, "highest_seq": r.highest_seq,
                              "at": r.updated_at.isoformat(timespec="seconds")} for r in receipts)
            gaps = [{"site_id": r.site_id, "from": r.gap_from, "to": r.gap_to, "kind": "missing-here"}
                    for r in receipts if r.gap_to]
            if acked > own_seq:
                gaps.append({"site_id": site_id, "from": own_seq + 1, "to": acked, "kind": "peer-ahead"})
            result.append(PeerStatus(peer.id, peer.name, peer.kind, sent.last_sent_seq if sent else 0,
                                     sent.last_sent_at if sent else None, acked, acked_at, count,
                                     sent.last_received_at if sent else None, received, tuple(gaps), problem))
    return result


def resolve_peer(services: Services, text_or_id: str) -> str:
    """An office id from an id, the start of one, "hub", or an office name."""
    _site, office_id = services.ctx.require_identity()
    with services.ctx.read() as repo:
        me = repo.require(E.Office, office_id)
        if text_or_id.strip().lower() == "hub" and me.hub_office_id:
            return me.hub_office_id
        offices = [o for o in repo.list(E.Office) if o.id != office_id]
        wanted = fold(text_or_id)
        matches = [o for o in offices if o.id == text_or_id] or \
                  [o for o in offices if len(text_or_id) >= 8 and o.id.startswith(text_or_id)] or \
                  [o for o in offices if fold(o.name) == wanted or fold(o.name).endswith(" " + wanted)]
    if len(matches) != 1:
        raise KbangError(N_("Không tìm thấy đơn vị {office} trong danh sách đơn vị đã đăng ký."), office=text_or_id)
    return matches[0].id
