"""The set-up assistant on a PC with no database: each page checks what is typed, the last one makes it."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from kbang_desktop.ui.setup_wizard import SetupWizard

TIMEOUT = 30_000
COMMUNES = ["Đak Rong", "Kbang", "Kông Bơ La", "Krong", "Sơn Lang", "Tơ Tung"]


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("KBANG_DATA_DIR", str(folder))
    return folder


def test_a_commune_is_set_up_and_its_join_request_written(qtbot, data, tmp_path):
    from kbang_desktop.paths import config, default_database
    from kbang_desktop.ui.setup_wizard import needs_setup

    assert needs_setup()
    stick = tmp_path / "usb"
    stick.mkdir()
    wizard = SetupWizard(COMMUNES, data)
    wizard.tasks.quiet = True
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.currentId() == SetupWizard.START
    wizard.next()
    office = wizard.office
    assert not office.isComplete()  # no commune chosen yet
    office.unit.setCurrentText("Kông Bơ La")
    assert office.name.text() == "UBND xã Kông Bơ La" and office.isComplete()
    wizard.next()
    admin = wizard.admin
    admin.password.setText("ngan")
    assert not admin.isComplete() and "ít nhất" in admin.problem.text()
    admin.password.setText("matkhau-2026")
    admin.again.setText("matkhau-2025")
    assert not admin.isComplete() and "giống nhau" in admin.problem.text()
    admin.again.setText("matkhau-2026")
    assert admin.isComplete()
    wizard.next()
    places = wizard.places
    backups = tmp_path / "D" / "sao-luu"
    places.backups.setText(str(backups))
    places.join.setChecked(True)
    assert not places.isComplete()  # the USB folder is not chosen yet
    places.join_folder.setText(str(stick))
    assert places.isComplete()
    wizard.next()
    assert "UBND xã Kông Bơ La" in wizard.confirm.summary.text()
    assert "Xã, phường: Kông Bơ La" in wizard.confirm.summary.text()  # the commune chosen, named
    wizard.accept()
    qtbot.waitUntil(lambda: wizard.services is not None, timeout=TIMEOUT)
    services = wizard.services
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert services.offices.this_office().name == "UBND xã Kông Bơ La"
    assert services.users.authenticate("admin", "matkhau-2026").role == "admin"
    assert config() == {"database": str(data / "kbang.db"), "backups": str(backups)}
    assert default_database() == data / "kbang.db" and not needs_setup()
    assert any((data / "keys").glob("*.key"))  # this PC's keys, beside its database
    assert [p.suffix for p in stick.iterdir()] == [".kbj"]  # the join request, ready for the hub
    assert services.maintenance.backup_dir == backups
    services.ctx.db.close()


def test_a_hub_needs_no_commune_and_an_existing_database_is_not_overwritten(qtbot, data, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "kbang.db").write_bytes(b"not ours")
    wizard = SetupWizard(COMMUNES, data)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.office.hub_kind.setChecked(True)
    assert not wizard.office.isComplete()  # a hub names itself
    wizard.office.name.setText("Phòng Văn hóa - Xã hội (đầu mối)")
    assert wizard.office.isComplete()
    wizard.next()
    wizard.admin.password.setText("matkhau-2026")
    wizard.admin.again.setText("matkhau-2026")
    wizard.next()
    assert not wizard.places.join.isVisible()  # only a commune asks to join
    wizard.places.database.setText(str(taken))
    assert not wizard.places.isComplete() and "đã có" in wizard.places.problem.text()
    assert (taken / "kbang.db").read_bytes() == b"not ours"
    wizard.places.database.setText(str(tmp_path / "hub"))
    assert wizard.places.isComplete()
    choice = wizard.choice()
    assert choice.kind == "hub" and choice.unit is None and choice.database == tmp_path / "hub" / "kbang.db"


def test_a_failed_set_up_leaves_no_database_no_keys_and_no_configuration(qtbot, data, tmp_path, monkeypatch):
    from kbang_desktop.core.errors import KbangError
    from kbang_desktop.paths import config
    from kbang_desktop.sync import join

    def full_stick(*_a, **_k):
        raise KbangError("USB đã đầy.")

    monkeypatch.setattr(join, "join_request", full_stick)  # the office is made, then the USB write fails
    stick = tmp_path / "usb"
    stick.mkdir()
    wizard = SetupWizard(COMMUNES, data)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.office.unit.setCurrentText("Kbang")
    wizard.next()
    wizard.admin.password.setText("matkhau-2026")
    wizard.admin.again.setText("matkhau-2026")
    wizard.next()
    wizard.places.join.setChecked(True)
    wizard.places.join_folder.setText(str(stick))
    wizard.next()
    wizard.accept()
    qtbot.waitUntil(lambda: "Chưa thiết lập được" in wizard.confirm.status.text(), timeout=TIMEOUT)
    assert "USB đã đầy" in wizard.confirm.status.text() and wizard.services is None
    assert not (data / "kbang.db").exists() and not (data / "keys").exists() and config() == {}
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()  # it can be tried again


def test_a_database_that_went_missing_is_not_replaced_without_asking(qtbot, data, tmp_path):
    from kbang_desktop.paths import save_config
    from kbang_desktop.ui.setup_wizard import missing_database, needs_setup, run_setup

    gone = tmp_path / "E" / "kbang.db"  # on a USB drive that is not plugged in
    save_config(gone, tmp_path / "E" / "backups")
    assert needs_setup() and missing_database() == gone
    asked = []
    assert run_setup(ask=lambda path: asked.append(path) or False) is None
    assert asked == [gone] and not gone.exists()  # nothing made; the user plugs the drive in and starts again


def test_the_commune_is_found_typed_without_diacritics(qtbot, data):
    from tests.ui.helpers import click_row

    wizard = SetupWizard(COMMUNES, data)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    office = wizard.office
    popup = office.unit.completer().popup()
    qtbot.keyClicks(office.unit.lineEdit(), "kon")
    assert office.matches.stringList() == ["Kông Bơ La"]
    office.unit.lineEdit().clear()
    qtbot.keyClicks(office.unit.lineEdit(), "kong bo")
    qtbot.waitUntil(popup.isVisible, timeout=TIMEOUT)
    assert office.matches.stringList() == ["Kông Bơ La"] and not office.isComplete()
    click_row(popup, 0)  # the user picks it in the list offered
    qtbot.waitUntil(lambda: office.unit.currentText() == "Kông Bơ La", timeout=TIMEOUT)
    assert office.isComplete() and office.name.text() == "UBND xã Kông Bơ La"
    office.unit.lineEdit().clear()
    qtbot.keyClicks(office.unit.lineEdit(), "son lang")  # typed whole: the commune's own spelling
    assert office.unit.currentText() == "Sơn Lang" and office.isComplete()
    assert office.name.text() == "UBND xã Sơn Lang"  # the name printed on documents: the commune's own spelling


def test_a_database_named_at_the_start_that_does_not_exist_is_set_up_by_the_assistant(
        qtbot, data, tmp_path, monkeypatch, answer):
    """`kbang-desktop --db NEW.db`: the set-up assistant, never the log-in's "run kbang init"."""
    from kbang_desktop import app
    from kbang_desktop.paths import config
    from kbang_desktop.ui import setup_wizard, startup

    new = tmp_path / "E" / "xa-moi.db"
    started: list = []
    monkeypatch.setattr(startup, "run", lambda services: started.append(services) or 0)  # the log-in after it
    walked: list = []

    def walk(wizard):  # the assistant, filled in and its real buttons pressed
        walked.append(wizard)
        wizard.tasks.quiet = True
        qtbot.addWidget(wizard)
        wizard.show()
        onward = wizard.button(QWizard.WizardButton.NextButton)
        onward.click()
        wizard.office.unit.setCurrentText("Kông Bơ La")
        onward.click()
        wizard.admin.password.setText("matkhau-2026")
        wizard.admin.again.setText("matkhau-2026")
        onward.click()
        assert wizard.places.database.text() == str(new.parent)  # the folder of the file named, not the default
        onward.click()
        assert str(new) in wizard.confirm.summary.text()
        wizard.button(QWizard.WizardButton.FinishButton).click()
        qtbot.waitUntil(lambda: wizard.services is not None, timeout=TIMEOUT)
        return wizard.result()

    monkeypatch.setattr(setup_wizard.SetupWizard, "exec", walk)
    answer(lambda sheet: sheet.reject())  # the recovery key, shown once
    assert app.gui_main(["--db", str(new), "--lang", "vi"]) == 0
    assert len(walked) == 1 and len(started) == 1
    services = started[0]
    assert services.ctx.db.path == new and new.exists()
    assert services.offices.this_office().name == "UBND xã Kông Bơ La"
    assert config()["database"] == str(new)  # the PC had none: this one is now its own
    services.ctx.db.close()
    assert not app._not_made(str(new))  # the next start with --db opens it (the log-in)


def test_a_second_database_named_at_the_start_does_not_become_the_pcs_own(qtbot, data, tmp_path, monkeypatch,
                                                                          answer):
    """A PC that has its database already: `--db OTHER.db` sets the other up, the PC still opens its own."""
    from kbang_desktop import app
    from kbang_desktop.paths import config, save_config
    from kbang_desktop.ui import setup_wizard, startup

    own = data / "kbang.db"
    own.parent.mkdir(parents=True)
    own.write_bytes(b"the PC's own database")
    save_config(own, data / "backups")
    other = tmp_path / "thu" / "thu-nghiem.db"
    started: list = []
    monkeypatch.setattr(startup, "run", lambda services: started.append(services) or 0)

    def walk(wizard):
        wizard.tasks.quiet = True
        qtbot.addWidget(wizard)
        wizard.show()
        onward = wizard.button(QWizard.WizardButton.NextButton)
        onward.click()
        wizard.office.unit.setCurrentText("Kbang")
        onward.click()
        wizard.admin.password.setText("matkhau-2026")
        wizard.admin.again.setText("matkhau-2026")
        onward.click()
        onward.click()
        wizard.button(QWizard.WizardButton.FinishButton).click()
        qtbot.waitUntil(lambda: wizard.services is not None, timeout=TIMEOUT)
        return wizard.result()

    monkeypatch.setattr(setup_wizard.SetupWizard, "exec", walk)
    answer(lambda sheet: sheet.reject())
    assert app.gui_main(["--db", str(other)]) == 0
    assert started[0].ctx.db.path == other and config()["database"] == str(own)
    started[0].ctx.db.close()
