"""The context every service runs in: database, this site and office, the clock, the actor.

Permission checks happen here, in `write()` and `read()`, not in screens.
"""

from __future__ import annotations

import dataclasses
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from kbang_desktop.core.errors import KbangError, PermissionDenied
from kbang_desktop.core.hlc import HybridClock
from kbang_desktop.i18n import N_
from kbang_desktop.storage.db import Database
from kbang_desktop.storage.repo import Repository
from kbang_desktop.storage.writes import Writer, change_refusal, jsonable

ROLES = ("viewer", "officer", "admin")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
ROLE_NAMES = {"viewer": N_("Chỉ xem"), "officer": N_("Cán bộ"), "admin": N_("Quản trị")}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a logged-in user, or the operating-system user at the command line."""

    label: str  # "user:<username>" or "os:<login>"
    role: str
    user_id: str | None = None
    display_name: str = ""

    @classmethod
    def os_user(cls) -> "Actor":
        """The command line acts with the OS user's file access, hence as administrator."""
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = "unknown"
        return cls(f"os:{login}", "admin", None, login)


class ServiceContext:
    """Shared by all services of one open database. Not a singleton: app.py makes it."""

    def __init__(self, db: Database, actor: Actor, today: Callable[[], date] = date.today) -> None:
        self.db = db
        self.actor = actor
        self.today = today
        self._clock: HybridClock | None = None
        self._identity: tuple[str, str] | None = None

    def with_actor(self, actor: Actor) -> "ServiceContext":
        other = ServiceContext(self.db, actor, self.today)
        other._clock, other._identity = self._clock, self._identity
        return other

    # --- identity of this installation ------------------------------------------

    def identity(self) -> tuple[str, str] | None:
        """(site_id, office_id) of this installation, or None before `init`."""
        if self._identity is None:
            with self.db.read() as session:
                repo = Repository(session)
                site, office = repo.local("site_id"), repo.local("office_id")
            if site and office:
                self._identity = (site, office)
        return self._identity

    def require_identity(self) -> tuple[str, str]:
        found = self.identity()
        if found is None:
            raise KbangError(N_("Cơ sở dữ liệu chưa được khởi tạo. Hãy chạy \"kbang init\" trước."))
        return found

    def set_identity(self, site_id: str, office_id: str) -> None:
        self._identity = (site_id, office_id)
        self._clock = None

    def clock(self) -> HybridClock:
        site_id, _ = self.require_identity()
        if self._clock is None:
            with self.db.read() as session:
                last = Repository(session).local("hlc_last")
            self._clock = HybridClock(site_id, last)
        return self._clock

    # --- transactions -------------------------------------------------------------

    def require_role(self, minimum: str) -> None:
        if ROLE_RANK[self.actor.role] < ROLE_RANK[minimum]:
            raise PermissionDenied(N_("Tài khoản của bạn (vai trò {role}) không được phép làm việc này."),
                                   role=ROLE_NAMES[self.actor.role])

    @contextmanager
    def write(self, action: str, minimum_role: str = "officer", sync_apply: bool = False) -> Iterator[Repository]:
        """One transaction that writes; checks the role first. Audited and stamped."""
        self.require_role(minimum_role)
        site_id, office_id = self.require_identity()
        writer = Writer(self.actor.label, site_id, office_id, self.clock(), action, sync_apply)
        try:
            with self.db.session(writer) as session:
                yield Repository(session)
        except BaseException:
            self._clock = None  # revs taken in a rolled-back transaction are re-read from the database
            raise

    def change_refusal(self, table: str, record: Any) -> str:
        """Why this office may not change `record` (an entity of `table`), in one sentence; "" if it may.

        The write policy (core/write_policy.py) as the storage hook applies it to every write: screens
        ask it to show another office's records read-only. Reads only.
        """
        _site, office_id = self.require_identity()
        values = {k: jsonable(v) for k, v in dataclasses.asdict(record).items()}
        with self.db.read() as session:
            found = change_refusal(session, office_id, table, values)
        return KbangError(found[0], **found[1]).translated() if found else ""

    @contextmanager
    def read(self) -> Iterator[Repository]:
        """A read-only view; every role may read."""
        with self.db.read() as session:
            yield Repository(session)
