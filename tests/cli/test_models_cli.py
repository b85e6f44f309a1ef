"""The whole yearly cycle of every learning model from `kbang`, on a commune set up today."""

import json

from kbang_desktop.paths import resource
from tests.conftest import open_test_services


def run(cli, db, *args):
    code, out, err = cli(*args, "--json", "--db", db)
    assert code == 0, err
    return json.loads(out)


def test_every_model_kind_from_registration_to_a_verified_certificate(tmp_path, cli):
    db = str(tmp_path / "cli.db")
    assert cli("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La",
               "--unit", "kong bo la")[0] == 0
    sets = run(cli, db, "criteria", "list")
    assert {s["kind"] for s in sets} == {"household", "clan", "village", "organisation", "citizen"}
    assert all(s["template"] and s["pass_total"] == "80" and s["valid_from"] for s in sets)
    items = {s["kind"]: run(cli, db, "criteria", "show", s["id"])["items"] for s in sets}
    assert {"code", "text", "max_points", "required"} <= set(items["citizen"][0])

    citizen = run(cli, db, "persons", "add", "--name", "Đinh Thị Hoa", "--sex", "F", "--birth", "1990",
                  "--ethnic", "Ba Na", "--commune", "Kông Bơ La", "--village", "Làng Kon Lốc")["id"]
    village = run(cli, db, "units", "add-village", "--commune", "Kông Bơ La", "--name", "Làng Đak Asel")["id"]
    clan = run(cli, db, "clans", "add", "--commune", "Kông Bơ La", "--name", "Dòng họ Đinh")["id"]
    organisation = run(cli, db, "organisations", "add", "--commune", "Kông Bơ La", "--name",
                       "Trường Tiểu học Kông Bơ La", "--kind", "school")["id"]
    services = open_test_services(db)  # no `kbang households` yet: the household and its head here
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")
    other = services.persons.add("Đinh Văn Blưh", "M", "1982", "Ba Na", "Kông Bơ La", "Làng Kon Lốc")
    household = services.households.add("Kông Bơ La", "Làng Kon Lốc", "12", head.id).id
    weak = services.households.add("Kông Bơ La", "Làng Kon Lốc", "13", other.id).id
    services.ctx.db.close()

    subjects = {"household": household, "clan": clan, "village": village, "organisation": organisation,
                "citizen": citizen}
    for number, (kind, subject) in enumerate(subjects.items(), 1):
        registration = run(cli, db, "models", "register", "--year", "2026", "--kind", kind, "--subject", subject)["id"]
        full = [f"--score={i['code']}={i['max_points']}" for i in items[kind]]
        result = run(cli, db, "models", "evaluate", registration, "--date", "2026-11-20", *full)
        assert set(result) == {"id", "total", "passed", "reasons"} and result["passed"] and result["total"] == "100"
        decision = run(cli, db, "decisions", "create", "--kind", kind, "--year", "2026", "--number",
                       f"{number}/QĐ-UBND", "--date", "2026-12-05", "--signer", "Nguyễn Văn Hùng",
                       "--signer-title", "chairman")["id"]
        run(cli, db, "decisions", "add", decision, registration)
        if kind == "household":
            failing = run(cli, db, "models", "register", "--year", "2026", "--kind", kind, "--subject", weak)["id"]
            low = run(cli, db, "models", "evaluate", failing, "--date", "2026-11-20", "--score", "1.1=7,5")
            assert not low["passed"] and low["total"] == "7.5" and {r["code"] for r in low["reasons"]} >= {"total", "1.1"}
            code, _out, err = cli("decisions", "add", decision, failing, "--db", db)
            assert code == 1 and "Đinh Văn Blưh" in err
            code, _out, err = cli("models", "evaluate", failing, "--date", "2026-11-21", "--score", "1.1=16", "--db", db)
            assert code == 1 and "1.1" in err
            rows = run(cli, db, "models", "registrations", "--year", "2026", "--kind", kind, "--village", "Làng Kon Lốc")
            assert [(r["name"], r["result"]) for r in rows] == [("Hộ ông/bà Đinh Văn Blưh", "failed"),
                                                               ("Hộ ông/bà Đinh Văn Hmưk", "passed")]
            assert run(cli, db, "decisions", "remove", decision, registration)["entries"] == []
            run(cli, db, "decisions", "add", decision, registration)
        issued = run(cli, db, "decisions", "issue", decision)
        assert issued["status"] == "issued" and issued["entries"] == 1
        pdf = tmp_path / f"{kind}.pdf"
        assert run(cli, db, "certificates", "print", "--decision", decision, "--out", pdf)["pages"] == 1
        verified = run(cli, db, "certificates", "verify", pdf)
        assert verified["genuine"], verified


def test_import_scores_from_a_spreadsheet_dry_run_then_for_real(tmp_path, cli):
    from openpyxl import Workbook

    db = str(tmp_path / "cli.db")
    cli("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La", "--unit", "kong bo la")
    ids = [run(cli, db, "persons", "add", "--name", f"Đinh Thị C{i}", "--sex", "F", "--birth", "1990", "--ethnic",
               "Ba Na", "--commune", "Kông Bơ La", "--village", "Làng A")["id"] for i in range(2)]
    run(cli, db, "models", "register", "--year", "2026", "--kind", "citizen", "--subject", *ids)
    book = Workbook()
    sheet = book.active
    sheet.append(["PHIẾU TỰ ĐÁNH GIÁ CÔNG DÂN HỌC TẬP NĂM 2026"])
    sheet.append(["Mã người", "Họ và tên"] + [f"CS{i}" for i in range(1, 11)])
    sheet.append([ids[0], "Đinh Thị C0"] + [8] * 10)
    sheet.append([ids[1], "Đinh Thị C1"] + [10] * 9 + ["12"])
    path = tmp_path / "diem.xlsx"
    book.save(path)
    code, out, _err = cli("models", "import-scores", path, "--year", "2026", "--date", "2026-11-01", "--json",
                          "--db", db)
    data = json.loads(out)
    assert code == 1 and data["status"] == "rejected" and [(e["row"], e["column"]) for e in data["errors"]] == [(4, "CS10")]
    dry = run(cli, db, "models", "import-scores", path, "--year", "2026", "--date", "2026-11-01", "--dry-run",
              "--skip-invalid")
    assert (dry["status"], dry["evaluated"], dry["passed"]) == ("dry-run", 1, 1)
    assert all(r["result"] == "not_evaluated" for r in run(cli, db, "models", "registrations", "--year", "2026"))
    done = run(cli, db, "models", "import-scores", path, "--year", "2026", "--date", "2026-11-01", "--skip-invalid")
    assert (done["status"], done["evaluated"]) == ("imported", 1)
    results = {r["name"]: r["result"] for r in run(cli, db, "models", "registrations", "--year", "2026")}
    assert results == {"Đinh Thị C0": "passed", "Đinh Thị C1": "not_evaluated"}


def test_a_criteria_set_replaced_from_a_date(tmp_path, cli):
    commune = str(tmp_path / "commune.db")
    assert cli("init", "--db", commune, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La",
               "--unit", "kong bo la")[0] == 0
    shared = next(s for s in run(cli, commune, "criteria", "list") if s["kind"] == "organisation")
    code, _out, err = cli("criteria", "new-version", shared["id"], "--file",
                          str(resource("criteria", "don_vi_hoc_tap_template.json")),
                          "--from", "01/01/2027", "--db", commune)
    assert code == 1 and "Chỉ đơn vị đầu mối" in err  # criteria sets are the hub's, which distributes them
    db = str(tmp_path / "hub.db")
    assert cli("init", "--db", db, "--office-kind", "hub", "--office-name", "Sở GD&ĐT Gia Lai")[0] == 0
    old = next(s for s in run(cli, db, "criteria", "list") if s["kind"] == "organisation")
    shipped = json.loads(resource("criteria", "don_vi_hoc_tap_template.json").read_text(encoding="utf-8"))
    shipped["definition"]["pass_rule"]["min_total"] = 85
    path = tmp_path / "don-vi.json"
    path.write_text(json.dumps(shipped, ensure_ascii=False), encoding="utf-8")
    made = run(cli, db, "criteria", "new-version", old["id"], "--file", path, "--from", "01/01/2027",
               "--name", "Bộ tiêu chí Đơn vị học tập 2027", "--official")
    assert made["valid_from"] == "2027-01-01" and made["version"] == old["version"] + 1
    assert made["pass_total"] == "85" and made["template"] is False and made["kind"] == "organisation"
    sets = {s["id"]: s for s in run(cli, db, "criteria", "list", "--kind", "organisation")}
    assert sets[old["id"]]["valid_to"] == "2026-12-31"
    code, _out, err = cli("criteria", "new-version", old["id"], "--file", path, "--from", "2020-01-01", "--db", db)
    assert code == 1 and "bắt đầu hiệu lực sau ngày" in err and "Traceback" not in err
