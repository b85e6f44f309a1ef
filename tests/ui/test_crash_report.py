"""The window's error dialog for the unexpected: a report without personal data, the same under "details"."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from kbang_desktop.ui.shared.tasks import show_error


def test_an_unexpected_error_shows_and_writes_a_report_without_the_values(qtbot, tmp_path):
    try:
        raise KeyError("Đinh Thị Hmưk 064199001234")
    except KeyError as error:
        parent = QWidget()  # not shown: the box opens without its own event loop
        qtbot.addWidget(parent)
        show_error(parent, error, "PeopleArea.save.<locals>.work")
    box = parent.findChild(QMessageBox)
    reports = list((tmp_path / "data" / "logs").glob("kbang-crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in box.informativeText()
    for text in (reports[0].read_text(encoding="utf-8"), box.detailedText()):
        assert "operation: PeopleArea.save.<locals>.work" in text and "builtins.KeyError" in text
        assert "Hmưk" not in text and "064199001234" not in text
    box.close()


def test_an_error_box_without_a_window_stays_until_it_is_closed(qtbot):
    """At start-up (no window yet) the box has no parent: it must not vanish when Python collects it."""
    import gc

    from PySide6.QtWidgets import QApplication

    from kbang_desktop.core.errors import KbangError
    from kbang_desktop.i18n import N_

    show_error(None, KbangError(N_("Không tìm thấy tệp {path}."), path="x.xlsx"), "window")
    gc.collect()
    qtbot.wait(20)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1 and "x.xlsx" in boxes[0].text()
    ok = boxes[0].buttons()[0]
    ok.click()
    qtbot.waitUntil(lambda: not boxes[0].isVisible())


def test_a_full_disk_in_the_window_is_named_not_a_crash(qtbot, tmp_path):
    """SQLite's SQLITE_FULL as SQLAlchemy raises it from a save: the full-disk sentence, no crash report."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    error = OperationalError("INSERT INTO person ...", {}, sqlite3.OperationalError("database or disk is full"))
    parent = QWidget()
    qtbot.addWidget(parent)
    show_error(parent, error, "PeopleArea.save.<locals>.work")
    box = parent.findChild(QMessageBox)
    assert "đã đầy" in box.text() and "nguyên vẹn" in box.text() and "hỏng" not in box.text()
    assert not list((tmp_path / "data" / "logs").glob("kbang-crash-*.txt"))
    box.close()
