"""`kbang units add-commune / add-village / export` at the hub and `kbang init --units` at a new commune PC
(issue 14): JSON out, one Vietnamese sentence and exit 1 for bad input, nothing left behind by a refused init."""

import json

import pytest

from tests.conftest import open_test_services


@pytest.fixture
def hub(tmp_path, cli):
    path = str(tmp_path / "hub.db")
    assert cli("init", "--db", path, "--office-kind", "hub", "--office-name", "Sở Giáo dục và Đào tạo Gia Lai").code == 0
    return path


def test_the_hub_adds_a_commune_and_a_village_and_a_new_pc_is_set_up_for_it(hub, cli, tmp_path):
    code, out, _err = cli("units", "add-commune", "--name", "Ia Grai", "--from", "01/07/2025", "--json", "--db", hub)
    assert code == 0
    commune = json.loads(out)
    assert (commune["name"], commune["kind"], commune["valid_from"], commune["predecessors"]) == (
        "Ia Grai", "commune", "2025-07-01", [])
    code, out, _err = cli("units", "add-commune", "--name", "Kbang Mới", "--from", "2027-01-01", "--predecessor",
                          "kbang", "--part-of", "krong", "--json", "--db", hub)
    assert code == 0 and sorted(p["share"] for p in json.loads(out)["predecessors"]) == ["part", "whole"]
    code, out, _err = cli("units", "add-village", "--commune", "ia grai", "--name", "Làng Bàng", "--json", "--db", hub)
    assert code == 0 and json.loads(out)["parent_id"] == commune["id"]
    code, out, _err = cli("units", "export", "--out", tmp_path / "usb" / "danh-muc.kbu", "--json", "--db", hub)
    assert code == 0 and json.loads(out)["records"] >= 5
    # a new commune PC, before it has joined: the commune is not in the shipped list ...
    new = tmp_path / "ia-grai.db"
    code, out, err = cli("init", "--db", new, "--office-kind", "commune", "--office-name", "UBND xã Ia Grai",
                         "--unit", "Ia Grai")
    assert code == 1 and "--units" in err and "Traceback" not in err + out
    assert not new.exists() and not new.with_name(new.name + ".keyring").exists()  # nothing half made
    # ... it is in the hub's file
    code, out, err = cli("init", "--db", new, "--office-kind", "commune", "--office-name", "UBND xã Ia Grai",
                         "--unit", "ia grai", "--units", tmp_path / "usb" / "danh-muc.kbu", "--json")
    assert code == 0, err
    assert json.loads(out)["reference"]["hub_units"] >= 5
    services = open_test_services(new)
    try:
        assert services.offices.this_office().unit_id == commune["id"]
        assert [v.name for v in services.units.villages_of(commune["id"])] == ["Làng Bàng"]
    finally:
        services.ctx.db.close()


@pytest.mark.parametrize(("args", "words"), [
    (("add-commune", "--name", "Kông Bơ La", "--from", "2025-07-01"), "Đã có đơn vị"),
    (("add-commune", "--name", "Ia Grai", "--from", "2025-07-01", "--predecessor", "Nowhere"), "Nowhere"),
    (("add-commune", "--name", " ", "--from", "2025-07-01"), "Chưa nhập tên"),
    (("add-village", "--commune", "Nowhere", "--name", "Làng A"), "Nowhere"),
])
def test_bad_input_is_one_sentence_and_exit_1(hub, cli, args, words):
    code, out, err = cli("units", *args, "--db", hub)
    assert code == 1 and words in err and "Traceback" not in err + out and len(err.strip().splitlines()) == 1


def test_a_commune_cannot_add_a_commune_and_a_bad_units_file_makes_nothing(tmp_path, cli):
    path = tmp_path / "c.db"
    assert cli("init", "--db", path, "--office-kind", "commune", "--office-name", "UBND xã Krong",
               "--unit", "krong").code == 0
    code, _out, err = cli("units", "add-commune", "--name", "Ia Grai", "--from", "2025-07-01", "--db", path)
    assert code == 1 and "Chỉ đơn vị đầu mối" in err
    code, _out, err = cli("units", "export", "--out", tmp_path / "x.kbu", "--db", path)
    assert code == 1 and "Chỉ đơn vị đầu mối" in err
    bad = tmp_path / "bad.kbu"
    bad.write_text("{}", encoding="utf-8")
    new = tmp_path / "new.db"
    code, out, err = cli("init", "--db", new, "--office-kind", "commune", "--office-name", "X", "--unit", "Ia Grai",
                         "--units", bad)
    assert code == 1 and "bad.kbu" in err and "Traceback" not in err + out and not new.exists()
