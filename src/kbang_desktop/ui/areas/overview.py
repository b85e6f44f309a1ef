"""Tổng quan: the office's key figures, the literacy standard and the learning models as charts, sync state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kbang_desktop.i18n import N_, _, format_datetime, format_number, format_percent
from kbang_desktop.ui.shared.area import Area


@dataclass(frozen=True, slots=True)
class Figures:
    people: int
    learners: int
    classes: int
    recognised: int
    literacy: list[tuple[str, float | None, float | None]]  # commune, level 1 rate, level 2 rate
    models: list[tuple[str, float | None, float | None]]  # model, share recognised, national target
    peers: list[Any]
    conflicts: int
    centres: int = 0
    registrations: int = 0
    hub: bool = False


def gather(services: Any, today: date) -> Figures:
    """Everything the overview shows, in one background call."""
    from kbang_desktop.sync.conflicts import list_conflicts
    from kbang_desktop.sync.exchange import status

    literacy = services.reports.build("literacy-standard", today)
    models = services.reports.build("learning-models", today)
    learners = services.reports.build("literacy-learners", today)
    first = learners.sections[0]
    model_rows = []
    for section in models.sections:
        whole = sum(r[1] for r in section.rows)
        got = sum(r[4] for r in section.rows)
        target = section.rows[0][6] if section.rows else None
        model_rows.append((section.title, got / whole if whole else None, float(target) if target else None))
    return Figures(
        people=services.persons.count(),
        learners=sum(r[4] for r in first.rows),
        classes=sum(r[3] for r in first.rows),
        recognised=sum(r[4] for s in models.sections for r in s.rows),
        literacy=[(r[0], float(r[5]) if r[5] is not None else None, float(r[10]) if r[10] is not None else None)
                  for r in literacy.sections[0].rows],
        models=model_rows, peers=status(services), conflicts=len(list_conflicts(services)),
        centres=len(services.centres.list()), registrations=len(services.models.registrations(today.year)),
        hub=services.offices.this_office().kind == "hub")


@dataclass(frozen=True, slots=True)
class Step:
    text: str  # msgid
    area: str  # the module of the area the button opens
    button: str  # msgid of the button
    done: bool


def steps(figures: Figures) -> list[Step]:
    """The year's work in the order a new office does it, each ticked once done: what the overview shows
    under "Bắt đầu từ đây" until it is all done."""
    sent = any(p.last_sent_at for p in figures.peers)
    received = any(p.last_received_at for p in figures.peers)
    if figures.hub:
        return [Step(N_("Đăng ký các xã: khi nhận được yêu cầu tham gia (tệp .kbj) của một xã, bấm “Đăng ký xã...”."),
                     "sync", N_("Mở Đồng bộ dữ liệu"), bool(figures.peers)),
                Step(N_("Nhận gói dữ liệu (.kbb) các xã gửi lên bằng USB: bấm “Nhập gói...”."),
                     "sync", N_("Mở Đồng bộ dữ liệu"), received),
                Step(N_("Gửi lại cho từng xã xác nhận và danh mục mới: chọn xã rồi bấm “Xuất gói...”."),
                     "sync", N_("Mở Đồng bộ dữ liệu"), sent)]
    return [Step(N_("Ghi người dân và hộ gia đình: từng người với “Thêm người...”, hoặc cả danh sách từ tệp Excel."),
                 "people", N_("Mở Người dân và hộ gia đình"), figures.people > 0),
            Step(N_("Thêm trung tâm học tập cộng đồng của xã."), "centres", N_("Mở Trung tâm học tập cộng đồng"),
                 figures.centres > 0),
            Step(N_("Mở lớp xóa mù chữ và ghi danh học viên."), "literacy", N_("Mở Xóa mù chữ"), figures.classes > 0),
            Step(N_("Đăng ký mô hình học tập của năm (gia đình, dòng họ, thôn, đơn vị, công dân), chấm điểm và "
                    "ra quyết định công nhận."), "learning_models", N_("Mở Mô hình học tập"), figures.registrations > 0),
            Step(N_("Gửi dữ liệu cho đơn vị đầu mối bằng USB."), "sync", N_("Mở Đồng bộ dữ liệu"), sent)]


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list[float]]], line: float | None,
              horizontal: bool = False) -> QChartView:
    """Percentages as bars, with an optional threshold line (vertical bars only). `horizontal` lays the
    bars sideways, so long category names ("Cộng đồng học tập (cấp thôn)") are read whole."""
    chart = QChart()
    chart.setTitle(title)
    bars = QHorizontalBarSeries() if horizontal else QBarSeries()
    order = (lambda items: list(reversed(items))) if horizontal else list  # sideways: the first at the top
    for name, values in series:
        bar_set = QBarSet(name)
        bar_set.append([v * 100 for v in order(values)])
        bars.append(bar_set)
    chart.addSeries(bars)
    axis_x = QBarCategoryAxis()
    axis_x.append(order(categories))
    if not horizontal and (len(categories) > 12 or max((len(c) for c in categories), default=0) > 12):
        axis_x.setLabelsAngle(-90 if len(categories) > 12 else -30)
    axis_y = QValueAxis()
    axis_y.setRange(0, 100)
    axis_y.setLabelFormat("%d%%")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(axis_x)
    bars.attachAxis(axis_y)
    if line is not None and categories and not horizontal:
        threshold = QLineSeries()
        threshold.setName(_("Ngưỡng {value}").format(value=format_percent(line, 0)))
        threshold.append(-0.5, line * 100)
        threshold.append(len(categories) - 0.5, line * 100)
        pen = QPen(Qt.GlobalColor.red)
        pen.setStyle(Qt.PenStyle.DashLine)
        threshold.setPen(pen)
        chart.addSeries(threshold)
        value_axis = QValueAxis()
        value_axis.setRange(-0.5, len(categories) - 0.5)
        value_axis.setVisible(False)
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
        threshold.attachAxis(value_axis)
        threshold.attachAxis(axis_y)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return view


def area_row(module: str) -> int:
    from kbang_desktop.ui.main_window import AREAS

    return next(i for i, (_t, name, _c) in enumerate(AREAS) if name == module)


class OverviewArea(Area):
    title = N_("Tổng quan")

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.layout_ = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(QLabel("<h2>" + _("Tổng quan") + "</h2>"))
        head.addStretch(1)
        again = QPushButton(_("Làm mới"))
        again.clicked.connect(self.refresh)
        head.addWidget(again)
        self.layout_.addLayout(head)
        self.numbers = QGridLayout()
        self.layout_.addLayout(self.numbers)
        self.start = QGroupBox(_("Bắt đầu từ đây"))
        self.start.setObjectName("start_here")
        self.start_rows = QGridLayout(self.start)
        self.start.hide()
        self.steps: list[Step] = []
        self.step_buttons: list[QPushButton] = []
        self.step_labels: list[tuple[QLabel, QLabel]] = []
        self.layout_.addWidget(self.start)
        self.charts = QHBoxLayout()
        self.layout_.addLayout(self.charts, 1)
        self.sync_box = QGroupBox(_("Đồng bộ dữ liệu"))
        self.sync_text = QLabel(_("Đang tải..."))
        self.sync_text.setWordWrap(True)
        QVBoxLayout(self.sync_box).addWidget(self.sync_text)
        self.layout_.addWidget(self.sync_box)
        self.figures: Figures | None = None

    def resizeEvent(self, event: Any) -> None:
        """On a narrow screen (1024 pixels) the two charts go one above the other, so that their names are
        read whole ("Cộng đồng học tập (cấp thôn)", not "Cộng đồng học t...")."""
        super().resizeEvent(event)
        narrow = event.size().width() < self.fontMetrics().horizontalAdvance("n") * 110
        self.charts.setDirection(QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight)

    def refresh(self) -> None:
        services, today = self.services, self.services.ctx.today()
        self.tasks.run(lambda: gather(services, today), self.show_figures, _("Đang tính số liệu tổng quan..."))

    def show_figures(self, figures: Figures) -> None:
        self.figures = figures
        while self.numbers.count():
            item = self.numbers.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for column, (label, value) in enumerate(((_("Người dân"), figures.people), (_("Học viên đang học"), figures.learners),
                                                 (_("Lớp xóa mù chữ đang mở"), figures.classes),
                                                 (_("Được công nhận năm nay"), figures.recognised))):
            box = QLabel(f"<div style='font-size:22pt'><b>{format_number(value)}</b></div>{label}")
            box.setObjectName(f"figure{column}")
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.setStyleSheet("QLabel { border: 1px solid #c8d0da; border-radius: 6px; padding: 8px; }")
            self.numbers.addWidget(box, 0, column)
        while self.charts.count():
            item = self.charts.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.show_steps(steps(figures))
        if figures.people:  # with nobody recorded the charts would be blank: the steps say where to start
            self.charts.addWidget(bar_chart(
                _("Chuẩn biết chữ theo xã"), [c for c, _a, _b in figures.literacy],
                [(_("Mức 1"), [a or 0 for _c, a, _b in figures.literacy]),
                 (_("Mức 2"), [b or 0 for _c, _a, b in figures.literacy])], 0.9), 1)
            self.charts.addWidget(bar_chart(
                _("Mô hình học tập so với chỉ tiêu"), [_(m) for m, _s, _t in figures.models],
                [(_("Đã công nhận"), [s or 0 for _m, s, _t in figures.models]),
                 (_("Chỉ tiêu quốc gia"), [t or 0 for _m, _s, t in figures.models])], None, horizontal=True), 1)
        else:
            self.charts.addStretch(1)
        lines = []
        for peer in figures.peers:
            lines.append(_("{name}: gửi lần cuối {sent}, nhận lần cuối {received}, {count} bản ghi chưa được xác nhận.").format(
                name=peer.name, sent=format_datetime(peer.last_sent_at) if peer.last_sent_at else _("chưa"),
                received=format_datetime(peer.last_received_at) if peer.last_received_at else _("chưa"),
                count=format_number(peer.unacknowledged)))
        lines.append(_("Xung đột đang chờ xử lý: {n}").format(n=figures.conflicts))
        self.sync_text.setText("\n".join(lines) if figures.peers else _("Chưa trao đổi dữ liệu với đơn vị nào.") + "\n"
                               + lines[-1])

    def show_steps(self, todo: list[Step]) -> None:
        """"Bắt đầu từ đây": the steps of the year, each with the button that opens its area, ticked
        when done; hidden once every step is done. The rows are made once and then updated (a button
        being pressed is never deleted under the user's hand)."""
        if len(self.step_buttons) != len(todo):
            while self.start_rows.count():
                item = self.start_rows.takeAt(0)
                if item.widget():
                    item.widget().deleteLater()
            self.step_buttons, self.step_labels = [], []
            for row in range(len(todo)):
                mark, text, button = QLabel(""), QLabel(""), QPushButton("")
                text.setWordWrap(True)
                button.setObjectName(f"step_{row}")
                button.clicked.connect(lambda _c=False, r=row: self.window_.show_area(area_row(self.steps[r].area)))
                self.step_buttons.append(button)
                self.step_labels.append((mark, text))
                self.start_rows.addWidget(mark, row, 0)
                self.start_rows.addWidget(text, row, 1)
                self.start_rows.addWidget(button, row, 2)
            self.start_rows.setColumnStretch(1, 1)
        self.steps = todo
        for row, step in enumerate(todo):
            mark, text = self.step_labels[row]
            mark.setText("✔" if step.done else f"{row + 1}.")
            mark.setStyleSheet("color: #1a7f37; font-weight: bold" if step.done else "font-weight: bold")
            text.setText(_(step.text) + (" " + _("(đã làm)") if step.done else ""))
            text.setStyleSheet("color: #57606a" if step.done else "")
            self.step_buttons[row].setText(_(step.button))
        self.start.setVisible(not all(s.done for s in todo))
