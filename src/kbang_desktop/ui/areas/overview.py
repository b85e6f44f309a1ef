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
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

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
        models=model_rows, peers=status(services), conflicts=len(list_conflicts(services)))


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
        self.charts = QHBoxLayout()
        self.layout_.addLayout(self.charts, 1)
        self.sync_box = QGroupBox(_("Đồng bộ dữ liệu"))
        self.sync_text = QLabel(_("Đang tải..."))
        self.sync_text.setWordWrap(True)
        QVBoxLayout(self.sync_box).addWidget(self.sync_text)
        self.layout_.addWidget(self.sync_box)
        self.figures: Figures | None = None

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
        self.charts.addWidget(bar_chart(
            _("Chuẩn biết chữ theo xã"), [c for c, _a, _b in figures.literacy],
            [(_("Mức 1"), [a or 0 for _c, a, _b in figures.literacy]), (_("Mức 2"), [b or 0 for _c, _a, b in figures.literacy])],
            0.9), 1)
        self.charts.addWidget(bar_chart(
            _("Mô hình học tập so với chỉ tiêu"), [_(m) for m, _s, _t in figures.models],
            [(_("Đã công nhận"), [s or 0 for _m, s, _t in figures.models]),
             (_("Chỉ tiêu quốc gia"), [t or 0 for _m, _s, t in figures.models])], None, horizontal=True), 1)
        lines = []
        for peer in figures.peers:
            lines.append(_("{name}: gửi lần cuối {sent}, nhận lần cuối {received}, {count} bản ghi chưa được xác nhận.").format(
                name=peer.name, sent=format_datetime(peer.last_sent_at) if peer.last_sent_at else _("chưa"),
                received=format_datetime(peer.last_received_at) if peer.last_received_at else _("chưa"),
                count=format_number(peer.unacknowledged)))
        lines.append(_("Xung đột đang chờ xử lý: {n}").format(n=figures.conflicts))
        self.sync_text.setText("\n".join(lines) if figures.peers else _("Chưa trao đổi dữ liệu với đơn vị nào.") + "\n"
                               + lines[-1])
