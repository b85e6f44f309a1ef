"""Durable file writing for USB sticks and unreliable power.

A file is written under a temporary name, flushed, fsynced, read back and only
then renamed into place, and its folder is fsynced: a power cut or a pulled stick
never leaves a file that looks valid but is not.
"""

from __future__ import annotations

import os
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


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` all or nothing; raise KbangError with a clear sentence on failure."""
    temporary = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if temporary.read_bytes() != data:
            raise OSError("read-back mismatch")
        os.replace(temporary, path)
        fsync_dir(path.parent)
    except OSError as error:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass  # the folder itself is the problem; nothing was written there
        raise KbangError(N_("Không ghi được tệp {path}: {error}. Kiểm tra USB còn chỗ trống và không bị khóa ghi."),
                         path=str(path), error=error.strerror or str(error)) from error


def unused_path(path: Path) -> Path:
    """`path`, or `name-2.ext`, `name-3.ext`...: the first that does not exist yet (never overwrite another's file)."""
    candidate, number = path, 1
    while candidate.exists() or candidate.with_name(candidate.name + ".part").exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate
