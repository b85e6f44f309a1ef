"""The dishonest commune (issue 12, cases 1, 2, 3 and 6), played with only what a commune holds.

The attacker has its own database, its own valid site key and the program (which it may change:
`dishonest()` writes without the local write policy, `forge()` signs what it likes with its key).
Each attack is refused record by record with its reason in the plan, the hub's records are
unchanged (a hashed logical dump), and an honest commune's next bundle still imports.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from kbang_desktop import __version__
from kbang_desktop.core import entities as E
from kbang_desktop.core import write_policy as P
from kbang_desktop.core.errors import KbangError
from kbang_desktop.services.registry import Services
from kbang_desktop.storage import changelog
from kbang_desktop.storage import keys as K
from kbang_desktop.storage.db import head_revision
from kbang_desktop.storage.models import Conflict, CriteriaSet, Office, Person, Site, SiteReceipt
from kbang_desktop.storage.states import record_state
from kbang_desktop.sync import bundle as B
from kbang_desktop.sync import conflicts, join
from tests.sync.dump import records
from tests.sync.net import Net, dishonest, members


def digest(services: Services) -> str:
    """A hashed logical dump of every record and every conflict the office holds."""
    held = records(services)
    with services.ctx.db.read() as session:
        kept = sorted((c.record_id, c.winner_rev, c.loser_rev, c.status) for c in session.execute(select(Conflict))
                      .scalars())
    return hashlib.sha256(repr((sorted((t, sorted(rows.items())) for t, rows in held.items()), kept))
                          .encode()).hexdigest()


def forge(net: Net, sender: str, receiver: str, items: list[tuple[str, str]],
          change: dict[tuple[str, str], dict] | None = None) -> Path:
    """A bundle made and signed by `sender` with its own key, carrying the records it names as it holds them.

    What the program's export does, without its selection: any record, any field (`change`), sealed
    for the receiver's PCs and signed by the sender's valid site key.
    """
    services = net.sites[sender]
    site_id, office_id = services.ctx.require_identity()
    keys = K.load(K.key_file(services.ctx.db.path, site_id))  # its own valid key, whatever its records say
    to_office = net.office_of(receiver)
    with services.ctx.read() as repo:
        session = repo.session
        seq = changelog.last_seq(session)
        lines = []
        for index, (table, record_id) in enumerate(items):
            state = record_state(session, table, record_id)
            state.update((change or {}).get((table, record_id), {}))
            history = changelog.histories(session, table, [record_id], ancestry=True).get(record_id, [state["rev"]])
            lines.append({"seq": seq + 1 + index, "history": history, "state": state})
        sites = [s for s in repo.list(E.Site, office_id=to_office) if s.encryption_key and s.revoked_at is None]
        receipts = dict(session.execute(select(SiteReceipt.site_id, SiteReceipt.highest_seq)
                                        .where(SiteReceipt.office_id == to_office)).all())
    manifest = {"bundle_id": B.new_bundle_id(), "created_at": "2026-12-03T08:00:00.000Z", "app_version": __version__,
                "schema_revision": head_revision(), "sender_office_id": office_id, "sender_site_id": site_id,
                "recipient_office_id": to_office, "seq_from": seq + 1, "seq_to": seq + len(lines),
                "receipts": receipts, "restored_at": None}
    net.counter += 1
    out = net.root / "usb" / f"forged{net.counter}"
    out.mkdir(parents=True)
    recipients = [B.Recipient(s.id, s.encryption_key or "") for s in sites]
    return B.write_bundle(out, f"forged-{uuid.uuid4().hex[:8]}.kbb", manifest, iter(lines), recipients, keys).path


@pytest.fixture()
def net(tmp_path):
    net = Net(tmp_path)
    net.hub()
    net.commune("a", "Kông Bơ La")  # the dishonest one
    net.commune("b", "Đak Rong")  # the honest one
    net.sites["b"].persons.add("Rơ Châm Thị Blơr", "F", "1990", "Jrai", "Đak Rong", "Làng B")
    for sender, receiver in (("a", "hub"), ("b", "hub"), ("hub", "a"), ("hub", "b")):
        assert net.exchange(sender, receiver).status == "applied"
    yield net
    net.close()


def _honest_exchange_still_works(net: Net) -> None:
    b = net.sites["b"]
    b.persons.add("Ksor Văn Hyang", "M", "1985", "Jrai", "Đak Rong", "Làng B")
    result = net.exchange("b", "hub")
    assert result.status == "applied" and result.counts["new"] >= 1 and result.counts["refused"] == 0, result.refused
    back = net.exchange("hub", "b")  # sealed for b's own keys, not the attacker's
    assert back.status == "applied" and back.counts["refused"] == 0, back.refused


def test_a_commune_cannot_make_itself_a_hub(net):
    a, hub = net.sites["a"], net.sites["hub"]
    office = net.office_of("a")
    with pytest.raises(KbangError):  # the honest program refuses it at once
        with a.ctx.write("tamper") as repo:
            repo.update(E.Office, office, kind="hub")
    with dishonest(), a.ctx.write("tamper") as repo:
        repo.update(E.Office, office, kind="hub", hub_office_id=None)
    before = digest(hub)
    preview = net.receive("hub", forge(net, "a", "hub", [("office", office)]), dry_run=True)
    assert preview.status == "dry-run" and preview.counts["refused"] == 1  # shown in the plan
    result = net.receive("hub", forge(net, "a", "hub", [("office", office)]))
    assert result.status == "applied" and result.counts["refused"] == 1 and result.counts["updated"] == 0
    assert result.refused[0]["type"] == "office" and "đơn vị đầu mối" in result.refused[0]["reason"]
    assert digest(hub) == before
    with hub.ctx.read() as repo:
        assert repo.require(E.Office, office).kind == "commune"
    _honest_exchange_still_works(net)


def test_then_it_cannot_rename_the_criteria_set_or_take_another_communes_keys(net):
    a, hub = net.sites["a"], net.sites["hub"]
    office_a, office_b = net.office_of("a"), net.office_of("b")
    attacker = K.load(K.key_file(a.ctx.db.path, a.ctx.require_identity()[0]))
    with a.ctx.read() as repo:
        criteria = repo.session.execute(select(CriteriaSet.id).limit(1)).scalar_one()
        b_site = next(s.id for s in repo.list(E.Site, office_id=office_b))
        a_site = a.ctx.require_identity()[0]
        unit_b = repo.require(E.Office, office_b).unit_id
    with dishonest(), a.ctx.write("tamper") as repo:
        repo.update(E.Office, office_a, kind="hub")
        repo.update(E.CriteriaSet, criteria, name="Bộ tiêu chí đã bị đổi")
        repo.update(E.Site, b_site, signing_key=attacker.signing_public, encryption_key=attacker.encryption_public)
        repo.update(E.Site, a_site, signing_key=K.generate("x").signing_public)  # its own key, swapped
        own_set = repo.add(E.CriteriaSet, id=str(uuid.uuid4()), model_kind="household", name="Bộ của xã",
                           legal_source="", effective_from=date(2020, 1, 1), effective_to=None, version=9,
                           is_template=False, definition="{}")
        fake_office = repo.add(E.Office, id=str(uuid.uuid4()), kind="hub", name="Sở giả", unit_id=None,
                               hub_office_id=None)
        designation = repo.add(E.UnitDesignation, id=str(uuid.uuid4()), unit_id=unit_b, flag="especially_difficult",
                               valid_from=date(2020, 1, 1), valid_to=None, legal_basis="")
        province = repo.add(E.AdminUnit, id=str(uuid.uuid4()), key=None, kind="commune", name="Xã Giả",
                            name_folded="xa gia", parent_id=None, code=None, valid_from=date(2020, 1, 1),
                            valid_to=None, note="", is_demo=False)
    before = digest(hub)
    items = [("office", office_a), ("office", fake_office.id), ("site", b_site), ("site", a_site),
             ("admin_unit", province.id), ("unit_designation", designation.id), ("criteria_set", criteria),
             ("criteria_set", own_set.id)]
    # the same records again, claimed as the attacker's own: a record changes owner nowhere
    taken = {("criteria_set", criteria): {"owner_office_id": office_a}, ("site", b_site): {"owner_office_id": office_a}}
    for change in (None, taken):
        result = net.receive("hub", forge(net, "a", "hub", items, change))
        assert result.status == "applied", result.reason
        assert result.counts["refused"] == len(items), (result.counts, result.refused)
        assert {r["type"] for r in result.refused} == {t for t, _ in items}
        assert all(len(r["reason"]) > 20 for r in result.refused)
        assert digest(hub) == before
    with hub.ctx.read() as repo:
        assert repo.require(E.Site, b_site).signing_key != attacker.signing_public
        assert repo.require(E.CriteriaSet, criteria).name != "Bộ tiêu chí đã bị đổi"
    _honest_exchange_still_works(net)


def test_a_commune_takes_bundles_only_from_its_hub(net):
    b = net.sites["b"]
    before = digest(b)
    with net.sites["a"].ctx.read() as repo:
        person = repo.session.execute(select(Person.id)).scalars().first()
    if person is None:
        person = net.sites["a"].persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng A").id
    result = net.receive("b", forge(net, "a", "b", [("person", person)]))
    assert result.status == "rejected" and result.check == "not-from-hub"
    assert digest(b) == before


def test_the_hub_does_not_edit_a_communes_record_and_says_whose_it_is(net):
    a, hub = net.sites["a"], net.sites["hub"]
    person = net.sites["b"].persons.search("blor")[0]
    with pytest.raises(KbangError) as refused:
        hub.persons.update(person.id, note="sửa ở đơn vị đầu mối")
    assert str(refused.value) == "Bản ghi này thuộc xã Đak Rong; chỉ xã Đak Rong sửa được."
    for call in (lambda: hub.persons.set_life_status(person.id, "moved", date(2026, 1, 1)),
                 lambda: hub.persons.remove(person.id)):
        with pytest.raises(KbangError, match="xã Đak Rong"):
            call()
    assert hub.persons.editable(person.id) == "Bản ghi này thuộc xã Đak Rong; chỉ xã Đak Rong sửa được."
    assert net.sites["b"].persons.editable(person.id) == ""
    # a hub's PC that edits one anyway (its own program changed): refused at the commune, record by record
    learner = a.persons.add("Đinh Thị Blơr", "F", "2000", "Ba Na", "Kông Bơ La", "Làng A")
    assert net.exchange("a", "hub").status == "applied"
    with dishonest():
        hub.persons.update(learner.id, note="sửa ở đơn vị đầu mối")
    before = digest(a)
    result = net.exchange("hub", "a")
    assert result.status == "applied" and result.counts["refused"] == 1
    assert result.refused[0]["reason"] == "Bản ghi này thuộc xã Kông Bơ La; chỉ xã Kông Bơ La sửa được."
    assert digest(a) == before


def test_a_conflict_at_the_hub_closes_when_the_owner_resolves_it(net):
    a1 = net.sites["a"]
    person = a1.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng A")
    assert net.exchange("a", "hub").status == "applied"
    a2 = net.second_pc("a2", of="a")
    assert net.exchange("hub", "a2").status == "applied"
    net.sites["a"].persons.update(person.id, note="Chuyển đi")
    a2.persons.update(person.id, note="Đi làm ăn xa")
    assert net.exchange("a", "hub").status == "applied"
    assert net.exchange("a2", "hub").counts["conflicts"] == 1
    hub = net.sites["hub"]
    with pytest.raises(KbangError):  # only the owner resolves
        conflicts.resolve(hub, conflicts.list_conflicts(hub)[0].id, "local")
    assert net.exchange("hub", "a").counts["conflicts"] == 1
    at_a = conflicts.list_conflicts(net.sites["a"])
    conflicts.resolve(net.sites["a"], at_a[0].id, "local")  # keeps the version it holds: still an edit
    result = net.exchange("a", "hub")
    assert result.status == "applied" and result.counts["updated"] == 1
    assert conflicts.list_conflicts(hub) == []
    closed = conflicts.list_conflicts(hub, status="resolved")
    assert len(closed) == 1 and closed[0].resolution["by_owner"] == net.office_of("a")
    assert net.exchange("hub", "a2").status == "applied"
    assert a2.persons.get(person.id).rev == net.sites["a"].persons.get(person.id).rev == hub.persons.get(person.id).rev


def test_search_text_is_worked_out_by_the_receiver_never_taken_from_the_bundle(net):
    a, hub = net.sites["a"], net.sites["hub"]
    person = a.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng A")
    assert net.exchange("a", "hub").status == "applied"
    plain = net.send("a", "hub", encrypt=False)
    payload = gzip.decompress(members(plain)["payload"])
    assert b"sort_key" not in payload  # the sort key never travels (the search text does, for older releases)
    a.persons.update(person.id, note="Về lại làng")
    # a state that carries a search text anyway (a changed program, an older release) is not believed
    forged = forge(net, "a", "hub", [("person", person.id)], {("person", person.id): {"name_folded": "khong ai"}})
    result = net.receive("hub", forged)
    assert result.status == "applied" and result.counts["updated"] == 1, result.refused
    assert [p.id for p in hub.persons.search("dinh van hmuk")] == [person.id]
    assert hub.persons.search("khong ai") == []
    with hub.ctx.read() as repo:
        assert repo.require(E.Person, person.id).name_folded == "dinh van hmuk"


def test_the_write_policy_is_one_table_and_power_fields_are_the_hubs(net):
    assert P.rule("criteria_set").commune == P.NOTHING and P.rule("person").hub == P.OWN
    assert {"kind", "hub_office_id"} <= set(P.rule("office").power)
    assert {"signing_key", "encryption_key", "revoked_at"} <= set(P.rule("site").power)
    a = net.sites["a"]
    shipped = a.criteria.list("household")[0]
    with pytest.raises(KbangError, match="đơn vị đầu mối"):
        a.criteria.add("household", "Bộ của xã", json.loads(shipped.definition), date(2026, 1, 1))
    with pytest.raises(KbangError, match="danh mục dùng chung"):
        a.criteria.update_definition(shipped.id, json.loads(shipped.definition), is_template=False)
    with pytest.raises(KbangError, match="đơn vị đầu mối"):
        a.units.designate("Kông Bơ La", "especially-difficult", date(2026, 1, 1))
    with a.ctx.db.read() as session:
        assert session.execute(select(Office.kind).where(Office.id == net.office_of("a"))).scalar() == "commune"
        assert session.execute(select(Site)).scalars().first() is not None
    # the hub revokes a commune's key: a field only it sets, on a record the commune owns
    site_a = a.ctx.require_identity()[0]
    assert join.revoke(net.sites["hub"], site_a, "Máy bị mất").revoked_at is not None
