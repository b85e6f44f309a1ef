"""A run in a made-up language ("pseudo": every translated string comes out "⟦...~~~⟧", a third longer).

On every area of the window and on the set-up assistant: a text on screen without the brackets was
never translated (a string not marked for translation, or text built by hand), and a button or a
one-line label narrower than its text cuts a longer language off.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QLineEdit, QWidget

from kbang_desktop import i18n

TIMEOUT = 20_000
TAGS = re.compile(r"<[^>]+>")
WORDS = re.compile(r"[^\W\d_]{2,}")  # a text with words in it (not a number, a date, a dash)


@pytest.fixture
def pseudo():
    i18n.setup(i18n.PSEUDO)
    yield
    i18n.setup("vi")


def texts_of(widget: QWidget) -> list[tuple[str, str]]:
    """(what, text) pairs a user reads on a widget."""
    found = []
    if isinstance(widget, QLabel):
        found.append(("label", TAGS.sub("", widget.text())))
    elif isinstance(widget, QAbstractButton):
        found.append(("button", widget.text().replace("&", "")))
    elif isinstance(widget, QGroupBox):
        found.append(("group", widget.title()))
    elif isinstance(widget, QLineEdit):
        found.append(("placeholder", widget.placeholderText()))
    return [(what, text) for what, text in found if WORDS.search(text)]


def problems_in(root: QWidget, data: set[str]) -> list[str]:
    """Untranslated texts (data shown as data excepted) and texts cut off, on the visible widgets."""
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        name = widget.objectName() or type(widget).__name__
        for what, text in texts_of(widget):
            if "⟦" not in text and text.strip() not in data:
                problems.append(f"not translated: {what} {name}: {text!r}")
        if isinstance(widget, (QAbstractButton, QLabel)) and not (isinstance(widget, QLabel) and widget.wordWrap()):
            if widget.text() and widget.width() + 1 < widget.sizeHint().width():
                problems.append(f"cut off: {name}: {widget.text()[:40]!r} ({widget.width()} < {widget.sizeHint().width()})")
    return problems


def test_every_area_is_translated_and_nothing_is_cut_off(qtbot, services, pseudo):
    from kbang_desktop.ui.main_window import MainWindow

    window = MainWindow(services)
    window.tasks.quiet = True
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    office = services.offices.this_office().name
    problems = []
    for row in range(window.sidebar.count()):
        window.show_area(row)
        qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=TIMEOUT)
        qtbot.wait(50)
        problems += [f"{type(window.areas[row]).__name__}: {p}" for p in problems_in(window, {office, "os:tester"})]
    window.tasks.wait()
    assert not problems, "\n".join(sorted(set(problems)))
    # A 1366x768 screen at 150% scaling gives 910x512: the window fits it even in a longer language
    # (the areas scroll instead of widening the window).
    smallest = window.minimumSizeHint()
    assert smallest.width() <= 910 and smallest.height() <= 512, smallest


def test_the_set_up_assistant_is_translated_and_nothing_is_cut_off(qtbot, pseudo, tmp_path):
    from kbang_desktop.ui.setup_wizard import SetupWizard

    communes = ["Kông Bơ La", "Kbang"]
    wizard = SetupWizard(communes, tmp_path)
    qtbot.addWidget(wizard)
    wizard.show()
    problems = []
    for _page in range(4):
        qtbot.wait(20)
        problems += problems_in(wizard, {str(tmp_path), str(tmp_path / "backups"), *communes})
        if wizard.currentId() == wizard.OFFICE:
            wizard.office.unit.setCurrentText("Kbang")
        if wizard.currentId() == wizard.ADMIN:
            wizard.admin.password.setText("matkhau-2026")
            wizard.admin.again.setText("matkhau-2026")
        wizard.next()
    assert not problems, "\n".join(sorted(set(problems)))
