"""Backups with SQLite's online backup API: before each migration and once a day.

Keeps the 7 newest daily and 4 newest weekly copies. Every copy is checked
(quick_check) after it is written, and written under a temporary name first so
that a power cut never leaves a file that looks like a good backup.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from kbang_desktop.core.errors import KbangError, StorageError
from kbang_desktop.i18n import N_
from kbang_desktop.storage import vault
from kbang_desktop.storage.files import create_private, fsync_dir, private_file, private_folder, write_atomic

Progress = Callable[[float], None]  # how far a long piece of work is, 0.0 to 1.0
KEEP_DAILY, KEEP_WEEKLY = 7, 4
KEEP_COPIES = KEEP_DAILY  # `kbang backup --out FOLDER` keeps as many copies there as the daily rotation
KEEP_PRE_IMPORT = 5  # the copies made before an import (a bundle, a spreadsheet): a rotation of their own
_NAME = re.compile(r"^kbang-(\d{8})-(\d{6})-(daily|weekly|pre-migration|manual|pre-restore|pre-encryption|copy|"
                   r"pre-import)(?:-\d+)?(?:_[A-Za-z0-9.-]+)?\.db$")


def default_backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def quick_check(path: Path, full: bool = True, require_table: str | None = None, key: bytes | None = None) -> str | None:
    """None when SQLite's quick_check passes, else what it reported.

    With `full=False` only the header and the schema are read (fast at any size);
    `require_table` also demands that table (a Kbang database has `alembic_version`);
    `key`: the file is encrypted with it (a wrong key reads as "file is not a database").
    """
    try:
        connection = vault.connect(path, key, read_only=True)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if require_table:
                connection.execute(f"SELECT count(*) FROM {require_table}").fetchone()
            rows = connection.execute("PRAGMA quick_check").fetchall() if full else [("ok",)]
        finally:
            connection.close()
    except (sqlite3.DatabaseError, vault.dbapi(True).DatabaseError) as error:
        return str(error)
    result = "; ".join(str(r[0]) for r in rows)
    return None if result == "ok" else result


def _check(path: Path, key: bytes | None = None) -> str | None:
    """A usable Kbang backup: intact and with a schema revision (an encrypted one read with `key`)."""
    return quick_check(path, require_table="alembic_version", key=key if vault.is_encrypted(path) else None)


def copy_database(source: Path, target: Path, key: bytes | None = None) -> None:
    """Copy a live SQLite database with the online backup API, atomically and durably (an encrypted one
    stays encrypted with the same `key`: SQLCipher copies cipher pages)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    temporary.unlink(missing_ok=True)
    create_private(temporary)  # a copy holds the same personal data: its owner's only (0600)
    try:
        src = vault.connect(source, key, read_only=True)
        try:
            dst = vault.connect(temporary, key)
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
    except BaseException:  # a full disk, a pulled stick: no half-written copy is left behind
        _remove_quietly(temporary, Path(f"{temporary}-journal"))
        raise
    fsync_dir(target.parent)


def backup_now(db_path: Path, backup_dir: Path, reason: str = "manual", now: datetime | None = None,
               key: bytes | None = None, own_folder: bool = True, label: str = "") -> Path:
    """Write a checked backup of `db_path` into `backup_dir`; return its path. An encrypted database
    (`key`) gives an encrypted backup with a copy of the keyring beside it (`NAME.keyring`), so that a
    password valid today opens it on another PC; the recovery key opens it alone. A folder the user chose
    (`own_folder=False`: a USB stick) is neither made nor changed; the copy itself is its owner's only.
    `label` ends the name after "_" (letters, digits, dots and dashes: `source_label`)."""
    now = now or datetime.now()
    try:
        if own_folder:  # the program's own backup folder: made, and kept to its owner
            private_folder(backup_dir)
    except OSError as error:
        raise StorageError(N_("Không sao lưu được vào {dir}: {error}"), dir=str(backup_dir), error=str(error)) from error
    tail = f"_{label}" if label else ""
    target = backup_dir / f"kbang-{now:%Y%m%d-%H%M%S}-{reason}{tail}.db"
    n = 1
    while target.exists():
        target = backup_dir / f"kbang-{now:%Y%m%d-%H%M%S}-{reason}-{n}{tail}.db"
        n += 1
    try:
        if key is not None:
            ring = vault.keyring_path(db_path)
            if ring.exists():  # first: a backup is never in place without the keyring that opens it
                write_atomic(vault.keyring_path(target), ring.read_bytes())
        copy_database(db_path, target, key)
    except (OSError, sqlite3.Error, vault.dbapi(True).Error, KbangError) as error:
        _remove_quietly(vault.keyring_path(target))  # all or nothing: no keyring without its copy
        if _disk_full(error):
            raise no_room(backup_dir, _needed(db_path)) from error
        detail = error.translated() if isinstance(error, KbangError) else str(error)
        raise StorageError(N_("Không sao lưu được vào {dir}: {error}"), dir=str(backup_dir), error=detail) from error
    problem = _check(target, key)
    if problem:
        target.unlink(missing_ok=True)
        vault.keyring_path(target).unlink(missing_ok=True)
        raise StorageError(N_("Bản sao lưu vừa tạo không đọc lại được ({problem})."), problem=problem)
    return target


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _disk_full(error: BaseException) -> bool:
    while error is not None:
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        if "disk is full" in str(error).lower() or "no space left" in str(error).lower():
            return True
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


def _needed(db_path: Path) -> int:
    """Bytes a copy of `db_path` takes (the file, its WAL, its keyring)."""
    total = 0
    for path in (db_path, Path(f"{db_path}-wal"), vault.keyring_path(db_path)):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total


def size_text(n: int) -> str:
    """A size for a person: "850 KB", "1.234 MB"."""
    from kbang_desktop import i18n

    return f"{i18n.format_number(max(1, round(n / 1024)))} KB" if n < 10 << 20 else \
        f"{i18n.format_number(round(n / 1048576))} MB"


def free_space(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def no_room(folder: Path, needed: int) -> StorageError:
    """The sentence for a disk too full for a copy: the space free now and about what is needed."""
    free = free_space(folder)
    return StorageError(N_("Ổ đĩa chứa thư mục {dir} đã đầy: còn trống {free}, cần khoảng {needed}. Hãy xóa bớt tệp "
                           "hoặc dùng ổ khác rồi thử lại; không có gì được ghi dở."),
                        dir=str(folder), free=size_text(free or 0), needed=size_text(needed))


def backup_to(db_path: Path, folder: Path, key: bytes | None = None, now: datetime | None = None) -> Path:
    """`kbang backup --out FOLDER`: a checked (encrypted, with its keyring) copy written whole into a folder
    the user names (a USB stick), never made by the program; the newest KEEP_COPIES such copies are kept
    there. A folder missing, not writable or too full is one sentence, and nothing is left half-written."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise StorageError(N_("Không tìm thấy thư mục {dir}: hãy cắm ổ USB hoặc ghi đúng đường dẫn; chưa ghi gì."),
                           dir=str(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(N_("Không ghi được vào thư mục {dir} (ổ USB bị khóa ghi hoặc thư mục không có quyền ghi): "
                              "hãy cho phép ghi hoặc chọn thư mục khác; chưa ghi gì."), dir=str(folder))
    needed, free = _needed(db_path), free_space(folder)
    if free is not None and free < needed + (1 << 20):
        raise no_room(folder, needed)
    made = backup_now(db_path, folder, "copy", now=now, key=key, own_folder=False)
    prune(folder, kinds=(("copy", KEEP_COPIES),))
    return made


def source_label(source: str | Path) -> str:
    """The name of an imported file as it ends a backup's name: without diacritics, spaces as dashes, only
    letters, digits, dots and dashes, at most 60 characters ("Điểm xã 2026.xlsx" -> "diem-xa-2026.xlsx")."""
    from kbang_desktop.core.text import fold

    path = Path(str(source))
    stem = re.sub(r"[^a-z0-9]+", "-", fold(path.stem)).strip("-")[:55].strip("-") or "tep"
    suffix = re.sub(r"[^a-z0-9]+", "", path.suffix.lower())[:5]
    return f"{stem}.{suffix}" if suffix else stem


def pre_import_backup(db_path: Path, backup_dir: Path, source: str | Path, key: bytes | None = None,
                      now: datetime | None = None) -> Path:
    """The copy made before an import writes (a bundle, people or scores from a spreadsheet): encrypted with
    its keyring like every backup, named for the file imported (`kbang-...-pre-import_FILE.db`), the newest
    KEEP_PRE_IMPORT such copies kept. A failure (a full disk) is one sentence that says nothing was
    imported; the caller then imports nothing."""
    name = Path(str(source)).name
    try:
        made = backup_now(db_path, backup_dir, "pre-import", now=now, key=key, label=source_label(source))
    except StorageError as error:
        if _disk_full(error):
            free = free_space(backup_dir) if backup_dir.is_dir() else None
            raise StorageError(N_("Ổ đĩa chứa thư mục sao lưu {dir} đã đầy (còn trống {free}, cần khoảng {needed}) "
                                  "nên chưa sao lưu được trước khi nhập {file}: hãy xóa bớt tệp rồi nhập lại; chưa "
                                  "nhập gì."), dir=str(backup_dir), free=size_text(free or 0),
                               needed=size_text(_needed(db_path)), file=name) from error
        raise StorageError(N_("Chưa sao lưu được cơ sở dữ liệu trước khi nhập {file} ({error}), nên chưa nhập gì: "
                              "hãy kiểm tra thư mục sao lưu {dir} rồi nhập lại."), file=name,
                           error=error.translated(), dir=str(backup_dir)) from error
    prune(backup_dir, kinds=(("pre-import", KEEP_PRE_IMPORT),))
    return made


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


def newest_good_backup(backup_dir: Path, key: bytes | None = None) -> Path | None:
    """The newest backup that reads whole (an encrypted one without `key`: the newest with its keyring)."""
    for _when, _kind, path in list_backups(backup_dir):
        if vault.is_encrypted(path) and key is None:
            if vault.keyring_path(path).exists():
                return path
        elif _check(path, key) is None:
            return path
    return None


# One daily backup at a time in a process (a background one and a log-in's), and no rekey meanwhile.
DATABASE_LOCK = threading.RLock()
_DAILY_LOCK = DATABASE_LOCK


def daily_backup(db_path: Path, backup_dir: Path, today: date | None = None, key: bytes | None = None,
                 own_folder: bool = True) -> Path | None:
    """Back up once a day (a weekly copy on the first backup of each ISO week), then prune (`own_folder`:
    see `backup_now`)."""
    with _DAILY_LOCK:
        return _daily_backup(db_path, backup_dir, today or date.today(), key, own_folder)


def _daily_backup(db_path: Path, backup_dir: Path, today: date, key: bytes | None, own_folder: bool) -> Path | None:
    existing = list_backups(backup_dir)
    if any(when.date() == today and kind in ("daily", "weekly") for when, kind, _ in existing):
        return None
    week = today.isocalendar()[:2]
    weekly_done = any(when.date().isocalendar()[:2] == week and kind == "weekly" for when, kind, _ in existing)
    made = backup_now(db_path, backup_dir, "daily" if weekly_done else "weekly",
                      now=datetime.combine(today, datetime.now().time()), key=key, own_folder=own_folder)
    prune(backup_dir)
    return made


def prune(backup_dir: Path, kinds: tuple[tuple[str, int], ...] = (("daily", KEEP_DAILY), ("weekly", KEEP_WEEKLY)),
          ) -> list[Path]:
    """Keep the newest 7 daily and 4 weekly backups (or as `kinds` says); other kinds are kept."""
    removed = []
    for kind, keep in kinds:
        copies = [p for _w, k, p in list_backups(backup_dir) if k == kind]
        for path in copies[keep:]:
            path.unlink(missing_ok=True)
            vault.keyring_path(path).unlink(missing_ok=True)
            removed.append(path)
    return removed


RESTORE_LEAP = 100_000_000


def _mark_restored(path: Path, key: bytes | None = None) -> None:
    """Make later changes take sequence numbers far above any the restored file had used.

    Other offices acknowledged numbers this PC used after the backup was taken; a change made
    after the restore must not take one of those, or they would believe they already hold it.
    One placeholder row in the change log moves the numbering on (by more changes than an
    office makes between two backups).
    """
    connection = vault.connect(path, key)
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


def require_backup(backup_file: Path, key: bytes | None = None, strict: bool = False) -> None:
    """Refuse, in one sentence, a file that is not a readable Kbang backup (an encrypted one is read
    with `key`; without it, only that the file is there, unless `strict`)."""
    if not backup_file.is_file():
        raise StorageError(N_("Không tìm thấy tệp {path}."), path=str(backup_file))
    if key is None and vault.is_encrypted(backup_file) and not strict:
        return
    problem = _check(backup_file, key)
    if problem:
        raise StorageError(N_("Tệp {path} không phải là bản sao lưu hợp lệ ({problem}). Dữ liệu hiện tại được giữ nguyên."),
                           path=str(backup_file), problem=problem)


ACCOUNT_COLUMNS = ("id", "username", "display_name", "role", "active", "password_hash")


def accounts(path: Path, key: bytes | None = None) -> list[dict[str, object]]:
    """The accounts of the database or backup at `path`, read without writing (any schema revision):
    id, username, display_name, role, active, password_hash."""
    connection = vault.connect(path, key if vault.is_encrypted(path) else None, read_only=True)
    try:
        rows = connection.execute(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM app_user").fetchall()
    except (sqlite3.DatabaseError, vault.dbapi(True).DatabaseError):
        rows = []
    finally:
        connection.close()
    return [dict(zip(ACCOUNT_COLUMNS, row, strict=True)) for row in rows]


def account(path: Path, username: str, key: bytes | None = None) -> dict[str, object] | None:
    """One account of the database or backup at `path` (see `accounts`); None when there is no such user."""
    return next((a for a in accounts(path, key) if a["username"] == username), None)


def recovery_public_of(path: Path, key: bytes) -> bytes | None:
    """The recovery public key recorded in the encrypted file at `path` (None when there is none)."""
    import base64

    connection = vault.connect(path, key, read_only=True)
    try:
        row = connection.execute("SELECT value FROM local_state WHERE key = ?", (vault.RECOVERY_PUBLIC,)).fetchone()
    except vault.dbapi(True).DatabaseError:
        row = None
    finally:
        connection.close()
    try:
        return base64.b64decode(row[0]) if row and row[0] else None
    except ValueError:
        return None


def write_keyring_of(db_path: Path, key: bytes, recovery: bytes | None = None) -> bool:
    """The keyring beside `db_path` made to hold a slot for each active account of that file and the
    recovery slot (the public key recorded in the file, else `recovery`)."""
    recorded = recovery_public_of(db_path, key) if vault.is_encrypted(db_path) else None
    return vault.write_keyring(vault.keyring_path(db_path), key, [
        (str(a["username"]), str(a["password_hash"])) for a in accounts(db_path, key) if a["active"]],
        recorded or recovery)


def _set_aside(db_path: Path, why: str) -> Path:
    """Move the database with its WAL, shared memory and keyring aside whole (`NAME.why-DATE`), unopened."""
    kept = db_path.with_name(f"{db_path.name}.{why}-{datetime.now():%Y%m%d-%H%M%S}")
    os.replace(db_path, kept)
    private_file(kept)
    for suffix in ("-wal", "-shm", vault.KEYRING_SUFFIX):
        if Path(str(db_path) + suffix).exists():
            os.replace(Path(str(db_path) + suffix), Path(str(kept) + suffix))
            private_file(Path(str(kept) + suffix))
    return kept


def restore(backup_file: Path, db_path: Path, backup_dir: Path, key: bytes | None = None,
            current_key: bytes | None = None) -> Path | None:
    """Replace the database with a checked backup (an encrypted one read with `key`); the current file is
    backed up first (with `current_key` when it is encrypted); one that is damaged, or encrypted with a
    key not at hand, is moved aside whole as `NAME.damaged-...` / `NAME.replaced-...` with its WAL and
    keyring; the path of what was kept is returned. The restored file gets the keyring of its own
    accounts. Nothing is replaced when the backup is unreadable or not a Kbang database.
    """
    require_backup(backup_file, key, strict=True)
    safety = None
    if db_path.exists() and vault.is_encrypted(db_path) and current_key is None:
        safety = _set_aside(db_path, "replaced")
    elif db_path.exists() and _check(db_path, current_key) is None:
        safety = backup_now(db_path, backup_dir, "pre-restore", key=current_key)
    elif db_path.exists():  # damaged: kept aside whole for a later rescue, never overwritten
        safety = _set_aside(db_path, "damaged")
    staged = db_path.with_name(db_path.name + ".restore")
    copy_database(backup_file, staged, key)
    _mark_restored(staged, key)
    if key is not None:
        ring = vault.keyring_path(staged)
        write_keyring_of(staged, key)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(staged, db_path)
    if key is not None:
        os.replace(ring, vault.keyring_path(db_path))
    fsync_dir(db_path.parent)
    return safety


def encrypt_database(path: Path, key: bytes, backup_dir: Path, recovery: bytes | None = None,
                     progress: Progress | None = None) -> Path:
    """Encrypt a plain database in place under `key`, with a slot for each active account and one for the
    recovery public key `recovery` (recorded inside the file too); the encrypted file is returned (the
    same path). `progress` hears how far it is (0.0 to 1.0).

    First a plain backup; then an encrypted copy is made beside it (`NAME.encrypting`), made durable and
    checked (intact, every table with as many rows as the plain file); its keyring is written; only then
    is it renamed over the plain file. Killed at any moment, the program finds either the plain file
    whole (and encrypts again at the next start) or the encrypted one whole with its keyring. The plain
    backup is removed once the encrypted file has been read back; older plain backups are encrypted too.
    """
    tell = progress or (lambda _done: None)
    tell(0.0)
    plain_backup = backup_now(path, backup_dir, "pre-encryption")
    tell(0.15)
    # before the encrypted file is in place: it never stands without its keyring
    vault.write_keyring(vault.keyring_path(path), key, [
        (str(a["username"]), str(a["password_hash"])) for a in accounts(path) if a["active"]], recovery)
    _encrypt_file(path, key, recovery, lambda done: tell(0.15 + 0.65 * done))
    others = [p for _w, _k, p in list_backups(backup_dir)
              if p != plain_backup and not vault.is_encrypted(p) and _check(p) is None]
    for index, other in enumerate(others):
        write_keyring_of(other, key, recovery)
        _encrypt_file(other, key, recovery)
        tell(0.8 + 0.2 * (index + 1) / len(others))
    if _check(path, key) is None:  # the encrypted file read back: the plain copy can go
        plain_backup.unlink(missing_ok=True)
    tell(1.0)
    return path


def _encrypt_file(path: Path, key: bytes, recovery: bytes | None = None, progress: Progress | None = None) -> None:
    import base64

    staged = path.with_name(path.name + ".encrypting")
    for leftover in (staged, Path(f"{staged}-journal"), Path(f"{staged}-wal")):
        leftover.unlink(missing_ok=True)
    create_private(staged)
    cipher = vault.dbapi(True)
    connection = cipher.connect(str(path), timeout=10)  # SQLCipher's SQLite reads the plain file as it is
    try:
        busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                   "AND name NOT LIKE 'sqlite_%'")]
        counts = {t: connection.execute(f'SELECT count(*) FROM main."{t}"').fetchone()[0] for t in tables}
        size = max(1, path.stat().st_size)
        if progress is not None:  # how far the export is: the size of the copy against the plain file
            def step() -> int:
                try:
                    progress(min(1.0, staged.stat().st_size / size))
                except OSError:
                    pass
                return 0
            connection.set_progress_handler(step, 20_000)
        connection.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(staged),))
        connection.execute("SELECT sqlcipher_export('encrypted')")
        connection.commit()
        connection.set_progress_handler(None, 0)
        connection.execute("DETACH DATABASE encrypted")
    finally:
        connection.close()
    check = vault.connect(staged, key)  # a new connection: the attached schema is not reloaded after the export
    try:
        written = {t: check.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    except vault.dbapi(True).DatabaseError:
        written = {}
    finally:
        check.close()
    wal = Path(f"{path}-wal")
    in_use = (busy is not None and busy[0] != 0) or (wal.exists() and wal.stat().st_size > 0)
    problem = None if in_use else quick_check(staged, key=key, require_table="alembic_version")
    if in_use or written != counts or problem:
        staged.unlink(missing_ok=True)
        if in_use:
            raise StorageError(N_("Chưa mã hóa được cơ sở dữ liệu {path} vì một chương trình khác đang dùng nó: hãy "
                                  "đóng chương trình đó rồi mở lại; tệp cũ được giữ nguyên."), path=str(path))
        raise StorageError(N_("Không mã hóa được cơ sở dữ liệu {path}: bản mã hóa đọc lại không khớp. Tệp cũ được "
                              "giữ nguyên."), path=str(path))
    if recovery is not None and "local_state" in tables:  # inside the file too: a swapped keyring is noticed
        record = vault.connect(staged, key)
        try:
            with record:
                record.execute("INSERT OR REPLACE INTO local_state (key, value) VALUES (?, ?)",
                               (vault.RECOVERY_PUBLIC, base64.b64encode(recovery).decode()))
        finally:
            record.close()
    with staged.open("rb+") as handle:
        os.fsync(handle.fileno())
    wal.unlink(missing_ok=True)  # empty (checked above): it must not meet the new file
    Path(f"{path}-shm").unlink(missing_ok=True)
    os.replace(staged, path)
    fsync_dir(path.parent)
