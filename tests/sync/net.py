"""A small network of offices for sync tests: a hub, communes, and a second PC of a commune."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kbang_desktop.core.hlc import HybridClock
from kbang_desktop.services.context import Actor, ServiceContext
from kbang_desktop.services.registry import Services, open_services
from kbang_desktop.storage import keys as K
from kbang_desktop.sync import exchange, join
from tests.conftest import TEST_PASSWORD, TEST_USER, TODAY


def _open(path: Path | str, name: str) -> Services:
    services = open_services(path, Actor(f"os:{name}", "admin"))
    services.ctx.today = lambda: TODAY
    return services


@dataclass
class Net:
    root: Path
    sites: dict[str, Services] = field(default_factory=dict)
    counter: int = 0

    def hub(self, name: str = "hub", target: str | None = None) -> Services:
        """The hub, on SQLite or, given a `postgresql+psycopg://` URL, on PostgreSQL."""
        services = _open(target or self.root / name / "kbang.db", name)
        services.offices.initialise("hub", "Phòng Giáo dục và Đào tạo Kbang", None, TEST_USER, TEST_PASSWORD)
        join.site_keys(services)
        self.sites[name] = services
        return services

    def commune(self, name: str, unit: str, hub: str = "hub") -> Services:
        services = _open(self.root / name / "kbang.db", name)
        services.offices.initialise("commune", f"UBND xã {unit}", unit, TEST_USER, TEST_PASSWORD)
        self.sites[name] = services
        self.join(name, hub)
        return services

    def join(self, name: str, hub: str = "hub", services: Services | None = None) -> None:
        services = services or self.sites[name]
        usb = self.root / "usb"
        request = join.join_request(services, usb / f"{name}.kbj")
        welcome = join.register(self.sites[hub], request, usb)
        join.trust(services, welcome.file)

    def second_pc(self, name: str, of: str, hub: str = "hub") -> Services:
        """Another PC of the same commune: a copy of its database that takes a new site identity."""
        source = self.sites[of]
        target = self.root / name / "kbang.db"
        target.parent.mkdir(parents=True)
        source.ctx.db.close()
        shutil.copy(source.ctx.db.path, target)
        self.sites[of] = _open(source.ctx.db.path, of)
        services = _open(target, name)
        usb = self.root / "usb"
        join.new_site(services, usb / f"{name}.kbj")
        welcome = join.register(self.sites[hub], usb / f"{name}.kbj", usb)
        join.trust(services, welcome.file)
        self.sites[name] = services
        return services

    def office_of(self, name: str) -> str:
        return self.sites[name].ctx.require_identity()[1]

    def send(self, sender: str, receiver: str, encrypt: bool = True) -> Path:
        self.counter += 1
        out = self.root / "usb" / f"b{self.counter}"
        return exchange.export_bundle(self.sites[sender], self.office_of(receiver), out, encrypt).file

    def receive(self, receiver: str, path: Path, dry_run: bool = False) -> exchange.ImportResult:
        return exchange.import_bundle(self.sites[receiver], path, dry_run)

    def exchange(self, sender: str, receiver: str) -> exchange.ImportResult:
        return self.receive(receiver, self.send(sender, receiver))

    def close(self) -> None:
        for services in self.sites.values():
            services.ctx.db.close()


def wrong_clock(services: Services, offset_s: float) -> None:
    """This PC's wall clock `offset_s` seconds off from now on (negative: behind), for every rev it makes.

    The hybrid clock is made afresh after a rolled-back write: each one it makes reads the wrong wall."""
    ctx = services.ctx

    def wall() -> float:
        return time.time() + offset_s

    def clock() -> HybridClock:
        found = ServiceContext.clock(ctx)
        found._wall = wall
        return found

    ctx.clock = clock  # type: ignore[method-assign]
    ctx._clock = None


@contextmanager
def receiving_clock(offset_s: float) -> Iterator[None]:
    """The receiver's wall clock, as its plan reads it (revs more than a day ahead of it are refused), off."""
    from kbang_desktop.sync import plan

    saved = plan.wall_millis
    plan.wall_millis = lambda wall=time.time: saved(lambda: wall() + offset_s)  # type: ignore[misc]
    try:
        yield
    finally:
        plan.wall_millis = saved


def key_path(services: Services) -> Path:
    return K.key_file(services.ctx.db.path, services.ctx.require_identity()[0])


def fill_commune(services: Services, commune: str = "Kông Bơ La") -> dict[str, str]:
    """One record of every kind a commune keeps, through the services, as an officer would."""
    from datetime import date

    centre = services.centres.add(commune, f"Trung tâm học tập cộng đồng xã {commune}", founded_on=date(2010, 1, 1))
    services.centres.add_staff(centre.id, "Đinh Thị Hoa", "director")
    services.centres.set_ranking(centre.id, 2025, "tot")
    learner = services.persons.add("Đinh Thị Blơr", "F", "12/03/2000", "Ba Na", commune, "Làng A")
    klass = services.literacy.add_class(centre.id, "Lớp XMC GĐ1", 1, date(2025, 9, 5))
    enrolment = services.literacy.enrol(klass.id, learner.id, date(2025, 9, 5))
    for term in (1, 2, 3):
        for subject in ("tieng_viet", "toan"):
            services.literacy.record_result(enrolment.id, term, subject, "hoan_thanh", date(2026, 5, 25))
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", commune, "Làng A")
    household = services.households.add(commune, "Làng A", "12", head.id)
    registration = services.models.register(2026, "household", household.id, date(2026, 1, 10))
    services.models.evaluate(registration.id, {"1.1": 15, "1.2": 10, "1.3": 5, "2.1": 10, "2.2": 10, "2.3": 10,
                                               "3.1": 10, "3.2": 10, "4.1": 10, "4.2": 10}, date(2026, 11, 1))
    decision = services.models.create_decision(commune, "15/QĐ-UBND", date(2026, 12, 5), "household", 2026,
                                               "Nguyễn Văn Hùng")
    services.models.add_entry(decision.id, registration.id)
    services.models.issue(decision.id)
    return {"learner": learner.id, "household": household.id, "decision": decision.id}


def members(path: Path) -> dict[str, bytes]:
    """The members of a bundle, in order."""
    from kbang_desktop.sync import container as C
    from kbang_desktop.sync.bundle import LIMITS, MEMBERS

    with open(path, "rb") as handle:
        entries = C.read_entries(handle, path.stat().st_size, MEMBERS, LIMITS)
        return {e.name: C.read_member(handle, e) for e in entries}


def repack(target: Path, parts: list[tuple[str, bytes]]) -> Path:
    """Write members as a perfectly formed container: what a careful forger would make."""
    from kbang_desktop.sync import container as C

    with open(target, "wb") as handle:
        writer = C.ContainerWriter(handle)
        for name, data in parts:
            writer.add(name, data)
        writer.close()
    return target


@contextmanager
def dishonest() -> Iterator[None]:
    """What a dishonest office does with its own copy of the program: write without the local write policy."""
    from kbang_desktop.storage import writes

    saved = writes._check_policy
    writes._check_policy = lambda *args, **kwargs: None
    try:
        yield
    finally:
        writes._check_policy = saved
