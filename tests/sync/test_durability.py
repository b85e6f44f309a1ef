"""Power cuts and bad sticks: a killed import or export, a full or failing USB stick."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from kbang_desktop.core.errors import KbangError
from kbang_desktop.services.demo import DemoService
from kbang_desktop.sync import bundle as B
from kbang_desktop.sync import container as C
from kbang_desktop.sync import exchange
from tests.conftest import raw_connection
from tests.sync.net import Net

PEOPLE = 3000


def kbang(*args: object, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kbang_desktop", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(*args: object, env: dict[str, str]) -> tuple[int, str, str]:
    process = kbang(*args, env=env)
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


@pytest.fixture
def env(tmp_path):
    environment = dict(os.environ, KBANG_DATA_DIR=str(tmp_path / "data"), LANGUAGE="vi")
    environment.pop("PYTEST_CURRENT_TEST", None)
    return environment


@pytest.fixture
def offices(tmp_path, hub_target):
    net = Net(tmp_path)
    net.hub(target=hub_target)
    net.commune("a", "Kông Bơ La")
    DemoService(net.sites["a"].ctx).generate(1, PEOPLE, seed=5)
    yield net
    net.close()


def _persons(target: Path | str, env) -> int:
    """People in the hub's database, read past the program: a file the first command has encrypted
    is opened with the standard test user's key."""
    from sqlalchemy import create_engine, text

    if not isinstance(target, str):
        with closing(raw_connection(target)) as connection:
            return connection.execute("SELECT count(*) FROM person WHERE deleted = 0").fetchone()[0]
    engine = create_engine(target)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM person WHERE deleted = false")).scalar_one()
    engine.dispose()
    return count


def _target(services) -> Path | str:
    db = services.ctx.db
    return db.path if db.path else db.engine.url.render_as_string(hide_password=False)


def test_import_killed_at_random_points_leaves_the_database_whole_and_then_completes(offices, env):
    bundle = offices.send("a", "hub")
    hub_db = _target(offices.sites["hub"])
    offices.sites["hub"].ctx.db.close()
    start = time.monotonic()
    code, out, err = finish("bundle", "import", bundle, "--dry-run", "--json", "--db", hub_db, env=env)
    assert code == 0, err
    duration = time.monotonic() - start  # about the time an import takes, process start included
    rng = random.Random(7)
    kills = 0
    for _ in range(6):
        process = kbang("bundle", "import", bundle, "--json", "--db", hub_db, env=env)
        time.sleep(rng.uniform(0.3, duration * 1.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.communicate()
        code, out, err = finish("check", "--json", "--db", hub_db, env=env)
        assert code == 0 and json.loads(out)["ok"], (out, err)
        count = _persons(hub_db, env)
        assert count in (0, PEOPLE)  # all or nothing
        if count:
            break
    assert kills >= 1
    code, out, err = finish("bundle", "import", bundle, "--json", "--db", hub_db, env=env)
    assert code == 0, err
    assert json.loads(out)["status"] in ("applied", "already-imported")
    assert _persons(hub_db, env) == PEOPLE


def test_export_killed_at_random_points_leaves_no_file_that_looks_valid(offices, env, tmp_path):
    a_db = offices.sites["a"].ctx.db.path
    offices.sites["a"].ctx.db.close()
    usb = tmp_path / "stick"
    start = time.monotonic()
    code, out, err = finish("bundle", "export", "--to", "hub", "--out", tmp_path / "timing", "--json", "--db", a_db,
                            env=env)
    assert code == 0, err
    duration = time.monotonic() - start
    rng = random.Random(11)
    for _ in range(5):
        process = kbang("bundle", "export", "--to", "hub", "--out", usb, "--json", "--db", a_db, env=env)
        time.sleep(rng.uniform(0.3, duration))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.communicate()
        code, out, err = finish("check", "--json", "--db", a_db, env=env)
        assert code == 0, (out, err)
        for finished in usb.glob("*.kbb"):  # whatever carries the final name is whole
            with open(finished, "rb") as handle:
                C.read_entries(handle, finished.stat().st_size, B.MEMBERS, B.LIMITS)
    code, out, err = finish("bundle", "export", "--to", "hub", "--out", usb, "--json", "--db", a_db, env=env)
    assert code == 0, err
    hub_db = _target(offices.sites["hub"])
    offices.sites["hub"].ctx.db.close()
    code, out, err = finish("bundle", "import", json.loads(out)["file"], "--json", "--db", hub_db, env=env)
    assert code == 0 and json.loads(out)["status"] == "applied", err
    assert _persons(hub_db, env) == PEOPLE


@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EIO, errno.EROFS])
def test_full_failing_or_read_only_stick_gives_a_clear_message_and_no_file(offices, tmp_path, monkeypatch, failure):
    usb = tmp_path / "stick"
    written = {"bytes": 0}
    original = C.ContainerWriter.write

    def failing(self, data):
        written["bytes"] += len(data)
        if written["bytes"] > 20_000:
            raise OSError(failure, os.strerror(failure))
        return original(self, data)

    monkeypatch.setattr(C.ContainerWriter, "write", failing)
    with pytest.raises(KbangError) as caught:
        exchange.export_bundle(offices.sites["a"], offices.office_of("hub"), usb)
    message = caught.value.translated()
    assert "USB" in message and os.strerror(failure) in message
    assert list(usb.iterdir()) == []  # neither a bundle nor a partial file is left
    with offices.sites["a"].ctx.read() as repo:
        from kbang_desktop.storage.models import BundleLedger

        assert repo.session.query(BundleLedger).count() == 0  # nothing recorded as sent


def test_read_back_mismatch_is_caught_before_the_file_gets_its_name(offices, tmp_path, monkeypatch):
    usb = tmp_path / "stick"
    original = C.iter_member

    def corrupted(handle, entry, block=1 << 20):
        for data in original(handle, entry, block):
            yield data[:-1] + bytes([data[-1] ^ 1]) if entry.name == "payload" else data

    monkeypatch.setattr(C, "iter_member", corrupted)
    with pytest.raises(KbangError):
        exchange.export_bundle(offices.sites["a"], offices.office_of("hub"), usb)
    assert list(usb.iterdir()) == []


def test_half_written_bundles_from_a_cut_off_export_are_cleared_later(offices, tmp_path):
    usb = tmp_path / "stick"
    usb.mkdir()
    old, recent = usb / "old.kbb.part", usb / "recent.kbb.part"
    old.write_bytes(b"half")
    recent.write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    exchange.export_bundle(offices.sites["a"], offices.office_of("hub"), usb)
    assert not old.exists() and recent.exists()  # another export may still be writing the recent one
