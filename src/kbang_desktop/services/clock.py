"""Is this PC's clock far wrong? Told at every start (the window and `kbang`), since revs are made from it.

Offline, a PC cannot ask anyone the time; what it can tell:

- its clock is before this version of the program was made (a flat CMOS battery resets it to 2000 or so);
- it already holds a change made or received more than a day later than its clock says now: the
  clock was put back, or it ran far ahead when those changes were made (then other offices refused
  them: "thời điểm sửa sau giờ của máy này hơn một ngày").

A clock far ahead is seen by the receivers of its bundles, whose plan refuses those records and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.hlc import MAX_AHEAD_MS, Rev
from kbang_desktop.i18n import N_, format_datetime
from kbang_desktop.services.context import ServiceContext

EARLIEST = datetime(2026, 11, 1, tzinfo=UTC)  # no earlier than this version was made; move it on at each release
_wall: Callable[[], float] = time.time


def _shown(seconds: float) -> str:
    return format_datetime(datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None))


def clock_warning(ctx: ServiceContext, wall: Callable[[], float] | None = None) -> KbangError | None:
    """What is wrong with this PC's clock, as a sentence to show, or None. Reads only."""
    now = (wall or _wall)()
    if now < EARLIEST.timestamp():
        return KbangError(N_("Đồng hồ của máy này đang chỉ {now}, trước cả ngày phiên bản Kbang Desktop này ra đời: "
                             "đồng hồ sai (có thể pin của máy đã hết). Hãy chỉnh lại ngày giờ của máy trước khi "
                             "nhập liệu; mọi thay đổi đều được ghi theo giờ của máy."), now=_shown(now))
    if ctx.identity() is None:
        return None
    with ctx.read() as repo:
        last = repo.local("hlc_last")
    try:
        latest = Rev.parse(last).millis if last else 0
    except ValueError:
        return None
    if latest > now * 1000 + MAX_AHEAD_MS:
        return KbangError(N_("Đồng hồ của máy này đang chỉ {now}, nhưng máy đã có thay đổi ghi lúc {then}: đồng hồ "
                             "đã bị chỉnh lùi hoặc trước đây chạy nhanh. Hãy chỉnh lại ngày giờ của máy cho đúng; nếu "
                             "đồng hồ đang đúng, hãy báo cho đơn vị đầu mối."),
                          now=_shown(now), then=_shown(latest / 1000))
    return None
