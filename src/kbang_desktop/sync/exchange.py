"""The exchange with other offices by USB bundle (DESIGN §5): the entry points the window and `kbang` call.

Each stage has its module:

- `export`: what a peer may receive (the selection) and the bundle that carries it;
- `verify`: step 1 of an import, the bundle whole, signed by a trusted PC, meant for us;
- `plan`: step 2, what each record does here (new, updated, unchanged, conflict, refused), reads only;
- `apply`: step 3, the decisions written in one transaction; `receipts`: what each side holds, gaps;
- `status`: per peer office, what was sent, acknowledged, only here, missing.

The change log's SQL is in `storage/changelog.py`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import DataError, IntegrityError

from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.hlc import MAX_AHEAD_MS
from kbang_desktop.i18n import N_, _
from kbang_desktop.services.registry import Services
from kbang_desktop.storage.models import BundleLedger, Office
from kbang_desktop.sync import bundle as B
from kbang_desktop.sync.apply import apply
from kbang_desktop.sync.export import TABLE_ORDER, ExportResult, export_bundle
from kbang_desktop.sync.plan import ImportResult, Planner, count
from kbang_desktop.sync.receipts import gap_rejection
from kbang_desktop.sync.status import PeerStatus, resolve_peer, status
from kbang_desktop.sync.verify import verify

__all__ = ["TABLE_ORDER", "ExportResult", "ImportResult", "PeerStatus", "export_bundle", "import_bundle",
           "resolve_peer", "status"]


def _made_far_ahead(manifest: dict) -> bool:
    """Whether the sender's clock said, when it made the bundle, more than a day later than ours says now."""
    try:
        made = datetime.fromisoformat(str(manifest.get("created_at", "")).rstrip("Z")).replace(tzinfo=UTC)
    except ValueError:
        return False
    return (made - datetime.now(UTC)).total_seconds() * 1000 > MAX_AHEAD_MS


def _follow_merges(services: Services, result: ImportResult) -> None:
    """The bundle is in: references a concurrent edit set back to a merged person move again (its own
    transaction; a failure is a warning, the import stands)."""
    try:
        services.merges.follow()
    except KbangError as error:
        result.warnings.append(_(N_("Chưa chuyển được các bản ghi còn trỏ tới người đã gộp: {error}")).format(
            error=error.translated()))


def import_bundle(services: Services, path: Path, dry_run: bool = False) -> ImportResult:
    """Verify, plan and (unless dry_run) apply one bundle. Never raises for a bad bundle: status "rejected"."""
    ctx = services.ctx
    ctx.require_role("officer")
    ctx.require_identity()
    result = ImportResult("dry-run" if dry_run else "applied")
    try:
        with ctx.read() as repo:
            verified = verify(services, path, repo.session)
            result.bundle_id = verified.opened.bundle_id
            result.from_office = verified.opened.manifest["sender_office_id"]
            sender = repo.session.get(Office, result.from_office)
            result.from_office_name = sender.name if sender else ""
            if not verified.opened.encrypted:
                result.warnings.append(_("Gói này không được mã hóa (chỉ dùng để kiểm tra lỗi). Đừng gửi dữ liệu thật "
                                         "theo cách này."))
            if _made_far_ahead(verified.opened.manifest):
                result.warnings.append(_(N_("Gói này được tạo lúc {at} theo đồng hồ của máy gửi, muộn hơn giờ của máy "
                                            "này quá một ngày: đồng hồ của một trong hai máy sai. Hãy kiểm tra ngày giờ "
                                            "của cả hai máy.")).format(at=verified.opened.manifest.get("created_at")))
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
                        count(result, decision)
                return result
        result.backup = services.maintenance.backup_before_import(path)  # a failure: one sentence, nothing imported
        try:
            apply(services, verified, result)
            if result.status == "applied":
                _follow_merges(services, result)
        except (IntegrityError, DataError) as error:  # e.g. a child whose parent is in no bundle (checked at commit)
            gap_rejection(services, verified)
            raise B.BundleRejected("integrity", N_("Gói dữ liệu có bản ghi không khớp với dữ liệu ở đây ({error}). Gói "
                                                   "không được nhập; hãy báo cho đơn vị đầu mối."),
                                   error=str(error.orig).splitlines()[0][:200]) from None
    except B.BundleRejected as rejected:
        result.status, result.reason, result.check = "rejected", rejected.translated(), rejected.check
    return result
