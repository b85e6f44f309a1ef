"""`make guide`: the user guide and the hub page as PDFs, in Vietnamese and English, into build/guide/.

The same rendering as Help → "Lưu thành PDF..." in the application (Qt's Markdown, offscreen).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    from PySide6.QtWidgets import QApplication, QTextBrowser

    from kbang_desktop import i18n
    from kbang_desktop.ui.help import load_guide, write_pdf

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/guide")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for lang in ("vi", "en"):
        i18n.setup(lang)
        for which in ("guide", "hub"):
            browser = QTextBrowser()
            path = load_guide(browser, which)
            app.processEvents()
            print(write_pdf(browser.document(), out / (path.stem + ".pdf")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
