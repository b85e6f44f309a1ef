"""Pressing the window's real buttons and answering its dialogs, as a user would."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QDialog, QFileDialog, QMessageBox

TIMEOUT = 20_000


def press(button: QAbstractButton) -> None:
    """A left click in the middle of a button (it must be enabled and on screen)."""
    assert button.isEnabled(), f"button {button.text()!r} is disabled"
    assert button.isVisible(), f"button {button.text()!r} is not on screen"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def save(dialog: QDialog) -> None:
    """Press the Save (or OK) button of a form."""
    press(dialog.save_button)


def button_named(box: QMessageBox, text: str) -> QAbstractButton:
    found = [b for b in box.buttons() if b.text().replace("&", "") == text]
    assert found, f"no button {text!r} in {[b.text() for b in box.buttons()]}"
    return found[0]


def reply(text: str) -> Any:
    """An answer to a message box: press its button called `text`."""
    return lambda box: press(button_named(box, text))


def choose(combo: QComboBox, text: str) -> None:
    """Pick the entry shown as `text` in a list."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def click_row(view: QAbstractItemView, row: int, column: int = 0, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    """Click a row of a list (with Ctrl or Shift held for a selection of several)."""
    index = view.model().index(row, column)
    view.scrollTo(index)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, view.visualRect(index).center())


def double_click_row(view: QAbstractItemView, row: int, column: int = 0) -> None:
    index = view.model().index(row, column)
    view.scrollTo(index)
    centre = view.visualRect(index).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)


def files(monkeypatch: Any, *, save: Any = None, open_: Any = None, folder: Any = None) -> dict[str, list]:
    """Answer Qt's file dialogs with these paths (as a user choosing them would); returns what each was asked."""
    asked: dict[str, list] = {"save": [], "open": [], "folder": []}

    def answer(kind: str, value: Any):
        def dialog(*args: Any, **kwargs: Any) -> Any:
            asked[kind].append(args[1:] if len(args) > 1 else kwargs)
            chosen = value() if callable(value) else value
            return str(chosen) if kind == "folder" else (str(chosen) if chosen else "", "")
        return staticmethod(dialog)

    if save is not None:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", answer("save", save))
    if open_ is not None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", answer("open", open_))
    if folder is not None:
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", answer("folder", folder))
    return asked


def click_tab(tabs: Any, index: int) -> None:
    """Click the tab at `index` of a QTabWidget."""
    bar = tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def pick_person(qtbot: Any, picker: Any, typed: str, row: int = 0) -> None:
    """In a person picker: type `typed` (QTest cannot type letters outside Latin-1: type them folded),
    wait for the list, click row `row` and press its button."""
    QTest.keyClicks(picker.search, typed)
    qtbot.waitUntil(lambda: picker.asked == typed and picker.model.rowCount() > row, timeout=TIMEOUT)
    click_row(picker.view, row)
    press(picker.save_button)
