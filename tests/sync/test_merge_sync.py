"""A merge and its unmerge travel in bundles and converge like any edit: two PCs of one commune and the hub.

The merge at one PC while the other PC edits a record the merge moves (the enrolment) at the same time:
the later whole record wins the conflict as for any edit, and the PC that owns the merge moves the
reference again after the import (MergeService.follow), so every office ends with the same records,
the merged person out of every list, and the unmerge undoing it everywhere."""

from __future__ import annotations

from datetime import date

import pytest

from kbang_desktop.core import entities as E
from tests.sync.dump import records
from tests.sync.net import Net

COMMUNE = "Kông Bơ La"


@pytest.fixture
def net(tmp_path, hub_target):
    network = Net(tmp_path)
    network.hub(target=hub_target)
    network.commune("a1", COMMUNE)
    a1 = network.sites["a1"]
    kept = a1.persons.add("Đinh Thị Blơr", "F", "2000", "Ba Na", COMMUNE, "Làng A")
    other = a1.persons.add("Đinh Thị Blơr", "F", "12/03/2000", "Ba Na", COMMUNE, "Làng A", allow_duplicate=True)
    centre = a1.centres.add(COMMUNE, "Trung tâm học tập cộng đồng xã Kông Bơ La", founded_on=date(2010, 1, 1))
    klass = a1.literacy.add_class(centre.id, "Lớp XMC GĐ1", 1, date(2025, 9, 5))
    enrolment = a1.literacy.enrol(klass.id, other.id, date(2025, 9, 5))
    household = a1.households.add(COMMUNE, "Làng A", "12", other.id)
    network.ids = {"kept": kept.id, "other": other.id, "enrolment": enrolment.id, "household": household.id}
    network.second_pc("a2", of="a1")
    settle(network)
    yield network
    network.close()


def settle(net: Net) -> None:
    for _ in range(2):
        for sender, receiver in (("a1", "hub"), ("a2", "hub"), ("hub", "a1"), ("hub", "a2")):
            result = net.exchange(sender, receiver)
            assert result.status == "applied" and result.counts["refused"] == 0, (result.reason, result.refused)


def held(services, entity, record_id):
    with services.ctx.read() as repo:
        return repo.get(entity, record_id, include_deleted=True)


def assert_converged(net: Net) -> None:
    everywhere = [records(net.sites[name]) for name in ("hub", "a1", "a2")]
    assert everywhere[0] == everywhere[1] == everywhere[2]


def test_merge_at_one_pc_and_unmerge_at_the_other_converge_through_the_hub(net):
    ids = net.ids
    assert [{p.first.id, p.second.id} for p in net.sites["hub"].merges.duplicates()] == [{ids["kept"], ids["other"]}]
    merge = net.sites["a1"].merges.merge(ids["kept"], ids["other"])
    settle(net)
    assert_converged(net)
    for name in ("hub", "a1", "a2"):
        services = net.sites[name]
        assert [r.id for r in services.persons.search("blor")] == [ids["kept"]], name
        assert held(services, E.Enrolment, ids["enrolment"]).person_id == ids["kept"], name
        assert held(services, E.Household, ids["household"]).head_person_id == ids["kept"], name
        assert [m.id for m in services.merges.merges()] == [merge.id], name
        assert services.merges.duplicates() == [], name  # a merged pair is no longer a likely duplicate
    net.sites["a2"].merges.unmerge(merge.id)  # undone at the other PC
    settle(net)
    assert_converged(net)
    for name in ("hub", "a1", "a2"):
        services = net.sites[name]
        assert {r.id for r in services.persons.search("blor")} == {ids["kept"], ids["other"]}, name
        assert held(services, E.Enrolment, ids["enrolment"]).person_id == ids["other"], name
        assert held(services, E.Household, ids["household"]).head_person_id == ids["other"], name
        assert services.merges.merges() == [], name


@pytest.mark.parametrize("edit_first", [True, False])
def test_a_concurrent_edit_of_a_moved_record_keeps_both_the_edit_and_the_move(net, edit_first):
    ids = net.ids
    if edit_first:  # the other PC's edit is the older one: the merge's version wins the conflict
        net.sites["a2"].literacy.drop(ids["enrolment"], date(2026, 3, 1), "Đi làm ăn xa")
        merge = net.sites["a1"].merges.merge(ids["kept"], ids["other"])
    else:  # the edit is the later one: it wins the conflict, and the merge's PC moves the reference again
        merge = net.sites["a1"].merges.merge(ids["kept"], ids["other"])
        net.sites["a2"].literacy.drop(ids["enrolment"], date(2026, 3, 1), "Đi làm ăn xa")
    # a2 also enrols the merged person in the meantime: a reference made elsewhere after the merge
    klass = held(net.sites["a2"], E.Enrolment, ids["enrolment"]).class_id
    late = net.sites["a2"].literacy.enrol(klass, ids["other"], date(2026, 3, 2))
    settle(net)
    assert_converged(net)
    for name in ("hub", "a1", "a2"):
        enrolment = held(net.sites[name], E.Enrolment, ids["enrolment"])
        assert enrolment.person_id == ids["kept"], (name, edit_first)
        if not edit_first:
            assert enrolment.status == "dropped", name  # the later edit stands, on the kept person
        assert held(net.sites[name], E.Enrolment, late.id).person_id == ids["kept"], name
        assert [r.id for r in net.sites[name].persons.search("blor")] == [ids["kept"]], name
    # the unmerge puts back what the merge moved, the late enrolment too
    net.sites["a1"].merges.unmerge(merge.id)
    settle(net)
    assert_converged(net)
    for name in ("hub", "a1", "a2"):
        assert held(net.sites[name], E.Enrolment, ids["enrolment"]).person_id == ids["other"], name
        assert held(net.sites[name], E.Enrolment, late.id).person_id == ids["other"], name


def test_the_same_pair_merged_each_way_round_at_two_pcs_keeps_one_merge(net):
    ids = net.ids
    net.sites["a1"].merges.merge(ids["kept"], ids["other"])
    net.sites["a2"].merges.merge(ids["other"], ids["kept"])  # at the same time, the other way round
    settle(net)
    settle(net)
    assert_converged(net)
    for name in ("hub", "a1", "a2"):
        services = net.sites[name]
        assert len(services.persons.search("blor")) == 1, name  # one of the two stays listed, the same everywhere
        assert len(services.merges.merges()) == 1, name
