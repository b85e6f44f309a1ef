"""Where this PC keeps what the user chose on screen (language, window size, column widths)."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def prefs() -> QSettings:
    return QSettings("Kbang Desktop", "Kbang Desktop")
