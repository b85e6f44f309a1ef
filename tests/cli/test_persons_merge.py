"""`kbang persons add --allow-duplicate`, `persons duplicates`, `persons merge KEEP OTHER`, `persons unmerge
MERGE_ID`: duplicates caught, listed, merged and undone; the hub may not merge a commune's people."""

from __future__ import annotations

from tests.conftest import open_test_services

PERSON = ("--sex", "M", "--birth", "1990", "--ethnic", "Ba Na", "--commune", "Đak Rong", "--village", "Làng Kon Lốc")


def test_add_duplicates_merge_and_unmerge_at_the_commune(tmp_path, js, cli):
    db = tmp_path / "xa.db"
    js("init", "--db", db, "--office-kind", "commune", "--office-name", "UBND xã Đak Rong", "--unit", "Đak Rong")
    first = js("persons", "add", "--name", "Đinh Văn Hmưk", *PERSON, "--db", db)["id"]
    code, out, err = cli("persons", "add", "--name", "Dinh Van Hmuk", *PERSON, "--db", db)
    assert code == 1 and out == ""
    assert "Đinh Văn Hmưk" in err and "1990" in err and "Làng Kon Lốc" in err and first in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and "--allow-duplicate" in err
    second = js("persons", "add", "--name", "Dinh Van Hmuk", *PERSON, "--allow-duplicate", "--db", db)["id"]
    pairs = js("persons", "duplicates", "--db", db)
    assert [({p["first"]["id"], p["second"]["id"]}, p["reasons"]) for p in pairs] == [
        ({first, second}, ["name_birth_village"])]
    assert len(js("persons", "duplicates", "--commune", "Đak Rong", "--db", db)) == 1
    code, out, _err = cli("persons", "duplicates", "--db", db)
    assert "cùng họ tên, năm sinh (±1) và thôn, làng" in out

    done = js("persons", "merge", first, second, "--db", db)
    assert set(done) == {"merge_id", "kept"} and done["kept"] == first
    assert [r["id"] for r in js("persons", "search", "hmuk", "--db", db)] == [first]
    assert js("persons", "duplicates", "--db", db) == []
    assert [m["merge_id"] for m in js("persons", "merges", "--db", db)] == [done["merge_id"]]
    undone = js("persons", "unmerge", done["merge_id"], "--db", db)
    assert undone["merge_id"] == done["merge_id"] and undone["left"] == 0
    assert {r["id"] for r in js("persons", "search", "hmuk", "--db", db)} == {first, second}
    code, out, err = cli("persons", "unmerge", done["merge_id"], "--db", db)
    assert code == 1 and err.strip() == "Lần gộp này đã được tách lại rồi."
    assert js("persons", "merges", "--db", db) == [] and len(js("persons", "merges", "--all", "--db", db)) == 1


def test_the_hub_may_not_merge_a_communes_people_and_a_merge_reaches_it(tmp_path, js, cli):
    hub, commune, usb = tmp_path / "hub.db", tmp_path / "xa.db", tmp_path / "usb"
    js("init", "--db", hub, "--office-kind", "hub", "--office-name", "Phòng GD&ĐT Kbang")
    js("init", "--db", commune, "--office-kind", "commune", "--office-name", "UBND xã Đak Rong", "--unit", "Đak Rong")
    request = js("office", "join-request", "--out", usb / "join.kbj", "--db", commune)["file"]
    registered = js("office", "register", request, "--out", usb, "--db", hub)
    js("office", "trust", registered["file"], "--fingerprint", registered["fingerprint"], "--db", commune)
    first = js("persons", "add", "--name", "Đinh Văn Hmưk", *PERSON, "--db", commune)["id"]
    second = js("persons", "add", "--name", "Đinh Văn Hmưk", *PERSON, "--allow-duplicate", "--db", commune)["id"]

    def to_hub():
        exported = js("bundle", "export", "--to", "hub", "--out", usb, "--db", commune)
        result = js("bundle", "import", exported["file"], "--db", hub)
        assert result["status"] == "applied" and result["counts"]["refused"] == 0, result

    to_hub()
    assert len(js("persons", "duplicates", "--db", hub)) == 1  # the hub sees the pair...
    code, out, err = cli("persons", "merge", first, second, "--db", hub)  # ...but may not merge them
    assert code == 1 and err.strip() == "Bản ghi này thuộc xã Đak Rong; chỉ xã Đak Rong sửa được."
    assert len(js("persons", "search", "hmuk", "--db", hub)) == 2
    done = js("persons", "merge", first, second, "--db", commune)
    to_hub()
    assert [r["id"] for r in js("persons", "search", "hmuk", "--db", hub)] == [first]
    code, out, err = cli("persons", "unmerge", done["merge_id"], "--db", hub)
    assert code == 1 and "Đak Rong" in err
    js("persons", "unmerge", done["merge_id"], "--db", commune)
    to_hub()
    assert len(js("persons", "search", "hmuk", "--db", hub)) == 2
    services = open_test_services(hub)
    try:
        assert services.merges.merges(undone=True)[0].undone_at is not None
    finally:
        services.ctx.db.close()
