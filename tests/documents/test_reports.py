"""Reports: the same definitions at a commune and at the hub, PDF and XLSX, nothing sensitive by name."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from kbang_desktop.cli.main import main
from kbang_desktop.core.errors import KbangError
from kbang_desktop.documents.reports import write_report
from kbang_desktop.services.reports import REPORTS
from kbang_desktop.sync.exchange import status
from tests.documents.helpers import pdf_fonts, pdf_pages
from tests.sync.net import Net, fill_commune

AS_OF = date(2026, 12, 31)
COMMUNE_REPORTS = [r.name for r in REPORTS if not r.hub_only]


def _rows(report, section=0):
    return {row[0]: row for row in report.sections[section].rows}


@pytest.fixture
def net(tmp_path):
    network = Net(tmp_path)
    network.hub()
    for name, unit in (("kbl", "Kông Bơ La"), ("dr", "Đak Rong")):
        network.commune(name, unit)
        fill_commune(network.sites[name], unit)
        network.sites[name].persons.add("Rơ Châm Hlim", "F", "1950", "Gia Rai", unit, "Làng B",
                                        id_number="064150009999", disability=True)
        network.exchange(name, "hub")
    yield network
    network.close()


def test_hub_rows_equal_each_communes_own_report(net):
    hub = net.sites["hub"]
    for name in COMMUNE_REPORTS:
        at_hub = hub.reports.build(name, AS_OF)
        for site, unit in (("kbl", "Kông Bơ La"), ("dr", "Đak Rong")):
            own = net.sites[site].reports.build(name, AS_OF)
            for index, section in enumerate(own.sections):
                if index == 0 or name != "literacy-learners":  # the per-ethnic-group section has no commune rows
                    hub_rows = [r for r in at_hub.sections[index].rows if r[0] == unit]
                    assert hub_rows == [r for r in section.rows if r[0] == unit], (name, unit, index)
        first = at_hub.sections[0]
        if len(first.rows) > 1 and first.total is not None:
            for i, column in enumerate(first.columns):
                if column.label == "Mức đạt chuẩn":
                    continue  # a level (0, 1, 2): the hub's is the 90%-of-communes rule, not a sum
                if column.kind == "int" and i > 0 and name != "literacy-learners" or (
                        name == "literacy-learners" and i >= 3):
                    assert first.total[i] == sum(r[i] for r in first.rows if r[i] is not None), (name, i)


def test_literacy_standard_report_matches_the_literacy_service(net):
    commune = net.sites["kbl"]
    report = commune.reports.build("literacy-standard", AS_OF)
    row = _rows(report)["Kông Bơ La"]
    status_now = commune.literacy.status("Kông Bơ La", AS_OF).status
    assert row[3:7] == (status_now.level1.population, status_now.level1.literate, status_now.level1.rate,
                        status_now.level1.meets)
    hub_report = net.sites["hub"].reports.build("literacy-standard", AS_OF)
    assert hub_report.sections[0].total[3] == sum(r[3] for r in hub_report.sections[0].rows)


def test_learning_models_against_national_targets(net):
    report = net.sites["hub"].reports.build("learning-models", AS_OF)
    households = _rows(report, 0)
    assert households["Kông Bơ La"][1:6] == (1, 1, 1, 1, Fraction(1, 1))
    assert households["Kông Bơ La"][6] == Fraction(7, 10)  # QĐ 387/QĐ-TTg: 70% of households
    citizens = report.sections[4]
    assert citizens.rows[0][6] == Fraction(2, 5)  # QĐ 677/QĐ-TTg: 40% of adults
    assert report.sections[0].total[1] == 2 and report.sections[0].total[4] == 2


def test_learners_show_ethnic_minority_women_separately(net):
    report = net.sites["kbl"].reports.build("literacy-learners", date(2026, 3, 1))
    row = report.sections[0].rows[0]
    assert row[:9] == ("Kông Bơ La", 1, 3, 1, 1, 1, 1, 1, 0)
    groups = {r[0]: r for r in report.sections[1].rows}
    assert groups["Ba-na"][1:] == (1, 1)
    assert net.sites["kbl"].reports.build("literacy-learners", AS_OF).sections[0].rows[0][8] == 1  # completed


@pytest.mark.parametrize("name", [r.name for r in REPORTS])
def test_every_report_as_pdf_and_xlsx(net, tmp_path, name):
    hub = net.sites["hub"]
    report = hub.reports.build(name, AS_OF, peers=status(hub) if name == "data-completeness" else ())
    pages = write_report(report, "pdf", tmp_path / f"{name}.pdf", "Phòng Giáo dục và Đào tạo Kbang")
    text = " ".join(pdf_pages(tmp_path / f"{name}.pdf"))
    assert pages >= 1 and "Kông Bơ La" in text and "Đak Rong" in text
    assert all(pdf_fonts(tmp_path / f"{name}.pdf").values())
    for secret in ("064150009999", "Rơ Châm Hlim", "Đinh Thị Blơr"):
        assert secret not in text  # no one by name, no ID numbers
    write_report(report, "xlsx", tmp_path / f"{name}.xlsx", "Phòng Giáo dục và Đào tạo Kbang")
    book = load_workbook(tmp_path / f"{name}.xlsx")
    sheet = book.worksheets[0]
    assert sheet["B4"].is_date and sheet["B4"].value.date() == AS_OF
    assert sheet.freeze_panes == "B7"
    values = [c.value for row in sheet.iter_rows(min_row=7) for c in row]
    assert any(isinstance(v, str) and "Kông Bơ La" in v for v in values)
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    assert numbers, "figures are numbers, not text"
    assert not any(isinstance(v, str) and v.replace(".", "").isdigit() for v in values)
    for secret in ("064150009999", "Rơ Châm Hlim"):
        assert secret not in values


def test_percentages_are_numbers_formatted_as_percent(net, tmp_path):
    report = net.sites["hub"].reports.build("literacy-standard", AS_OF)
    write_report(report, "xlsx", tmp_path / "l.xlsx", "Hub")
    sheet = load_workbook(tmp_path / "l.xlsx").worksheets[0]
    rate = sheet.cell(row=7, column=6)
    assert isinstance(rate.value, int | float) and 0 <= rate.value <= 1 and rate.number_format == "0.0%"


def test_hub_only_report_and_bad_names(net, tmp_path):
    with pytest.raises(KbangError, match="đơn vị đầu mối"):
        net.sites["kbl"].reports.build("data-completeness", AS_OF)
    with pytest.raises(KbangError, match="kbang report list"):
        net.sites["kbl"].reports.build("no-such-report", AS_OF)
    report = net.sites["hub"].reports.build("data-completeness", AS_OF, peers=status(net.sites["hub"]))
    rows = _rows(report)
    assert set(rows) == {"UBND xã Kông Bơ La", "UBND xã Đak Rong"}
    assert rows["UBND xã Kông Bơ La"][3] == 1 and rows["UBND xã Kông Bơ La"][4] == 3  # one bundle, three people


def test_report_cli(net, tmp_path, capsys):
    hub = net.sites["hub"]
    path = hub.ctx.db.path
    net.close()
    assert main(["--db", str(path), "report", "list", "--json"]) == 0
    names = [r["name"] for r in json.loads(capsys.readouterr().out)]
    assert names == [r.name for r in REPORTS]
    out = tmp_path / "r.xlsx"
    assert main(["--db", str(path), "report", "learning-models", "--as-of", "2026-12-31", "--format", "xlsx",
                 "--out", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["sheets"] == 5 and out.exists()
    assert main(["--db", str(path), "report", "literacy-standard", "--as-of", "2026-12-31", "--format", "pdf",
                 "--out", str(tmp_path / "r.pdf"), "--commune", "Đak Rong", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 1
    assert main(["--db", str(path), "report", "literacy-standard", "--format", "pdf", "--out",
                 str(tmp_path / "r.xlsx")]) == 1
    assert ".pdf" in capsys.readouterr().err


def test_report_cells_that_look_like_formulas_stay_text(tmp_path):
    from kbang_desktop.core.reporting import Column, Report, Section

    section = Section("Theo thôn, làng", (Column("Thôn, làng"), Column("Số người", "int"), Column("Tỷ lệ", "percent")),
                      (("=HYPERLINK(\"http://example.invalid\",\"Bấm\")", 3, Fraction(1, 3)), ("-Làng B", -2, None),
                       ("@Làng C", 1, Fraction(1, 2))))
    report = Report("x", "Báo cáo", "+xã Kông Bơ La", AS_OF, (section,))
    write_report(report, "xlsx", tmp_path / "r.xlsx", "=cmd|' /C calc'!A0")
    sheet = load_workbook(tmp_path / "r.xlsx").worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@")
    assert sheet["A1"].value == "=cmd|' /C calc'!A0" and sheet["A7"].value.startswith("=HYPERLINK")
    assert sheet["B8"].value == -2 and not sheet["B8"].quotePrefix  # numbers stay numbers
