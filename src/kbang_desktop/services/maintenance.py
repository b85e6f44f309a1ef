"""Backups, restore and the health check of the database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_
from kbang_desktop.services.audit import AuditService
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.storage import backup as backups
from kbang_desktop.storage.db import current_revision, damaged, head_revision, machine_trouble, quick_check

__all__ = ["BackgroundBackup", "CheckReport", "MaintenanceService", "machine_trouble"]  # the window's sentence too


@dataclass(frozen=True, slots=True)
class CheckReport:
    revision: str | None
    expected_revision: str
    integrity: str | None  # None when fine
    audit_events: int
    audit_ok: bool
    audit_problem: str
    audit_bad_seq: int | None

    @property
    def ok(self) -> bool:
        return self.revision == self.expected_revision and self.integrity is None and self.audit_ok


class MaintenanceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @property
    def backup_dir(self) -> Path:
        db = self.ctx.db
        if db.path is None:
            raise KbangError(N_("Sao lưu bằng phần mềm chỉ dùng cho cơ sở dữ liệu SQLite; với PostgreSQL hãy dùng pg_dump."))
        return db.backup_dir or backups.default_backup_dir(db.path)

    def check(self) -> CheckReport:
        """Schema revision, SQLite integrity and the audit chain. Reads only."""
        db = self.ctx.db
        integrity = quick_check(db.path, key=db.key) if db.path else None
        chain = AuditService(self.ctx).verify()
        return CheckReport(current_revision(db.engine), head_revision(), integrity, chain.events, chain.ok,
                           chain.problem, chain.first_bad_seq)

    def backup(self) -> Path:
        self.ctx.require_role("officer")
        folder = self.backup_dir  # on PostgreSQL: the sentence that says to use pg_dump
        assert self.ctx.db.path is not None
        return backups.backup_now(self.ctx.db.path, folder, "manual", key=self.ctx.db.key)

    def backup_to(self, folder: Path) -> Path:
        """A copy into a folder away from this PC (a USB stick): encrypted with its keyring, written whole,
        the newest 7 such copies kept there."""
        self.ctx.require_role("officer")
        _ = self.backup_dir  # on PostgreSQL: the sentence that says to use pg_dump
        assert self.ctx.db.path is not None
        return backups.backup_to(self.ctx.db.path, folder, key=self.ctx.db.key)

    def daily_backup(self) -> list[Path]:
        """Once a day, at start; keeps 7 daily and 4 weekly copies, in the backup folder and in the second
        backup folder when it is there (a USB stick plugged in). The copies made today are returned."""
        job = self._daily_job()
        if job is None:
            return []
        job.run()
        if job.problem is not None:
            raise job.problem
        return job.made

    def start_daily_backup(self, check_first: bool = False) -> "BackgroundBackup | None":
        """The day's backup on a thread of its own (the window's start does not wait for it; the process
        waits for it at exit: the thread is not a daemon). Its own connections: the database may be
        used, or this context closed, meanwhile. `check_first`: the full integrity check of the file
        runs there first (an encrypted database opened after the log-in: the window does not wait for it
        either); damage found is the job's `problem`, and no copy is made of a damaged file."""
        job = self._daily_job()
        if job is not None:
            job.check_first = check_first
        if job is not None:
            job.start()
        return job

    def _daily_job(self) -> "BackgroundBackup | None":
        if self.ctx.db.path is None:
            return None
        second = self.second_backup_folder() if self.ctx.identity() is not None else ""
        db = self.ctx.db
        return BackgroundBackup(db.path, self.backup_dir, self.ctx.today(), lambda: db.key,
                                Path(second) if second else None)

    def second_backup_folder(self) -> str:
        """The folder (a USB stick) that also receives the daily backup when it is there; "" for none. This
        PC's own setting (local_state): a folder of this PC means nothing on the hub's."""
        with self.ctx.read() as repo:
            return repo.local(SECOND_BACKUP_FOLDER, "") or ""

    def set_second_backup_folder(self, folder: str) -> None:
        """Set (or clear, with "") the second backup folder (administrators); it need not be there now."""
        folder = folder.strip()
        if folder and not Path(folder).expanduser().is_absolute():
            raise KbangError(N_("Thư mục sao lưu thứ hai phải là đường dẫn đầy đủ (ví dụ E:\\sao-luu): {dir}"),
                             dir=folder)
        with self.ctx.write("set_second_backup_folder", minimum_role="admin") as repo:
            repo.set_local(SECOND_BACKUP_FOLDER, folder)

    def backup_before_import(self, source: str | Path | None) -> Path | None:
        """The copy made just before an import writes (a bundle, people or scores from a spreadsheet), named
        for the file imported, the newest 5 kept; None where the program makes no backups (PostgreSQL: the
        server's own dumps, a database in memory). A failure raises one sentence: the caller imports nothing."""
        return backup_before_import(self.ctx, source)

    def list_backups(self) -> list[tuple]:
        return backups.list_backups(self.backup_dir)


SECOND_BACKUP_FOLDER = "second_backup_folder"


def backup_before_import(ctx: ServiceContext, source: str | Path | None) -> Path | None:
    """See `MaintenanceService.backup_before_import` (the import services call it with their own context)."""
    db = ctx.db
    if db.path is None:
        return None
    return backups.pre_import_backup(db.path, db.backup_dir or backups.default_backup_dir(db.path),
                                     source or "tep", key=db.key)


class BackgroundBackup(threading.Thread):
    """The daily backup (and its copy into the second folder when that is there), run now (`run()`) or
    beside the program (`start()`); `made` lists the copies made, `problem` holds an error (a full disk...)."""

    def __init__(self, db_path: Path, backup_dir: Path, today: date,
                 key: "bytes | None | Callable[[], bytes | None]", second: Path | None = None) -> None:
        super().__init__(name="kbang-daily-backup", daemon=False)
        self.job = (db_path, backup_dir, today, key, second)
        self.made: list[Path] = []
        self.problem: BaseException | None = None
        self.check_first = False

    def run(self) -> None:
        db_path, backup_dir, today, key_of, second = self.job
        try:
            with backups.DATABASE_LOCK:  # the key as it is when the copy starts (a rekey waits for the copy)
                key = key_of() if callable(key_of) else key_of
                if self.check_first:
                    problem = quick_check(db_path, key=key)
                    if problem:
                        self.problem = damaged(db_path, backup_dir, problem)
                        return
                made = backups.daily_backup(db_path, backup_dir, today, key=key)
                if made is not None:
                    self.made.append(made)
                if second is not None and second.expanduser().is_dir():  # the stick is plugged in
                    copied = backups.daily_backup(db_path, second.expanduser(), today, key=key, own_folder=False)
                    if copied is not None:
                        self.made.append(copied)
        except Exception as error:  # kept for whoever shows it; never a traceback on a thread
            self.problem = error
