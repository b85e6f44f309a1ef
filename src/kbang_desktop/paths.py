"""Where things are: shipped resources and the user's data directory."""

from __future__ import annotations

import json
import os
import sys
from importlib import resources
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "KbangDesktop"


def shipped_dir(name: str, inside: str) -> Path:
    """A folder shipped with the program (`resources`, `docs`): in the built program (PyInstaller,
    where build_installer.spec puts it), inside the installed package, else the source tree. `inside`
    names a subfolder that tells the packaged copy is really there."""
    if getattr(sys, "frozen", False):
        return Path(sys._MEIPASS) / "kbang_desktop" / name  # type: ignore[attr-defined]
    try:
        packaged = Path(str(resources.files(f"kbang_desktop.{name}")))
        if (packaged / inside).is_dir():
            return packaged
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / name


def resources_dir() -> Path:
    """The shipped resources: reference data, templates, fonts, icons."""
    return shipped_dir("resources", "reference")


def docs_dir() -> Path:
    """The user guide and its pictures (docs/)."""
    return shipped_dir("docs", "guide")


def guide_file(which: str, lang: str) -> Path:
    """"guide" (everyone) or "hub" (the hub's administrator), in Vietnamese or English."""
    names = {("guide", "en"): "guide.en.md", ("hub", "en"): "hub.en.md", ("hub", "vi"): "don-vi-dau-moi.md"}
    return docs_dir() / "guide" / names.get((which, lang), "huong-dan.md")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


PORTABLE_MARKER = "portable.txt"
CONFIG_FILE = "kbang-desktop.json"


def program_dir() -> Path | None:
    """The folder of the built program (None when run from Python)."""
    return Path(sys.executable).resolve().parent if getattr(sys, "frozen", False) else None


def portable_dir() -> Path | None:
    """Portable mode: a file `portable.txt` beside the program (a copy on a USB stick) keeps every
    piece of data in `data/` beside it instead of the user's data folder."""
    folder = program_dir()
    return folder / "data" if folder is not None and (folder / PORTABLE_MARKER).exists() else None


def data_dir() -> Path:
    """Where this installation keeps its data: KBANG_DATA_DIR if set, the portable folder, else the
    user's data directory (%LOCALAPPDATA%\\KbangDesktop on Windows)."""
    override = os.environ.get("KBANG_DATA_DIR")
    if override:
        return Path(override)
    return portable_dir() or Path(user_data_dir(APP_NAME, appauthor=False))


def config() -> dict[str, str]:
    """What the set-up assistant chose: {"database": path, "backups": path}; {} before it ran.
    A damaged file counts as absent (the assistant then asks again; nothing is overwritten)."""
    try:
        data = json.loads((data_dir() / CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(v) for k, v in data.items() if k in ("database", "backups")} if isinstance(data, dict) else {}


def save_config(database: Path, backups: Path) -> Path:
    """Remember the chosen database and backup folders (written all or nothing)."""
    from kbang_desktop.storage.files import write_atomic  # here: i18n imports this module, storage imports i18n

    target = data_dir() / CONFIG_FILE
    write_atomic(target, json.dumps({"database": str(database), "backups": str(backups)}, ensure_ascii=False,
                                    indent=2).encode("utf-8"))
    return target


def default_database() -> Path:
    chosen = config().get("database")
    return Path(chosen) if chosen else data_dir() / "kbang.db"


def default_backups() -> Path | None:
    """The backup folder the administrator chose, or None for the default (beside the database)."""
    chosen = config().get("backups")
    return Path(chosen) if chosen else None


def demo_database() -> Path:
    return data_dir() / "demo" / "kbang-demo.db"
