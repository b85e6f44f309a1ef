"""Import, step 1 (DESIGN §5): is this bundle whole, signed by a trusted PC, meant for us, of a schema we know?

The container, signature and payload checks are `bundle.open_bundle`'s; this adds what only
the receiving database knows. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from kbang_desktop.i18n import N_
from kbang_desktop.services.registry import Services
from kbang_desktop.storage import keys as K
from kbang_desktop.storage.db import head_revision, known_revisions
from kbang_desktop.storage.models import Site
from kbang_desktop.sync import bundle as B


@dataclass(frozen=True, slots=True)
class Verified:
    opened: B.Opened
    key: bytes | None
    site_id: str
    office_id: str
    older_schema: bool


def trust_lookup(session: Session) -> B.TrustLookup:
    def lookup(site_id: str) -> tuple[str, str | None, bool] | None:
        site = session.get(Site, site_id)
        if site is None or site.deleted:
            return None
        return site.office_id, site.signing_key, site.revoked_at is not None

    return lookup


def verify(services: Services, path: Path, session: Session) -> Verified:
    """Open and check a bundle for this site; BundleRejected with the reason if it may not be imported."""
    site_id, office_id = services.ctx.require_identity()
    opened = B.open_bundle(path, trust_lookup(session))
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
