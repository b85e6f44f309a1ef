"""Crash reports without personal data, for the window and the command line.

A report names the operation, the error's type and where in the code it happened (file, line,
function of each frame, and the same for the errors it was raised from); it never holds the error's
message, SQL parameters, local variables or record values, because those carry names, ID numbers and
ethnic codes (an SQLAlchemy error prints its parameters in its message). One file per crash in the
data folder's `logs/`, readable by its owner only; reports older than 90 days are removed whenever a
report is written and at start.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import datetime, timedelta
from pathlib import Path

from kbang_desktop import __version__

KEEP_DAYS = 90
PREFIX = "kbang-crash-"
# The files earlier versions appended whole tracebacks to (SQL parameters included): removed at start.
OLD_LOGS = ("kbang-cli-crash.log", "kbang-desktop-errors.log")


def describe(error: BaseException, operation: str, now: datetime | None = None) -> str:
    """The text of a report: what was being done, which error, where; no values of any kind."""
    lines = [f"Kbang Desktop {__version__}, Python {sys.version.split()[0]}, {sys.platform}",
             f"time: {(now or datetime.now()).isoformat(timespec='seconds')}",
             f"operation: {operation}"]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        lines.append(f"error: {kind.__module__}.{kind.__qualname__}")
        original = getattr(current, "orig", None)  # SQLAlchemy's wrapper: the driver's own error type
        if isinstance(original, BaseException):
            lines.append(f"  driver error: {type(original).__module__}.{type(original).__qualname__}")
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  at {_where(frame.filename)}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
        if current is not None:
            lines.append("raised while handling:")
    return "\n".join(lines) + "\n"


def _where(filename: str) -> str:
    """A source file relative to the package (no user name in a home folder path)."""
    parts = Path(filename).parts
    for anchor in ("kbang_desktop", "site-packages", "lib"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor):])
    return Path(filename).name


def write_report(error: BaseException, operation: str, folder: Path | None = None) -> Path | None:
    """Write a report for `error` into `folder` (the data folder's logs/); its path, or None when
    the folder cannot be written (the user still gets the one sentence)."""
    from kbang_desktop.storage.files import private_folder

    try:
        folder = folder or default_folder()
        private_folder(folder)
        prune(folder)
        now = datetime.now()
        path = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S-%f}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(describe(error, operation, now))
        return path
    except OSError:
        return None


def default_folder() -> Path:
    from kbang_desktop.paths import data_dir

    return data_dir() / "logs"


def prune(folder: Path | None = None, now: datetime | None = None) -> list[Path]:
    """Remove reports older than KEEP_DAYS and the whole-traceback logs of earlier versions."""
    removed: list[Path] = []
    try:
        folder = folder or default_folder()
        if not folder.is_dir():
            return removed
        limit = (now or datetime.now()) - timedelta(days=KEEP_DAYS)
        for path in folder.iterdir():
            old_log = path.name in OLD_LOGS
            if old_log or (path.name.startswith(PREFIX) and datetime.fromtimestamp(path.stat().st_mtime) < limit):
                path.unlink(missing_ok=True)
                removed.append(path)
    except OSError:
        pass  # a read-only data folder: nothing to clean, nothing lost
    return removed
