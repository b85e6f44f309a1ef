"""Revs within reason (issue 12, case 4): a rev far ahead of the receiver's clock, or malformed, is refused
record by record; the receiver's clock never jumps; a PC whose clock is far wrong is told so."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from kbang_desktop.core import entities as E
from kbang_desktop.core.hlc import MAX_AHEAD_MS, Rev, author_site
from kbang_desktop.services import clock as clock_check
from kbang_desktop.storage.repo import Repository
from tests.sync.dump import dump
from tests.sync.net import Net

FAR = "99999999999999999"  # 13 digits of milliseconds (the year 2286) and counter 9999


@pytest.fixture
def net(tmp_path):
    network = Net(tmp_path)
    network.hub()
    network.commune("a", "Kông Bơ La")
    yield network
    network.close()


def _forge_rev(services, person_id: str, rev: str) -> None:
    """What a dishonest commune can do with its own database: write any rev into a record it owns."""
    with services.ctx.db.session() as session:
        session.execute(text("UPDATE person SET rev = :rev WHERE id = :id"), {"rev": rev, "id": person_id})


def test_a_far_future_or_malformed_rev_is_refused_record_by_record_and_the_hub_clock_stays(net):
    a, hub = net.sites["a"], net.sites["hub"]
    site_a, _office = a.ctx.require_identity()
    honest = a.persons.add("Đinh Thị Hnơ", "F", "1992", "Ba Na", "Kông Bơ La", "Làng Lợk")
    future = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    short = a.persons.add("Đinh Văn Blơ", "M", "1991", "Ba Na", "Kông Bơ La", "Làng Lợk")
    _forge_rev(a, future.id, FAR + site_a)
    _forge_rev(a, short.id, f"{str(int(time.time() * 1000))[:12]}0000{site_a}")  # a digit short
    bundle = net.send("a", "hub")
    hub_clock_before = hub.ctx.clock().last
    plan = net.receive("hub", bundle, dry_run=True)
    refused = {r["id"]: r["reason"] for r in plan.refused}
    assert set(refused) == {future.id, short.id} and plan.counts["refused"] == 2
    assert "hơn một ngày" in refused[future.id] and "sai dạng" in refused[short.id]
    result = net.receive("hub", bundle)
    assert result.status == "applied" and result.counts == plan.counts and result.refused == plan.refused
    with hub.ctx.read() as repo:
        assert repo.get(E.Person, honest.id) is not None
        assert repo.get(E.Person, future.id) is None and repo.get(E.Person, short.id) is None
        max_rev = repo.session.execute(text("SELECT max(rev) FROM change_log WHERE rev != '-'")).scalar_one()
    assert not max_rev.startswith("9999")
    # the hub's next revs: 13 digits of milliseconds, its own site, above what it had, not in the far future
    hub_site, _hub_office = hub.ctx.require_identity()
    hub.ctx._clock = None  # read the clock back from the database, as the next start does
    rev = hub.ctx.clock().now()
    assert author_site(rev) == hub_site and rev > hub_clock_before
    assert Rev.parse(rev).millis <= time.time() * 1000 + MAX_AHEAD_MS
    # the honest commune's next bundle imports, and the hub's bundle back is accepted
    a.persons.update(honest.id, note="Chuyển đến làng B")
    again = net.exchange("a", "hub")
    assert again.status == "applied" and again.counts["updated"] == 1
    assert net.exchange("hub", "a").status == "applied"


def test_a_rev_within_a_day_ahead_is_taken_and_the_hub_stays_in_order(net):
    a, hub = net.sites["a"], net.sites["hub"]
    site_a, _office = a.ctx.require_identity()
    person = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    ahead = str(Rev(int(time.time() * 1000) + 3 * 3600 * 1000, 0, site_a))  # a PC three hours fast
    _forge_rev(a, person.id, ahead)
    assert net.exchange("a", "hub").counts["new"] >= 1
    assert hub.ctx.clock().now() > ahead  # later hub edits still sort after it


def test_a_bundle_from_a_pc_with_a_clock_far_ahead_says_so_in_the_plan(net):
    a = net.sites["a"]
    site_a, _office = a.ctx.require_identity()
    person = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    _forge_rev(a, person.id, str(Rev(int(time.time() * 1000) + 40 * 86_400_000, 0, site_a)))
    plan = net.receive("hub", net.send("a", "hub"), dry_run=True)
    assert [r["id"] for r in plan.refused] == [person.id]
    assert any("đồng hồ" in w for w in plan.warnings)


def _set_local(services, key: str, value: str) -> None:
    with services.ctx.db.session() as session:
        Repository(session).set_local(key, value)


def test_a_pc_whose_clock_is_far_behind_what_it_already_holds_is_told(net):
    a = net.sites["a"]
    assert clock_check.clock_warning(a.ctx) is None
    now = time.time()
    # this PC made or received changes 3 days later than its clock says now: the clock was put back
    _set_local(a, "hlc_last", str(Rev(int((now + 3 * 86400) * 1000), 0, a.ctx.require_identity()[0])))
    a.ctx._clock = None
    warning = clock_check.clock_warning(a.ctx)
    assert warning is not None and "đồng hồ" in warning.translated()


def test_a_pc_whose_clock_is_before_the_program_was_made_is_told(net):
    a = net.sites["a"]
    assert clock_check.clock_warning(a.ctx, wall=lambda: clock_check.EARLIEST.timestamp() - 86400) is not None
    assert clock_check.clock_warning(a.ctx, wall=time.time) is None


def test_the_command_line_warns_at_start_when_the_clock_is_far_wrong(tmp_path, capsys, monkeypatch):
    from kbang_desktop.cli.main import main

    db = str(tmp_path / "c.db")
    assert main(["init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Krong",
                 "--unit", "krong"]) == 0
    capsys.readouterr()
    assert main(["persons", "list", "--db", db]) == 0
    assert "đồng hồ" not in capsys.readouterr().err
    monkeypatch.setattr(clock_check, "_wall", lambda: clock_check.EARLIEST.timestamp() - 30 * 86400)
    assert main(["persons", "list", "--db", db]) == 0
    err = capsys.readouterr().err
    assert "đồng hồ" in err and "Traceback" not in err


def test_an_untouched_hub_dump_stays_the_same_after_refused_records(net):
    a, hub = net.sites["a"], net.sites["hub"]
    site_a, _office = a.ctx.require_identity()
    a.persons.add("Đinh Thị Hnơ", "F", "1992", "Ba Na", "Kông Bơ La", "Làng Lợk")  # the village is known at the hub
    assert net.exchange("a", "hub").status == "applied"
    person = a.persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk")
    _forge_rev(a, person.id, FAR + site_a)
    before = {k: v for k, v in dump(hub).items() if k not in ("audit_event", "bundle_ledger", "site_receipt",
                                                               "local_state", "peer", "peer_site", "change_log")}
    assert net.exchange("a", "hub").counts["refused"] == 1
    after = {k: v for k, v in dump(hub).items() if k in before}
    assert after == before


def test_a_join_request_carrying_a_far_future_rev_is_refused(tmp_path):
    """The commune signs its own join request: it may put any rev in it, but the hub does not take it."""
    import json

    from kbang_desktop.core.errors import KbangError
    from kbang_desktop.sync import join

    net = Net(tmp_path)
    try:
        hub = net.hub()
        commune = net.sites["c"] = __import__("tests.sync.net", fromlist=["_open"])._open(tmp_path / "c.db", "c")
        commune.offices.initialise("commune", "UBND xã Đak Rong", "Đak Rong")
        request = join.join_request(commune, tmp_path / "usb")
        body = json.loads(request.read_text())
        body.pop("signature")
        body["office"]["rev"] = FAR + body["office"]["rev"][17:]
        request.write_bytes(join._signed(body, join.site_keys(commune)))
        before = hub.ctx.clock().last
        with pytest.raises(KbangError):
            join.register(hub, request, tmp_path / "usb")
        with hub.ctx.read() as repo:
            assert repo.get(E.Office, body["office"]["id"]) is None
            assert repo.local("hlc_last") <= hub.ctx.clock().now()
        assert hub.ctx.clock().last >= before and not hub.ctx.clock().last.startswith("9999")
    finally:
        net.close()
