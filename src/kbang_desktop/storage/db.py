"""Opening the database: pragmas, integrity check, migrations with a backup first.

SQLite (the default) is opened with foreign_keys=ON, journal_mode=WAL,
synchronous=FULL (power cuts are common) and a busy timeout. The same models
run on PostgreSQL for a hub that outgrows one file.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from kbang_desktop import __version__
from kbang_desktop.core.errors import StorageError
from kbang_desktop.i18n import N_
from kbang_desktop.storage import backup as backups
from kbang_desktop.storage import vault, writes
from kbang_desktop.storage.backup import quick_check
from kbang_desktop.storage.files import create_private, private_file, private_folder

BUSY_TIMEOUT_MS = 10_000
# A full quick_check reads every page: instant for a commune, seconds for a multi-GB hub file.
# Above this size the start-up check reads the header and schema only; the full check runs in
# `kbang check` and on every daily backup copy (which the backup API copies page by page).
FULL_CHECK_AT_OPEN_MAX_BYTES = 512 * 1024 * 1024


VERSIONS_DIR = Path(__file__).resolve().parent / "migrations" / "versions"
_REVISION = re.compile(r"^revision(?:: str)? = ['\"]([\w-]+)['\"]", re.M)
WRITTEN_BY = "schema_written_by"  # local_state: the program version that migrated the database last
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = (?:['\"]([\w-]+)['\"]|None)", re.M)


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "kbang_desktop.storage:migrations")
    return config


@cache
def revision_graph() -> dict[str, str | None]:
    """{revision: down_revision} read from our version files (cheap: no Alembic import at start)."""
    graph: dict[str, str | None] = {}
    for path in VERSIONS_DIR.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision and down:
            graph[revision.group(1)] = down.group(1)
    return graph


def head_revision() -> str:
    graph = revision_graph()
    heads = set(graph) - {down for down in graph.values() if down}
    return heads.pop() if len(heads) == 1 else ""


def known_revisions() -> set[str]:
    return set(revision_graph())


def is_url(target: str) -> bool:
    return "://" in target


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(target: str | Path, key: bytes | None = None) -> Engine:
    """An engine for a SQLite file path or a database URL, with our pragmas; `key`: the file is
    encrypted with SQLCipher 4 under that raw key (storage.vault)."""
    if isinstance(target, Path) or not is_url(target):
        url = f"sqlite:///{Path(target)}"
    else:
        url = str(target)
    options: dict = {"module": vault.dbapi(True)} if key is not None else {}
    engine = create_engine(url, future=True, **options)
    if key is not None:  # before anything reads the file: every connection starts with the key
        cell = vault.KeyCell(key)  # a rekey changes it (after closing the pooled connections)
        engine.kbang_key = cell  # type: ignore[attr-defined]
        event.listen(engine, "connect", lambda conn, _rec: conn.execute(vault.key_pragma(cell.key)), insert=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not the driver, manage transactions (BEGIN IMMEDIATE for writes).
        event.listen(engine, "connect", lambda conn, _rec: setattr(conn, "isolation_level", None))
        # Writes take the write lock at once (no deadlock on upgrade); reads begin deferred.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(
            "BEGIN IMMEDIATE" if conn.get_execution_options().get("kbang_write") else "BEGIN"))
    return engine


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database (None for an empty one)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


@dataclass(frozen=True, slots=True)
class OpenResult:
    migrated_from: str | None
    backup: Path | None


class Database:
    """One open database: the engine and the session factory. Services take one of these."""

    def __init__(self, engine: Engine, path: Path | None, backup_dir: Path | None, key: bytes | None = None) -> None:
        self.engine = engine
        self.path = path
        self.backup_dir = backup_dir
        self.key = key  # the SQLCipher key of an encrypted file (storage.vault), else None
        self._sessions = sessionmaker(engine.execution_options(kbang_write=True), expire_on_commit=False, future=True)
        self._readers = sessionmaker(engine, expire_on_commit=False, future=True)
        writes.install(self._sessions)
        writes.install(self._readers)  # a write through a read session still fails loudly, never unaudited

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, writer: "writes.Writer | None" = None) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        Writes need a `writer` (who, which site, which clock): it stamps and audits them.
        """
        with self._sessions() as session, session.begin():
            session.info["writer"] = writer
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (nothing is committed)."""
        with self._readers() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def _accounts(self) -> list[tuple[str, str]]:
        with self.engine.connect() as connection:
            rows = connection.execute(text("SELECT username, password_hash FROM app_user WHERE active")).all()
        return [(r[0], r[1]) for r in rows]

    def recovery_public(self) -> bytes | None:
        """The recovery public key recorded in the database (None: no recovery key made yet)."""
        import base64

        with self.engine.connect() as connection:
            if not inspect(connection).has_table("local_state"):
                return None
            value = connection.execute(text("SELECT value FROM local_state WHERE key = :key"),
                                       {"key": vault.RECOVERY_PUBLIC}).scalar()
        try:
            return base64.b64decode(value) if value else None
        except ValueError:
            return None

    def set_recovery_public(self, public: bytes) -> None:
        """Record the recovery public key in the database, then seal the key to it in the keyring."""
        import base64

        with self.engine.begin() as connection:
            connection.execute(text("DELETE FROM local_state WHERE key = :key"), {"key": vault.RECOVERY_PUBLIC})
            connection.execute(text("INSERT INTO local_state (key, value) VALUES (:key, :value)"),
                               {"key": vault.RECOVERY_PUBLIC, "value": base64.b64encode(public).decode()})
        self.sync_keyring()

    def sync_keyring(self) -> bool:
        """The keyring beside an encrypted file: a slot for each active account and the recovery slot, after
        any change to the accounts, at every open (a keyring that a power cut left behind is mended).
        A slot that must go (a user removed, a password changed: whoever knew it may have kept a copy of
        the keyring) makes the database take a new key (`rekey`); a new user only gets a slot. The
        recovery public key is always the database's own. True when the database was rekeyed."""
        if self.key is None or self.path is None:
            return False
        ring_file = vault.keyring_path(self.path)
        accounts, recovery = self._accounts(), self.recovery_public()
        existing = vault.read_keyring(ring_file)
        if recovery is None and existing is not None:  # not recorded (yet): the keyring's, recorded now
            recovery = vault.ring_recovery(existing)
            if recovery is not None:
                self.set_recovery_public(recovery)
                return False
        wanted = set(vault.fingerprints(accounts))
        same_key = existing is not None and existing.get("key_id") == vault.key_id(self.key)
        had = {str(s.get("of", "")) for s in (existing or {}).get("slots", []) if isinstance(s, dict)}
        if existing is not None and (not same_key or had - wanted):
            self.rekey()  # a rekey cut short (the database still has the previous key), or a slot to drop
            return True
        vault.write_keyring(ring_file, self.key, accounts, recovery)
        return False

    def rekey(self) -> None:
        """Encrypt the database with a new random key (PRAGMA rekey, one SQLite transaction in rollback
        journal mode) and rewrite the keyring for the active accounts and the recovery public key only.
        Crash-safe: the keyring first holds both keys (the previous for the remaining users only), then the
        database changes key in one transaction, then the keyring drops the previous key; killed at any
        point, the database opens with the keyring beside it, and the next open rekeys again. Another
        program that had the file open can no longer read it (nothing is lost: it must open it again)."""
        assert self.key is not None and self.path is not None
        old, new = self.key, vault.new_key()
        ring_file = vault.keyring_path(self.path)
        accounts, recovery = self._accounts(), self.recovery_public()
        with backups.DATABASE_LOCK:  # not while this process copies the file (the daily backup)
            vault.write_keyring(ring_file, new, accounts, recovery, previous=old)
            self.engine.dispose()
            busy = StorageError(N_("Chưa đổi được khóa của cơ sở dữ liệu {path} vì một chương trình khác đang dùng "
                                   "nó: hãy đóng chương trình đó; khóa được đổi ở lần mở sau."), path=str(self.path))
            connection = vault.connect(self.path, old)
            try:
                mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
                if str(mode).lower() != "delete":
                    raise busy
                connection.execute(f"PRAGMA rekey = \"x'{new.hex()}'\"")  # one transaction: all pages or none
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
                connection.execute("PRAGMA journal_mode=WAL").fetchone()
            except vault.dbapi(True).OperationalError as error:  # a reader holding the file: the old key stays
                raise (disk_full(self.path) if "full" in str(error).lower() else busy) from error
            finally:
                connection.close()
            self.key = new
            self.engine.kbang_key.key = new  # type: ignore[attr-defined]
            vault.write_keyring(ring_file, new, accounts, recovery)

    # --- opening ---------------------------------------------------------------

    @classmethod
    def open(cls, target: str | Path, backup_dir: Path | None = None, migrate: bool = True,
             create: bool = True, check: bool = True, key: bytes | None = None, recovery: bytes | None = None,
             progress: "backups.Progress | None" = None) -> "Database":
        """Open (and create, migrate) a database; raise StorageError with a clear message.

        For a SQLite file: run quick_check first and report the newest good backup
        when the file is damaged; refuse a file made by a newer version; back the
        file up before migrating it. With `key` the file is encrypted (SQLCipher): a new one is made
        so, and a plain one of an older version is encrypted in place first (after a backup; `progress`
        hears how far it is); `recovery`: the recovery public key to record in a new or newly encrypted one.
        """
        path: Path | None = None
        if isinstance(target, Path) or not is_url(str(target)):
            path = Path(target).expanduser().resolve()
            if not path.exists() and not create:
                raise StorageError(N_("Không tìm thấy cơ sở dữ liệu {path}."), path=str(path))
            keep_private(path, create)
            if key is None and vault.is_encrypted(path) and vault.keyring_path(path).exists():
                raise StorageError(N_("Cơ sở dữ liệu {path} được mã hóa: hãy đăng nhập để mở."), path=str(path))
            if key is not None and path.exists() and path.stat().st_size > 0 and not vault.is_encrypted(path):
                backups.encrypt_database(path, key, backup_dir or backups.default_backup_dir(path), recovery,
                                         progress)
            if check and path.exists() and path.stat().st_size > 0:
                problem = quick_check(path, full=path.stat().st_size <= FULL_CHECK_AT_OPEN_MAX_BYTES, key=key)
                if problem:
                    raise damaged(path, backup_dir, problem)
        engine = make_engine(path if path else str(target), key if path else None)
        database = cls(engine, path, backup_dir, key if path else None)
        try:
            database.check_revision(migrate)
            if database.key is not None and recovery is not None and database.recovery_public() is None:
                database.set_recovery_public(recovery)  # a new database: its recovery key, recorded inside
            database.sync_keyring()  # heals a keyring that a power cut left behind the accounts
        except StorageError:
            engine.dispose()
            raise
        except Exception as error:  # driver errors: not a database, locked, refused connection
            engine.dispose()
            if path is not None and "file is not a database" in str(error):
                raise damaged(path, backup_dir, str(error)) from error
            trouble = machine_trouble(error, path)
            if trouble is not None:
                raise trouble from error
            raise StorageError(N_("Không mở được cơ sở dữ liệu {path}: {error}"), path=str(path or target),
                               error=str(error).splitlines()[0]) from error
        return database

    def check_revision(self, migrate: bool) -> OpenResult:
        current = current_revision(self.engine)
        head = head_revision()
        if current == head:
            return OpenResult(None, None)
        if current is not None and current not in known_revisions():
            needed = self._written_by()
            if needed:
                raise StorageError(N_("Cơ sở dữ liệu này do Kbang Desktop {version} tạo ra (phiên bản dữ liệu {revision}); "
                                      "máy này đang chạy phiên bản {mine}. Hãy cài Kbang Desktop {version} trở lên rồi mở "
                                      "lại. Dữ liệu không bị thay đổi."), version=needed, revision=current, mine=__version__)
            raise StorageError(N_("Cơ sở dữ liệu này do một phiên bản mới hơn của phần mềm tạo ra (phiên bản dữ liệu {revision}). "
                                  "Hãy cập nhật Kbang Desktop lên phiên bản mới nhất rồi mở lại."), revision=current)
        if not migrate:
            raise StorageError(N_("Cơ sở dữ liệu cần được nâng cấp trước khi dùng."))
        saved = None
        if current is not None and self.path is not None:
            saved = backups.backup_now(self.path, self.backup_dir or backups.default_backup_dir(self.path),
                                       reason="pre-migration", key=self.key)
        self.upgrade()
        return OpenResult(current, saved)

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command

        config = alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            # Which version of the program brought the schema here: an older program that meets this
            # database can then say which version to install.
            connection.execute(text("DELETE FROM local_state WHERE key = :key"), {"key": WRITTEN_BY})
            connection.execute(text("INSERT INTO local_state (key, value) VALUES (:key, :value)"),
                               {"key": WRITTEN_BY, "value": __version__})

    def _written_by(self) -> str | None:
        try:
            with self.engine.connect() as connection:
                return connection.execute(text("SELECT value FROM local_state WHERE key = :key"),
                                          {"key": WRITTEN_BY}).scalar()
        except Exception:  # a schema this version cannot read: the general message then
            return None

    def table_names(self) -> list[str]:
        with self.engine.connect() as connection:
            if self.dialect == "sqlite":
                rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
                return sorted(r[0] for r in rows)
            return sorted(inspect(connection).get_table_names())


def keep_private(path: Path, create: bool = True) -> None:
    """The database file, its WAL and shared-memory files readable by their owner only (0600 on POSIX; a
    new file is made so before SQLite opens it), and its folder too (0700) when the program makes it or
    it is in the program's data folder; a folder the user chose for other things keeps its modes."""
    from kbang_desktop.paths import data_dir

    folder, data = path.parent, data_dir().expanduser().resolve()
    if not folder.exists() or folder == data or data in folder.parents:
        private_folder(folder)
        if data in folder.parents:
            private_folder(data)
    try:
        if create and not path.exists():
            create_private(path)
    except OSError:
        pass  # a read-only folder: SQLite's own error says so when it opens
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        private_file(name)


def machine_trouble(error: BaseException, path: Path | None) -> StorageError | None:
    """The sentence for the machine's own trouble with the database file (another program holds it, it
    cannot be written, its disk is full), or None. Neither is damage: the file is never called damaged, and restoring a
    backup is never the advice."""
    text = str(getattr(error, "orig", None) or error).lower()
    where = str(path) if path is not None else ""
    if "database is locked" in text or "database table is locked" in text:
        return StorageError(N_("Cơ sở dữ liệu {path} đang được chương trình khác sử dụng (một cửa sổ Kbang Desktop "
                               "khác, một lệnh kbang đang chạy, hoặc chương trình sao chép, diệt virus): hãy đóng "
                               "chương trình đó hoặc đợi nó xong rồi thử lại; dữ liệu không bị thay đổi."), path=where)
    if "database or disk is full" in text or \
            getattr(getattr(error, "orig", error), "sqlite_errorname", "") == "SQLITE_FULL":
        return disk_full(path)
    if "readonly database" in text or "read-only" in text or "unable to open database file" in text:
        return StorageError(N_("Không ghi được vào cơ sở dữ liệu {path} vì tệp hoặc thư mục chứa nó chỉ cho đọc (ổ "
                               "USB bị khóa ghi, thư mục không có quyền ghi): hãy cho phép ghi hoặc chép tệp sang "
                               "thư mục khác rồi mở lại; dữ liệu vẫn nguyên vẹn."), path=where)
    return None


DISK_FULL_MARGIN = 64 * 1024 * 1024  # what a change, its WAL and a checkpoint need at the least


def disk_full(path: Path | None) -> StorageError:
    """The sentence for a disk too full for the database to grow: the free space now and about what is
    needed (a tenth of the file for its WAL and checkpoints, 64 MB at the least). SQLite rolled the change
    back whole: nothing is half-written."""
    folder = path.parent if path is not None else None
    free = backups.free_space(folder) if folder is not None else None
    size = path.stat().st_size if path is not None and path.exists() else 0
    needed = max(DISK_FULL_MARGIN, size // 10)
    return StorageError(N_("Ổ đĩa chứa dữ liệu ({dir}) đã đầy: còn trống {free}, cần thêm khoảng {needed}. Thay đổi "
                           "vừa rồi chưa được ghi và dữ liệu cũ vẫn nguyên vẹn. Hãy xóa bớt tệp trên ổ đó (thùng rác, "
                           "tệp tải về) hoặc chuyển bớt tệp sang ổ khác rồi làm lại."),
                        dir=str(folder) if folder is not None else "?",
                        free=backups.size_text(free) if free is not None else "?", needed=backups.size_text(needed))


def damaged(path: Path, backup_dir: Path | None, problem: str) -> StorageError:
    """The error for a damaged file, naming the newest good backup if there is one."""
    newest = backups.newest_good_backup(backup_dir or backups.default_backup_dir(path))
    if newest:
        return StorageError(N_("Cơ sở dữ liệu {path} bị hỏng ({problem}). Bản sao lưu tốt gần nhất: {backup}. "
                               "Dùng lệnh \"kbang restore {backup}\" để khôi phục."),
                            path=str(path), problem=problem, backup=str(newest))
    return StorageError(N_("Cơ sở dữ liệu {path} bị hỏng ({problem}) và không tìm thấy bản sao lưu nào."),
                        path=str(path), problem=problem)
