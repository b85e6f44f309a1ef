"""PySide6 user interface: the only package that imports Qt."""

from __future__ import annotations

import sys


def _keep_none_alive() -> bool:
    """Work around PySide6 6.12.0 on Python 3.11: every call of a Qt method that returns nothing (a
    label's setText, each QPainter call) takes a reference to None away without having given one, and
    the program aborts ("Fatal Python error: none_dealloc: deallocating None") once about 4,500 such
    calls have been made, e.g. in the middle of printing 500 certificates. Python 3.12 made None
    immortal, which is what those wheels assume; here None is given that many references once
    (2**40: ten thousand years of calls). Done only when the loss is measured; True if it was."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    from PySide6.QtCore import QPointF

    point = QPointF()
    before = sys.getrefcount(None)
    for _ in range(200):
        point.setX(1.0)
    if before - sys.getrefcount(None) < 150:
        return False
    import ctypes

    for immortal in (None, True, False):  # None measured; True and False too, seen once at an exit (bool_dealloc)
        ctypes.c_ssize_t.from_address(id(immortal)).value += 1 << 40  # ob_refcnt, the first field of every object
    return True


NONE_KEPT_ALIVE = _keep_none_alive()
