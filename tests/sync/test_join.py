"""Joining a commune to the hub: keys, join request, registration, trust, fingerprints."""

import json
import os
import stat

import pytest

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import open_services
from kbang_desktop.storage import keys as K
from kbang_desktop.sync import join


@pytest.fixture
def hub(tmp_path):
    services = open_services(tmp_path / "hub" / "hub.db", Actor("os:hub", "admin"))
    services.offices.initialise("hub", "Sở Giáo dục và Đào tạo Gia Lai", None)
    yield services
    services.ctx.db.close()


@pytest.fixture
def commune(services):
    return services  # the conftest database: UBND xã Kông Bơ La


def test_site_keys_are_private_files_and_public_halves_are_recorded(commune):
    keys = join.site_keys(commune)
    site_id, _ = commune.ctx.require_identity()
    path = K.key_file(commune.ctx.db.path, site_id)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with commune.ctx.read() as repo:
        site = repo.require(E.Site, site_id)
    assert site.signing_key == keys.signing_public and site.encryption_key == keys.encryption_public
    assert join.site_keys(commune).signing_public == keys.signing_public  # made once
    private = K.b64(bytes(keys.signing))
    assert private.encode() not in commune.ctx.db.path.read_bytes()


def test_two_first_uses_at_once_end_with_one_key(tmp_path, monkeypatch):
    """The preview and the printing of a first certificate ask for the keys at the same moment: both
    get the same keys, the one in the file (nothing signed with a key that is then lost)."""
    import threading

    path = tmp_path / "keys" / "site-1.key"
    start = threading.Barrier(8)
    made = []
    real = K.generate

    def slow_generate(site_id):
        start.wait()  # every thread has found no file before any writes one
        return real(site_id)

    monkeypatch.setattr(K, "generate", slow_generate)
    threads = [threading.Thread(target=lambda: made.append(K.load_or_create("site-1", path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    on_disk = K.load(path).signing_public
    assert len(made) == 8 and {keys.signing_public for keys in made} == {on_disk}
    assert sorted(p.name for p in path.parent.iterdir()) == ["site-1.key"]  # no temporary left
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_join_register_trust_show_the_same_fingerprint(commune, hub, tmp_path):
    request = join.join_request(commune, tmp_path / "usb")
    registered = join.register(hub, request, tmp_path / "usb")
    trusted = join.trust(commune, registered.file)
    assert registered.fingerprint == trusted.fingerprint
    assert len(registered.fingerprint) == 19  # XXXX-XXXX-XXXX-XXXX: readable over the phone
    _, commune_office = commune.ctx.require_identity()
    _, hub_office = hub.ctx.require_identity()
    assert registered.office_id == commune_office and trusted.office_id == hub_office
    with hub.ctx.read() as repo:
        office = repo.require(E.Office, commune_office)
        assert office.name == "UBND xã Kông Bơ La" and office.owner_office_id == commune_office
    with commune.ctx.read() as repo:
        assert repo.require(E.Office, commune_office).hub_office_id == hub_office
        assert repo.require(E.Office, hub_office).kind == "hub"
    assert commune.audit.verify().ok and hub.audit.verify().ok


def test_tampered_join_request_is_refused(commune, hub, tmp_path):
    request = join.join_request(commune, tmp_path / "usb")
    data = json.loads(request.read_text())
    data["office"]["name"] = "Xã giả mạo"
    request.write_text(json.dumps(data))
    with pytest.raises(KbangError) as caught:
        join.register(hub, request, tmp_path / "usb")
    assert "Chữ ký" in caught.value.translated()


def test_welcome_for_another_commune_is_refused(commune, hub, tmp_path):
    other = open_services(tmp_path / "other.db", Actor("os:x", "admin"))
    other.offices.initialise("commune", "UBND xã Đak Rong", "Đak Rong")
    welcome = join.register(hub, join.join_request(other, tmp_path / "a"), tmp_path / "a").file
    with pytest.raises(KbangError) as caught:
        join.trust(commune, welcome)
    assert "xã khác" in caught.value.translated()
    other.ctx.db.close()


def test_garbage_and_wrong_kind_of_file_are_refused(commune, hub, tmp_path):
    junk = tmp_path / "junk.kbj"
    junk.write_bytes(os.urandom(300))
    with pytest.raises(KbangError):
        join.register(hub, junk, tmp_path)
    with pytest.raises(KbangError):
        join.join_request(hub, tmp_path / "x")  # a hub does not ask to join
    with pytest.raises(KbangError):
        join.register(commune, join.join_request(commune, tmp_path / "b"), tmp_path)  # a commune does not register


def test_cli_join_flow_prints_the_same_fingerprint(tmp_path, capsys):
    from kbang_desktop.cli.main import main

    hub_db, commune_db = str(tmp_path / "h.db"), str(tmp_path / "c.db")
    assert main(["init", "--db", hub_db, "--office-kind", "hub", "--office-name", "Sở GD&ĐT Gia Lai"]) == 0
    assert main(["init", "--db", commune_db, "--office-kind", "commune", "--office-name", "UBND xã Krong",
                 "--unit", "krong"]) == 0
    capsys.readouterr()
    assert main(["office", "join-request", "--out", str(tmp_path / "usb" / "req.kbj"), "--db", commune_db]) == 0
    capsys.readouterr()
    assert main(["office", "register", str(tmp_path / "usb" / "req.kbj"), "--out", str(tmp_path / "usb"),
                 "--json", "--db", hub_db]) == 0
    registered = json.loads(capsys.readouterr().out)
    assert set(registered) == {"office_id", "fingerprint", "file"}
    assert main(["office", "trust", registered["file"], "--fingerprint", registered["fingerprint"], "--json",
                 "--db", commune_db]) == 0
    trusted = json.loads(capsys.readouterr().out)
    assert trusted["fingerprint"] == registered["fingerprint"]


@pytest.fixture
def registered_cli(tmp_path, capsys):
    """A hub and a commune at the command line; the commune holds the hub's welcome file, not trusted yet."""
    from kbang_desktop.cli.main import main

    hub_db, commune_db = str(tmp_path / "h.db"), str(tmp_path / "c.db")
    assert main(["init", "--db", hub_db, "--office-kind", "hub", "--office-name", "Sở GD&ĐT Gia Lai"]) == 0
    assert main(["init", "--db", commune_db, "--office-kind", "commune", "--office-name", "UBND xã Krong",
                 "--unit", "krong"]) == 0
    assert main(["office", "join-request", "--out", str(tmp_path / "usb"), "--db", commune_db]) == 0
    request = next((tmp_path / "usb").glob("*.kbj"))
    capsys.readouterr()
    assert main(["office", "register", str(request), "--out", str(tmp_path / "usb"), "--json", "--db", hub_db]) == 0
    return commune_db, json.loads(capsys.readouterr().out)


def _hub_of(commune_db):
    from tests.conftest import open_test_services

    services = open_test_services(commune_db)  # made by `kbang init`: encrypted
    try:
        _site, office = services.ctx.require_identity()
        with services.ctx.read() as repo:
            return repo.require(E.Office, office).hub_office_id
    finally:
        services.ctx.db.close()


def test_cli_trust_with_a_wrong_fingerprint_trusts_nothing(registered_cli, capsys):
    from kbang_desktop.cli.main import main

    commune_db, registered = registered_cli
    assert main(["office", "trust", registered["file"], "--fingerprint", "AAAA-BBBB-CCCC-DDDD", "--db", commune_db]) == 1
    err = capsys.readouterr().err
    assert "không khớp" in err and registered["fingerprint"] in err and "Traceback" not in err
    assert _hub_of(commune_db) is None


def test_cli_trust_without_fingerprint_and_no_terminal_asks_for_it(registered_cli, capsys, monkeypatch):
    from kbang_desktop.cli.main import main

    commune_db, registered = registered_cli
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["office", "trust", registered["file"], "--db", commune_db]) == 1
    assert "--fingerprint" in capsys.readouterr().err
    assert _hub_of(commune_db) is None


@pytest.mark.parametrize("typed, trusted", [(None, True), ("AAAA-BBBB-CCCC-DDDD", False)])
def test_cli_trust_at_a_terminal_asks_for_the_code_read_by_phone(registered_cli, capsys, monkeypatch, typed, trusted):
    from kbang_desktop.cli.main import main

    commune_db, registered = registered_cli
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answer = typed or registered["fingerprint"].lower().replace("-", " ")
    monkeypatch.setattr("builtins.input", lambda prompt: answer)
    assert main(["office", "trust", registered["file"], "--db", commune_db]) == (0 if trusted else 1)
    out = capsys.readouterr().out
    assert registered["fingerprint"] in out
    assert (_hub_of(commune_db) is not None) is trusted


def test_a_second_pc_of_an_office_gets_its_own_welcome_file(tmp_path):
    """Two PCs of one commune register with the same stick: the second's welcome file is not written
    over the first's, nor is a PC's file when it registers again."""
    from tests.sync.net import Net

    net = Net(tmp_path / "net")
    try:
        hub = net.hub()
        commune = net.sites["a"] = open_services(tmp_path / "net" / "a" / "kbang.db", Actor("os:a", "admin"))
        commune.offices.initialise("commune", "UBND xã Đak Rong", "Đak Rong")
        usb = net.root / "usb"
        request = join.join_request(commune, usb)
        first = join.register(hub, request, usb).file
        first_bytes = first.read_bytes()
        net.second_pc("b", "a")  # registers and trusts through the same usb folder
        assert len(list(usb.glob("*.kbw"))) == 2 and first.read_bytes() == first_bytes
        again = join.register(hub, request, usb).file  # the same PC once more: a name of its own again
        assert again != first and first.read_bytes() == first_bytes
        assert join.trust(net.sites["a"], first, join.welcome_fingerprint(net.sites["a"], first).fingerprint)
        assert all(set(p.name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.") for p in usb.iterdir())
    finally:
        net.close()
