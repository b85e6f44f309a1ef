"""Shared fixtures: a fresh initialised database per test, services acting as the OS user."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kbang_desktop import i18n
from kbang_desktop.services.context import Actor
from kbang_desktop.services.registry import Services, open_services

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _vietnamese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KBANG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LANGUAGE", "vi")  # the CLI takes its default language from the system
    i18n.setup("vi")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kbang.db"


@pytest.fixture
def services(db_path: Path) -> Services:
    svc = open_services(db_path, Actor("os:tester", "admin"))
    svc.ctx.today = lambda: TODAY
    svc.offices.initialise("commune", "UBND xã Kông Bơ La", "Kông Bơ La", "admin", "matkhau123")
    yield svc
    svc.ctx.db.close()
