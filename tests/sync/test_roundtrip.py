"""Commune -> hub -> commune: every kind of record, tombstones, receipts, replays, second PCs."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.services.demo import DemoService
from kbang_desktop.services.reference import REFERENCE_OFFICE_ID
from kbang_desktop.storage.models import SYNCABLE, EthnicGroup
from kbang_desktop.sync import conflicts, exchange, join
from tests.sync.dump import dump, records
from tests.sync.net import Net, dishonest, fill_commune


@pytest.fixture
def net(tmp_path, hub_target):
    network = Net(tmp_path)
    network.hub(target=hub_target)
    network.commune("a", "Kông Bơ La")
    yield network
    network.close()


def _own(services, office_id):
    """The records an office owns, by type."""
    return {t: {i: row for i, row in rows.items() if row_owner(t, row) == office_id}
            for t, rows in records(services).items()}


def row_owner(table, row):
    columns = [c.key for c in SYNCABLE[table].__table__.columns]
    return row[columns.index("owner_office_id")]


def test_every_kind_of_commune_record_and_tombstones_reach_the_hub(net):
    a, hub = net.sites["a"], net.sites["hub"]
    DemoService(a.ctx).generate(1, 60, seed=3)
    fill_commune(a)
    person = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    gone = a.persons.add("Rơ Châm Thị Blơng", "F", "1988", "Jrai", "Kông Bơ La", "Làng Lợk")
    a.persons.remove(gone.id)
    result = net.exchange("a", "hub")
    assert result.status == "applied", result.reason
    assert result.counts["refused"] == result.counts["conflicts"] == 0
    office = net.office_of("a")
    mine, there = _own(a, office), _own(hub, office)
    kinds = {t for t, rows in mine.items() if rows}
    assert {"person", "household", "clan", "clan_member", "organisation", "learning_centre", "centre_activity",
            "literacy_class", "enrolment", "term_result", "registration", "evaluation", "decision", "decision_entry",
            "centre_staff", "centre_ranking", "office", "site", "office_setting"} <= kinds
    assert mine == there  # every record, every column, identical
    with hub.ctx.read() as repo:
        assert repo.require(E.Person, person.id).full_name == "Đinh Văn Hmưk"
        assert repo.get(E.Person, gone.id) is None and repo.get(E.Person, gone.id, include_deleted=True).deleted
    assert hub.audit.verify().ok
    assert person.id in {r.id for r in hub.persons.search("hmuk")}  # the hub's search index took the new people


def test_replay_changes_nothing_and_says_so(net):
    net.sites["a"].persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    bundle = net.send("a", "hub")
    first = net.receive("hub", bundle)
    assert first.status == "applied"
    before = dump(net.sites["hub"])
    again = net.receive("hub", bundle)
    assert again.status == "already-imported" and again.counts == first.counts
    assert dump(net.sites["hub"]) == before


def test_dry_run_plans_without_writing(net):
    net.sites["a"].persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    bundle = net.send("a", "hub")
    before = dump(net.sites["hub"])
    plan = net.receive("hub", bundle, dry_run=True)
    assert plan.status == "dry-run" and plan.counts["new"] >= 3  # person, office, site at least
    assert dump(net.sites["hub"]) == before
    applied = net.receive("hub", bundle)
    assert applied.counts == plan.counts and applied.per_type == plan.per_type


def test_acknowledgements_come_back_and_stop_resending(net):
    a = net.sites["a"]
    a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Layer")
    [peer] = exchange.status(a)
    assert peer.unacknowledged >= 1 and peer.acked_seq == 0
    net.exchange("a", "hub")
    assert exchange.status(a)[0].unacknowledged >= 1  # sent, not yet acknowledged: still only here
    back = net.exchange("hub", "a")
    assert back.status == "applied"
    [peer] = exchange.status(a)
    assert peer.unacknowledged == 0 and peer.acked_seq > 0 and peer.gaps == ()
    assert exchange.export_bundle(a, net.office_of("hub"), net.root / "usb" / "empty").records == 0


def test_lost_bundle_is_carried_by_the_next(net):
    a = net.sites["a"]
    first = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    net.send("a", "hub")  # the stick is lost on the way
    second = a.persons.add("Đinh Thị Hnơ", "F", "1992", "Ba Na", "Kông Bơ La", "Làng Lợk")
    assert net.exchange("a", "hub").status == "applied"
    with net.sites["hub"].ctx.read() as repo:
        assert repo.get(E.Person, first.id) and repo.get(E.Person, second.id)


def test_hub_sends_reference_and_criteria_to_every_commune(net):
    hub = net.sites["hub"]
    net.commune("b", "Đak Rong")
    designation = hub.units.designate("Kông Bơ La", "especially-difficult", __import__("datetime").date(2026, 1, 1))
    for commune in ("a", "b"):
        result = net.exchange("hub", commune)
        assert result.status == "applied", result.reason
        with net.sites[commune].ctx.read() as repo:
            got = repo.require(E.UnitDesignation, designation.id)
            assert got.owner_office_id == designation.owner_office_id
    # b never receives a's records, a never b's
    net.sites["a"].persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    net.exchange("a", "hub")
    net.exchange("hub", "b")
    assert not net.sites["b"].persons.search("hmuk")


def test_unencrypted_bundle_imports_with_a_warning(net):
    net.sites["a"].persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    result = net.receive("hub", net.send("a", "hub", encrypt=False))
    assert result.status == "applied" and result.warnings


def test_bundle_for_another_office_is_refused(net):
    net.commune("b", "Đak Rong")
    bundle = net.send("hub", "b")
    before = dump(net.sites["a"])
    result = net.receive("a", bundle)
    assert result.status == "rejected" and result.check == "wrong-recipient"
    assert "đơn vị khác" in result.reason
    assert dump(net.sites["a"]) == before


def test_change_from_an_office_that_does_not_own_the_record_is_refused_and_listed(net):
    a = net.sites["a"]
    office = net.office_of("a")
    with pytest.raises(KbangError, match="danh mục dùng chung"):  # the program refuses it here already
        with a.ctx.write("tamper", sync_apply=False) as repo:
            row = repo.session.execute(select(EthnicGroup).limit(1)).scalar_one()
            row.name, row.owner_office_id = "Đã sửa", office
    with dishonest(), a.ctx.write("tamper", sync_apply=False) as repo:  # a commune takes a reference record
        row = repo.session.execute(select(EthnicGroup).limit(1)).scalar_one()
        row.name, row.owner_office_id = "Đã sửa", office
    result = net.exchange("a", "hub")
    assert result.status == "applied" and result.counts["refused"] == 1
    assert result.refused[0]["type"] == "ethnic_group" and result.refused[0]["reason"]
    with net.sites["hub"].ctx.read() as repo:
        assert repo.require(E.EthnicGroup, row.id).owner_office_id == REFERENCE_OFFICE_ID


def test_revoked_key_is_refused_at_the_hub_and_the_revocation_reaches_the_office(net):
    hub = net.sites["hub"]
    stolen = net.second_pc("a2", of="a")
    stolen_site, _office = stolen.ctx.require_identity()
    stolen.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    pending = net.send("a2", "hub")
    join.revoke(hub, stolen_site[:8], "Máy bị mất cắp")
    before = dump(hub)
    result = net.receive("hub", pending)
    assert result.status == "rejected" and result.check == "revoked-key" and "thu hồi" in result.reason
    assert dump(hub) == before
    bundle = net.send("hub", "a")
    import json
    import zipfile
    manifest = json.loads(zipfile.ZipFile(bundle).read("manifest.json"))
    assert [r["site_id"] for r in manifest["payload"]["encryption"]["recipients"]] == \
        [net.sites["a"].ctx.require_identity()[0]]  # nothing is encrypted for the stolen PC any more
    assert net.receive("a", bundle).status == "applied"
    with net.sites["a"].ctx.read() as repo:
        site = repo.require(E.Site, stolen_site)
        assert site.revoked_at is not None and site.revoke_reason == "Máy bị mất cắp"


def test_second_pc_of_a_commune_gets_the_other_pcs_records_through_the_hub(net):
    a = net.sites["a"]
    first = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    a2 = net.second_pc("a2", of="a")
    assert a2.ctx.require_identity()[0] != net.sites["a"].ctx.require_identity()[0]
    later = net.sites["a"].persons.add("Đinh Thị Hnơ", "F", "1992", "Ba Na", "Kông Bơ La", "Làng Lợk")
    assert net.exchange("a", "hub").status == "applied"
    assert net.exchange("hub", "a2").status == "applied"
    with a2.ctx.read() as repo:
        assert repo.get(E.Person, first.id) and repo.get(E.Person, later.id)


def test_concurrent_edits_converge_keep_the_loser_and_resolve_with_an_edit_that_travels(net):
    a = net.sites["a"]
    person = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    a2 = net.second_pc("a2", of="a")
    a = net.sites["a"]
    a.persons.update(person.id, note="Chuyển đến làng B")
    a2.persons.update(person.id, note="Đi làm ăn xa")
    for sender, receiver in (("a", "hub"), ("a2", "hub"), ("hub", "a"), ("hub", "a2")):
        assert net.exchange(sender, receiver).status == "applied"
    with a.ctx.read() as repo:
        note_a = repo.require(E.Person, person.id).note
    with a2.ctx.read() as repo:
        assert repo.require(E.Person, person.id).note == note_a == "Đi làm ăn xa"  # the later edit wins everywhere
    [open_conflict] = conflicts.list_conflicts(net.sites["hub"])
    assert open_conflict.differing == ("note",)
    assert {open_conflict.local["note"], open_conflict.incoming["note"]} == {"Chuyển đến làng B", "Đi làm ăn xa"}
    # at a, the losing version was a's own: a keeps it in a conflict and takes it back
    [at_a] = conflicts.list_conflicts(a)
    loser_side = "local" if at_a.kept == "incoming" else "incoming"
    resolved = conflicts.resolve(a, at_a.id[:8], {"note": loser_side})
    assert resolved.status == "resolved"
    with a.ctx.read() as repo:
        assert repo.require(E.Person, person.id).note == "Chuyển đến làng B"
    for sender, receiver in (("a", "hub"), ("hub", "a2")):
        assert net.exchange(sender, receiver).status == "applied"
    with a2.ctx.read() as repo:
        assert repo.require(E.Person, person.id).note == "Chuyển đến làng B"


def test_restored_backup_reusing_sequence_numbers_is_reported_by_name(net, tmp_path):
    import shutil

    a = net.sites["a"]
    a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    path = a.ctx.db.path
    a.ctx.db.close()
    shutil.copy(path, tmp_path / "backup.db")
    net.sites["a"] = __import__("tests.sync.net", fromlist=["_open"])._open(path, "a")
    for i in range(3):
        net.sites["a"].persons.add(f"Đinh Văn A{i}", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    assert net.exchange("a", "hub").status == "applied"
    # the PC is restored from the older backup and work goes on
    net.sites["a"].ctx.db.close()
    shutil.copy(tmp_path / "backup.db", path)
    net.sites["a"] = __import__("tests.sync.net", fromlist=["_open"])._open(path, "a")
    net.sites["a"].persons.add("Đinh Thị Khác", "F", "1991", "Ba Na", "Kông Bơ La", "Làng Lợk")
    before = dump(net.sites["hub"])
    result = net.exchange("a", "hub")
    assert result.status == "rejected" and result.check == "reused-sequence"
    assert "UBND xã Kông Bơ La" in result.reason and "new-site" in result.reason
    assert dump(net.sites["hub"]) == before
    # the documented way out: a new site identity; nothing is lost either way
    usb = net.root / "usb"
    join.new_site(net.sites["a"], usb / "again.kbj")
    join.trust(net.sites["a"], join.register(net.sites["hub"], usb / "again.kbj", usb).file)
    assert net.exchange("a", "hub").status == "applied"
    assert net.exchange("hub", "a").status == "applied"
    names = {p.full_name for p in net.sites["a"].persons.list()}
    assert {"Đinh Văn A0", "Đinh Văn A2", "Đinh Thị Khác", "Đinh Văn Hmưk"} <= names


def test_reused_bundle_id_with_other_content_is_refused(net):
    net.sites["a"].persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    assert net.exchange("a", "hub").status == "applied"
    with net.sites["hub"].ctx.db.session() as session:
        session.execute(update(__import__("kbang_desktop.storage.models", fromlist=["BundleLedger"]).BundleLedger)
                        .values(sha256="0" * 64))
    bundle = net.send("a", "hub")
    import zipfile
    manifest = zipfile.ZipFile(bundle).read("manifest.json")
    assert b"bundle_id" in manifest


def test_private_keys_are_never_in_a_bundle_or_a_backup(net):
    from kbang_desktop.storage import keys as K
    from tests.sync.net import key_path, members

    a = net.sites["a"]
    keys = K.load(key_path(a))
    secrets = [bytes(keys.signing), bytes(keys.encryption), K.b64(bytes(keys.signing)).encode(),
               K.b64(bytes(keys.encryption)).encode()]
    import gzip

    plain = net.send("a", "hub", encrypt=False)
    texts = [plain.read_bytes(), gzip.decompress(members(plain)["payload"]), net.send("a", "hub").read_bytes(),
             a.maintenance.backup().read_bytes(), a.ctx.db.path.read_bytes()]
    for text in texts:
        assert not any(secret in text for secret in secrets)


def test_hub_restored_from_an_old_backup_gets_everything_again(net, tmp_path):
    """The hub loses what it had acknowledged; the gap is shown, and the next exchanges fill it."""
    import shutil

    if net.sites["hub"].ctx.db.path is None:
        pytest.skip("a hub on PostgreSQL is restored with pg_restore, not by copying a file")
    a = net.sites["a"]
    first = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    hub_path = net.sites["hub"].ctx.db.path
    net.sites["hub"].ctx.db.close()
    shutil.copy(hub_path, tmp_path / "hub-before.db")
    from tests.sync.net import _open

    net.sites["hub"] = _open(hub_path, "hub")
    assert net.exchange("a", "hub").status == "applied"
    assert net.exchange("hub", "a").status == "applied"  # acknowledged: a will not send it again
    second = a.persons.add("Đinh Thị Hnơ", "F", "1992", "Ba Na", "Kông Bơ La", "Làng Lợk")
    net.sites["hub"].ctx.db.close()
    shutil.copy(tmp_path / "hub-before.db", hub_path)  # the hub's disk died; last week's backup
    net.sites["hub"] = _open(hub_path, "hub")
    result = net.exchange("a", "hub")  # carries only the second person, whose village the hub lost
    assert result.status == "rejected" and result.check == "gap" and "khôi phục" in result.reason
    assert net.exchange("hub", "a").status == "applied"  # the hub's receipt tells a what is missing
    assert exchange.status(a)[0].acked_seq < exchange.status(a)[0].last_sent_seq
    assert net.exchange("a", "hub").status == "applied"  # and a sends it again
    with net.sites["hub"].ctx.read() as repo:
        assert repo.get(E.Person, first.id) and repo.get(E.Person, second.id)
    [status] = [p for p in exchange.status(net.sites["hub"]) if p.office_id == net.office_of("a")]
    assert status.gaps == ()


def test_a_gap_is_shown_in_the_status_and_filled_by_the_next_exchanges(net, tmp_path):
    import shutil

    if net.sites["hub"].ctx.db.path is None:
        pytest.skip("a hub on PostgreSQL is restored with pg_restore, not by copying a file")
    a = net.sites["a"]
    hub_path = net.sites["hub"].ctx.db.path
    net.sites["hub"].ctx.db.close()
    shutil.copy(hub_path, tmp_path / "hub-before.db")
    from tests.sync.net import _open

    net.sites["hub"] = _open(hub_path, "hub")
    person = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    assert net.exchange("a", "hub").status == "applied"
    assert net.exchange("hub", "a").status == "applied"
    net.sites["hub"].ctx.db.close()
    shutil.copy(tmp_path / "hub-before.db", hub_path)
    net.sites["hub"] = _open(hub_path, "hub")
    a.offices.set_setting("birth_year_only_month", "6")  # needs nothing the hub lost
    assert net.exchange("a", "hub").status == "applied"
    [status] = [p for p in exchange.status(net.sites["hub"]) if p.office_id == net.office_of("a")]
    assert [g["kind"] for g in status.gaps] == ["missing-here"] and status.gaps[0]["from"] == 1
    assert net.exchange("hub", "a").status == "applied"
    assert net.exchange("a", "hub").status == "applied"
    [status] = [p for p in exchange.status(net.sites["hub"]) if p.office_id == net.office_of("a")]
    assert status.gaps == ()
    with net.sites["hub"].ctx.read() as repo:
        assert repo.get(E.Person, person.id)


def test_hub_restored_with_kbang_restore_then_editing_never_loses_its_changes(net, tmp_path):
    from datetime import date

    from kbang_desktop.storage import backup
    from tests.sync.net import _open

    hub = net.sites["hub"]
    if hub.ctx.db.path is None:
        pytest.skip("a hub on PostgreSQL is restored with pg_restore, not by copying a file")
    saved = hub.maintenance.backup()
    first = net.sites["a"].persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    hub.units.designate("Kông Bơ La", "especially-difficult", date(2026, 1, 1))
    assert net.exchange("hub", "a").status == "applied"
    assert net.exchange("a", "hub").status == "applied"  # a acknowledges the hub's changes
    path = hub.ctx.db.path
    hub.ctx.db.close()
    backup.restore(saved, path, tmp_path / "safety")  # the hub goes back to last week
    net.sites["hub"] = hub = _open(path, "hub")
    later = hub.units.designate("Đak Rong", "especially-difficult", date(2026, 3, 1))
    result = net.exchange("hub", "a")  # numbered far above anything a acknowledged: no confusion
    assert result.status == "applied", result.reason
    assert net.exchange("a", "hub").status == "applied"
    with net.sites["a"].ctx.read() as repo:
        assert repo.get(E.UnitDesignation, later.id)
    with hub.ctx.read() as repo:
        assert repo.get(E.Person, first.id)  # what a had sent before the restore came back to the hub


def test_commune_restored_with_kbang_restore_goes_on_without_a_new_key(net, tmp_path):
    from kbang_desktop.storage import backup
    from tests.sync.net import _open

    a = net.sites["a"]
    saved = a.maintenance.backup()
    lost = a.persons.add("Đinh Văn A0", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    assert net.exchange("a", "hub").status == "applied"
    assert net.exchange("hub", "a").status == "applied"
    path = a.ctx.db.path
    a.ctx.db.close()
    backup.restore(saved, path, tmp_path / "safety")
    net.sites["a"] = a = _open(path, "a")
    after = a.persons.add("Đinh Thị Sau", "F", "1991", "Ba Na", "Kông Bơ La", "Làng Lợk")
    result = net.exchange("a", "hub")
    assert result.status == "applied", result.reason
    assert net.exchange("hub", "a").status == "applied"
    with net.sites["hub"].ctx.read() as repo:
        assert repo.get(E.Person, after.id) and repo.get(E.Person, lost.id)
    with a.ctx.read() as repo:
        assert repo.get(E.Person, lost.id)  # the change lost with the restore came back from the hub


def test_the_search_text_a_sender_writes_carries_no_weight(net):
    """person.name_folded travels (earlier versions need it) but the receiver works it out again from
    the name: a commune that sends a false one (or an old version's) changes neither search nor order."""
    a, hub = net.sites["a"], net.sites["hub"]
    hbia = a.persons.add("Rơ Châm H'Bia", "F", "2001", "Jrai", "Kông Bơ La", "Làng Lợk")
    with a.ctx.db.engine.begin() as connection:  # a dishonest PC writes what it likes into its file
        connection.exec_driver_sql("UPDATE person SET name_folded = 'nguyen van an' WHERE id = ?", (hbia.id,))
    assert net.exchange("a", "hub").status == "applied"
    assert [r.id for r in hub.persons.search("hbia")] == [hbia.id]
    assert hub.persons.search("nguyen van an") == []
    with hub.ctx.read() as repo:
        assert repo.require(E.Person, hbia.id).name_folded == "ro cham h bia hbia"
