"""Background work: a result arriving after the window (and the caller's references to the job) are gone
is dropped quietly; it never raises "Signal source has been deleted" in the worker."""

from __future__ import annotations

import gc
import sys
import threading

import shiboken6
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QWidget

from kbang_desktop.ui.shared.tasks import Tasks


def test_a_result_after_its_window_is_gone_is_dropped(qtbot, monkeypatch):
    errors: list = []
    monkeypatch.setattr(sys, "excepthook", lambda *a: errors.append(a))
    monkeypatch.setattr(sys, "unraisablehook", lambda u: errors.append(u))
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    release = threading.Event()
    delivered: list = []
    window = QWidget()
    tasks = Tasks(window)
    tasks.pool = pool
    tasks.run(lambda: release.wait(10), delivered.append)  # holds the only worker
    for n in range(5):  # queued behind it, not started yet
        tasks.run(lambda n=n: n, delivered.append)
        tasks.run(lambda: 1 / 0, delivered.append)
    shiboken6.delete(window)  # closed: its C++ side is gone at once
    del window, tasks
    QApplication.processEvents()
    gc.collect()
    release.set()
    assert pool.waitForDone(10_000)
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(20)
    assert not errors, errors
    assert delivered == []  # nowhere to go: dropped, not delivered to a window that is gone


def test_a_worker_whose_signals_object_was_destroyed_does_not_raise(qtbot, monkeypatch):
    errors: list = []
    monkeypatch.setattr(sys, "excepthook", lambda *a: errors.append(a))
    monkeypatch.setattr(sys, "unraisablehook", lambda u: errors.append(u))
    window = QWidget()
    tasks = Tasks(window)
    release = threading.Event()
    job = tasks.run(lambda: release.wait(10))
    shiboken6.delete(job.signals)  # what closing the application does to a QObject while work still runs
    release.set()
    assert tasks.wait(10_000)
    qtbot.wait(50)
    assert not errors, errors
    shiboken6.delete(window)
