"""Where this PC keeps what the user chose on screen (language, window size, column widths)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from kbang_desktop.i18n import LANGUAGES


def prefs() -> QSettings:
    """The user's settings (the registry on Windows, a file elsewhere; tests point it at their own folder)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, "Kbang Desktop", "Kbang Desktop")


def saved_language() -> str | None:
    """The language chosen in the settings, if any (read before the first window)."""
    value = prefs().value("language")
    return str(value) if value in LANGUAGES else None
