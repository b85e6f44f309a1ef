"""Where this PC keeps what the user chose on screen (language, window size, column widths)."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def prefs() -> QSettings:
    """The user's settings (the registry on Windows, a file elsewhere; tests point it at their own folder)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, "Kbang Desktop", "Kbang Desktop")
