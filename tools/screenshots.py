"""`make screenshots`: start the real application on the demo data and save a picture of each area.

The pictures go to docs/screenshots/ (the README shows them). Runs offscreen, so it needs no
display; the demo database is the one `make run` uses (created with demo data on first use).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# KBANG_SCREENSHOTS: another folder, e.g. for a look at 150% scaling (QT_SCALE_FACTOR=1.5).
OUT = Path(os.environ.get("KBANG_SCREENSHOTS") or Path(__file__).resolve().parents[1] / "docs" / "screenshots")
NAMES = ["tong-quan", "nguoi-dan", "trung-tam", "xoa-mu-chu", "mo-hinh-hoc-tap", "giay-cong-nhan", "dong-bo", "bao-cao",
         "nhap-excel", "danh-muc", "nhat-ky", "cai-dat"]


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from kbang_desktop import i18n

    lang = sys.argv[1] if len(sys.argv) > 1 else "vi"
    i18n.setup(lang)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from PySide6.QtCore import QSettings

    from kbang_desktop.ui.startup import install_qt_translations

    install_qt_translations(app, lang)  # Qt's own dialogs in the same language as the window

    # Fresh settings, not this user's: the pictures show what a new installation shows.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp(prefix="kbang-shots-"))
    from kbang_desktop.paths import demo_database
    from kbang_desktop.services.registry import ensure_demo
    from kbang_desktop.ui.login import LoginDialog
    from kbang_desktop.ui.main_window import MainWindow

    services = ensure_demo(demo_database())
    OUT.mkdir(parents=True, exist_ok=True)
    login = LoginDialog(services)
    login.username.setText("admin")
    login.resize(420, 220)
    login.show()
    app.processEvents()
    login.grab().save(str(OUT / "00-dang-nhap.png"))
    login.password.setText("admin123")
    login.try_login()
    window = MainWindow(services.as_actor(login.actor))
    window.resize(1280, 800)
    window.show()

    def settle(seconds: float = 60) -> None:
        end = time.monotonic() + seconds
        time.sleep(0.2)
        while time.monotonic() < end:
            app.processEvents()
            if not window.tasks.busy():
                for _ in range(20):
                    app.processEvents()
                    time.sleep(0.02)
                if not window.tasks.busy():
                    return
            time.sleep(0.05)

    for number, name in enumerate(NAMES):
        window.show_area(number)
        settle()
        area = window.areas[number]
        if name == "giay-cong-nhan" and area.decisions.rowCount():
            area.list.selectRow(0)
            settle()
        if name == "xoa-mu-chu" and area.classes.rowCount():
            area.class_view.selectRow(1)  # a class with learners and results
            settle()
        if name == "trung-tam" and area.centres.rowCount():
            area.centre_view.selectRow(0)
            settle()
        if name == "nhat-ky":  # the log, as sentences, since the demo data was made
            from PySide6.QtCore import QDate

            area.tabs.setCurrentIndex(1)
            area.since.setDate(QDate(2020, 1, 1))
            settle()
        window.grab().save(str(OUT / f"{number + 1:02d}-{name}.png"))
        print(OUT / f"{number + 1:02d}-{name}.png")
    qt_dialogs(window)
    model_dialogs(window, settle)
    window.tasks.wait()
    return 0


def model_dialogs(window, settle) -> None:
    """The forms of Mô hình học tập and Giấy công nhận that the areas' pictures do not show: a paper of the
    year (the yearly report), the template editor (who decides, the wording), a new criteria set."""
    import json

    from PySide6.QtWidgets import QApplication

    from kbang_desktop.ui.areas.certificates import TemplateDialog
    from kbang_desktop.ui.areas.learning_models import CriteriaVersionDialog, PaperDialog

    services = window.services
    models = window.areas[NAMES.index("mo-hinh-hoc-tap")]
    villages = services.units.villages_of(window.office.unit_id) if window.office and window.office.unit_id else []
    shots = [("15-bao-cao-nam.png", PaperDialog(models, "report", models.year.value(), villages, None, [],
                                                 services.ctx.today())),
             ("16-mau-giay-cong-nhan.png", TemplateDialog(window, json.loads(
                 services.certificates.template_json("a4-landscape")))),
             ("17-bo-tieu-chi-moi.png", CriteriaVersionDialog(models, services.criteria.list(), "household",
                                                              services.ctx.today()))]
    for name, dialog in shots:
        if name.startswith("15"):
            dialog.number.setText("25/BC-UBND")
            dialog.preparer.setText("Trần Thị Lan")
            dialog.signer.setText("Nguyễn Văn Hùng")
        dialog.show()
        for _ in range(10):
            QApplication.processEvents()
        dialog.grab().save(str(OUT / name))
        dialog.close()
        print(OUT / name)


def qt_dialogs(window) -> None:
    """Qt's own dialogs as the window shows them: printing a certificate (A4 landscape), saving a PDF."""
    from PySide6.QtCore import QSizeF
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog

    from kbang_desktop.ui.shared.printing import prepare

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    prepare(printer, QSizeF(841.9, 595.3))
    printing = QPrintDialog(printer, window)
    printing.show()
    for button in printing.findChildren(QAbstractButton):
        if ">>" in button.text():
            button.click()  # the options too
    for _ in range(10):
        QApplication.processEvents()
    printing.grab().save(str(OUT / "13-hop-thoai-in.png"))
    printing.close()
    saving = QFileDialog(window, "Lưu PDF", str(Path.home()), "PDF (*.pdf)")
    saving.setOption(QFileDialog.Option.DontUseNativeDialog)
    saving.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    saving.selectFile("Giấy công nhận QĐ 15-QĐ-UBND.pdf")
    saving.resize(800, 480)
    saving.show()
    for _ in range(10):
        QApplication.processEvents()
    saving.grab().save(str(OUT / "14-luu-tep.png"))
    saving.close()
    print(OUT / "13-hop-thoai-in.png", OUT / "14-luu-tep.png")


if __name__ == "__main__":
    raise SystemExit(main())
