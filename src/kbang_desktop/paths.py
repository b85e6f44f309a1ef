"""Where things are: shipped resources and the user's data directory."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "KbangDesktop"


def resources_dir() -> Path:
    """The shipped resources: in the built program, inside the installed package, else the source tree."""
    if getattr(sys, "frozen", False):  # PyInstaller (build_installer.spec puts them there)
        return Path(sys._MEIPASS) / "kbang_desktop" / "resources"  # type: ignore[attr-defined]
    try:
        packaged = Path(str(resources.files("kbang_desktop.resources")))
        if (packaged / "reference").is_dir():
            return packaged
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def data_dir() -> Path:
    """The user's data directory (KBANG_DATA_DIR overrides it, e.g. for a portable install)."""
    override = os.environ.get("KBANG_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


def default_database() -> Path:
    return data_dir() / "kbang.db"


def demo_database() -> Path:
    return data_dir() / "demo" / "kbang-demo.db"
