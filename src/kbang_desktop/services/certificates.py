"""Recognition certificates: serial numbers, the print and reprint log, templates, verification.

A certificate is made the first time an entry of an issued decision is printed: it takes the next
serial number of this office for the year of the decision ("Số vào sổ") and a verification code.
Every printing is logged (who, when, and for a reprint why); a reprint keeps the serial.

The QR code on the paper carries a verification record signed with this PC's Ed25519 key:

    KBC1 {"c":"7KQX-M2PA-9D3W","i":"2026-02-05",...} <base64 signature>

Any Kbang Desktop that knows the signing PC (every office learns every PC through the hub) checks
it offline; a PC that also holds the certificate compares it with its record.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func

from kbang_desktop.core import entities as E
from kbang_desktop.core.dates import document_date_phrase
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.templates import CertificateTemplate, load_template, parse_template
from kbang_desktop.core.text import nfc
from kbang_desktop.i18n import N_, _
from kbang_desktop.paths import resource
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.learning_models import SUBJECT_ENTITY
from kbang_desktop.services.signing import site_keys
from kbang_desktop.services.units import unit_graph
from kbang_desktop.storage import keys as K
from kbang_desktop.storage.repo import Repository
from kbang_desktop.storage.writes import new_id, utcnow

RECORD_PREFIX = "KBC1 "
BUILT_IN = {"a4-landscape": "certificate-a4-landscape.json", "a5-landscape": "certificate-a5-landscape.json",
            "literacy-a5-landscape": "literacy-a5-landscape.json"}
TEMPLATE_SETTING = "certificate_template:"
UNIT_PREFIX = {"commune": "xã", "town": "thị trấn", "ward": "phường"}
SIGNER_LINES = {"chairman": ("CHỦ TỊCH",), "vice_chairman": ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud and typed by hand
T = TypeVar("T")


def code_for(keys: K.SiteKeys, entry_id: str) -> str:
    """The verification code of an entry's certificate: the same for the preview as for the print
    (a random code made again at each drawing differed between the two), yet unguessable by anyone
    without this PC's key (Ed25519 signatures are deterministic: the signature of the entry's id,
    hashed, picks the letters; 256 is a multiple of the alphabet's 32)."""
    signature = keys.signing.sign(b"kbang certificate code\x00" + entry_id.encode("utf-8")).signature
    raw = "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in hashlib.sha256(signature).digest()[:12])
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normalise_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


@dataclass(frozen=True, slots=True)
class CertificateSheet:
    """Everything printed on one certificate (read by documents/, which only draws it)."""

    certificate_id: str
    model_kind: str
    serial: int
    year: int
    code: str
    record: str  # the signed verification record in the QR code
    reprint: bool
    fields: dict[str, str] = field(default_factory=dict)  # template fields except the model wording
    subject: dict[str, str] = field(default_factory=dict)  # name, honorific, honorific_lower


@dataclass(frozen=True, slots=True)
class Verification:
    status: str  # genuine | revoked | not-genuine | unknown-issuer | not-found | malformed
    message: str  # msgid: the reason for the status
    details: dict[str, Any]
    params: dict[str, Any] = field(default_factory=dict)  # the message's placeholders (besides {code})

    def text(self) -> str:
        """The reason in the current language, its placeholders filled."""
        try:
            return _(self.message).format(**{"code": self.details.get("code"), **self.params})
        except (KeyError, IndexError, ValueError):
            return _(self.message)

    @property
    def genuine(self) -> bool:
        return self.status in ("genuine", "revoked")


def issuer_of(repo: Repository, unit_id: str) -> tuple[str, str]:
    """("XÃ ĐAK RONG", "xã Đak Rong") for a commune-level unit."""
    unit = repo.require(E.AdminUnit, unit_id)
    prefix = UNIT_PREFIX.get(unit.kind, "xã")
    return f"{prefix} {unit.name}".upper(), f"{prefix} {unit.name}"


def _province_of(repo: Repository, unit: E.AdminUnit | None) -> str:
    while unit is not None and unit.kind != "province":
        unit = repo.get(E.AdminUnit, unit.parent_id) if unit.parent_id else None
    return f"tỉnh {unit.name}" if unit else ""


def _address(repo: Repository, graph: Any, commune_id: str, village_id: str | None, when: date) -> str:
    """Village, commune and province as valid on `when` (after mergers, the successor units)."""
    parts = []
    if village_id:
        village_now = graph.successor_on(village_id, when) or village_id
        village = repo.get(E.AdminUnit, village_now)
        if village:
            parts.append(village.name)
    commune_now = graph.record_commune_on(commune_id, village_id, when) or commune_id
    commune = repo.get(E.AdminUnit, commune_now)
    if commune:
        parts.append(issuer_of(repo, commune.id)[1])
        parts.append(_province_of(repo, commune))
    return ", ".join(p for p in parts if p)


def _honorific(sex: str | None) -> tuple[str, str]:
    return ("Bà", "bà") if sex == "F" else ("Ông", "ông") if sex == "M" else ("Ông/Bà", "ông/bà")


def subject_facts(repo: Repository, graph: Any, kind: str, subject_id: str, when: date) -> tuple[dict[str, str], str]:
    """The name (with "Ông"/"Bà" by sex) and the address valid on `when` of a recognised subject."""
    subject = repo.require(SUBJECT_ENTITY[kind], subject_id)
    sex = None
    if kind == "household":
        head = repo.get(E.Person, subject.head_person_id) if subject.head_person_id else None
        name = head.full_name if head else f"số {subject.number}"
        sex = head.sex if head else None
        address = _address(repo, graph, subject.commune_id, subject.village_id, when)
    elif kind == "citizen":
        name, sex = subject.full_name, subject.sex
        address = _address(repo, graph, subject.commune_id, subject.village_id, when)
    elif kind == "village":
        name = (repo.get(E.AdminUnit, graph.successor_on(subject.id, when) or subject.id) or subject).name
        address = _address(repo, graph, subject.parent_id, None, when)
    else:
        name = subject.name
        address = _address(repo, graph, subject.commune_id, None, when)
    honorific, lower = _honorific(sex)
    return {"name": name, "honorific": honorific, "honorific_lower": lower}, address


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_record(keys: K.SiteKeys, payload: dict[str, Any]) -> str:
    message = K.canonical(payload)
    return RECORD_PREFIX + message.decode("utf-8") + " " + _b64url(keys.signing.sign(message).signature)


class _Preview(Exception):
    """Rolls back the transaction of a preview once its pages are drawn."""


SITE_BLOCK = 10_000


def _next_serial(repo: Repository, site_id: str, office_id: str, year: int) -> int:
    """The next serial number of this PC for the year.

    Serials are unique per office and year. An office with a second PC (rare) cannot ask the
    first one offline, so each PC of the office numbers in its own block: the office's first PC
    from 1, its second from 10001, and so on (by the order the PCs joined). No two PCs of an
    office can then print the same number, and the sync never meets two certificates with one
    serial.
    """
    sites = sorted(repo.list(E.Site, office_id=office_id, include_deleted=True), key=lambda s: (s.created_at, s.id))
    rank = next((i for i, s in enumerate(sites) if s.id == site_id), 0)
    low, high = rank * SITE_BLOCK + 1, (rank + 1) * SITE_BLOCK - 1
    serial = repo.column(E.Certificate, "serial")
    taken = repo.list(E.Certificate, serial >= low, serial <= high, office_id=office_id, year=year,
                      include_deleted=True, order_by=[serial.desc()], limit=1)
    following = (taken[0].serial if taken else low - 1) + 1
    if following > high:
        raise KbangError(N_("Máy này đã dùng hết số vào sổ của năm {year}."), year=year)
    return following


class CertificateService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # --- printing -----------------------------------------------------------------

    def print_decision(self, decision_id: str, render: Callable[[list[CertificateSheet]], T],
                       reason: str = "", entry_ids: list[str] | None = None, record: bool = True) -> T:
        """Certificates for the entries of an issued decision, drawn by `render` inside one transaction.

        New entries get the next serial numbers; entries printed before are logged as reprints with
        `reason`. If `render` fails nothing is recorded, so the log only holds what was really printed.
        With `record=False` (a preview) the pages are drawn exactly as they would print and nothing is kept.
        """
        if not record:
            drawn: list[T] = []

            def keep(sheets: list[CertificateSheet]) -> T:
                drawn.append(render(sheets))
                raise _Preview

            try:
                self.print_decision(decision_id, keep, reason, entry_ids)
            except _Preview:
                pass
            return drawn[0]
        keys = site_keys(self.ctx)
        site_id, office_id = self.ctx.require_identity()
        with self.ctx.write("print_certificates") as repo:
            decision = repo.require(E.Decision, decision_id)
            if decision.status == "draft":
                raise KbangError(N_("Quyết định {number} chưa ban hành; chưa in được giấy công nhận."),
                                 number=decision.number)
            if decision.status == "revoked":
                raise KbangError(N_("Quyết định {number} đã bị thu hồi; không in giấy công nhận."),
                                 number=decision.number)
            entries = sorted(repo.list(E.DecisionEntry, decision_id=decision_id), key=lambda e: e.position)
            if entry_ids is not None:
                entries = [e for e in entries if e.id in set(entry_ids)]
            if not entries:
                raise KbangError(N_("Quyết định {number} không có ai được công nhận."), number=decision.number)
            graph = unit_graph(repo)
            issuer_unit, issuer_name = issuer_of(repo, decision.issuer_unit_id)
            place = repo.require(E.AdminUnit, decision.issuer_unit_id).name
            year = decision.decided_on.year
            next_serial = _next_serial(repo, site_id, office_id, year)
            now = utcnow()
            common = {
                "issuer_body": "ỦY BAN NHÂN DÂN", "issuer_unit": issuer_unit, "issuer_unit_name": issuer_name,
                "model_year": str(decision.year), "decision_number": decision.number,
                "decision_date": document_date_phrase("", decision.decided_on)[2:],
                "place_date": document_date_phrase(place, decision.decided_on),
                # "signer_for" and "decided_by" follow who decides, which the template says (documents/)
                "signer_title": "\n".join(SIGNER_LINES.get(decision.signer_title, SIGNER_LINES["chairman"])),
                "signer_name": decision.signer_name, "year": str(year)}
            sheets = []
            for entry in entries:
                registration = repo.require(E.Registration, entry.registration_id)
                certificate = repo.first(E.Certificate, entry_id=entry.id)
                reprint = certificate is not None
                if certificate is None:
                    certificate = repo.add(E.Certificate, id=new_id(), entry_id=entry.id, office_id=office_id,
                                           year=year, serial=next_serial, issued_on=decision.decided_on,
                                           verification_code=code_for(keys, entry.id))
                    next_serial += 1
                repo.add(E.CertificatePrint, id=new_id(), certificate_id=certificate.id, printed_at=now,
                         reprint=reprint, reason=nfc(reason) if reprint else "")
                subject, address = subject_facts(repo, graph, registration.model_kind, registration.subject_id, decision.decided_on)
                payload = {"c": certificate.verification_code, "d": decision.number,
                           "dd": decision.decided_on.isoformat(), "k": registration.model_kind,
                           "m": decision.year, "n": certificate.serial, "o": office_id, "s": site_id,
                           "t": subject["name"], "u": issuer_name, "y": year}
                sheets.append(CertificateSheet(
                    certificate.id, registration.model_kind, certificate.serial, year,
                    certificate.verification_code, sign_record(keys, payload), reprint,
                    {**common, "address": address, "serial": str(certificate.serial),
                     "code": certificate.verification_code}, subject))
            return render(sheets)

    def prints(self, certificate_id: str) -> list[E.CertificatePrint]:
        """The print log of one certificate, oldest first. Reads only."""
        with self.ctx.read() as repo:
            return sorted(repo.list(E.CertificatePrint, certificate_id=certificate_id), key=lambda p: p.printed_at)

    def for_decision(self, decision_id: str) -> list[E.Certificate]:
        with self.ctx.read() as repo:
            entries = {e.id for e in repo.list(E.DecisionEntry, decision_id=decision_id)}
            return sorted((c for c in repo.list(E.Certificate, repo.column(E.Certificate, "entry_id").in_(entries))),
                          key=lambda c: c.serial)

    # --- templates ----------------------------------------------------------------

    def template_names(self) -> list[tuple[str, bool]]:
        """(name, built in) of every template this office can print with."""
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            own = [s.key[len(TEMPLATE_SETTING):] for s in repo.list(E.OfficeSetting, office_id=office_id)
                   if s.key.startswith(TEMPLATE_SETTING)]
        return [(n, True) for n in BUILT_IN if n not in own] + [(n, False) for n in sorted(own)]

    def template_json(self, name: str) -> str:
        """A template as JSON text (an office's own version first, else the built-in one)."""
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            own = repo.first(E.OfficeSetting, office_id=office_id, key=TEMPLATE_SETTING + name)
        if own:
            return own.value
        if name in BUILT_IN:
            return resource("templates", BUILT_IN[name]).read_text(encoding="utf-8")
        raise KbangError(N_("Không có mẫu giấy công nhận \"{name}\"."), name=name)

    def template(self, name: str) -> CertificateTemplate:
        return load_template(self.template_json(name))

    def save_template(self, data: dict[str, Any]) -> CertificateTemplate:
        """Save an office's template (administrators); it is checked first and travels to the hub."""
        template = parse_template(data)
        _site, office_id = self.ctx.require_identity()
        text = json.dumps(data, ensure_ascii=False, indent=1)
        with self.ctx.write("save_certificate_template", minimum_role="admin") as repo:
            key = TEMPLATE_SETTING + template.name
            held = repo.first(E.OfficeSetting, office_id=office_id, key=key)
            if held:
                repo.update(E.OfficeSetting, held.id, value=text)
            else:
                repo.add(E.OfficeSetting, id=new_id(), office_id=office_id, key=key, value=text)
        return template

    # --- verification -------------------------------------------------------------

    def verify(self, text: str) -> Verification:
        """Check a scanned verification record, or look up a typed code. Reads only; works offline.

        A record is genuine only if every one of these holds, and the first that fails is the reason
        given: the signing PC is known here (else unknown-issuer); the signature is its own; the PC
        belongs to the office the record names and that office is the issuer written on it (a commune
        key cannot vouch for the Sở GD&ĐT); the PC's key was not revoked before the record's date;
        and, when this PC holds the certificate, the name, decision, code and serial are the ones kept.
        """
        text = nfc(text.strip())
        if text.startswith(RECORD_PREFIX.strip()):
            return self._verify_record(text)
        code = normalise_code(text)
        if len(code) != 14:
            return Verification("malformed", N_("Không đọc được mã xác minh."), {})
        with self.ctx.read() as repo:
            certificate = _by_code(repo, code)
            if certificate is None:
                return Verification("not-found", N_("Không có giấy công nhận nào mang mã {code} trong dữ liệu của máy "
                                                     "này. Nếu giấy có mã QR, hãy quét mã QR để kiểm tra."),
                                    {"code": code})
            return self._judge(repo, certificate, None)

    def _verify_record(self, text: str) -> Verification:
        try:
            body, signature = text[len(RECORD_PREFIX):].rsplit(" ", 1)
            payload = json.loads(body)
            if not isinstance(payload, dict):
                raise ValueError
            site_id = str(payload["s"])
            message = K.canonical(payload)
            sig = _unb64url(signature)
        except (ValueError, KeyError, TypeError):
            return Verification("malformed", N_("Không đọc được mã xác minh."), {})
        with self.ctx.read() as repo:
            details = self._details(payload)
            site = repo.get(E.Site, site_id, include_deleted=True)
            if site is None or not site.signing_key:
                return Verification("unknown-issuer", N_("Máy cấp giấy này chưa được biết ở đây; hãy nhận gói dữ liệu "
                                                          "mới nhất từ đơn vị đầu mối rồi kiểm tra lại."), details)
            if message.decode("utf-8") != body or not K.verify(site.signing_key, message, base64.b64encode(sig).decode()):
                return Verification("not-genuine", N_("Giấy công nhận không phải giấy thật: chữ ký số không khớp."),
                                    details)
            office = repo.get(E.Office, site.office_id, include_deleted=True)
            office_name = office.name if office else site.office_id[:8]
            if site.office_id != payload.get("o"):
                return Verification("not-genuine", N_("Giấy công nhận không phải giấy thật: máy ký giấy thuộc {office}, "
                                                      "không phải đơn vị ghi trên giấy."), details,
                                    {"office": office_name})
            if payload.get("u") not in _issuer_names(repo, office):
                return Verification("not-genuine", N_("Giấy công nhận không phải giấy thật: giấy ghi nơi cấp là "
                                                      "\"{issuer}\", nhưng máy ký giấy thuộc {office}, không có quyền "
                                                      "cấp giấy thay nơi đó."), details,
                                    {"issuer": str(payload.get("u")), "office": office_name})
            revoked = _revoked_before(site, payload.get("dd"))
            if revoked:
                details["signer_revoked_on"] = site.revoked_at.date().isoformat() if site.revoked_at else None
                return Verification("not-genuine", N_("Giấy công nhận không phải giấy thật: giấy ghi ngày {date} nhưng "
                                                      "được ký bằng khóa của một máy đã bị thu hồi từ {revoked} "
                                                      "({reason})."), details,
                                    {"date": str(payload.get("dd")), "revoked": revoked,
                                     "reason": site.revoke_reason or "-"})
            if site.revoked_at is not None:
                details["signer_revoked_on"] = site.revoked_at.date().isoformat()
            certificate = _by_code(repo, normalise_code(str(payload.get("c", ""))))
            return self._judge(repo, certificate, payload, details)

    def _details(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {"code": payload.get("c"), "serial": payload.get("n"), "year": payload.get("y"),
                "recognised": payload.get("t"), "model": payload.get("k"), "model_year": payload.get("m"),
                "decision": {"number": payload.get("d"), "date": payload.get("dd")}, "issuer": payload.get("u")}

    def _judge(self, repo: Repository, certificate: E.Certificate | None, payload: dict[str, Any] | None,
               signed: dict[str, Any] | None = None) -> Verification:
        if certificate is None:
            # Signed by a known, unrevoked PC of the issuing office, but this PC does not hold the record
            # (not received yet): what the signature says is all there is to check.
            assert payload is not None
            return Verification("genuine", N_("Giấy công nhận thật (chữ ký số hợp lệ, đúng nơi cấp). Máy này chưa có "
                                              "hồ sơ của giấy để đối chiếu thêm."), signed or self._details(payload))
        entry = repo.require(E.DecisionEntry, certificate.entry_id)
        decision = repo.require(E.Decision, entry.decision_id)
        registration = repo.require(E.Registration, entry.registration_id)
        graph = unit_graph(repo)
        subject, _address_text = subject_facts(repo, graph, registration.model_kind, registration.subject_id, decision.decided_on)
        held = {"c": certificate.verification_code, "d": decision.number, "dd": decision.decided_on.isoformat(),
                "k": registration.model_kind, "m": decision.year, "n": certificate.serial,
                "o": certificate.office_id, "t": subject["name"], "u": issuer_of(repo, decision.issuer_unit_id)[1],
                "y": certificate.year}
        details = self._details(held)
        if signed and "signer_revoked_on" in signed:
            details["signer_revoked_on"] = signed["signer_revoked_on"]
        if payload is not None:
            differing = [key for key, value in held.items() if not _same(key, payload.get(key), value)]
            if differing:
                details["differing"] = differing
                return Verification("not-genuine", N_("Giấy công nhận không khớp với hồ sơ đã lưu ({fields})."),
                                    details, {"fields": ", ".join(_(FIELD_NAMES[k]) for k in differing)})
        if decision.status == "revoked" or certificate.deleted:
            details["revoked_on"] = decision.revoked_on.isoformat() if decision.revoked_on else None
            return Verification("revoked", N_("Giấy công nhận thật nhưng quyết định công nhận đã bị thu hồi."), details)
        return Verification("genuine", N_("Giấy công nhận thật (chữ ký số hợp lệ)."), details)


FIELD_NAMES = {"c": N_("mã xác minh"), "d": N_("số quyết định"), "dd": N_("ngày quyết định"),
               "k": N_("loại mô hình"), "m": N_("năm công nhận"), "n": N_("số vào sổ"), "o": N_("đơn vị cấp"),
               "t": N_("tên người hoặc nơi được công nhận"), "u": N_("nơi cấp"), "y": N_("năm vào sổ")}


def _same(key: str, signed: Any, held: Any) -> bool:
    if key == "c":
        return normalise_code(str(signed or "")) == normalise_code(str(held))
    if key == "t":  # the same letters and marks; spaces and Unicode form do not matter
        return isinstance(signed, str) and " ".join(nfc(signed).split()) == " ".join(nfc(str(held)).split())
    return bool(signed == held)


def _by_code(repo: Repository, code: str) -> E.Certificate | None:
    """The certificate with this code, typed with or without dashes, in any case (`code` normalised)."""
    found = repo.first(E.Certificate, verification_code=code, include_deleted=True)
    if found is None:  # a code kept in another form (without dashes, lower case)
        bare = code.replace("-", "")
        column = repo.column(E.Certificate, "verification_code")
        found = next(iter(repo.list(E.Certificate, func.upper(func.replace(column, "-", "")) == bare,
                                    include_deleted=True, limit=1)), None)
    return found


def _issuer_names(repo: Repository, office: E.Office | None) -> set[str]:
    """The issuers an office may sign for: its own commune as named on any date, and the units merged into it."""
    if office is None or not office.unit_id or repo.get(E.AdminUnit, office.unit_id) is None:
        return set()
    units = unit_graph(repo).predecessors_of(office.unit_id)
    return {issuer_of(repo, unit_id)[1] for unit_id in units if repo.get(E.AdminUnit, unit_id) is not None}


def _revoked_before(site: E.Site, record_date: Any) -> str:
    """The day the site's key was revoked, if that was before the record's date (else "")."""
    if site.revoked_at is None:
        return ""
    try:
        when = date.fromisoformat(str(record_date))
    except ValueError:
        return site.revoked_at.date().isoformat()  # no date to go by: a revoked key vouches for nothing
    return site.revoked_at.date().isoformat() if site.revoked_at.date() < when else ""
