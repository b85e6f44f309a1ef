"""Cài đặt: the language of the application (applied at the next start) and the office's settings."""

from __future__ import annotations

import calendar
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from kbang_desktop.i18n import LANGUAGES, N_, _
from kbang_desktop.ui.shared.area import Area
from kbang_desktop.ui.shared.prefs import prefs, saved_language
from kbang_desktop.ui.shared.widgets import message_label

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


class SettingsArea(Area):
    title = N_("Cài đặt")
    shows = frozenset({"office_setting"})

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>" + _("Cài đặt") + "</h2>"))
        form = QFormLayout()
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        current = saved_language()
        if current:
            self.language.setCurrentIndex(self.language.findData(current))
        self.language.currentIndexChanged.connect(self.save_language)
        form.addRow(_("Ngôn ngữ"), self.language)
        self.month = QSpinBox()
        self.month.setObjectName("year_only_month")
        self.month.setRange(1, 12)
        self.day = QSpinBox()
        self.day.setObjectName("year_only_day")
        self.day.setRange(1, 31)
        self.month.valueChanged.connect(self._days_of_month)
        birthday = QHBoxLayout()  # "ngày [1] tháng [7]", as a date is said
        birthday.addWidget(QLabel(_("ngày")))
        birthday.addWidget(self.day)
        birthday.addWidget(QLabel(_("tháng")))
        birthday.addWidget(self.month)
        birthday.addStretch(1)
        form.addRow(_("Người chỉ biết năm sinh được tính như sinh vào"), birthday)
        self.second_folder = QLineEdit()
        self.second_folder.setObjectName("second_backup_folder")
        self.second_folder.setPlaceholderText(_("không có"))
        self.second_folder.setToolTip(_("Mỗi ngày, khi thư mục này có mặt (ổ USB đang cắm), bản sao lưu hằng ngày "
                                        "được chép thêm vào đó, giữ 7 bản hằng ngày và 4 bản hằng tuần. Cất ổ đó "
                                        "xa máy tính, để cháy nổ hay mất trộm không làm mất dữ liệu."))
        self.second_folder.setEnabled(self.is_admin)
        choose = QPushButton(_("Chọn..."))
        choose.setObjectName("choose_second_backup_folder")
        choose.setEnabled(self.is_admin)
        choose.clicked.connect(self.choose_second_folder)
        row = QHBoxLayout()
        row.addWidget(self.second_folder, 1)
        row.addWidget(choose)
        form.addRow(_("Thư mục sao lưu thứ hai (ổ USB)"), row)
        layout.addLayout(form)
        self.save_button = QPushButton(_("Lưu thiết lập của đơn vị"))
        self.save_button.setObjectName("save_settings")
        self.save_button.setEnabled(self.is_admin)
        self.save_button.clicked.connect(self.save_office)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        layout.addLayout(save_row)
        self.message = message_label(_("Ngôn ngữ mới được dùng từ lần mở chương trình sau."))
        layout.addWidget(self.message)
        layout.addStretch(1)

    def _days_of_month(self, month: int) -> None:
        """The days of the month chosen, in every year (February to the 28th)."""
        self.day.setMaximum(calendar.monthrange(2001, month)[1])

    def refresh(self) -> None:
        services = self.services

        def load() -> tuple[str, str, str]:
            return (services.offices.setting("birth_year_only_month"), services.offices.setting("birth_year_only_day"),
                    services.maintenance.second_backup_folder())

        def fill(values: tuple[str, str, str]) -> None:
            self.day.setMaximum(31)  # the saved day first, then the month bounds it
            self.day.setValue(int(values[1]))
            self.month.setValue(int(values[0]))
            self._days_of_month(self.month.value())
            self.second_folder.setText(values[2])

        self.tasks.run(load, fill)

    def save_language(self) -> None:
        prefs().setValue("language", self.language.currentData())
        self.message.setText(_("Đã lưu. Ngôn ngữ mới được dùng từ lần mở chương trình sau."))

    def choose_second_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Thư mục sao lưu thứ hai (ổ USB)"), self.second_folder.text())
        if chosen:
            self.second_folder.setText(chosen)

    def save_office(self) -> None:
        services, month, day = self.services, str(self.month.value()), str(self.day.value())
        second = self.second_folder.text()

        def work() -> None:
            services.offices.set_settings({"birth_year_only_month": month, "birth_year_only_day": day})
            services.maintenance.set_second_backup_folder(second)

        self.tasks.run(work, lambda _r: self.message.setText(_("Đã lưu thiết lập của đơn vị.")))
