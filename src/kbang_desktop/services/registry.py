"""All services of one open database, built by app.py and handed down (no singletons)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kbang_desktop.paths import default_backups, default_database
from kbang_desktop.services.audit import AuditService
from kbang_desktop.services.centres import CentreService
from kbang_desktop.services.certificates import CertificateService
from kbang_desktop.services.changes import ChangeService
from kbang_desktop.services.context import Actor, ServiceContext
from kbang_desktop.services.learning_models import CriteriaService, LearningModelService
from kbang_desktop.services.literacy import LiteracyService
from kbang_desktop.services.maintenance import BackgroundBackup, MaintenanceService
from kbang_desktop.services.merges import MergeService
from kbang_desktop.services.offices import OfficeService
from kbang_desktop.services.paperwork import PaperworkService
from kbang_desktop.services.people import ClanService, HouseholdService, OrganisationService, PersonService
from kbang_desktop.services.person_import import PersonImportService
from kbang_desktop.services.reports import ReportService
from kbang_desktop.services.score_import import ScoreImportService
from kbang_desktop.services.units import UnitService
from kbang_desktop.services.users import UserService
from kbang_desktop.storage.db import Database, is_url


class Services:
    """The one API of the UI, the CLI and sync."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.offices = OfficeService(ctx)
        self.users = UserService(ctx)
        self.units = UnitService(ctx)
        self.persons = PersonService(ctx)
        self.households = HouseholdService(ctx)
        self.merges = MergeService(ctx)
        self.clans = ClanService(ctx)
        self.organisations = OrganisationService(ctx)
        self.centres = CentreService(ctx)
        self.literacy = LiteracyService(ctx)
        self.criteria = CriteriaService(ctx)
        self.models = LearningModelService(ctx)
        self.certificates = CertificateService(ctx)
        self.paperwork = PaperworkService(ctx)
        self.reports = ReportService(ctx)
        self.person_import = PersonImportService(ctx)
        self.score_import = ScoreImportService(ctx)
        self.audit = AuditService(ctx)
        self.maintenance = MaintenanceService(ctx)
        self.changes = ChangeService(ctx)

    def as_actor(self, actor: Actor) -> "Services":
        """The same services acting for another user (after log-in)."""
        return Services(self.ctx.with_actor(actor))


def open_services(target: str | Path | None, actor: Actor | None = None, create: bool = True,
                  backup_dir: Path | None = None, check: bool = True, key: bytes | None = None,
                  recovery: bytes | None = None, progress: Callable[[float], None] | None = None) -> Services:
    """Open (create, migrate) the database at `target` and build every service on it (`check=False`: no
    integrity check at open, for `kbang check`, which makes the full one itself; `key`: the SQLCipher key
    of an encrypted file, from `storage.vault`, which a plain file is encrypted with first, `progress`
    hearing how far; `recovery`: the recovery public key of a new or newly encrypted database)."""
    location: str | Path = target if target is not None else default_database()
    if not isinstance(location, Path) and not is_url(str(location)):
        location = Path(location)
    if backup_dir is None and isinstance(location, Path) and location == default_database():
        backup_dir = default_backups()  # the folder chosen at set-up, for this installation's database
    db = Database.open(location, backup_dir=backup_dir, create=create, check=check, key=key, recovery=recovery,
                       progress=progress)
    return Services(ServiceContext(db, actor or Actor.os_user()))


def ensure_demo(path: Path) -> Services:
    """The demo database of its own, created with demo data on first use."""
    from kbang_desktop.services.demo import DemoService

    services = open_services(path)
    if services.ctx.identity() is None:
        services.offices.initialise("commune", "UBND xã Kbang (dữ liệu mẫu)", "Kbang", "admin", "admin123")
        DemoService(services.ctx).generate(communes=1, people_per_commune=5000, seed=1)
    return services


class Door:
    """An installation's database before the log-in (the window's start): a plain file is opened at once
    (in the background, while the user types); an encrypted one only with a password that unseals its
    key. `enter()` logs in and returns the services for that user."""

    def __init__(self, target: str | Path | None = None, backup_dir: Path | None = None) -> None:
        from kbang_desktop.storage import vault
        from kbang_desktop.storage.db import is_url

        location: str | Path = target if target is not None else default_database()
        self.path = None if is_url(str(location)) else Path(location).expanduser().resolve()
        self.backup_dir = backup_dir
        self.services: Services | None = None
        self.backup: BackgroundBackup | None = None  # the day's backup, running beside the window
        if self.path is None or not vault.is_encrypted(self.path):
            self.services = open_services(location, backup_dir=backup_dir)
            self.backup = self.services.maintenance.start_daily_backup()  # the log-in does not wait for it

    @property
    def locked(self) -> bool:
        return self.services is None

    @property
    def encrypts_at_log_in(self) -> bool:
        """True for a plain SQLite file of an older version: the log-in encrypts it (encrypt_in_place)."""
        return self.services is not None and self.path is not None and not self.services.ctx.db.encrypted

    def enter(self, username: str, password: str, progress: Callable[[float], None] | None = None,
              ) -> tuple[Services, Actor, str | None]:
        """(services, actor, recovery key or None). A wrong password is the one sentence of the log-in and
        changes nothing. The first log-in on a plain database of an older version encrypts it in place
        (after a backup; `progress` hears how far); an administrator's log-in on a database with no
        recovery key yet makes one: it is returned, to be shown once."""
        from kbang_desktop.storage import vault

        digests: dict[tuple, bytes] = {}  # the password's scrypt, worked out once for the key and the account
        if self.services is None:
            assert self.path is not None
            key = vault.unlock(self.path, username, password, digests)
            # the header and schema now (a damaged page is refused when read: each page is authenticated);
            # the full check of every page beside the window, before the day's backup
            self.services = open_services(self.path, create=False, backup_dir=self.backup_dir, key=key, check=False)
            self.backup = self.services.maintenance.start_daily_backup(check_first=True)
        actor = self.services.users.authenticate(username, password, digests)
        recovery = None
        if self.path is not None and not self.services.ctx.db.encrypted:
            if self.backup is not None:  # the plain file's backup first: encrypting it then covers that copy too
                self.backup.join()
            self.services, recovery = encrypt_in_place(self.services, actor, progress)
        return self.services, actor, recovery or recovery_key_if_missing(self.services, actor)


def encrypt_in_place(services: Services, actor: Actor, progress: Callable[[float], None] | None = None,
                     ) -> tuple[Services, str | None]:
    """A plain SQLite database of an older version, at the first start of this version, once someone has
    logged in: encrypted in place under a new random key (after a plain backup, which is removed once the
    encrypted file is read back; SIGKILL-safe: storage.backup.encrypt_database), every active user given a
    slot from the user table. The recovery key is made now when `actor` is an administrator (returned, to
    be shown once), else at an administrator's next log-in (`recovery_key_if_missing`). The services of
    the encrypted file are returned; when it could not be encrypted (another program holds it), the plain
    file is opened again whole and the error raised."""
    from kbang_desktop.storage import vault

    db = services.ctx.db
    if db.path is None or db.encrypted:
        return services, None
    recovery = vault.new_recovery_key() if actor.role == "admin" else None
    path, backup_dir = db.path, db.backup_dir
    db.close()
    try:
        opened = open_services(path, services.ctx.actor, create=False, backup_dir=backup_dir, key=vault.new_key(),
                               recovery=vault.recovery_public(recovery) if recovery else None, progress=progress,
                               check=False)  # the encrypted copy was checked whole before it took the plain one's place
    except BaseException:
        if not vault.is_encrypted(path):
            services.ctx.db = Database.open(path, backup_dir=backup_dir, create=False)
        raise
    return opened, recovery


def recovery_key_if_missing(services: Services, actor: Actor) -> str | None:
    """A new recovery key for an encrypted database that has none yet (encrypted at a log-in that was not an
    administrator's), made when `actor` is an administrator: K sealed to it in the keyring, its public key
    recorded in the database; returned, to be shown once. None otherwise."""
    from kbang_desktop.storage import vault

    db = services.ctx.db
    if not db.encrypted or actor.role != "admin" or db.recovery_public() is not None:
        return None
    recovery = vault.new_recovery_key()
    db.set_recovery_public(vault.recovery_public(recovery))
    return recovery
