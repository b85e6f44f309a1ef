"""Receipts and gaps (DESIGN §5): what each side holds of the other's change log.

The receiver acknowledges the highest sequence it holds of each sending site without a gap;
those receipts travel back in its next bundle, and only then does the sender stop sending a
change. A bundle that continues a part never received here leaves a gap, shown in the status
and filled by the next exchanges.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kbang_desktop.i18n import N_
from kbang_desktop.services.registry import Services
from kbang_desktop.storage.changelog import leap_past
from kbang_desktop.storage.models import Office, Peer, PeerSite, SiteReceipt
from kbang_desktop.storage.repo import Repository
from kbang_desktop.sync import bundle as B
from kbang_desktop.sync.verify import Verified


def gap_rejection(services: Services, verified: Verified) -> None:
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


def record_receipts(session: Session, verified: Verified, sender_max_rev: str, now: datetime) -> None:
    """After a bundle is applied: what we now hold of the sender, and what the sender holds of ours."""
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
    if sender_max_rev:
        receipt.sender_max_rev = sender_max_rev
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
