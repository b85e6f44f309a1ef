"""Units beyond Kbang (issue 14): the hub adds a commune of the province and its villages; they travel to
the communes in the hub's bundles, a new PC is set up for such a commune from the hub's units file, and a
commune that sends such records itself (its own valid key, its own program) is refused."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.sync import join
from tests.conftest import TEST_PASSWORD, TEST_USER
from tests.sync.net import Net, _open, dishonest
from tests.sync.test_write_policy import digest, forge


@pytest.fixture()
def net(tmp_path):
    net = Net(tmp_path)
    hub = net.hub()
    hub.units.add_commune("Ia Grai", date(2025, 7, 1))
    hub.units.add_village("Ia Grai", "Làng Bàng")
    net.commune("a", "Kông Bơ La")
    yield net
    net.close()


def _units(services, kind: str | None = None) -> dict[str, E.AdminUnit]:
    return {u.name: u for u in services.units.list(kind=kind)}


def test_the_hubs_new_commune_and_its_villages_travel_to_a_commune(net):
    hub, a = net.sites["hub"], net.sites["a"]
    assert "Ia Grai" not in _units(a)
    result = net.exchange("hub", "a")
    assert result.status == "applied" and result.counts["refused"] == 0, result.refused
    held = _units(a)
    assert held["Ia Grai"].kind == "commune" and held["Ia Grai"].valid_from == date(2025, 7, 1)
    assert held["Làng Bàng"].parent_id == held["Ia Grai"].id
    assert held["Ia Grai"].id == _units(hub)["Ia Grai"].id  # the same record, not a copy
    assert a.units.find_commune("ia grai").id == held["Ia Grai"].id  # found without diacritics
    # a later change at the hub (a merger into a new commune) travels too, predecessor closed
    hub.units.add_commune("Ia Grai Mới", date(2026, 1, 1), predecessors=["Ia Grai"])
    assert net.exchange("hub", "a").counts["refused"] == 0
    held = _units(a)
    assert held["Ia Grai"].valid_to == date(2025, 12, 31)
    assert [s.successor_id for s in a.units.successions() if s.predecessor_id == held["Ia Grai"].id] == [
        held["Ia Grai Mới"].id]
    # the commune adds its own village to a commune of its own; the hub takes it
    a.units.add_village("Kông Bơ La", "Làng Mới")
    assert net.exchange("a", "hub").counts["refused"] == 0
    assert "Làng Mới" in _units(hub, "village")


def test_a_new_pc_is_set_up_for_the_hubs_commune_from_its_units_file_then_joins(net):
    hub = net.sites["hub"]
    file, count = join.units_file(hub, net.root / "usb" / "danh-muc.kbu")
    assert count == 2  # the commune and its village
    units = join.read_units_file(file)
    assert units.communes(date(2026, 11, 27)) == ["Ia Grai"]
    services = _open(net.root / "c" / "kbang.db", "c")
    result = services.offices.initialise("commune", "UBND xã Ia Grai", "ia grai", TEST_USER, TEST_PASSWORD, units)
    assert result.reference_counts["hub_units"] == 2
    assert result.office.unit_id == _units(hub)["Ia Grai"].id
    net.sites["c"] = services
    net.join("c")
    back = net.exchange("hub", "c")
    assert back.status == "applied" and back.counts["refused"] == 0, back.refused
    assert back.per_type["admin_unit"]["new"] == 0  # it held them already, at the same revs
    assert net.exchange("c", "hub").counts["refused"] == 0


def test_a_units_file_from_another_hub_is_not_trusted_and_a_changed_one_is_refused(net, tmp_path):
    hub = net.sites["hub"]
    other = Net(tmp_path / "elsewhere").hub()
    other.units.add_commune("Ia Grai", date(2025, 7, 1))
    foreign, _count = join.units_file(other, tmp_path / "foreign.kbu")
    services = _open(net.root / "c" / "kbang.db", "c")
    services.offices.initialise("commune", "UBND xã Ia Grai", "Ia Grai", TEST_USER, TEST_PASSWORD,
                                join.read_units_file(foreign))
    net.sites["c"] = services
    with pytest.raises(KbangError) as unknown:  # the hub does not know that commune: nothing registered
        net.join("c")
    assert "tệp danh mục đơn vị" in str(unknown.value)
    assert net.office_of("c") not in {o.id for o in _offices(hub)}
    # the hub's own records, signed by another hub's key: set up, but the real hub is not trusted after it
    body = {k: v for k, v in json.loads(foreign.read_text(encoding="utf-8")).items() if k != "signature"}
    real = json.loads(join.units_file(hub, tmp_path / "real.kbu")[0].read_text(encoding="utf-8"))
    body["hub_office"], body["records"] = real["hub_office"], real["records"]
    body["hub_sites"] = [{**site, "office_id": real["hub_office"]["id"]} for site in body["hub_sites"]]
    copied = tmp_path / "copied.kbu"
    copied.write_bytes(join._signed(body, join.site_keys(other)))
    services = _open(net.root / "d" / "kbang.db", "d")
    services.offices.initialise("commune", "UBND xã Ia Grai", "Ia Grai", TEST_USER, TEST_PASSWORD,
                                join.read_units_file(copied))
    net.sites["d"] = services
    with pytest.raises(KbangError) as refused:
        net.join("d")
    assert "không do đơn vị đầu mối này ký" in str(refused.value)
    assert services.offices.this_office().hub_office_id is None
    other.ctx.db.close()
    data = json.loads(foreign.read_text(encoding="utf-8"))
    data["records"][0]["name"] = "Xã Khác"
    foreign.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(KbangError) as changed:
        join.read_units_file(foreign)
    assert "bị sửa" in str(changed.value)


def _offices(services) -> list[E.Office]:
    with services.ctx.read() as repo:
        return repo.list(E.Office)


def test_a_commune_may_not_add_a_commune_nor_change_the_hubs_units(net):
    a, hub = net.sites["a"], net.sites["hub"]
    assert net.exchange("hub", "a").status == "applied"
    with pytest.raises(KbangError) as refused:  # the honest program says so at once
        a.units.add_commune("Ia Mơr", date(2025, 7, 1))
    assert "Chỉ đơn vị đầu mối" in str(refused.value)
    held = _units(a)
    with dishonest(), a.ctx.write("tamper") as repo:
        made = repo.add(E.AdminUnit, id=str(uuid.uuid4()), key=None, kind="commune", name="Ia Mơr",
                        name_folded="ia mor", parent_id=held["Gia Lai"].id if "Gia Lai" in held else None, code=None,
                        valid_from=date(2025, 7, 1), valid_to=None, note="", is_demo=False)
        succession = repo.add(E.AdminSuccession, id=str(uuid.uuid4()), predecessor_id=held["Ia Grai"].id,
                              successor_id=made.id, effective=date(2025, 7, 1), share="whole", note="")
        repo.update(E.AdminUnit, held["Ia Grai"].id, name="Ia Grai (đã đổi)", valid_to=date(2025, 7, 1))
        repo.update(E.AdminUnit, held["Làng Bàng"].id, name="Làng Đổi")
    before = digest(hub)
    items = [("admin_unit", made.id), ("admin_succession", succession.id), ("admin_unit", held["Ia Grai"].id),
             ("admin_unit", held["Làng Bàng"].id)]
    # as its own records, and as the hub's (a record changes owner nowhere)
    for change in (None, {(t, i): {"owner_office_id": net.office_of("hub")} for t, i in items}):
        result = net.receive("hub", forge(net, "a", "hub", items, change))
        assert result.status == "applied", result.reason
        assert result.counts["refused"] == len(items), (result.counts, result.refused)
        assert all(len(r["reason"]) > 20 for r in result.refused)
        assert digest(hub) == before
    assert _units(hub)["Ia Grai"].valid_to is None and "Ia Mơr" not in _units(hub)
