"""Export: what one peer office may receive from this site, and the bundle that carries it (DESIGN §5).

A bundle carries the latest state of every record changed after what the peer has
acknowledged, with the record's history here (every rev this site has held), so the
receiver can tell a descendant of its own version from a concurrent edit. Bundles are
cumulative until acknowledged: a lost USB stick loses nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbang_desktop import __version__
from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_
from kbang_desktop.services.reference import REFERENCE_OFFICE_ID
from kbang_desktop.services.registry import Services
from kbang_desktop.storage import changelog
from kbang_desktop.storage.db import head_revision
from kbang_desktop.storage.models import SYNCABLE, Base, BundleLedger, Peer, PeerSite, SiteReceipt, state_columns
from kbang_desktop.storage.repo import Repository
from kbang_desktop.storage.states import TYPE_KEY
from kbang_desktop.storage.writes import jsonable, utcnow
from kbang_desktop.sync import bundle as B
from kbang_desktop.sync.join import site_keys

BATCH = 1000
PUBLIC_TABLES = ("office", "site")  # every office may know every office and its public keys
# offices and sites first (the authors of what follows), then parents before children
TABLE_ORDER = [*PUBLIC_TABLES, *(t.name for t in Base.metadata.sorted_tables
                                 if t.name in SYNCABLE and t.name not in PUBLIC_TABLES)]


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

    def owners_of(self, table: str) -> tuple[str, ...] | None:
        """The owners whose records of `table` the peer may see (None: every record)."""
        return None if self.public_tables and table in PUBLIC_TABLES else self.owners


def selection(session: Session, office_id: str, peer_id: str) -> Selection:
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


def _changed_tables(session: Session, chosen: Selection, seq_to: int) -> list[str]:
    kinds = changelog.changed_types(session, chosen.start, seq_to)
    return [table for table in TABLE_ORDER if table in kinds]


def _lines(session: Session, chosen: Selection, seq_to: int) -> Iterator[dict[str, Any]]:
    for table in _changed_tables(session, chosen, seq_to):
        columns = state_columns(table)
        query = changelog.changed(table, chosen.start, seq_to, chosen.owners_of(table), chosen.echo_site)
        result = session.execute(query, execution_options={"yield_per": BATCH})
        for rows in result.partitions(BATCH):
            histories = changelog.histories(session, table, [row.id for row in rows], ancestry=True)
            for row in rows:
                mapping = row._mapping
                state = {TYPE_KEY: table, **{key: jsonable(mapping[key]) for key in columns}}
                yield {"seq": mapping["_seq"], "history": histories.get(row.id, [row.rev]), "state": state}


def unacknowledged(session: Session, chosen: Selection, seq_to: int) -> int:
    """How many records the peer may see changed here after what it acknowledged."""
    return sum(session.execute(changelog.changed(t, chosen.start, seq_to, chosen.owners_of(t), chosen.echo_site,
                                                 count_only=True)).scalar_one()
               for t in _changed_tables(session, chosen, seq_to))


def file_word(name: str, limit: int = 30) -> str:
    """An office name as a file-name word: folded, letters and digits joined by "-" ("Sở GD&ĐT" -> "so-gd-dt").

    Only a-z, 0-9 and "-": nothing that Windows, a FAT-formatted stick or a shell treats specially.
    """
    words = re.findall(r"[a-z0-9]+", fold(name).replace("ubnd ", ""))
    return "-".join(words)[:limit].strip("-") or "office"


def _file_name(me: E.Office, peer: E.Office, bundle_id: str, now: datetime) -> str:
    short = file_word

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
        chosen = selection(session, office_id, to_office_id)
        seq_to = changelog.last_seq(session)
        receipts = dict(session.execute(select(SiteReceipt.site_id, SiteReceipt.highest_seq)
                                        .where(SiteReceipt.office_id == to_office_id)).all())
        manifest = {"bundle_id": bundle_id, "created_at": now.isoformat(timespec="milliseconds") + "Z",
                    "app_version": __version__, "schema_revision": head_revision(),
                    "sender_office_id": office_id, "sender_site_id": site_id, "recipient_office_id": to_office_id,
                    "seq_from": min(chosen.start + 1, seq_to), "seq_to": seq_to, "receipts": receipts,
                    "restored_at": repo.local("restored_at")}
        me = repo.require(E.Office, office_id)
        written = B.write_bundle(out_dir, _file_name(me, chosen.peer, bundle_id, now), manifest,
                                 _lines(session, chosen, seq_to), chosen.recipients, keys, encrypt)
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
