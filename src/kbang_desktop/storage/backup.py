"""Backups with SQLite's online backup API: before each migration and once a day.

Keeps the 7 newest daily and 4 newest weekly copies. Every copy is checked
(quick_check) after it is written, and written under a temporary name first so
that a power cut never leaves a file that looks like a good backup.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path

from kbang_desktop.core.errors import StorageError
from kbang_desktop.i18n import N_
from kbang_desktop.storage.files import create_private, fsync_dir, private_file, private_folder

KEEP_DAILY, KEEP_WEEKLY = 7, 4
_NAME = re.compile(r"^kbang-(\d{8})-(\d{6})-(daily|weekly|pre-migration|manual|pre-restore)(?:-\d+)?\.db$")


def default_backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def quick_check(path: Path, full: bool = True, require_table: str | None = None) -> str | None:
    """None when SQLite's quick_check passes, else what it reported.

    With `full=False` only the header and the schema are read (fast at any size);
    `require_table` also demands that table (a Kbang database has `alembic_version`).
    """
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if require_table:
                connection.execute(f"SELECT count(*) FROM {require_table}").fetchone()
            rows = connection.execute("PRAGMA quick_check").fetchall() if full else [("ok",)]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    result = "; ".join(str(r[0]) for r in rows)
    return None if result == "ok" else result


def _check(path: Path) -> str | None:
    """A usable Kbang backup: intact and with a schema revision."""
    return quick_check(path, require_table="alembic_version")


def copy_database(source: Path, target: Path) -> None:
    """Copy a live SQLite database with the online backup API, atomically and durably."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    temporary.unlink(missing_ok=True)
    create_private(temporary)  # a copy holds the same personal data: its owner's only (0600)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    try:
        dst = sqlite3.connect(temporary)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    fsync_dir(target.parent)


def backup_now(db_path: Path, backup_dir: Path, reason: str = "manual", now: datetime | None = None) -> Path:
    """Write a checked backup of `db_path` into `backup_dir`; return its path."""
    now = now or datetime.now()
    try:
        private_folder(backup_dir)
    except OSError as error:
        raise StorageError(N_("Không sao lưu được vào {dir}: {error}"), dir=str(backup_dir), error=str(error)) from error
    target = backup_dir / f"kbang-{now:%Y%m%d-%H%M%S}-{reason}.db"
    n = 1
    while target.exists():
        target = backup_dir / f"kbang-{now:%Y%m%d-%H%M%S}-{reason}-{n}.db"
        n += 1
    try:
        copy_database(db_path, target)
    except (OSError, sqlite3.Error) as error:
        raise StorageError(N_("Không sao lưu được vào {dir}: {error}"), dir=str(backup_dir), error=str(error)) from error
    problem = _check(target)
    if problem:
        target.unlink(missing_ok=True)
        raise StorageError(N_("Bản sao lưu vừa tạo không đọc lại được ({problem})."), problem=problem)
    return target


def list_backups(backup_dir: Path) -> list[tuple[datetime, str, Path]]:
    """Backups in `backup_dir`, newest first, as (when, kind, path)."""
    found = []
    if backup_dir.is_dir():
        for path in backup_dir.iterdir():
            match = _NAME.match(path.name)
            if match:
                when = datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
                found.append((when, match.group(3), path))
    return sorted(found, reverse=True)


def newest_good_backup(backup_dir: Path) -> Path | None:
    for _when, _kind, path in list_backups(backup_dir):
        if _check(path) is None:
            return path
    return None


def daily_backup(db_path: Path, backup_dir: Path, today: date | None = None) -> Path | None:
    """Back up once a day (a weekly copy on the first backup of each ISO week), then prune."""
    today = today or date.today()
    existing = list_backups(backup_dir)
    if any(when.date() == today and kind in ("daily", "weekly") for when, kind, _ in existing):
        return None
    week = today.isocalendar()[:2]
    weekly_done = any(when.date().isocalendar()[:2] == week and kind == "weekly" for when, kind, _ in existing)
    made = backup_now(db_path, backup_dir, "daily" if weekly_done else "weekly",
                      now=datetime.combine(today, datetime.now().time()))
    prune(backup_dir)
    return made


def prune(backup_dir: Path) -> list[Path]:
    """Keep the newest 7 daily and 4 weekly backups; other kinds are kept."""
    removed = []
    for kind, keep in (("daily", KEEP_DAILY), ("weekly", KEEP_WEEKLY)):
        copies = [p for _w, k, p in list_backups(backup_dir) if k == kind]
        for path in copies[keep:]:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


RESTORE_LEAP = 100_000_000


def _mark_restored(path: Path) -> None:
    """Make later changes take sequence numbers far above any the restored file had used.

    Other offices acknowledged numbers this PC used after the backup was taken; a change made
    after the restore must not take one of those, or they would believe they already hold it.
    One placeholder row in the change log moves the numbering on (by more changes than an
    office makes between two backups).
    """
    connection = sqlite3.connect(path)
    try:
        with connection:
            if connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'change_log'").fetchone()[0]:
                top = connection.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
                connection.execute("INSERT INTO change_log (seq, record_type, record_id, rev, origin_site_id) "
                                   "VALUES (?, '-', '-', '-', '-')", (top + RESTORE_LEAP,))
                # told to the peers in every bundle: they send back everything, this PC's own changes too
                connection.execute("INSERT OR REPLACE INTO local_state (key, value) VALUES ('restored_at', ?)",
                                   (datetime.now().isoformat(timespec="seconds"),))
    finally:
        connection.close()


def require_backup(backup_file: Path) -> None:
    """Refuse, in one sentence, a file that is not a readable Kbang backup."""
    if not backup_file.is_file():
        raise StorageError(N_("Không tìm thấy tệp {path}."), path=str(backup_file))
    problem = _check(backup_file)
    if problem:
        raise StorageError(N_("Tệp {path} không phải là bản sao lưu hợp lệ ({problem}). Dữ liệu hiện tại được giữ nguyên."),
                           path=str(backup_file), problem=problem)


def account(path: Path, username: str) -> dict[str, object] | None:
    """One account of the database or backup at `path`, read without writing (any schema revision):
    id, username, display_name, role, active, password_hash; None when there is no such user."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT id, username, display_name, role, active, password_hash FROM app_user "
                                 "WHERE username = ?", (username,)).fetchone()
    except sqlite3.DatabaseError:
        row = None
    finally:
        connection.close()
    return dict(row) if row is not None else None


def restore(backup_file: Path, db_path: Path, backup_dir: Path) -> Path | None:
    """Replace the database with a checked backup; the current file is backed up first (a damaged one is
    moved aside as `NAME.damaged-YYYYmmdd-HHMMSS`, with its WAL); the path of what was kept is returned.

    Nothing is replaced when the backup is unreadable or not a Kbang database.
    """
    require_backup(backup_file)
    safety = None
    if db_path.exists() and _check(db_path) is None:
        safety = backup_now(db_path, backup_dir, "pre-restore")
    elif db_path.exists():  # damaged: kept aside whole for a later rescue, never overwritten
        safety = db_path.with_name(f"{db_path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
        os.replace(db_path, safety)
        private_file(safety)
        for suffix in ("-wal", "-shm"):
            if Path(str(db_path) + suffix).exists():
                os.replace(Path(str(db_path) + suffix), Path(str(safety) + suffix))
                private_file(Path(str(safety) + suffix))
    staged = db_path.with_name(db_path.name + ".restore")
    copy_database(backup_file, staged)
    _mark_restored(staged)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(staged, db_path)
    fsync_dir(db_path.parent)
    return safety
