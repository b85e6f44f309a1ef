"""Sync status (DESIGN §5): per peer office, what was sent, what it acknowledged, what is only here, what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_
from kbang_desktop.services.registry import Services
from kbang_desktop.storage.changelog import last_seq
from kbang_desktop.storage.models import Peer, PeerSite, SiteReceipt
from kbang_desktop.sync.export import selection, unacknowledged


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
    """Per peer office: what was sent, what it acknowledged, what is only here, what is missing. Reads only."""
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
                chosen = selection(session, office_id, peer.id)
                count, acked = unacknowledged(session, chosen, own_seq), chosen.start
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
