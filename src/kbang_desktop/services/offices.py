"""Setting up an installation: its office, its site, the reference data, the first administrator."""

from __future__ import annotations

import platform
from dataclasses import dataclass

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError, NotFound
from kbang_desktop.core.text import nfc
from kbang_desktop.i18n import N_
from kbang_desktop.services import reference
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.services.units import HubUnits, find_commune, load_hub_units
from kbang_desktop.services.users import UserService
from kbang_desktop.storage.writes import new_id

OFFICE_KINDS = ("commune", "hub")
SETTING_DEFAULTS = {"birth_year_only_month": "7", "birth_year_only_day": "1"}


def a_day_of_every_year(month: str, day: str) -> bool:
    from datetime import date

    try:
        date(2001, int(month), int(day))  # a common year: 29 February is not a day of every year
    except (TypeError, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class InitResult:
    office: E.Office
    site: E.Site
    reference_counts: dict[str, int]
    admin: str | None


class OfficeService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def initialise(self, kind: str, name: str, unit_name: str | None = None, admin: str | None = None,
                   password: str | None = None, hub_units: HubUnits | None = None) -> InitResult:
        """Create this installation's office and site, load the reference data, create the first admin.

        `hub_units`: the units the hub added (its units file, `sync.join.read_units_file`), so that a
        commune PC can be set up for a commune that is not in the shipped data before it has joined.
        Refused when the database is already initialised. One transaction.
        """
        if kind not in OFFICE_KINDS:
            raise KbangError(N_("Loại đơn vị phải là commune (xã) hoặc hub (đơn vị đầu mối)."))
        name = nfc(name)
        if not name:
            raise KbangError(N_("Chưa nhập tên đơn vị."))
        if self.ctx.identity() is not None:
            raise KbangError(N_("Cơ sở dữ liệu này đã được khởi tạo."))
        if admin and not password:
            raise KbangError(N_("Cần mật khẩu cho tài khoản quản trị {username}."), username=admin)
        site_id, office_id = new_id(), new_id()
        self.ctx.set_identity(site_id, office_id)
        try:
            with self.ctx.write("load_reference", minimum_role="admin", sync_apply=True) as repo:
                counts = reference.load_shipped(repo)
                if hub_units is not None:
                    counts["hub_units"] = load_hub_units(repo, hub_units)
            with self.ctx.write("init", minimum_role="admin") as repo:
                try:
                    unit = find_commune(repo, unit_name, self.ctx.today()) if unit_name else None
                except NotFound:
                    if hub_units is not None:
                        raise
                    raise NotFound(N_("Không có xã, phường hay thị trấn nào tên \"{name}\" trong danh mục có sẵn; "
                                      "với xã khác của tỉnh, hãy xin đơn vị đầu mối tệp danh mục đơn vị hành chính "
                                      "(kbang units export) và thiết lập kèm tệp đó (--units)."), name=unit_name) from None
                office = repo.add(E.Office, id=office_id, kind=kind, name=name, unit_id=unit.id if unit else None,
                                  hub_office_id=None, owner_office_id=office_id)
                site = repo.add(E.Site, id=site_id, office_id=office_id, name=platform.node() or "PC",
                                signing_key=None, encryption_key=None, revoked_at=None, revoke_reason="")
                for key, value in SETTING_DEFAULTS.items():
                    repo.add(E.OfficeSetting, id=new_id(), office_id=office_id, key=key, value=value)
                repo.set_local("site_id", site_id)
                repo.set_local("office_id", office_id)
        except BaseException:
            self.ctx._identity = None
            raise
        if admin:
            UserService(self.ctx).create(admin, password or "", "admin", admin)
        return InitResult(office, site, counts, admin)

    def this_office(self) -> E.Office:
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            return repo.require(E.Office, office_id)

    def setting(self, key: str) -> str:
        _site, office_id = self.ctx.require_identity()
        with self.ctx.read() as repo:
            row = repo.first(E.OfficeSetting, office_id=office_id, key=key)
        return row.value if row else SETTING_DEFAULTS[key]

    def set_setting(self, key: str, value: str) -> None:
        """Change an office setting (administrators)."""
        self.set_settings({key: value})

    def set_settings(self, values: dict[str, str]) -> None:
        """Change office settings together, in one write (administrators). The day on which a person known
        only by the birth year counts as born must be a day of every year (31/2 or 29/2 is refused: every
        age would fail with it)."""
        for key in values:
            if key not in SETTING_DEFAULTS:
                raise KbangError(N_("Không có thiết lập \"{key}\"."), key=key)
        _site, office_id = self.ctx.require_identity()
        with self.ctx.write("set_setting", minimum_role="admin") as repo:
            rows = {s.key: s for s in repo.list(E.OfficeSetting, office_id=office_id)}
            merged = {**SETTING_DEFAULTS, **{k: r.value for k, r in rows.items()}, **values}
            if not a_day_of_every_year(merged["birth_year_only_month"], merged["birth_year_only_day"]):
                raise KbangError(N_("Ngày {day}/{month} không có trong mọi năm: chọn một ngày có thật (tháng 2 đến "
                                    "ngày 28)."), day=merged["birth_year_only_day"], month=merged["birth_year_only_month"])
            for key, value in values.items():
                if key in rows:
                    repo.update(E.OfficeSetting, rows[key].id, value=value)
                else:
                    repo.add(E.OfficeSetting, id=new_id(), office_id=office_id, key=key, value=value)
