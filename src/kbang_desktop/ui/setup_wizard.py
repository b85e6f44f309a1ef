"""Set-up assistant: the first start on a PC with no database.

Choose the office (a commune and its unit, or a hub), create the administrator, choose where the
database and the backups live, and optionally write a request to join the hub on a USB stick. Or
try the application on demo data first (a database of its own; the assistant comes back next time).
Nothing is written until the last page is confirmed; a failure there leaves no half-made database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kbang_desktop.core.text import fold
from kbang_desktop.i18n import _
from kbang_desktop.ui.shared.tasks import Tasks


@dataclass(frozen=True, slots=True)
class SetupChoice:
    demo: bool
    kind: str = "commune"
    office_name: str = ""
    unit: str | None = None
    admin: str = "admin"
    password: str = ""
    database: Path = Path()
    backups: Path = Path()
    join_folder: Path | None = None
    hub_units: Any = None  # services.units.HubUnits: the hub's units file, for a commune not shipped
    remember: bool = True  # the database and backups become this PC's own (not for a second file, --db)


def _folder_row(edit: QLineEdit, parent: QWidget, title: str) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    button = QPushButton(_("Chọn..."))
    button.clicked.connect(lambda: edit.setText(QFileDialog.getExistingDirectory(parent, title, edit.text())
                                                or edit.text()))
    row.addWidget(button)
    return row


class _Problem(QLabel):
    def __init__(self) -> None:
        super().__init__("")
        self.setStyleSheet("color: #a40000")
        self.setWordWrap(True)


class StartPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Chào mừng đến với Kbang Desktop"))
        self.setSubTitle(_("Máy này chưa có cơ sở dữ liệu. Trợ lý này giúp thiết lập trong vài bước."))
        layout = QVBoxLayout(self)
        self.real = QRadioButton(_("Thiết lập cho đơn vị của tôi"))
        self.real.setObjectName("setup_real")
        self.demo = QRadioButton(_("Dùng thử với dữ liệu mẫu"))
        self.demo.setObjectName("setup_demo")
        self.real.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.real)
        group.addButton(self.demo)
        for button, text in ((self.real, _("Một xã, phường, hoặc đơn vị đầu mối nhận dữ liệu của các xã.")),
                             (self.demo, _("Không phải dữ liệu thật; lần sau mở chương trình, trợ lý sẽ hỏi lại."))):
            layout.addWidget(button)
            note = QLabel(text)
            note.setWordWrap(True)
            note.setIndent(24)
            layout.addWidget(note)
        layout.addStretch(1)

    def nextId(self) -> int:
        return SetupWizard.CONFIRM if self.demo.isChecked() else SetupWizard.OFFICE


class OfficePage(QWizardPage):
    def __init__(self, communes: list[str]) -> None:
        super().__init__()
        self.setTitle(_("Đơn vị"))
        self.setSubTitle(_("Máy này làm việc cho đơn vị nào?"))
        form = QFormLayout(self)
        self.commune_kind = QRadioButton(_("Ủy ban nhân dân xã, phường"))
        self.commune_kind.setObjectName("kind_commune")
        self.hub_kind = QRadioButton(_("Đơn vị đầu mối"))
        self.hub_kind.setObjectName("kind_hub")
        self.commune_kind.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.commune_kind)
        group.addButton(self.hub_kind)
        self.unit = QComboBox()
        self.unit.setObjectName("unit")
        self.unit.setEditable(True)  # type-ahead
        self.unit.addItems(communes)
        self.unit.setCurrentIndex(-1)
        # Typed without diacritics ("kon", "kong bo") as everywhere else: the list offered is the
        # communes whose folded name has every word typed at the start of one of its words.
        self.matches = QStringListModel(communes, self)
        completer = QCompleter(self.matches, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.unit.setCompleter(completer)
        self.unit.lineEdit().textEdited.connect(self._offer)
        self.name = QLineEdit()
        self.name.setObjectName("office_name")
        self.problem = _Problem()
        self.hub_units: Any = None
        self.units_button = QPushButton(_("Lấy danh mục xã từ tệp..."))
        self.units_button.setObjectName("hub_units")
        self.units_button.clicked.connect(self._read_units)
        self.units_note = QLabel(_("Xã không có trong danh sách (ngoài huyện Kbang cũ): xin đơn vị đầu mối tệp danh mục "
                                   "đơn vị hành chính (.kbu) rồi chọn tệp đó."))
        self.units_note.setObjectName("hub_units_note")
        self.units_note.setWordWrap(True)
        form.addRow(self.commune_kind)
        form.addRow(self.hub_kind)
        form.addRow(_("Xã, phường"), self.unit)
        form.addRow("", self.units_button)
        form.addRow("", self.units_note)
        form.addRow(_("Tên đơn vị (in trên giấy tờ)"), self.name)
        form.addRow(self.problem)
        self.communes = communes
        self._named = ""
        self.unit.currentTextChanged.connect(self._suggest_name)
        self.hub_kind.toggled.connect(self._kind_changed)
        self.name.textChanged.connect(lambda _t: self.completeChanged.emit())

    def _read_units(self) -> None:
        """The hub's units file (kbang units export): its communes join the list, searched the same way."""
        from kbang_desktop.core.errors import KbangError
        from kbang_desktop.core.text import collation_key
        from kbang_desktop.sync.join import read_units_file

        chosen, _filter = QFileDialog.getOpenFileName(self, _("Tệp danh mục đơn vị hành chính"), "",
                                                      _("Danh mục đơn vị (*.kbu);;Mọi tệp (*)"))
        if not chosen:
            return
        try:
            units = read_units_file(Path(chosen))
        except KbangError as error:
            self.units_note.setText(error.translated())
            return
        added = units.communes(date.today())
        self.hub_units = units
        self.communes = sorted(set(self.communes) | set(added), key=collation_key)
        typed = self.unit.currentText()
        self.unit.clear()
        self.unit.addItems(self.communes)
        self.unit.setCurrentIndex(-1)
        self.unit.setEditText(typed)
        self.matches.setStringList(self.communes)
        self.units_note.setText(_("Đã thêm {n} xã, phường từ tệp của {hub}.").format(n=len(added), hub=units.hub_name))
        self.completeChanged.emit()

    def _offer(self, typed: str) -> None:
        words = fold(typed).split()
        found = [name for name in self.communes
                 if all(any(part.startswith(w) for part in fold(name).split()) for w in words)]
        self.matches.setStringList(found)
        if found and words:
            self.unit.completer().complete()
        exact = [name for name in found if fold(name) == fold(typed)]
        if len(exact) == 1 and exact[0] != typed:  # "kong bo la": the commune's own spelling
            self.unit.setCurrentText(exact[0])

    def initializePage(self) -> None:
        self.unit.setFocus()  # type the commune's first letters straight away

    def _suggest_name(self, unit: str) -> None:
        """"UBND xã Kông Bơ La" follows the commune chosen, until the user writes a name of their own; in
        the commune's own spelling even while the box still holds what was typed ("kong bo la")."""
        unit = next((name for name in self.communes if fold(name) == fold(unit)), unit)
        if self.name.text() in ("", self._named):
            self._named = _("UBND xã {name}").format(name=unit) if unit else ""
            self.name.setText(self._named)
        self.completeChanged.emit()

    def _kind_changed(self, hub: bool) -> None:
        self.unit.setEnabled(not hub)
        self.units_button.setEnabled(not hub)
        if hub and self.name.text() == self._named:
            self.name.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        message = ""
        if not self.hub_kind.isChecked() and self.unit.currentText() not in self.communes:
            message = _("Chọn xã, phường trong danh sách.")
        elif not self.name.text().strip():
            message = _("Cần tên đơn vị.")
        self.problem.setText(message)
        return not message


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Tài khoản quản trị"))
        self.setSubTitle(_("Người quản trị đăng nhập bằng tài khoản này, rồi tạo tài khoản cho cán bộ khác."))
        form = QFormLayout(self)
        self.username = QLineEdit("admin")
        self.username.setObjectName("admin_username")
        self.password = QLineEdit()
        self.password.setObjectName("admin_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("admin_again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = _Problem()
        form.addRow(_("Tên đăng nhập"), self.username)
        form.addRow(_("Mật khẩu"), self.password)
        form.addRow(_("Nhập lại mật khẩu"), self.again)
        form.addRow(self.problem)
        for edit in (self.username, self.password, self.again):
            edit.textChanged.connect(lambda _t: self.completeChanged.emit())

    def initializePage(self) -> None:
        self.password.setFocus()

    def isComplete(self) -> bool:
        from kbang_desktop.services.users import account_problems  # the rules the service applies when saving

        problems = account_problems(self.username.text().strip(), self.password.text(), "admin")
        message = problems[0].translated() if problems else ""
        if not message and self.again.text() != self.password.text():
            message = _("Hai lần nhập mật khẩu chưa giống nhau.")
        self.problem.setText(message)
        return not message


class PlacesPage(QWizardPage):
    def __init__(self, data: Path, portable: bool, file_name: str = "kbang.db") -> None:
        super().__init__()
        self.file_name = file_name
        self.setTitle(_("Nơi lưu dữ liệu"))
        self.setSubTitle(_("Dữ liệu và bản sao lưu ở thư mục dữ liệu của người dùng, trừ khi quản trị chọn nơi khác."))
        form = QFormLayout(self)
        if portable:
            form.addRow(QLabel(_("Chế độ di động: dữ liệu nằm cạnh chương trình (thư mục data).")))
        self.database = QLineEdit(str(data))
        self.database.setObjectName("database_folder")
        self.backups = QLineEdit(str(data / "backups"))
        self.backups.setObjectName("backup_folder")
        form.addRow(_("Thư mục cơ sở dữ liệu"), _folder_row(self.database, self, _("Thư mục cơ sở dữ liệu")))
        form.addRow(_("Thư mục sao lưu"), _folder_row(self.backups, self, _("Thư mục sao lưu")))
        hint = QLabel(_("Nên chọn ổ khác ổ chứa cơ sở dữ liệu (ví dụ ổ D:) để còn bản sao khi ổ C: hỏng."))
        hint.setWordWrap(True)
        form.addRow(hint)
        self.join = QCheckBox(_("Ghi yêu cầu tham gia ra USB ngay"))
        self.join.setObjectName("join_now")
        self.join_folder = QLineEdit()
        self.join_folder.setObjectName("join_folder")
        self.join_folder.setEnabled(False)
        self.join.toggled.connect(self.join_folder.setEnabled)
        self.join.toggled.connect(lambda _c: self.completeChanged.emit())
        self.join_folder.textChanged.connect(lambda _t: self.completeChanged.emit())
        form.addRow(self.join)
        form.addRow(_("Thư mục USB"), _folder_row(self.join_folder, self, _("Thư mục USB")))
        self.problem = _Problem()
        form.addRow(self.problem)
        self.database.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.backups.textChanged.connect(lambda _t: self.completeChanged.emit())

    def initializePage(self) -> None:
        hub = self.wizard().field_hub()
        self.join.setVisible(not hub)
        self.join_folder.setVisible(not hub)
        if hub:
            self.join.setChecked(False)

    def isComplete(self) -> bool:
        message = ""
        database = Path(self.database.text().strip()) if self.database.text().strip() else None
        if database is None:
            message = _("Cần thư mục cơ sở dữ liệu.")
        elif (database / self.file_name).exists():
            message = _("Thư mục này đã có cơ sở dữ liệu {name}: chọn thư mục khác, hoặc mở nó bằng --db.").format(
                name=self.file_name)
        elif not self.backups.text().strip():
            message = _("Cần thư mục sao lưu.")
        elif self.join.isChecked() and not Path(self.join_folder.text().strip() or "/nonexistent").is_dir():
            message = _("Chọn thư mục USB để ghi yêu cầu tham gia.")
        self.problem.setText(message)
        return not message


class ConfirmPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_("Xác nhận"))
        self.setFinalPage(True)
        layout = QVBoxLayout(self)
        self.summary = QLabel("")
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        layout.addWidget(self.status)

    def initializePage(self) -> None:
        choice = self.wizard().choice()
        if choice.demo:
            self.summary.setText(_("Tạo cơ sở dữ liệu dùng thử với dữ liệu mẫu của xã Kbang. Tài khoản: admin, "
                                   "mật khẩu: admin123. Dữ liệu mẫu không phải dữ liệu thật."))
            return
        lines = [_("Đơn vị: {name}").format(name=choice.office_name),
                 _("Loại: {kind}").format(kind=_("xã, phường") if choice.kind == "commune" else _("đơn vị đầu mối")),
                 *([_("Xã, phường: {unit}").format(unit=choice.unit)] if choice.unit else []),
                 _("Quản trị: {user}").format(user=choice.admin),
                 _("Cơ sở dữ liệu: {path}").format(path=choice.database),
                 _("Sao lưu: {path}").format(path=choice.backups)]
        if choice.join_folder:
            lines.append(_("Yêu cầu tham gia ghi vào: {path}").format(path=choice.join_folder))
        self.summary.setText("<br>".join(lines))


class SetupWizard(QWizard):
    START, OFFICE, ADMIN, PLACES, CONFIRM = range(5)

    def __init__(self, communes: list[str], data: Path, portable: bool = False, database: Path | None = None,
                 ) -> None:
        """`database`: the file named at the start (`kbang-desktop --db FILE`) when it does not exist yet:
        it is made there (its folder offered, its name kept) and does not become this PC's default."""
        super().__init__()
        self.database_file = database
        self.setWindowTitle(_("Thiết lập Kbang Desktop"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setMinimumSize(self.fontMetrics().horizontalAdvance("n") * 80, self.fontMetrics().height() * 26)
        self.start, self.office, self.admin = StartPage(), OfficePage(communes), AdminPage()
        self.places = PlacesPage(database.parent if database else data, portable,
                                 database.name if database else "kbang.db")
        self.confirm = ConfirmPage()
        for page_id, page in ((self.START, self.start), (self.OFFICE, self.office), (self.ADMIN, self.admin),
                              (self.PLACES, self.places), (self.CONFIRM, self.confirm)):
            self.setPage(page_id, page)
        for button, text in ((QWizard.WizardButton.BackButton, _("< Quay lại")),
                             (QWizard.WizardButton.NextButton, _("Tiếp >")),
                             (QWizard.WizardButton.FinishButton, _("Thiết lập")),
                             (QWizard.WizardButton.CancelButton, _("Hủy"))):
            self.setButtonText(button, text)
        self.tasks = Tasks(self)
        self.services: Any = None
        self._done = False

    def field_hub(self) -> bool:
        return self.office.hub_kind.isChecked()

    def choice(self) -> SetupChoice:
        if self.start.demo.isChecked():
            return SetupChoice(demo=True)
        hub = self.field_hub()
        database = Path(self.places.database.text().strip())
        join = self.places.join_folder.text().strip() if self.places.join.isChecked() and not hub else ""
        return SetupChoice(demo=False, kind="hub" if hub else "commune", office_name=self.office.name.text().strip(),
                           unit=None if hub else self.office.unit.currentText(), admin=self.admin.username.text().strip(),
                           password=self.admin.password.text(), database=database / self.places.file_name,
                           backups=Path(self.places.backups.text().strip()), join_folder=Path(join) if join else None,
                           hub_units=None if hub else self.office.hub_units, remember=self.remember)

    @property
    def remember(self) -> bool:
        """The database made becomes the one opened at start-up, unless it is a second one (`--db`) on a
        PC that has its own already."""
        return self.database_file is None or needs_setup()

    def accept(self) -> None:
        """Finish: create everything in the background; the wizard closes when it is done."""
        if self._done:
            super().accept()
            return
        for button in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton):
            self.button(button).setEnabled(False)
        self.confirm.status.setText(_("Đang thiết lập, xin chờ..."))
        choice = self.choice()

        def done(services: Any) -> None:
            self.services, self._done = services, True
            self.accept()

        def failed(error: BaseException) -> None:
            from kbang_desktop.core.errors import KbangError

            text = error.translated() if isinstance(error, KbangError) else str(error)
            self.confirm.status.setText(_("Chưa thiết lập được: {reason}").format(reason=text))
            for button in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton):
                self.button(button).setEnabled(True)

        self.tasks.run(lambda: create(choice), done, _("Đang thiết lập..."), on_error=failed)


def create(choice: SetupChoice) -> Any:
    """Make what the assistant chose (in the background). A failure removes the new database file so
    the next attempt starts clean; the configuration is written last, only when all else worked."""
    from kbang_desktop.paths import demo_database, save_config
    from kbang_desktop.services.registry import ensure_demo, open_services

    if choice.demo:
        return ensure_demo(demo_database())
    from kbang_desktop.storage.files import private_folder

    private_folder(choice.backups)  # the database's own folder is made (owner-only) when the database is
    keys = choice.database.parent / "keys"
    keys_were_there = keys.exists()
    from kbang_desktop.storage import vault

    recovery = vault.new_recovery_key()  # the database is encrypted from its first byte
    services = open_services(choice.database, backup_dir=choice.backups, key=vault.new_key(),
                             recovery=vault.recovery_public(recovery))
    services.recovery_key = recovery  # shown once when the assistant closes
    try:
        services.offices.initialise(choice.kind, choice.office_name, choice.unit, choice.admin, choice.password,
                                    choice.hub_units)
        if choice.join_folder is not None:
            from kbang_desktop.sync.join import join_request

            join_request(services, choice.join_folder)
    except BaseException:
        services.ctx.db.close()
        for leftover in (choice.database, choice.database.with_name(choice.database.name + "-wal"),
                         choice.database.with_name(choice.database.name + "-shm"),
                         choice.database.with_name(choice.database.name + vault.KEYRING_SUFFIX)):
            leftover.unlink(missing_ok=True)
        if not keys_were_there:  # the keys of a PC identity that no longer exists
            import shutil

            shutil.rmtree(keys, ignore_errors=True)
        raise
    if choice.remember:
        save_config(choice.database, choice.backups)
    return services


def needs_setup() -> bool:
    """True on a PC where this installation has no database yet."""
    from kbang_desktop.paths import default_database

    return not default_database().exists()


def missing_database() -> Path | None:
    """The database chosen at set-up when it is not where it was (a drive not plugged in, a folder
    moved): the assistant must not simply start a new office over it."""
    from kbang_desktop.paths import config

    chosen = config().get("database")
    return Path(chosen) if chosen and not Path(chosen).exists() else None


def run_setup(ask: Any = None, database: Path | None = None) -> Any:
    """Show the assistant; the services of the database it made, or None if the user cancelled.
    When the database chosen earlier is missing, say so first: set up anew only if the user says so
    (`ask(path)` answers instead of a dialog in tests). `database`: a file named at the start (`--db`)
    that does not exist yet: the office is set up there."""
    from kbang_desktop.paths import data_dir, portable_dir
    from kbang_desktop.services.reference import shipped_communes
    from kbang_desktop.ui.startup import prepared_app

    prepared_app()
    lost = missing_database() if database is None else None
    if lost is not None:
        if ask is None:
            box = QMessageBox(QMessageBox.Icon.Warning, _("Không thấy cơ sở dữ liệu"), _(
                "Không tìm thấy cơ sở dữ liệu tại {path}. Nếu nó nằm trên ổ USB hoặc ổ đĩa khác, hãy cắm ổ đó rồi "
                "mở lại chương trình. Chỉ thiết lập mới khi chắc chắn dữ liệu cũ không còn: đơn vị mới sẽ phải "
                "tham gia lại đơn vị đầu mối.").format(path=lost))
            box.addButton(_("Thoát"), QMessageBox.ButtonRole.RejectRole)
            anew = box.addButton(_("Thiết lập mới"), QMessageBox.ButtonRole.DestructiveRole)
            box.exec()
            if box.clickedButton() is not anew:
                return None
        elif not ask(lost):
            return None

    wizard = SetupWizard(shipped_communes(date.today()), data_dir(), portable_dir() is not None, database)
    if wizard.exec() != QWizard.DialogCode.Accepted:
        return None
    recovery = getattr(wizard.services, "recovery_key", None)
    if recovery:
        from kbang_desktop.ui.login import office_name, show_recovery_key

        show_recovery_key(None, recovery, office_name(wizard.services))
    return wizard.services
