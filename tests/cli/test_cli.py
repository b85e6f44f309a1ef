"""The `kbang` command as other tools call it: JSON fields, exit codes, clear errors."""

import json

from tests.conftest import open_test_services, raw_connection


def test_init_twice_is_refused(db, cli):
    code, _out, err = cli("init", "--db", db, "--office-kind", "commune", "--office-name", "X")
    assert code == 1 and "đã được khởi tạo" in err


def test_persons_add_search_list_json(db, cli):
    code, out, _ = cli("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1990",
                       "--ethnic", "Ba Na", "--commune", "kong bo la", "--village", "Làng Kon Lốc", "--json", "--db", db)
    assert code == 0
    person_id = json.loads(out)["id"]
    cli("persons", "add", "--name", "Nguyễn Thị An", "--sex", "F", "--birth", "05/02/1978", "--ethnic", "01",
        "--commune", "Kông Bơ La", "--village", "Thôn 1", "--literacy", "2", "--db", db, "--json")
    code, out, _ = cli("persons", "search", "dinh van hmuk", "--json", "--db", db)
    assert code == 0
    assert json.loads(out) == [{"id": person_id, "full_name": "Đinh Văn Hmưk", "birth": "1990",
                                "commune": "Kông Bơ La", "village": "Làng Kon Lốc", "status": "present"}]
    code, out, _ = cli("--db", db, "persons", "list", "--commune", "kong bo la", "--json")
    rows = json.loads(out)
    assert code == 0 and [r["full_name"] for r in rows] == ["Nguyễn Thị An", "Đinh Văn Hmưk"]
    assert rows[0]["birth"] == "1978-02-05"


def test_literacy_status_json_fields(db, cli):
    for index in range(9):
        cli("persons", "add", "--name", f"Đinh Văn A{index}", "--sex", "M", "--birth", "2000", "--ethnic", "13",
            "--commune", "Kông Bơ La", "--village", "Làng A", "--literacy", "2", "--db", db)
    cli("persons", "add", "--name", "Đinh Văn B", "--sex", "M", "--birth", "2000", "--ethnic", "13",
        "--commune", "Kông Bơ La", "--village", "Làng A", "--db", db)
    cli("persons", "add", "--name", "Đinh Văn C", "--sex", "M", "--birth", "2000", "--ethnic", "13",
        "--commune", "Kông Bơ La", "--village", "Làng A", "--exempt", "--db", db)
    code, out, _ = cli("literacy", "status", "--commune", "kong bo la", "--as-of", "2026-06-01", "--json",
                       "--db", db)
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"commune", "as_of", "especially_difficult", "level1", "level2", "birth_year_only", "exempted"}
    assert data["commune"] == "Kông Bơ La" and data["as_of"] == "2026-06-01"
    assert data["level1"] == {"age_from": 15, "age_to": 35, "population": 10, "literate": 9, "rate": 0.9, "meets": True}
    assert data["level2"]["meets"] is True and data["exempted"] == 1 and data["birth_year_only"] == 11
    # which communes are especially difficult is shared reference data: the hub's to set (write policy)
    code, _out, err = cli("units", "designate", "--commune", "Kông Bơ La", "--flag", "especially-difficult",
                          "--from", "2026-01-01", "--db", db)
    assert code == 1 and "Chỉ đơn vị đầu mối" in err and "Traceback" not in err
    _code, out, _ = cli("literacy", "status", "--commune", "Kông Bơ La", "--as-of", "2026-06-01", "--json",
                        "--db", db)
    assert json.loads(out)["especially_difficult"] is False


def test_bad_input_gives_one_sentence_and_exit_1(db, cli):
    code, out, err = cli("persons", "add", "--name", "X Y", "--sex", "M", "--birth", "31/02/1990",
                         "--ethnic", "13", "--commune", "Kông Bơ La", "--village", "A", "--db", db)
    assert code == 1 and "Ngày không có thật" in err and "Traceback" not in err + out
    code, _out, err = cli("literacy", "status", "--commune", "Nowhere", "--as-of", "2026-01-01", "--db", db)
    assert code == 1 and "Nowhere" in err


def test_wrong_usage_exits_2(db, cli):
    code, _out, err = cli("persons", "add", "--name", "X", "--db", db)
    assert code == 2 and "--sex" in err
    code, _out, _err = cli("nosuchcommand")
    assert code == 2
    code, _out, err = cli("literacy", "status", "--commune", "A", "--as-of", "2026-13-45", "--db", db)
    assert code == 2


def test_english_messages(db, cli):
    code, _out, err = cli("--lang", "en", "persons", "add", "--name", "", "--sex", "M", "--birth", "1990",
                          "--ethnic", "13", "--commune", "Kông Bơ La", "--village", "A", "--db", db)
    assert code == 1 and "The full name is missing." in err


def test_check_audit_backup_restore(db, cli, tmp_path):
    assert cli("check", "--db", db)[0] == 0
    code, out, _ = cli("audit", "verify", "--json", "--db", db)
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, _ = cli("backup", "--json", "--db", db)
    backup_file = json.loads(out)["file"]
    cli("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1990", "--ethnic", "13",
        "--commune", "Kông Bơ La", "--village", "A", "--db", db)
    with raw_connection(db) as connection:
        connection.execute("UPDATE audit_event SET after = replace(after, 'Hmưk', 'Hmuk')")
    code, out, _ = cli("audit", "verify", "--json", "--db", db)
    assert code == 1 and json.loads(out)["ok"] is False
    assert cli("check", "--db", db)[0] == 1
    code, _out, _err = cli("restore", backup_file, "--db", db)
    assert code == 0
    assert cli("check", "--db", db)[0] == 0
    _code, out, _ = cli("persons", "list", "--json", "--db", db)
    assert json.loads(out) == []
    bad = tmp_path / "bad.db"
    bad.write_text("nonsense")
    code, _out, err = cli("restore", str(bad), "--db", db)
    assert code == 1 and "giữ nguyên" in err


def test_demo_command(tmp_path, cli):
    path = str(tmp_path / "demo.db")
    code, out, _ = cli("demo", "--communes", "2", "--people-per-commune", "300", "--seed", "3", "--json",
                       "--db", path)
    assert code == 0 and json.loads(out)["person"] == 600
    code, out, _ = cli("persons", "search", "dinh", "--json", "--limit", "5", "--db", path)
    assert code == 0 and len(json.loads(out)) == 5


def test_missing_database_is_not_created_by_a_query(tmp_path, cli):
    missing = tmp_path / "nowhere" / "kbang.db"
    code, _out, err = cli("persons", "list", "--db", str(missing))
    assert code == 1 and "Không tìm thấy cơ sở dữ liệu" in err and not missing.exists()


def test_first_command_of_the_day_makes_a_checked_backup(db, cli):
    from pathlib import Path

    from kbang_desktop.storage import backup

    folder = backup.default_backup_dir(Path(db))
    assert not backup.list_backups(folder)
    cli("persons", "list", "--db", db)
    cli("persons", "list", "--db", db)
    assert [kind for _w, kind, _p in backup.list_backups(folder)] == ["weekly"]


def test_decisions_list_json(db, cli):
    from datetime import date

    services = open_test_services(db)
    head = services.persons.add("Đinh Văn Hmưk", "M", "1980", "Ba Na", "Kông Bơ La", "Làng A")
    household = services.households.add("Kông Bơ La", "Làng A", "12", head.id)
    registration = services.models.register(2026, "household", household.id, date(2026, 1, 10))
    services.models.evaluate(registration.id, {"1.1": 15, "1.2": 10, "1.3": 5, "2.1": 10, "2.2": 10, "2.3": 10,
                                               "3.1": 10, "3.2": 10, "4.1": 10, "4.2": 10}, date(2026, 11, 1))
    decision = services.models.create_decision("Kông Bơ La", "15/QĐ-UBND", date(2026, 2, 5), "household", 2026,
                                               "Nguyễn Văn Hùng")
    services.models.add_entry(decision.id, registration.id)
    services.ctx.db.close()
    code, out, _ = cli("decisions", "list", "--year", "2026", "--json", "--db", db)
    assert code == 0
    assert json.loads(out) == [{"id": decision.id, "number": "15/QĐ-UBND", "date": "2026-02-05", "kind": "household",
                                "year": 2026, "status": "draft", "entries": 1}]
    code, out, _ = cli("decisions", "list", "--year", "2025", "--json", "--db", db)
    assert code == 0 and json.loads(out) == []


def test_argparse_speaks_the_users_language(cli):
    code, out, _err = cli("--help")
    assert code == 0 and out.startswith("cách dùng: kbang") and "tùy chọn:" in out and "usage:" not in out
    code, _out, err = cli("nosuchcommand")
    assert code == 2 and "lựa chọn không hợp lệ: 'nosuchcommand'" in err and "invalid choice" not in err
    code, _out, err = cli("--lang", "en", "persons")
    assert code == 2
    assert "the following arguments are required: {add,search,update,list" in err and "persons_command" not in err


def test_persons_list_as_of_with_status_and_search_in_order_with_filters(db, cli):
    def add(name, birth="1990", village="Thôn 1"):
        return cli("persons", "add", "--name", name, "--sex", "F", "--birth", birth, "--ethnic", "Kinh",
                   "--commune", "Kông Bơ La", "--village", village, "--json", "--db", db).json()["id"]

    ids = {given: add(f"Nguyễn Thị {given}") for given in ["Hương", "Oanh", "Yến", "Hà", "Hạnh"]}
    old = add("Nguyễn Thị Lan", "1950", "Thôn 2")
    services = open_test_services(db)
    try:
        services.persons.mark_deceased(ids["Hà"], __import__("datetime").date(2026, 3, 1))
    finally:
        services.ctx.db.close()
    rows = cli("persons", "list", "--commune", "Kông Bơ La", "--json", "--db", db).json()
    assert ids["Hà"] not in [r["id"] for r in rows] and {r["status"] for r in rows} == {"present"}
    rows = cli("persons", "list", "--commune", "Kông Bơ La", "--as-of", "2026-02-01", "--json", "--db", db).json()
    assert ids["Hà"] in [r["id"] for r in rows]  # living there on that date
    rows = cli("persons", "list", "--commune", "Kông Bơ La", "--everyone", "--json", "--db", db).json()
    assert {r["id"]: r["status"] for r in rows}[ids["Hà"]] == "deceased"

    found = cli("persons", "search", "nguyen thi", "--limit", "3", "--json", "--db", db).json()
    assert [r["full_name"].split()[-1] for r in found] == ["Hà", "Hạnh", "Hương"]
    found = cli("persons", "search", "nguyen thi", "--limit", "3", "--status", "present", "--json", "--db", db).json()
    assert [r["full_name"].split()[-1] for r in found] == ["Hạnh", "Hương", "Lan"]
    found = cli("persons", "search", "nguyen thi", "--commune", "Kông Bơ La", "--village", "thon 2", "--json",
                "--db", db).json()
    assert [r["id"] for r in found] == [old]
    found = cli("persons", "search", "nguyen", "--age", "60-90", "--json", "--db", db).json()
    assert [r["id"] for r in found] == [old]
    result = cli("persons", "search", "nguyen thi", "--limit", "2", "--db", db)
    assert result.code == 0 and result.out.strip().splitlines()[-1] == "2 / 6 người"
    result = cli("persons", "search", "nguyen", "--commune", "Kông Bơ La", "--village", "Thôn 9", "--db", db)
    assert result.code == 1 and "Thôn 9" in result.err
    assert cli("persons", "search", "nguyen", "--age", "abc", "--db", db).code == 2



def test_the_days_first_command_prints_its_output_before_the_daily_backup(db, cli, monkeypatch):
    """The daily backup (15 s at a 3.7 GB hub) runs after the command's work, not before it."""
    import sys
    from pathlib import Path

    from kbang_desktop.services.maintenance import MaintenanceService
    from kbang_desktop.storage import backup

    real = MaintenanceService.daily_backup

    def recorded(self):
        print("<sao lưu hằng ngày>", file=sys.stdout)
        return real(self)

    monkeypatch.setattr(MaintenanceService, "daily_backup", recorded)
    code, out, _ = cli("persons", "add", "--name", "Đinh Văn Hmưk", "--sex", "M", "--birth", "1990", "--ethnic", "13",
                       "--commune", "Kông Bơ La", "--village", "A", "--json", "--db", db)
    assert code == 0
    first, marker = out.splitlines()
    assert json.loads(first)["id"] and marker == "<sao lưu hằng ngày>"
    folder = backup.default_backup_dir(Path(db))
    assert [kind for _w, kind, _p in backup.list_backups(folder)] == ["weekly"]  # made, and holding the new person
    with raw_connection(backup.list_backups(folder)[0][2]) as connection:
        assert connection.execute("SELECT count(*) FROM person").fetchone()[0] == 1


def test_a_daily_backup_that_fails_after_the_command_is_a_warning(db, cli, monkeypatch):
    from kbang_desktop.core.errors import StorageError
    from kbang_desktop.i18n import N_
    from kbang_desktop.services.maintenance import MaintenanceService

    def fails(self):
        raise StorageError(N_("Không sao lưu được vào {dir}: {error}"), dir="D:/sao-luu", error="ổ đầy")

    monkeypatch.setattr(MaintenanceService, "daily_backup", fails)
    code, out, err = cli("persons", "list", "--json", "--db", db)
    assert code == 0 and json.loads(out) == []
    assert err.startswith("Cảnh báo: Không sao lưu được vào D:/sao-luu")
