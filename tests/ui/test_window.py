import pytest

pytest.importorskip("PySide6")

from kbang_desktop.ui.main_window import MainWindow, summary_of


def test_main_window_shows_the_office_and_figures(qtbot, services):
    services.persons.add("Đinh Văn Hmưk", "M", "1990", "13", "Kông Bơ La", "Làng A")
    window = MainWindow(services, summary_of(services))
    qtbot.addWidget(window)
    window.show()
    assert "UBND xã Kông Bơ La" in window.windowTitle()
    from PySide6.QtWidgets import QLabel

    texts = " ".join(label.text() for label in window.findChildren(QLabel))
    assert "Người dân: <b>1</b>" in texts
