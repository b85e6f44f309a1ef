"""Property: whatever the order of edits, deletions, deliveries, wrong clocks and a revocation, all offices
converge and no version is lost.

Four sites: the hub, two PCs of commune A (concurrent edits of the same records) and commune B.
Bundles are exported at random moments and delivered in any order, duplicated or never
(lost). Along the way:
- the hub edits what it owns (its own office's settings, which travel to every commune) and tries to
  change a commune's person, which the service refuses, changing nothing;
- any PC's wall clock may be set wrong (hours behind, or ahead within the day a receiver accepts) and
  it keeps editing, exporting and importing with it;
- the hub may revoke the key of A's second PC: from then on the hub refuses its bundles whole (even
  one made before the revocation), what the hub held of it stays, and it is out of the exchange.
At the end, bundles are sent again until all is acknowledged. Then every office still in the
exchange holds the same version of every record it may see, nothing the revoked PC had not delivered
before its revocation is anywhere else, and every losing concurrent version exists, whole, as a
Conflict somewhere.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.hlc import author_site
from kbang_desktop.services.offices import SETTING_DEFAULTS
from kbang_desktop.storage import changelog
from kbang_desktop.storage.models import ChangeLog, Conflict, OfficeSetting
from kbang_desktop.sync import join
from kbang_desktop.sync.plan import ImportResult
from tests.conftest import PG_ADMIN_URL, PG_HOW, pg_create, pg_drop
from tests.sync.dump import records
from tests.sync.net import Net, _open, receiving_clock, wrong_clock

SITES = ("hub", "a1", "a2", "b1")
ROUTES = (("a1", "hub"), ("a2", "hub"), ("b1", "hub"), ("hub", "a1"), ("hub", "b1"))  # office-level: hub->a1 is office A
OWNER_SITES = {"a": ("a1", "a2"), "b": ("b1",)}
COMMUNE = {"a": "Kông Bơ La", "b": "Đak Rong"}
REVOCABLE = "a2"  # the PC of commune A whose key the hub may revoke (stolen)
HOUR = 3600
# a PC's wall clock: right, behind by hours or minutes, ahead by minutes or hours; two PCs wrong the opposite
# ways stay within the day a receiver takes (further apart, the receiver refuses: tests/sync/test_revs_in_reason.py)
OFFSETS = (0, -6 * HOUR, -45 * 60, 10 * 60, 3 * HOUR, 12 * HOUR)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def template(tmp_path_factory, request):
    import os

    from kbang_desktop import i18n

    hub_url = None
    if request.param == "postgresql":
        if not PG_ADMIN_URL:
            pytest.skip(PG_HOW)
        hub_url = pg_create()
        request.addfinalizer(lambda: pg_drop(hub_url))
    root = tmp_path_factory.mktemp("converge") / "template"
    os.environ["KBANG_DATA_DIR"] = str(root.parent / "data")
    i18n.setup("vi")
    net = Net(root)
    net.hub(target=hub_url)
    net.commune("a1", "Kông Bơ La")
    net.commune("b1", "Đak Rong")
    a1, b1 = net.sites["a1"], net.sites["b1"]
    people = {"a": [a1.persons.add(f"Đinh Văn A{i}", "M", "1990", "Ba Na", "Kông Bơ La", "Làng Lợk").id
                    for i in range(3)],
              "b": [b1.persons.add("Rơ Châm Thị B", "F", "1991", "Jrai", "Đak Rong", "Làng B").id]}
    net.second_pc("a2", of="a1")
    for _ in range(2):
        for sender, receiver in ROUTES + (("hub", "a2"),):
            assert net.exchange(sender, receiver).status == "applied"
    net.close()
    return root, people, hub_url


class World:
    def __init__(self, root: Path, people: dict[str, list[str]], hub_url: str | None) -> None:
        self.net = Net(root)
        for name in SITES:
            target = hub_url if name == "hub" and hub_url else root / name / "kbang.db"
            self.net.sites[name] = _open(target, name)
        self.people = people
        self.bag: list[tuple[str, str, Path]] = []  # (sender, recipient office key, file)
        self.parent: dict[str, str | None] = {}  # rev -> the rev it was edited from
        self.record_of: dict[str, str] = {}
        self.counts = {"applied": 0, "already-imported": 0, "revoked-key": 0, "not-for-this-site": 0}
        self.offset = dict.fromkeys(SITES, 0)
        self.revoked_site: str | None = None  # the revoked PC's site id, once revoked
        self.delivered_before: set[str] = set()  # revs of the revoked PC the hub held when it revoked
        self.hub_settings: dict[str, str] = {}  # the hub's own settings as it last set them

    @property
    def live(self) -> tuple[str, ...]:
        """The sites still in the exchange: all but a revoked PC."""
        return tuple(name for name in SITES if not (self.revoked_site and name == REVOCABLE))

    def rev(self, site: str, person_id: str) -> str | None:
        with self.net.sites[site].ctx.read() as repo:
            found = repo.get(E.Person, person_id, include_deleted=True)
            return found.rev if found else None

    def edit(self, site: str, index: int, text: str, delete: bool) -> None:
        office = "b" if site == "b1" else "a"
        person_id = self.people[office][index % len(self.people[office])]
        before = self.rev(site, person_id)
        try:
            if delete:
                self.net.sites[site].persons.remove(person_id)
            else:
                self.net.sites[site].persons.update(person_id, note=text)
        except KbangError:
            return  # deleted here already: nothing to edit
        after = self.rev(site, person_id)
        if after != before:
            self.parent[after] = before
            self.record_of[after] = person_id

    def merge(self, site: str, first: int, second: int, undo: bool) -> None:
        """A PC of commune A merges two of its people (no field taken: only the merge record is written), or
        undoes the newest merge it holds; refused (nothing written) when the records do not allow it."""
        services = self.net.sites[site]
        try:
            if undo:
                held = services.merges.merges()
                if held:
                    services.merges.unmerge(held[0].id)
            else:
                people = self.people["a"]
                services.merges.merge(people[first % len(people)], people[second % len(people)], take=())
        except KbangError:
            return  # the same person twice, one already merged or deleted, a later merge to undo first

    def hub_setting(self, key: str, value: str) -> None:
        """The hub edits a record it owns (its office's setting): it travels to every commune."""
        self.net.sites["hub"].offices.set_setting(key, value)
        self.hub_settings[key] = value

    def hub_edits_commune(self, office: str, index: int, delete: bool) -> None:
        """The hub tries to change a commune's person: refused by the service, naming the owner; nothing changes."""
        hub = self.net.sites["hub"]
        person_id = self.people[office][index % len(self.people[office])]
        before = records(hub)["person"][person_id]
        with hub.ctx.db.read() as session:
            seq = changelog.last_seq(session)
        with pytest.raises(KbangError) as refused:
            if delete:
                hub.persons.remove(person_id)
            else:
                hub.persons.update(person_id, note="Sửa tại đơn vị đầu mối")
        with hub.ctx.read() as repo:
            held = repo.get(E.Person, person_id, include_deleted=True)
            merged = repo.get(E.Person, person_id) is None  # merged into another record: not found either
        deleted = held is None or held.deleted or merged
        if not deleted:  # (a deleted person is not found first)
            name = COMMUNE[office]
            assert str(refused.value) == f"Bản ghi này thuộc xã {name}; chỉ xã {name} sửa được."
        assert records(hub)["person"][person_id] == before
        with hub.ctx.db.read() as session:
            assert changelog.last_seq(session) == seq

    def set_clock(self, site: str, offset: int) -> None:
        """This PC's wall clock is set wrong (or right again); it keeps working with it."""
        self.offset[site] = offset
        wrong_clock(self.net.sites[site], offset)

    def revoke(self, last_bundle_first: bool) -> None:
        """The hub revokes the key of A's second PC (stolen): what the hub holds of it now stays.

        `last_bundle_first`: the PC's last bundle reached the hub just before it was stolen."""
        if self.revoked_site:
            return
        hub = self.net.sites["hub"]
        if last_bundle_first:
            self.bag.append((REVOCABLE, "hub", self.net.send(REVOCABLE, "hub")))
            self.deliver(len(self.bag) - 1, False)
        site_id = self.net.sites[REVOCABLE].ctx.require_identity()[0]
        join.revoke(hub, site_id, "Máy bị mất cắp")
        with hub.ctx.db.read() as session:
            held = set(session.execute(select(ChangeLog.rev)).scalars())
            held |= set(session.execute(select(Conflict.loser_rev)).scalars())
        self.revoked_site = site_id
        self.delivered_before = {rev for rev in self.parent if author_site(rev) == site_id and rev in held}

    def receive(self, receiver: str, path: Path) -> ImportResult:
        with receiving_clock(self.offset[receiver]):
            return self.net.receive(receiver, path)

    def export(self, route: int) -> None:
        sender, receiver = ROUTES[route % len(ROUTES)]
        try:
            self.bag.append((sender, receiver, self.net.send(sender, receiver)))
        except KbangError:
            if not (sender == REVOCABLE and self.revoked_site):
                raise
            # the revoked PC learnt of its revocation: it sends no more

    def deliver(self, index: int, pick_second_pc: bool) -> None:
        if not self.bag:
            return
        sender, receiver, path = self.bag[index % len(self.bag)]
        if receiver == "a1" and pick_second_pc:
            receiver = "a2"
        hub = self.net.sites["hub"]
        if self.revoked_site and sender == REVOCABLE:  # refused whole, even if made before the revocation
            before = records(hub)
            result = self.receive(receiver, path)
            assert (result.status, result.check) == ("rejected", "revoked-key"), result.reason
            assert records(hub) == before
            self.counts["revoked-key"] += 1
            return
        result = self.receive(receiver, path)
        if self.revoked_site and receiver == REVOCABLE and result.status == "rejected":
            assert result.check == "not-for-this-site", result.reason  # the hub encrypts no more for it
            self.counts["not-for-this-site"] += 1
            return
        assert result.status in ("applied", "already-imported"), result.reason
        assert result.counts["refused"] == 0, result.refused
        self.counts[result.status] += 1

    def settle(self) -> None:
        """Everything sent again until acknowledged: the next bundles carry what was lost."""
        routes = [route for route in ROUTES + (("hub", "a2"),) if all(name in self.live for name in route)]
        for _ in range(2):
            for sender, receiver in routes:
                result = self.receive(receiver, self.net.send(sender, receiver))
                assert result.status == "applied", result.reason
                assert result.counts["refused"] == 0, result.refused

    def close(self) -> None:
        self.net.close()


edit = st.tuples(st.just("edit"), st.sampled_from(("a1", "a2", "b1")), st.integers(0, 5),
                 st.sampled_from(("Chuyển đi", "Đi làm ăn xa", "Về lại làng", "Đã mất", "")), st.booleans())
export = st.tuples(st.just("export"), st.integers(0, 4))
deliver = st.tuples(st.just("deliver"), st.integers(0, 50), st.booleans())
operation = st.one_of(  # edits, exports and deliveries most often; the hub's edits, clocks and the revocation now and then
    edit, edit, edit, edit,
    st.tuples(st.just("delete"), st.sampled_from(("a1", "a2")), st.integers(0, 5)),
    export, export,
    deliver, deliver, deliver,
    st.tuples(st.just("hub_setting"), st.sampled_from(sorted(SETTING_DEFAULTS)), st.sampled_from(("1", "6", "7", "12"))),
    st.tuples(st.just("hub_edits_commune"), st.sampled_from(("a", "b")), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("clock"), st.sampled_from(SITES), st.sampled_from(OFFSETS)),
    st.tuples(st.just("revoke"), st.booleans()),
    st.tuples(st.just("merge"), st.sampled_from(("a1", "a2")), st.integers(0, 2), st.integers(0, 2), st.booleans()),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.lists(operation, min_size=6, max_size=30))
@example([  # every new kind of step at least once: a wrong clock, concurrent edits, the stolen PC's last bundle,
    # the revocation, what it wrote after it (refused whole), the hub's own edit and its refused one
    ("clock", "a2", -6 * HOUR), ("edit", "a1", 0, "Chuyển đi", False), ("edit", "a2", 0, "Đi làm ăn xa", False),
    ("revoke", True), ("edit", "a2", 1, "Về lại làng", False), ("export", 1), ("deliver", 1, False),
    ("clock", "hub", 3 * HOUR), ("hub_setting", "birth_year_only_month", "6"), ("hub_edits_commune", "b", 0, False),
    ("edit", "b1", 0, "Đã mất", False), ("export", 4), ("deliver", 2, False), ("hub_edits_commune", "a", 0, True),
])
@example([  # a merge at one PC, undone at the other while the first PC merges again: the merge records converge
    ("merge", "a1", 0, 1, False), ("export", 0), ("deliver", 0, False), ("export", 3), ("deliver", 1, True),
    ("merge", "a2", 0, 0, True), ("merge", "a1", 2, 1, False), ("hub_edits_commune", "a", 1, False),
    ("export", 1), ("export", 0), ("deliver", 2, False), ("deliver", 3, False),
])
def test_any_order_of_edits_and_deliveries_converges_and_keeps_every_loser(template, tmp_path_factory, ops):
    source, people, hub_template = template
    root = tmp_path_factory.mktemp("run") / "w"
    shutil.copytree(source, root)
    hub_url = pg_create(hub_template) if hub_template else None
    if hub_url:  # a hub on PostgreSQL keeps its key in the data folder, not beside a database file
        import os

        shutil.copytree(source.parent / "data" / "keys", Path(os.environ["KBANG_DATA_DIR"]) / "keys",
                        dirs_exist_ok=True)
    world = World(root, people, hub_url)
    try:
        for op in ops:
            if op[0] == "edit":
                world.edit(op[1], op[2], op[3], delete=False)
            elif op[0] == "delete":
                world.edit(op[1], op[2], "", delete=True)
            elif op[0] == "export":
                world.export(op[1])
            elif op[0] == "deliver":
                world.deliver(op[1], op[2])
            elif op[0] == "hub_setting":
                world.hub_setting(op[1], op[2])
            elif op[0] == "hub_edits_commune":
                world.hub_edits_commune(op[1], op[2], op[3])
            elif op[0] == "merge":
                world.merge(op[1], op[2], op[3], op[4])
            elif op[0] == "clock":
                world.set_clock(op[1], op[2])
            else:
                world.revoke(op[1])
        event(f"revoked: {bool(world.revoked_site)}")
        event(f"clocks wrong: {sum(1 for offset in world.offset.values() if offset)}")
        world.settle()
        _assert_converged(world)
        _assert_same_people_listed(world)
        _assert_hub_settings_everywhere(world)
        _assert_revoked_pc_left_only_what_it_delivered(world)
        _assert_losers_kept(world)
        for name in world.live:
            assert world.net.sites[name].audit.verify().ok
    finally:
        world.close()
        if hub_url:
            pg_drop(hub_url)


def _owner_key(world: World, office_id: str) -> str:
    if office_id == world.net.office_of("a1"):
        return "a"
    if office_id == world.net.office_of("b1"):
        return "b"
    return "shared"


def _assert_converged(world: World) -> None:
    live = world.live
    held = {name: records(world.net.sites[name]) for name in live}
    may_see = {"a": tuple(n for n in ("hub", "a1", "a2") if n in live), "b": ("hub", "b1"), "shared": live}
    for table in held["hub"]:
        everyone = set().union(*(held[name][table] for name in live))
        for record_id in everyone:
            row = next(held[name][table][record_id] for name in live if record_id in held[name][table])
            owner = _owner_key(world, _owner_of(table, row))
            versions = {name: held[name][table].get(record_id) for name in live}
            if table in ("office", "site"):
                owner = "shared"
            for name in live:
                if name in may_see[owner]:
                    assert versions[name] is not None, (table, record_id, name)
                else:
                    assert versions[name] is None, (table, record_id, name, "should not be there")
            assert len({versions[name] for name in may_see[owner]}) == 1, (table, record_id, versions)


def _owner_of(table: str, row: tuple) -> str:
    from kbang_desktop.storage.models import SYNCABLE

    columns = [c.key for c in SYNCABLE[table].__table__.columns]
    return row[columns.index("owner_office_id")]


def _assert_same_people_listed(world: World) -> None:
    """Merges converge with the rest: every office lists the same people (the merged ones left out)."""
    a_people = set(world.people["a"])
    listed = {name: sorted(r.id for r in world.net.sites[name].persons.list() if r.id in a_people)
              for name in world.live if name != "b1"}
    counts = {name: len(ids) for name, ids in listed.items()}
    event(f"people listed at the hub: {counts['hub']}")
    assert len({tuple(ids) for ids in listed.values()}) == 1, counts


def _assert_hub_settings_everywhere(world: World) -> None:
    """What the hub last set of its own records is what every office holds."""
    hub_office = world.net.office_of("hub")
    for name in world.live:
        with world.net.sites[name].ctx.db.read() as session:
            held = dict(session.execute(select(OfficeSetting.key, OfficeSetting.value)
                                        .where(OfficeSetting.office_id == hub_office)).all())
        assert held == {**SETTING_DEFAULTS, **world.hub_settings}, name


def _revs_held(world: World, name: str) -> set[str]:
    """Every rev a site holds: of its records now, in its change log, in its conflicts."""
    held = {row[_column(table, "rev")] for table, rows in records(world.net.sites[name]).items()
            for row in rows.values()}
    with world.net.sites[name].ctx.db.read() as session:
        held |= set(session.execute(select(ChangeLog.rev)).scalars())
        for winner, loser in session.execute(select(Conflict.winner_rev, Conflict.loser_rev)):
            held |= {winner, loser}
    return held


def _column(table: str, key: str) -> int:
    from kbang_desktop.storage.models import SYNCABLE

    return [c.key for c in SYNCABLE[table].__table__.columns].index(key)


def _undelivered(world: World) -> set[str]:
    """What the revoked PC wrote that the hub did not hold when it revoked the key (after, or never sent)."""
    if not world.revoked_site:
        return set()
    return {rev for rev in world.parent if author_site(rev) == world.revoked_site} - world.delivered_before


def _assert_revoked_pc_left_only_what_it_delivered(world: World) -> None:
    if not world.revoked_site:
        return
    undelivered = _undelivered(world)
    event(f"revs of the revoked PC: delivered {min(len(world.delivered_before), 2)}, "
          f"not {min(len(undelivered), 2)}")
    for name in world.live:
        found = _revs_held(world, name) & undelivered
        assert not found, f"{name} holds what the revoked PC wrote after its revocation: {found}"
    assert world.delivered_before <= _revs_held(world, "hub"), "the hub lost what the revoked PC sent before"


def _assert_losers_kept(world: World) -> None:
    undelivered = _undelivered(world)
    parent = {rev: before for rev, before in world.parent.items() if rev not in undelivered}
    children: dict[str, set[str]] = {}
    for rev, before in parent.items():
        if before:
            children.setdefault(before, set()).add(rev)
    final = {pid: world.rev("hub", pid) for pid in world.people["a"] + world.people["b"]}
    heads = [rev for rev in parent if rev not in children]
    kept: dict[str, dict] = {}
    for name in world.live:
        with world.net.sites[name].ctx.db.read() as session:
            for row in session.execute(select(Conflict)).scalars():
                kept[row.loser_rev] = json.loads(row.loser_state)
    losers = [head for head in heads if head != final[world.record_of[head]]]
    event(f"losing concurrent versions: {min(len(losers), 3)}{'+' if len(losers) >= 3 else ''}")
    for head in heads:
        if head == final[world.record_of[head]]:
            continue
        assert head in kept, f"losing version {head} of {world.record_of[head]} was not kept"
        assert kept[head]["rev"] == head and kept[head]["id"] == world.record_of[head]
