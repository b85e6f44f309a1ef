"""Qt settings (column widths, language) go to a folder of the test, never to the user's profile."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_qt_settings(tmp_path):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qt-settings"))
    yield
