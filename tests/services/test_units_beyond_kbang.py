"""Units beyond Kbang (issue 14): the hub's administrator adds a commune of the province with its date and
predecessors, and its villages; bad input is one sentence and writes nothing."""

from datetime import date

import pytest

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError, NotFound
from kbang_desktop.services.context import Actor


def _count(services) -> tuple[int, int]:
    with services.ctx.read() as repo:
        return len(repo.list(E.AdminUnit, include_deleted=True)), len(repo.list(E.AdminSuccession))


def test_the_hub_adds_a_commune_of_the_province_found_without_diacritics(hub_services):
    unit = hub_services.units.add_commune("Ia Grai", date(2025, 7, 1))
    province = hub_services.units.get(unit.parent_id)
    assert (unit.kind, unit.valid_from, unit.valid_to, province.kind, province.valid_from) == (
        "commune", date(2025, 7, 1), None, "province", date(2025, 7, 1))  # the new Gia Lai of that day
    assert hub_services.units.find_commune("ia grai").id == unit.id
    assert hub_services.units.find_commune("Xã Ia Grai").id == unit.id
    ward = hub_services.units.add_commune("Pleiku", date(2025, 7, 1), kind="ward", parent="gia lai")
    assert ward.kind == "ward" and ward.parent_id == province.id
    village = hub_services.units.add_village("Ia Grai", "Làng Bàng", valid_from=date(2026, 1, 1))
    assert (village.parent_id, village.valid_from, village.valid_to) == (unit.id, date(2026, 1, 1), None)
    assert [v.name for v in hub_services.units.villages_of(unit.id)] == ["Làng Bàng"]


def test_predecessors_whole_end_the_day_before_and_a_part_goes_on(hub_services):
    first = hub_services.units.add_commune("Ia Grai", date(2025, 7, 1))
    second = hub_services.units.add_commune("Ia Tô", date(2025, 7, 1))
    merged = hub_services.units.add_commune("Ia Grai Mới", date(2027, 1, 1), predecessors=["ia grai"],
                                            part_of=["Ia To"])
    successions = {s.predecessor_id: s for s in hub_services.units.successions() if s.successor_id == merged.id}
    assert {k: (s.share, s.effective) for k, s in successions.items()} == {
        first.id: ("whole", date(2027, 1, 1)), second.id: ("part", date(2027, 1, 1))}
    assert hub_services.units.get(first.id).valid_to == date(2026, 12, 31)
    assert hub_services.units.get(second.id).valid_to is None
    with pytest.raises(NotFound) as gone:  # the old name, after the merger, says what it became
        hub_services.units.find_commune("Ia Grai", date(2027, 6, 1))
    assert "Ia Grai Mới" in str(gone.value)


@pytest.mark.parametrize(("name", "when", "kwargs", "words"), [
    ("", date(2025, 7, 1), {}, "Chưa nhập tên"),
    ("Kông Bơ La", date(2025, 7, 1), {}, "Đã có đơn vị"),  # the shipped commune of that day
    ("Ia Grai", date(2025, 7, 1), {"predecessors": ["Nowhere"]}, "Nowhere"),
    ("Ia Grai", date(2025, 7, 1), {"parent": "Bình Định"}, "Bình Định"),
    ("Ia Grai", date(1980, 1, 1), {}, "Không rõ tỉnh"),
    ("Ia Grai", date(2025, 7, 1), {"kind": "village"}, "Loại đơn vị"),
])
def test_bad_input_is_one_sentence_and_writes_nothing(hub_services, name, when, kwargs, words):
    before = _count(hub_services)
    with pytest.raises(KbangError) as refused:
        hub_services.units.add_commune(name, when, **kwargs)
    assert words in str(refused.value) and "\n" not in str(refused.value)
    assert _count(hub_services) == before


def test_only_the_hubs_administrator_adds_a_commune(hub_services, services):
    with pytest.raises(KbangError) as at_commune:
        services.units.add_commune("Ia Grai", date(2025, 7, 1))
    assert "Chỉ đơn vị đầu mối" in str(at_commune.value)
    hub_services.ctx.actor = Actor("os:officer", "officer")
    with pytest.raises(KbangError):
        hub_services.units.add_commune("Ia Grai", date(2025, 7, 1))
    # a commune still adds its own villages, from a date
    village = services.units.add_village("Kông Bơ La", "Làng Mới", valid_from=date(2026, 3, 1))
    assert village.valid_from == date(2026, 3, 1)
    hub_services.ctx.actor = Actor("os:admin", "admin")
    hub_services.units.add_commune("Ia Grai", date(2025, 7, 1))
    with pytest.raises(NotFound) as early:  # before the commune existed
        hub_services.units.add_village("Ia Grai", "Làng Cũ", valid_from=date(2024, 1, 1))
    assert "01/01/2024" in str(early.value)
