"""Joining a commune to its hub: join request, registration at the hub, trust at the commune.

Both files are signed by the sending site's key. Their authenticity rests on the
fingerprint that both screens show and the two officers compare by phone: it is
computed over both sites' signing keys, so a swapped key on either side changes it.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.hlc import rev_problem, wall_millis
from kbang_desktop.i18n import N_
from kbang_desktop.services import signing
from kbang_desktop.services.registry import Services
from kbang_desktop.services.units import HUB_UNITS_SIGNER, HubUnits
from kbang_desktop.storage import keys as K
from kbang_desktop.storage.files import unused_path, write_atomic
from kbang_desktop.storage.models import PeerSite
from kbang_desktop.storage.states import apply_state, decode_state, record_state
from kbang_desktop.storage.writes import new_id, utcnow

JOIN_FORMAT, WELCOME_FORMAT, FORMAT_VERSION = "kbang-join-request", "kbang-welcome", 1
UNITS_FORMAT = "kbang-units"
MAX_FILE_BYTES = 1_000_000
MAX_UNITS_FILE_BYTES = 20_000_000  # a province's communes and villages


def site_keys(services: Services) -> K.SiteKeys:
    """This site's keys; made (and their public halves recorded) on first use."""
    return signing.site_keys(services.ctx)


def _apply_if_newer(repo: Any, state: dict[str, Any]) -> None:
    """Apply a received office or site state unless this site already holds a newer one."""
    model = {"office": E.Office, "site": E.Site}.get(str(state.get("_type")))
    if model is None:
        raise ValueError("type")
    if rev_problem(state.get("rev"), wall_millis()):  # a rev far ahead would drag this site's clock along
        raise ValueError("rev")
    held = repo.get(model, str(state.get("id")), include_deleted=True)
    if held is None or str(state.get("rev", "")) > held.rev:
        apply_state(repo.session, state)


def _signed(body: dict[str, Any], keys: K.SiteKeys) -> bytes:
    return json.dumps({**body, "signature": keys.sign(K.canonical(body))}, ensure_ascii=False, indent=1).encode()


def _read_signed(path: Path, expected_format: str, limit: int = MAX_FILE_BYTES) -> tuple[dict[str, Any], str]:
    try:
        if path.stat().st_size > limit:
            raise ValueError("too large")
        data = json.loads(path.read_text(encoding="utf-8"))
        signature = data.pop("signature")
        if data.get("format") != expected_format:
            raise ValueError("format")
    except FileNotFoundError:
        raise KbangError(N_("Không tìm thấy tệp {path}."), path=str(path)) from None
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise KbangError(N_("Tệp {path} không phải là tệp tham gia hợp lệ của Kbang Desktop."), path=str(path)) from None
    if int(data.get("version", 0)) > FORMAT_VERSION:
        raise KbangError(N_("Tệp {path} do phiên bản mới hơn tạo ra. Hãy cập nhật Kbang Desktop."), path=str(path))
    return data, signature


@dataclass(frozen=True, slots=True)
class JoinResult:
    office_id: str
    fingerprint: str
    file: Path | None = None


def join_request(services: Services, out: Path) -> Path:
    """At a commune: write its office, its site and the site's public keys, self-signed."""
    services.ctx.require_role("admin")
    keys = site_keys(services)
    site_id, office_id = services.ctx.require_identity()
    with services.ctx.read() as repo:
        office = repo.require(E.Office, office_id)
        if office.kind != "commune":
            raise KbangError(N_("Chỉ đơn vị cấp xã mới gửi yêu cầu tham gia."))
        body = {"format": JOIN_FORMAT, "version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "office": record_state(repo.session, "office", office_id),
                "site": record_state(repo.session, "site", site_id)}
    target = out if out.suffix else unused_path(out / f"yeu-cau-tham-gia-{office_id[:8]}-{site_id[:8]}.kbj")
    write_atomic(target, _signed(body, keys))
    return target


def register(services: Services, request_file: Path, out_dir: Path) -> JoinResult:
    """At the hub: check a join request, register the commune and its site, write the welcome file."""
    services.ctx.require_role("admin")
    hub_keys = site_keys(services)
    hub_site_id, hub_office_id = services.ctx.require_identity()
    with services.ctx.read() as repo:
        if repo.require(E.Office, hub_office_id).kind != "hub":
            raise KbangError(N_("Chỉ đơn vị đầu mối mới đăng ký được xã."))
    data, signature = _read_signed(request_file, JOIN_FORMAT)
    office, site = data.get("office", {}), data.get("site", {})
    if not K.verify(str(site.get("signing_key")), K.canonical(data), signature):
        raise KbangError(N_("Chữ ký của yêu cầu tham gia không đúng: tệp đã bị sửa hoặc bị hỏng."))
    if office.get("kind") != "commune" or site.get("office_id") != office.get("id") \
            or site.get("owner_office_id") != office.get("id"):
        raise KbangError(N_("Tệp {path} không phải là tệp tham gia hợp lệ của Kbang Desktop."), path=str(request_file))
    try:
        with services.ctx.write("register_commune", minimum_role="admin", sync_apply=True) as repo:
            existing = repo.get(E.Site, site["id"], include_deleted=True)
            if existing and existing.signing_key and existing.signing_key != site["signing_key"]:
                raise KbangError(N_("Máy này đã đăng ký với một khóa khác. Thu hồi khóa cũ trước khi đăng ký lại."))
            unit_id = office.get("unit_id")
            if unit_id and repo.get(E.AdminUnit, str(unit_id), include_deleted=True) is None:
                raise KbangError(N_("Xã này được thiết lập với một đơn vị hành chính mà đơn vị đầu mối không có: hãy "
                                    "gửi cho xã tệp danh mục đơn vị (kbang units export) để thiết lập lại máy."))
            _apply_if_newer(repo, office)
            _apply_if_newer(repo, site)
            body = {"format": WELCOME_FORMAT, "version": FORMAT_VERSION, "recipient_office_id": office["id"],
                    "recipient_site_id": site["id"],
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "hub_office": record_state(repo.session, "office", hub_office_id),
                    "hub_sites": [record_state(repo.session, "site", s.id)
                                  for s in repo.list(E.Site, office_id=hub_office_id)]}
    except ValueError:
        raise KbangError(N_("Tệp {path} không phải là tệp tham gia hợp lệ của Kbang Desktop."),
                         path=str(request_file)) from None
    # one file per PC, never over another's: two PCs of an office register with the same stick
    target = unused_path(out_dir / f"chao-mung-{office['id'][:8]}-{site['id'][:8]}.kbw")
    write_atomic(target, _signed(body, hub_keys))
    return JoinResult(office["id"], K.fingerprint(site["signing_key"], hub_keys.signing_public), target)


def _read_welcome(services: Services, welcome_file: Path) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The hub's welcome file, checked: (its content, the hub site that signed it, the fingerprint). Reads only."""
    keys = site_keys(services)
    _site_id, office_id = services.ctx.require_identity()
    data, signature = _read_signed(welcome_file, WELCOME_FORMAT)
    hub_office, hub_sites = data.get("hub_office", {}), data.get("hub_sites", [])
    signer = next((s for s in hub_sites if s.get("signing_key") and K.verify(s["signing_key"], K.canonical(data),
                                                                                 signature)), None)
    if signer is None:
        raise KbangError(N_("Chữ ký của tệp đơn vị đầu mối không đúng: tệp đã bị sửa hoặc bị hỏng."))
    if data.get("recipient_office_id") != office_id:
        raise KbangError(N_("Tệp này được đơn vị đầu mối làm cho một xã khác, không phải cho đơn vị này."))
    if hub_office.get("kind") != "hub" or any(s.get("office_id") != hub_office.get("id") for s in hub_sites):
        raise KbangError(N_("Tệp {path} không phải là tệp tham gia hợp lệ của Kbang Desktop."), path=str(welcome_file))
    return data, signer, K.fingerprint(keys.signing_public, signer["signing_key"])


def units_file(services: Services, out: Path) -> tuple[Path, int]:
    """At the hub: write the file a new commune PC is set up with (`kbang init --units FILE`, the set-up
    assistant): the units and successions the hub added or corrected, its office and its PCs' public
    keys, signed by this PC. Returns the file and how many records it holds."""
    services.ctx.require_role("admin")
    keys = site_keys(services)
    _site_id, office_id = services.ctx.require_identity()
    with services.ctx.read() as repo:
        if repo.require(E.Office, office_id).kind != "hub":
            raise KbangError(N_("Chỉ đơn vị đầu mối mới ghi tệp danh mục đơn vị hành chính cho các xã."))
        body = {"format": UNITS_FORMAT, "version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "hub_office": record_state(repo.session, "office", office_id),
                "hub_sites": [record_state(repo.session, "site", s.id) for s in repo.list(E.Site, office_id=office_id)]}
    body["records"] = services.units.hub_units()
    target = out if out.suffix else unused_path(out / "danh-muc-don-vi.kbu")
    write_atomic(target, _signed(body, keys))
    return target, len(body["records"])


def read_units_file(path: Path) -> HubUnits:
    """The hub's units file, checked (no database needed: the set-up assistant reads it before one exists):
    signed by one of the hub PCs it names, only units and successions of that hub or of the shipped data,
    each a well-formed record. Which hub it really is, is proved later by the welcome file's fingerprint
    (`trust` refuses a welcome file from a hub other than the one that signed this)."""
    from kbang_desktop.services.reference import REFERENCE_OFFICE_ID

    data, signature = _read_signed(path, UNITS_FORMAT, MAX_UNITS_FILE_BYTES)
    bad = KbangError(N_("Tệp {path} không phải là tệp danh mục đơn vị hành chính của Kbang Desktop."), path=str(path))
    hub_office, hub_sites = data.get("hub_office"), data.get("hub_sites")
    if not isinstance(hub_office, dict) or not isinstance(hub_sites, list) or hub_office.get("kind") != "hub":
        raise bad
    signer = next((s for s in hub_sites if isinstance(s, dict) and s.get("signing_key")
                   and s.get("office_id") == hub_office.get("id")
                   and K.verify(s["signing_key"], K.canonical(data), signature)), None)
    if signer is None:
        raise KbangError(N_("Chữ ký của tệp đơn vị đầu mối không đúng: tệp đã bị sửa hoặc bị hỏng."))
    states = data.get("records")
    if not isinstance(states, list):
        raise bad
    now = wall_millis()
    for state in states:
        try:
            table, _values = decode_state(state)
        except (ValueError, TypeError, AttributeError):
            raise bad from None
        if table not in ("admin_unit", "admin_succession") or rev_problem(state.get("rev"), now) \
                or state.get("owner_office_id") not in (hub_office["id"], REFERENCE_OFFICE_ID):
            raise bad
    return HubUnits(str(hub_office["id"]), str(hub_office.get("name") or ""), str(signer["signing_key"]),
                    tuple(states))


def welcome_fingerprint(services: Services, welcome_file: Path) -> JoinResult:
    """The fingerprint to compare by phone before trusting a welcome file. Reads only."""
    services.ctx.require_role("admin")
    data, _signer, fingerprint = _read_welcome(services, welcome_file)
    return JoinResult(str(data["hub_office"].get("id")), fingerprint)


def trust(services: Services, welcome_file: Path, fingerprint: str | None = None) -> JoinResult:
    """At the commune: check the hub's welcome file, trust the hub's keys, record the hub.

    With `fingerprint` (the code the hub read out over the phone) nothing is trusted unless it
    is the file's own: a welcome file swapped on the way carries other keys, hence another code.
    """
    services.ctx.require_role("admin")
    _site_id, office_id = services.ctx.require_identity()
    data, _signer, found = _read_welcome(services, welcome_file)
    if fingerprint is not None and not K.same_fingerprint(fingerprint, found):
        raise KbangError(N_("Mã nhận diện khóa {given} không khớp với mã của tệp chào mừng ({found}). Chưa tin cậy "
                            "đơn vị đầu mối: hãy gọi lại cho đơn vị đầu mối để đối chiếu; nếu vẫn khác, tệp đã bị đổi "
                            "trên đường mang về, hãy xin tệp mới."), given=fingerprint.strip(), found=found)
    hub_office, hub_sites = data.get("hub_office", {}), data.get("hub_sites", [])
    with services.ctx.read() as repo:
        units_signer = repo.local(HUB_UNITS_SIGNER)
    if units_signer and units_signer not in {s.get("signing_key") for s in hub_sites}:
        raise KbangError(N_("Danh mục đơn vị hành chính dùng khi thiết lập máy này không do đơn vị đầu mối này ký. "
                            "Chưa tin cậy đơn vị đầu mối: hãy thiết lập lại bằng tệp danh mục của chính đơn vị "
                            "đầu mối mà xã tham gia."))
    try:
        with services.ctx.write("trust_hub", minimum_role="admin", sync_apply=True) as repo:
            _apply_if_newer(repo, hub_office)
            for state in hub_sites:
                _apply_if_newer(repo, state)
    except ValueError:
        raise KbangError(N_("Tệp {path} không phải là tệp tham gia hợp lệ của Kbang Desktop."),
                         path=str(welcome_file)) from None
    with services.ctx.write("trust_hub", minimum_role="admin") as repo:
        repo.update(E.Office, office_id, hub_office_id=hub_office["id"])
    return JoinResult(hub_office["id"], found)


def new_site(services: Services, out: Path) -> Path:
    """At a commune: give this PC a new site identity and keys, and write its join request.

    For a lost or revoked key, a restored backup, or a second PC made from a copy of the
    database. The old site's records stay; everything this PC holds is sent again under the
    new identity and the hub sends back everything of the office, so nothing is lost.
    """
    services.ctx.require_role("admin")
    old_site, office_id = services.ctx.require_identity()
    with services.ctx.read() as repo:
        if repo.require(E.Office, office_id).kind != "commune":
            raise KbangError(N_("Chỉ đơn vị cấp xã mới tạo khóa máy mới bằng lệnh này."))
    site_id = new_id()
    keys = K.generate(site_id)
    K.save(keys, K.key_file(services.ctx.db.path, site_id))
    with services.ctx.write("new_site", minimum_role="admin") as repo:
        repo.add(E.Site, id=site_id, office_id=office_id, name=platform.node() or "PC",
                 signing_key=keys.signing_public, encryption_key=keys.encryption_public, revoked_at=None,
                 revoke_reason="", owner_office_id=office_id)
        repo.set_local("site_id", site_id)
        repo.set_local("previous_site_id", old_site)
        repo.session.execute(delete(PeerSite))  # acknowledgements were for the old identity: send everything again
    services.ctx.set_identity(site_id, office_id)
    return join_request(services, out)


def revoke(services: Services, site_id: str, reason: str) -> E.Site:
    """At the hub: revoke a site's key. Its later bundles are refused wherever the revocation has reached."""
    services.ctx.require_role("admin")
    my_site, office_id = services.ctx.require_identity()
    reason = reason.strip()
    if not reason:
        raise KbangError(N_("Hãy ghi lý do thu hồi khóa."))
    with services.ctx.write("revoke_site", minimum_role="admin") as repo:
        if repo.require(E.Office, office_id).kind != "hub":
            raise KbangError(N_("Chỉ đơn vị đầu mối mới thu hồi được khóa của một máy."))
        matches = [s for s in repo.list(E.Site) if s.id == site_id or (len(site_id) >= 8 and s.id.startswith(site_id))]
        if len(matches) != 1:
            raise KbangError(N_("Không tìm thấy máy {site}."), site=site_id)
        site = matches[0]
        if site.id == my_site:
            raise KbangError(N_("Không thể thu hồi khóa của chính máy này."))
        if site.revoked_at is not None:
            raise KbangError(N_("Khóa của máy {site} đã bị thu hồi từ trước."), site=site.id[:8])
        return repo.update(E.Site, site.id, revoked_at=utcnow(), revoke_reason=reason)


def known_sites(services: Services) -> list[dict[str, Any]]:
    """Every office and site this installation knows, with the key fingerprint of each site."""
    with services.ctx.read() as repo:
        offices = {o.id: o for o in repo.list(E.Office)}
        return [{"office_id": s.office_id, "office_name": offices[s.office_id].name if s.office_id in offices else "",
                 "site_id": s.id, "name": s.name,
                 "fingerprint": K.fingerprint(s.signing_key) if s.signing_key else None,
                 "revoked": s.revoked_at is not None, "revoke_reason": s.revoke_reason}
                for s in repo.list(E.Site)]
