"""Durable file writing for USB sticks and unreliable power.

A file is written under a temporary name, flushed, fsynced, read back and only
then renamed into place, and its folder is fsynced: a power cut or a pulled stick
never leaves a file that looks valid but is not.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX; Windows has no directory handles for this)."""
    if os.name == "posix":
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


def private_folder(path: Path) -> Path:
    """Make the folder `path` (with missing parents) and keep it to its owner (0700 on POSIX; on Windows
    the data folder is in the user's own profile, closed to other accounts already). Only for folders the
    program owns (data, backups, keys, logs), never a folder the user merely picked a file in."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    _owner_only(path)
    return path


def private_file(path: Path) -> None:
    """Keep an existing file to its owner (0600 on POSIX): a database, a backup, a key, a report."""
    _owner_only(path)


def _owner_only(path: Path) -> None:
    if os.name != "posix":
        return
    try:
        info = path.stat()
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077 and info.st_uid == os.geteuid():
            os.chmod(path, mode & 0o700)
    except OSError:
        pass  # missing, or a stick without POSIX modes: nothing to close


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (before SQLite opens it: SQLite gives its WAL and
    shared-memory files the mode of the database file)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
    _owner_only(path)


def write_atomic(path: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write `data` to `path` all or nothing; raise KbangError with a clear sentence on failure. The file is
    its owner's only (0600 on POSIX): what the program writes may hold personal data."""
    temporary = _temporary(path)
    try:
        _write_aside(temporary, data, mode)
        os.replace(temporary, path)
        fsync_dir(path.parent)
    except OSError as error:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass  # the folder itself is the problem; nothing was written there
        raise KbangError(N_("Không ghi được tệp {path}: {error}. Kiểm tra USB còn chỗ trống và không bị khóa ghi."),
                         path=str(path), error=error.strerror or str(error)) from error


def _write_aside(temporary: Path, data: bytes, mode: int) -> None:
    """Write `data` to the temporary file beside its target, fsynced and read back (OSError otherwise)."""
    temporary.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    if os.name == "posix":
        os.fchmod(fd, mode)  # a .part left by an earlier try keeps its old mode otherwise
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if temporary.read_bytes() != data:
        raise OSError("read-back mismatch")


def _temporary(path: Path) -> Path:
    """A temporary name beside `path` that no other writer uses at the same time (two threads or two
    programs writing the same file each write their own, and the last rename wins whole)."""
    return path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.part")


def write_new(path: Path, data: bytes, mode: int = 0o600) -> bool:
    """Write `data` to `path` only if no file is there, all or nothing: False (and nothing changed) when
    another writer, in this program or another, made the file first. The file appears whole or not
    at all (written aside, fsynced, read back, then linked into place, which fails if the name exists)."""
    temporary = _temporary(path)
    try:
        _write_aside(temporary, data, mode)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        fsync_dir(path.parent)
        return True
    except OSError as error:
        raise KbangError(N_("Không ghi được tệp {path}: {error}. Kiểm tra USB còn chỗ trống và không bị khóa ghi."),
                         path=str(path), error=error.strerror or str(error)) from error
    finally:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


def unused_path(path: Path) -> Path:
    """`path`, or `name-2.ext`, `name-3.ext`...: the first that does not exist yet (never overwrite another's file)."""
    candidate, number = path, 1
    while candidate.exists() or candidate.with_name(candidate.name + ".part").exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate
