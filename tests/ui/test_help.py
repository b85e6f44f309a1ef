"""Help: the guide opens from the window in the user's language, and saves as a PDF with its pictures."""

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from kbang_desktop import i18n
from kbang_desktop.paths import docs_dir, guide_file
from tests.documents.helpers import flat

GUIDES = [guide_file(w, lang) for w in ("guide", "hub") for lang in ("vi", "en")]


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_guides_have_their_pictures_and_their_contents_links(path: Path):
    text = path.read_text(encoding="utf-8")
    for picture in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (path.parent / picture).is_file(), picture
    anchors = set(re.findall(r'<a name="([^"]+)">', text))
    assert set(re.findall(r"\]\(#([^)]+)\)", text)) <= anchors


def test_the_guide_opens_from_the_window_and_saves_as_pdf(qtbot, services, tmp_path):
    from kbang_desktop.ui.help import HelpDialog
    from kbang_desktop.ui.main_window import MainWindow

    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show_help("guide")
    dialog = window.findChild(HelpDialog)
    assert dialog is not None and dialog.isVisible()
    shown = dialog.browser.toPlainText()
    assert "Chuẩn biết chữ" in shown and "Khi gói dữ liệu bị từ chối" in shown
    pdf = dialog.save_pdf(tmp_path / "huong-dan.pdf")
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 5
    assert "Sao lưu và khôi phục" in flat(" ".join(page.extract_text() for page in reader.pages))
    assert sum(len(page.images) for page in reader.pages) >= 5  # the screenshots are in it
    assert not list(tmp_path.glob("*.part"))
    window.tasks.wait()


def test_english_users_get_the_english_pages(qtbot, tmp_path):
    from PySide6.QtWidgets import QWidget

    from kbang_desktop.ui.help import HelpDialog

    i18n.setup("en")
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        hub = HelpDialog(parent, "hub")
        assert "Revoking a PC's key" in hub.browser.toPlainText()
        assert hub.path == docs_dir() / "guide" / "hub.en.md"
    finally:
        i18n.setup("vi")
