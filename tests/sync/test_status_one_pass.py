"""Sync status in one pass over the change log (issue 12): the same figures as counting peer by peer."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from kbang_desktop.sync import exchange
from kbang_desktop.sync.export import selection, unacknowledged
from kbang_desktop.sync.status import status
from tests.sync.net import Net


def _one_by_one(services) -> dict[str, int]:
    """What each peer has not acknowledged, asked peer by peer and table by table (the old way)."""
    from kbang_desktop.storage.changelog import last_seq

    _site, office = services.ctx.require_identity()
    found = {}
    with services.ctx.read() as repo:
        for peer in status(services):
            chosen = selection(repo.session, office, peer.office_id)
            found[peer.office_id] = unacknowledged(repo.session, chosen, last_seq(repo.session))
    return found


@pytest.fixture
def net(tmp_path):
    network = Net(tmp_path)
    network.hub()
    for name, unit in (("a", "Kông Bơ La"), ("b", "Đak Rong"), ("c", "Krong")):
        network.commune(name, unit)
    yield network
    network.close()


def test_status_counts_what_peer_by_peer_counting_counts_at_every_step(net):
    hub = net.sites["hub"]
    steps = [
        lambda: net.sites["a"].persons.add("Đinh Văn Hmưk", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk"),
        lambda: net.exchange("a", "hub"),
        lambda: net.sites["b"].persons.add("Đinh Thị Hnơ", "F", "1992", "Ba Na", "Đak Rong", "Làng A"),
        lambda: net.exchange("b", "hub"),
        lambda: net.exchange("hub", "a"),  # a now holds the hub's records: its count at the hub falls
        lambda: net.exchange("a", "hub"),  # and acknowledges them
        lambda: net.sites["a"].persons.add("Đinh Văn Blơ", "M", "1991", "Ba Na", "Kông Bơ La", "Làng Lợk"),
        lambda: net.exchange("a", "hub"),
        lambda: net.second_pc("a2", of="a"),
        lambda: net.exchange("hub", "c"),
        lambda: net.exchange("c", "hub"),
    ]
    for step in steps:
        step()
        counted = {p.office_id: p.unacknowledged for p in status(hub)}
        assert counted == _one_by_one(hub)
        for commune in ("a", "b", "c"):
            services = net.sites[commune]
            assert {p.office_id: p.unacknowledged for p in status(services)} == _one_by_one(services)
    assert len(counted) == 3 and counted[net.office_of("c")] == 0 < counted[net.office_of("b")]  # c acknowledged all


def test_status_reads_the_change_log_once_whatever_the_number_of_peers(net):
    hub = net.sites["hub"]
    for name in ("a", "b", "c"):
        net.exchange(name, "hub")
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = hub.ctx.db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        peers = exchange.status(hub)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(peers) == 3
    grouped = [s for s in statements if "change_log" in s and "GROUP BY" in s.upper()]
    assert len(grouped) == 1, grouped
