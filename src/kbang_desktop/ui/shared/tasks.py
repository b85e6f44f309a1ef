"""Background work: the one helper every screen uses to call services off the GUI thread.

`Tasks.run(work, done)` runs `work()` in a worker thread and calls `done(result)` on the main
thread. A progress dialog appears only when the work lasts longer than about half a second, with
a cancel button when the work can stop (it receives a `CancelToken`). A KbangError comes back as a
dialog with its one clear sentence; anything unexpected also writes a report to the log folder and
shows where it is. Main thread only.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from kbang_desktop.core.errors import KbangError, ValidationError
from kbang_desktop.i18n import _
from kbang_desktop.ui.shared.changes import Changes

log = logging.getLogger("kbang_desktop.ui")
SHOW_AFTER_MS = 500


class Cancelled(Exception):
    """Raised inside work that noticed the user pressed Cancel."""


class CancelToken:
    """Given to work that can stop: it checks `cancelled` / `check()` and may say how far it is with
    `report(done, total)` (the progress dialog shows it)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.done, self.total = 0, 0

    def report(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled


class _Signals(QObject):
    finished = Signal(object, object)  # the result, the Changes
    failed = Signal(object, str, object)  # the error, its trace, the Changes


# Every job until its run() has returned: the job and its signals object stay alive while a worker may
# still emit through them, whatever happened to the window that started it (closed, logged out) and
# to the caller's references. Without this, a result arriving after its job was collected raised
# "RuntimeError: Signal source has been deleted" in the worker.
_LIVE: set[_Job] = set()
_LIVE_LOCK = threading.Lock()


class _Job(QRunnable):
    def __init__(self, work: Callable[..., Any], token: CancelToken | None,
                 watch: Callable[[], Changes] | None = None) -> None:
        super().__init__()
        self.work, self.token, self.watch = work, token, watch
        self.signals = _Signals()
        self.setAutoDelete(False)

    def start(self, pool: QThreadPool) -> None:
        with _LIVE_LOCK:
            _LIVE.add(self)
        pool.start(self)

    def run(self) -> None:
        try:
            try:
                result = self.work(self.token) if self.token is not None else self.work()
            except BaseException as error:  # reported on the main thread, never lost
                # what was being done, by the name of the work; the report is made from the error, not its values
                self._emit(self.signals.failed, error, getattr(self.work, "__qualname__", "task"), self._changes())
            else:
                self._emit(self.signals.finished, result, self._changes())
        finally:
            with _LIVE_LOCK:
                _LIVE.discard(self)

    def _emit(self, signal: Any, *values: Any) -> None:
        """Deliver to the main thread; when the signals object is gone (the application closing), the
        result has nowhere to go and is dropped with a line in the log, never an error in the worker."""
        try:
            if shiboken6.isValid(self.signals):
                signal.emit(*values)
                return
        except RuntimeError:  # destroyed between the check and the emit
            pass
        log.warning("a background result arrived after its signals object was gone; dropped")

    def _changes(self) -> Changes:
        """What the work (or anyone) wrote since the window last looked; asked here, off the GUI thread."""
        return self.watch() if self.watch is not None else Changes()


def crash_folder() -> Path:
    from kbang_desktop.paths import data_dir

    folder = data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_crash_report(error: BaseException, operation: str = "window") -> Path | None:
    """A report without personal data (kbang_desktop.crash): operation, error type, code location."""
    from kbang_desktop import crash

    return crash.write_report(error, operation, crash_folder())


def show_error(parent: QWidget | None, error: BaseException, operation: str = "window") -> None:
    """One clear sentence; for anything unexpected a report without personal data (the operation, the
    error type, where in the code) written to the log folder and shown under "details"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Không làm được"))
    if isinstance(error, ValidationError):
        box.setText("\n".join(p.translated() for p in error.problems))
    elif isinstance(error, KbangError):
        box.setText(error.translated())
    elif (trouble := _machine_trouble(parent, error)) is not None:  # locked, read-only, a full disk: no crash
        box.setText(trouble.translated())
    else:
        from kbang_desktop import crash

        path = write_crash_report(error, operation)
        box.setText(_("Đã có lỗi không mong đợi; dữ liệu đã lưu trước đó vẫn còn nguyên."))
        box.setInformativeText(_("Chi tiết đã ghi vào {path}.").format(path=path) if path else "")
        box.setDetailedText(crash.describe(error, operation))
    if parent is not None and parent.isVisible():
        box.exec()
    else:  # no window to sit on (yet): shown without waiting, and kept alive until it is closed
        _OPEN_BOXES.add(box)
        box.finished.connect(lambda _result: _OPEN_BOXES.discard(box))
        box.open()


def _machine_trouble(parent: QWidget | None, error: BaseException) -> KbangError | None:
    """The sentence for the machine's own trouble with the database of the window `parent` is in."""
    from kbang_desktop.services.maintenance import machine_trouble

    db = getattr(getattr(getattr(parent.window() if parent is not None else None, "services", None), "ctx", None),
                 "db", None)
    return machine_trouble(error, getattr(db, "path", None))


_OPEN_BOXES: set[QMessageBox] = set()  # error boxes without a parent window (else Python would delete them)


class Tasks(QObject):
    """Runs work off the GUI thread; one per window. `changed` tells what each piece of work (or anyone
    else) wrote, after its `done` ran (see ui/shared/changes.py)."""

    changed = Signal(object)  # Changes

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.watch: Callable[[], Changes] | None = None  # set by the window once the database is open
        self.window = parent
        self.pool = QThreadPool.globalInstance()
        self._jobs: set[_Job] = set()
        self.quiet = False  # tests: errors raise instead of opening dialogs

    def run(self, work: Callable[..., Any], done: Callable[[Any], None] | None = None, label: str = "",
            on_error: Callable[[BaseException], None] | None = None, can_cancel: bool = True) -> _Job:
        """Run `work()` (or `work(token)` when it takes one, and then the dialog can cancel, unless
        `can_cancel` is False: the token then only says how far the work is)."""
        cancellable = len(inspect.signature(work).parameters) == 1
        token = CancelToken() if cancellable else None
        job = _Job(work, token, self.watch)
        self._jobs.add(job)
        dialog: list[QProgressDialog] = []

        def show_progress() -> None:
            if job not in self._jobs:
                return
            box = QProgressDialog(label or _("Đang làm việc..."), _("Hủy") if token and can_cancel else "", 0, 0,
                                  self.window)
            box.setWindowTitle("Kbang Desktop")
            box.setMinimumDuration(0)
            if token and can_cancel:
                box.canceled.connect(token.cancel)
            else:
                box.setCancelButton(None)
            box.show()
            dialog.append(box)
            if token:  # how far the work is, read every 0.1 s (the work runs in another thread)
                def step() -> None:
                    if shiboken6.isValid(box) and token.total:
                        box.setMaximum(token.total)
                        box.setValue(token.done)
                box_timer = QTimer(box)
                box_timer.timeout.connect(step)
                box_timer.start(100)

        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(show_progress)
        timer.start(SHOW_AFTER_MS)

        def finish() -> bool:
            """False when the window went away while the work ran: its result has nowhere to go."""
            self._jobs.discard(job)
            if not (shiboken6.isValid(self) and shiboken6.isValid(timer)):
                return False
            timer.stop()
            for box in dialog:
                box.reset()
                box.deleteLater()
            return True

        @Slot(object, object)
        def finished(result: Any, changes: Changes) -> None:
            if not finish():
                return
            try:
                if done is not None:
                    done(result)
            finally:
                self._tell(changes)

        @Slot(object, str, object)
        def failed(error: BaseException, operation: str, changes: Changes) -> None:
            if not finish():
                log.error("background task failed after its window closed: %s", type(error).__qualname__)
                return
            self._tell(changes)
            if isinstance(error, Cancelled):
                return
            if on_error is not None:
                on_error(error)
                return
            log.error("background task failed: %s", type(error).__qualname__)
            if self.quiet:
                raise error
            show_error(self.window, error, operation)

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        job.start(self.pool)
        return job

    def _tell(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)

    def busy(self) -> bool:
        return bool(self._jobs)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Tests and closing: wait for running work to end (signals are delivered by the event loop)."""
        return self.pool.waitForDone(timeout_ms)
