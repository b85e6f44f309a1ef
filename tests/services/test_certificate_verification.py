"""Certificates only their issuer can vouch for (issue 12, case 5), checked with `kbang certificates verify`
at the hub, which holds every commune's PCs, revocations and certificates."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kbang_desktop.cli.main import main
from kbang_desktop.documents.certificates import print_decision, records_in_pdf
from kbang_desktop.services.certificates import RECORD_PREFIX, sign_record
from kbang_desktop.sync import join
from tests.documents.helpers import issued_decision
from tests.sync.net import Net, fill_commune


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A hub and the commune Kông Bơ La with a second PC; a decision of 05/02/2026 printed by the first
    PC and known at the hub; then the hub revokes the second PC's key (a stolen PC)."""
    root = tmp_path_factory.mktemp("certificates")
    net = Net(root)
    net.hub()
    net.commune("kbl", "Kông Bơ La")
    kbl = net.sites["kbl"]
    early = issued_decision(kbl, number="3/QĐ-UBND")  # 05/02/2026
    late = fill_commune(kbl)["decision"]  # 05/12/2026
    net.second_pc("kbl2", of="kbl")
    kbl = net.sites["kbl"]
    print_decision(kbl.certificates, early.id, root / "early.pdf")
    print_decision(net.sites["kbl2"].certificates, late, root / "stolen.pdf")  # after the theft, not sent
    print_decision(net.sites["kbl2"].certificates, early.id, root / "before.pdf")  # reprint, signed by the 2nd PC
    assert net.exchange("kbl", "hub").status == "applied"
    stolen_site = net.sites["kbl2"].ctx.require_identity()[0]
    join.revoke(net.sites["hub"], stolen_site, "Máy bị mất cắp")
    records = {name: records_in_pdf((root / f"{name}.pdf").read_bytes()) for name in ("early", "stolen", "before")}
    yield net, records, root
    net.close()


def _payload(record: str) -> dict:
    return json.loads(record[len(RECORD_PREFIX):].rsplit(" ", 1)[0])


def _cli_verify(net, root, text: str, name: str = "check.txt") -> tuple[int, dict]:
    """`kbang certificates verify FILE --json` at the hub, as a separate command would run it."""
    path = root / name
    path.write_text(text + "\n", encoding="utf-8")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["certificates", "verify", str(path), "--json", "--db", str(net.sites["hub"].ctx.db.path)])
    return code, json.loads(out.getvalue())


def test_a_genuine_certificate_verifies_at_the_hub(world):
    net, records, root = world
    code, result = _cli_verify(net, root, records["early"][0])
    assert code == 0 and result["status"] == "genuine" and result["recognised"] == "Đinh Văn Hmưk"


def test_a_record_signed_by_a_revoked_pc_after_its_revocation_is_not_genuine(world):
    net, records, root = world
    code, result = _cli_verify(net, root, records["stolen"][0])
    assert code == 1 and result["status"] == "not-genuine"
    assert "thu hồi" in result["message"] and "Máy bị mất cắp" in result["message"]
    assert result["signer_revoked_on"] == date.today().isoformat()


def test_a_record_the_revoked_pc_signed_before_its_revocation_stays_genuine(world):
    net, records, root = world
    code, result = _cli_verify(net, root, records["before"][0])  # dated 05/02/2026, before the revocation
    assert code == 0 and result["status"] == "genuine" and result["signer_revoked_on"]


def test_a_commune_key_signing_as_the_department_is_a_forged_issuer(world):
    net, records, root = world
    payload = _payload(records["early"][0])
    kbl_keys = join.site_keys(net.sites["kbl"])
    forged = sign_record(kbl_keys, {**payload, "u": "Sở Giáo dục và Đào tạo Gia Lai", "c": "ZZZZ-ZZZZ-ZZZZ"})
    code, result = _cli_verify(net, root, forged)
    assert code == 1 and result["status"] == "not-genuine"
    assert "Sở Giáo dục và Đào tạo Gia Lai" in result["message"] and "UBND xã Kông Bơ La" in result["message"]
    # naming the department's office instead: the PC does not belong to it
    hub_office = net.office_of("hub")
    code, result = _cli_verify(net, root, sign_record(kbl_keys, {**payload, "o": hub_office,
                                                                 "u": "Sở Giáo dục và Đào tạo Gia Lai"}))
    assert code == 1 and result["status"] == "not-genuine" and "UBND xã Kông Bơ La" in result["message"]
    # and at the commune itself, which knows its own PCs
    assert net.sites["kbl"].certificates.verify(forged).status == "not-genuine"


def test_a_real_code_with_another_persons_name_is_not_genuine(world):
    net, records, root = world
    payload = _payload(records["early"][0])
    renamed = sign_record(join.site_keys(net.sites["kbl"]), {**payload, "t": "Đinh Văn Hmăk"})
    code, result = _cli_verify(net, root, renamed)
    assert code == 1 and result["status"] == "not-genuine" and result["differing"] == ["t"]
    assert result["recognised"] == "Đinh Văn Hmưk"  # what the hub holds
    assert "tên" in result["message"]
    # the same with a changed decision number and serial
    other = sign_record(join.site_keys(net.sites["kbl"]), {**payload, "d": "99/QĐ-UBND", "n": 77})
    code, result = _cli_verify(net, root, other)
    assert code == 1 and set(result["differing"]) == {"d", "n"}


@pytest.mark.parametrize("typed", ["dashless", "lower", "spaces"])
def test_a_code_typed_without_dashes_or_in_any_case_finds_the_certificate(world, typed):
    net, records, root = world
    code_text = _payload(records["early"][0])["c"]
    typed_code = {"dashless": code_text.replace("-", ""), "lower": code_text.lower(),
                  "spaces": " " + code_text.replace("-", " ").lower() + " "}[typed]
    exit_code, result = _cli_verify(net, root, typed_code)
    assert exit_code == 0 and result["status"] == "genuine" and result["code"] == code_text


def test_a_code_kept_without_dashes_is_found_too(tmp_path):
    """A certificate whose code is kept in another form (another program version, typed in) is still found."""
    from sqlalchemy import text

    net = Net(tmp_path)
    try:
        net.hub()
        net.commune("kbl", "Kông Bơ La")
        kbl = net.sites["kbl"]
        decision = issued_decision(kbl)
        print_decision(kbl.certificates, decision.id, tmp_path / "a.pdf")
        certificate = kbl.certificates.for_decision(decision.id)[0]
        with kbl.ctx.db.session() as session:
            session.execute(text("UPDATE certificate SET verification_code = :c WHERE id = :id"),
                            {"c": certificate.verification_code.replace("-", "").lower(), "id": certificate.id})
        assert kbl.certificates.verify(certificate.verification_code).status == "genuine"
        record = records_in_pdf((tmp_path / "a.pdf").read_bytes())[0]
        assert kbl.certificates.verify(record).status == "genuine"
    finally:
        net.close()


def test_statuses_stay_the_six_each_with_a_reason(world):
    net, records, root = world
    hub = net.sites["hub"]
    assert hub.certificates.verify("KBC1 {not json").status == "malformed"
    assert hub.certificates.verify("ABCD-EFGH-JKLM").status == "not-found"
    unknown = records["early"][0].replace(_payload(records["early"][0])["s"], "00000000-0000-4000-8000-000000000000")
    assert hub.certificates.verify(unknown).status == "unknown-issuer"
    for record in (records["early"][0], records["stolen"][0], unknown, "x"):
        result = hub.certificates.verify(record)
        assert result.status in {"genuine", "revoked", "not-genuine", "unknown-issuer", "not-found", "malformed"}
        assert result.text() and "{" not in result.text()
