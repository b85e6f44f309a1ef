"""Sync status (DESIGN §5): per peer office, what was sent, what it acknowledged, what is only here, what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.text import fold
from kbang_desktop.i18n import N_
from kbang_desktop.services.registry import Services
from kbang_desktop.storage.changelog import last_seq, latest_summary
from kbang_desktop.storage.models import Office, Peer, PeerSite, Site, SiteReceipt
from kbang_desktop.sync.export import PUBLIC_TABLES, Selection, selection


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
    """Per peer office: what was sent, what it acknowledged, what is only here, what is missing. Reads only.

    One pass over the change log for all peers together (`changelog.latest_summary`), not one per
    peer: a hub of 135 communes asks it once.
    """
    site_id, office_id = services.ctx.require_identity()
    result = []
    with services.ctx.read() as repo:
        session = repo.session
        me = repo.require(E.Office, office_id)
        if me.kind == "commune":
            peers = [repo.get(E.Office, me.hub_office_id)] if me.hub_office_id else []
        else:
            keyed = {s.office_id for s in repo.list(E.Site) if s.signing_key}
            peers = [o for o in repo.list(E.Office, kind="commune") if o.id in keyed]
        peers = [p for p in peers if p is not None]
        own_seq = last_seq(session)
        chosen: dict[str, Selection] = {}
        problems: dict[str, str] = {}
        for peer in peers:
            try:
                chosen[peer.id] = selection(session, office_id, peer.id)
            except KbangError as error:
                problems[peer.id] = error.translated()
        counts = _unacknowledged(session, office_id, list(chosen.values()), own_seq)
        sent_rows = {p.office_id: p for p in session.execute(select(Peer)).scalars()}
        acked_at: dict[str, datetime] = {}
        for peer_site in session.execute(select(PeerSite)).scalars():
            if peer_site.acked_at and (peer_site.office_id not in acked_at
                                       or peer_site.acked_at > acked_at[peer_site.office_id]):
                acked_at[peer_site.office_id] = peer_site.acked_at
        receipts_of: dict[str | None, list[SiteReceipt]] = {}
        for receipt in session.execute(select(SiteReceipt)).scalars():
            receipts_of.setdefault(receipt.office_id, []).append(receipt)
        for peer in peers:
            sent = sent_rows.get(peer.id)
            acked = chosen[peer.id].start if peer.id in chosen else 0
            receipts = receipts_of.get(peer.id, [])
            received = tuple({"site_id": r.site_id, "highest_seq": r.highest_seq,
                              "at": r.updated_at.isoformat(timespec="seconds")} for r in receipts)
            gaps = [{"site_id": r.site_id, "from": r.gap_from, "to": r.gap_to, "kind": "missing-here"}
                    for r in receipts if r.gap_to]
            if acked > own_seq:
                gaps.append({"site_id": site_id, "from": own_seq + 1, "to": acked, "kind": "peer-ahead"})
            result.append(PeerStatus(peer.id, peer.name, peer.kind, sent.last_sent_seq if sent else 0,
                                     sent.last_sent_at if sent else None, acked, acked_at.get(peer.id),
                                     counts.get(peer.id, 0), sent.last_received_at if sent else None, received,
                                     tuple(gaps), problems.get(peer.id, "")))
    return result


def _unacknowledged(session: Session, office_id: str, chosen: list[Selection], seq_to: int) -> dict[str, int]:
    """For each peer: how many records it may see changed here after what it acknowledged (what
    `export.unacknowledged` counts for one peer), for all peers in one pass over the change log."""
    if not chosen:
        return {}
    cuts = sorted({c.start for c in chosen})
    kinds = dict(session.execute(select(Office.id, Office.kind)).all())
    # a PC of another commune only ever wrote its own office's records here (the plan refuses the rest)
    known = {site: office for site, office in session.execute(select(Site.id, Site.office_id)).all()
             if office != office_id and kinds.get(office) == "commune"}
    summed: dict[tuple[str | None, str, bool, int], int] = {}
    for table, origin, owner, bucket, n in latest_summary(session, cuts[0], seq_to, cuts, known):
        key = (owner if owner is not None else known.get(origin), origin, table in PUBLIC_TABLES, bucket)
        summed[key] = summed.get(key, 0) + n
    counts = {}
    for one in chosen:
        after = cuts.index(one.start)  # this peer counts the buckets above its own cut
        owners = set(one.owners)
        counts[one.peer.id] = sum(n for (owner, origin, public, bucket), n in summed.items()
                                  if bucket > after and origin != one.echo_site
                                  and ((public and one.public_tables) or owner in owners))
    return counts


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
