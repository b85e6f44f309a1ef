"""Shared fixtures: a fresh initialised database per test, the standard test user, the `kbang` command.

Every test runs with the standard test user in the environment (KBANG_USER / KBANG_PASSWORD): the
administrator that the `services` fixture and `kbang init` in tests create, and the account the `kbang`
command logs in with. A test that runs the command line uses the `cli` fixture (or `main()` as it is);
a test that opens a database made by the command line uses `open_test_services(path)`.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kbang_desktop import i18n
from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import Services, open_services

TODAY = date(2026, 11, 27)
TEST_USER, TEST_PASSWORD = "admin", "matkhau123"  # the first administrator of every test database


@pytest.fixture(autouse=True)
def _vietnamese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KBANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LANGUAGE", "vi")  # the CLI takes its default language from the system
    monkeypatch.setenv("KBANG_USER", TEST_USER)  # who `kbang` logs in as (and whom `kbang init` makes)
    monkeypatch.setenv("KBANG_PASSWORD", TEST_PASSWORD)
    i18n.setup("vi")


class CliResult(NamedTuple):
    """What one run of `kbang` gave: its exit code and what it printed."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `kbang` as the standard test user: `cli("persons", "list", "--db", path)` -> CliResult.
    Arguments may be paths or numbers."""
    from kbang_desktop.cli.main import main

    def run(*args: Any) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture
def js(cli):
    """`js("persons", "list", "--db", path)`: `kbang ... --json` expected to exit `expect` (0 unless told),
    its output read as JSON (None when it printed nothing)."""

    def run(*args: Any, expect: int = 0) -> Any:
        result = cli(*args, "--json")
        assert result.code == expect, (result.out, result.err)
        return json.loads(result.out) if result.out.strip() else None

    return run


@pytest.fixture
def db(tmp_path: Path, cli) -> Path:
    """A commune office (UBND xã Kông Bơ La) set up a minute ago by `kbang init`: its database's path."""
    path = tmp_path / "office" / "kbang.db"
    result = cli("init", "--db", path, "--office-kind", "commune", "--office-name", "UBND xã Kông Bơ La",
                 "--unit", "kong bo la")
    assert result.code == 0, result.err
    return path


def open_test_services(path: str | Path) -> Services:
    """The services of a database that a test made (with `cli("init", ...)`), as the standard test user (an
    encrypted file unlocked with that user's password)."""
    from kbang_desktop.storage import vault

    path = Path(path)
    key = vault.unlock(path, TEST_USER, TEST_PASSWORD) if vault.is_encrypted(path) else None
    return open_services(path, Actor(f"user:{TEST_USER}", "admin"), create=False, key=key)


def raw_connection(path: str | Path):
    """A DB-API connection to a SQLite file made by a test, past the program (to tamper with it): an
    encrypted one (made by `kbang init`) unlocked with the standard test user's password."""
    from kbang_desktop.storage import vault

    path = Path(path)
    key = vault.unlock(path, TEST_USER, TEST_PASSWORD) if vault.is_encrypted(path) else None
    return vault.connect(path, key)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kbang.db"


@pytest.fixture
def services(db_path: Path) -> Services:
    svc = open_services(db_path, Actor("os:tester", "admin"))
    svc.ctx.today = lambda: TODAY
    svc.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La", TEST_USER, TEST_PASSWORD)
    yield svc
    svc.ctx.db.close()


PG_ADMIN_URL = os.environ.get("KBANG_TEST_PG", "")
PG_HOW = ("PostgreSQL not configured: set KBANG_TEST_PG=postgresql+psycopg://USER@HOST:PORT/postgres "
          "(a server where USER may create databases), or run `make test-pg`, which starts one; CI does.")


def pg_create(template: str | None = None) -> str:
    """A new PostgreSQL database (empty, or a copy of `template`'s database); its URL."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"kbang_test_{uuid.uuid4().hex[:12]}"
    clause = f' TEMPLATE "{make_url(template).database}"' if template else ""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def pg_drop(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url() -> str:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not PG_ADMIN_URL:
        pytest.skip(PG_HOW)
    url = pg_create()
    yield url
    pg_drop(url)


@pytest.fixture
def hub_services(tmp_path: Path) -> Services:
    """A hub set up today (the office that keeps reference data and criteria sets), as an administrator."""
    svc = open_services(tmp_path / "hub" / "kbang.db", Actor("os:tester", "admin"))
    svc.offices.initialise("hub", "Phòng Giáo dục và Đào tạo Kbang", None)
    return svc


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_target(request: pytest.FixtureRequest) -> str | None:
    """Where the hub keeps its data: a SQLite file (None) or a PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_url")
