"""Hybrid logical clock (DESIGN §5): revs that sort as text and are unique per site.

A rev is 13 digits of milliseconds since 1970, 4 digits of counter, and the site id.
Every local write takes a rev above both the wall clock and every rev seen, so revs
stay totally ordered even when a PC's clock is wrong.

Within reason: a rev more than a day ahead of this PC's clock is not taken into account (the
sync plan refuses the record that carries it), so one PC with a wrong clock, or a forged
rev such as `99999999999999999<site>`, cannot drag every later rev into the far future
(nor past 13 digits, where the site id would be misread).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 9999
MAX_MILLIS = 10**13 - 1  # 13 digits: the year 2286
MAX_AHEAD_MS = 24 * 3600 * 1000  # how far a rev may be ahead of the receiver's clock
# 17 digits, then a site id: a UUID, or a short word ("reference"); a digit too many or too few leaves
# something that is neither, so the site is never misread
_REV = re.compile(r"[0-9]{17}(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z][A-Za-z0-9-]{0,23})")


def rev_problem(rev: object, wall_ms: int) -> str:
    """"" for a rev within reason; "malformed" (not 17 digits and a site id); "ahead" (more than a
    day ahead of `wall_ms`, this PC's clock)."""
    if not isinstance(rev, str) or not _REV.fullmatch(rev):
        return "malformed"
    if int(rev[:13]) > wall_ms + MAX_AHEAD_MS:
        return "ahead"
    return ""


def wall_millis(wall: Callable[[], float] = time.time) -> int:
    return int(wall() * 1000)


@dataclass(frozen=True, slots=True, order=True)
class Rev:
    millis: int
    counter: int
    site: str

    def __str__(self) -> str:
        return f"{self.millis:013d}{self.counter:04d}{self.site}"

    @classmethod
    def parse(cls, text: str) -> "Rev":
        if len(text) < 18 or not text[:17].isdigit():
            raise ValueError(f"not a rev: {text!r}")
        return cls(int(text[:13]), int(text[13:17]), text[17:])


class HybridClock:
    """Issues revs for one site. Not thread-safe: the storage layer serialises writes."""

    def __init__(self, site_id: str, last: str | None = None, wall: Callable[[], float] = time.time) -> None:
        self.site_id = site_id
        self._wall = wall
        self._millis, self._counter = 0, 0
        if last:
            self.observe(last)

    def now(self) -> str:
        """A new rev above the wall clock and everything seen so far."""
        wall = min(int(self._wall() * 1000), MAX_MILLIS)
        if wall > self._millis:
            self._millis, self._counter = wall, 0
        else:
            self._counter += 1
            if self._counter > MAX_COUNTER:
                if self._millis >= MAX_MILLIS:
                    raise OverflowError("hybrid clock past 13 digits")
                self._millis, self._counter = self._millis + 1, 0
        return str(Rev(self._millis, self._counter, self.site_id))

    def observe(self, rev: str) -> bool:
        """Take account of a rev seen elsewhere so later local revs sort after it.

        A rev more than a day ahead of this PC's clock (or not a rev) is not taken: False.
        """
        if rev_problem(rev, int(self._wall() * 1000)):
            return False
        seen = Rev.parse(rev)
        if (seen.millis, seen.counter) > (self._millis, self._counter):
            self._millis, self._counter = seen.millis, seen.counter
        return True

    @property
    def last(self) -> str:
        return str(Rev(self._millis, self._counter, self.site_id))


def author_site(rev: str) -> str:
    """The site that made a rev (what follows the millisecond and counter digits)."""
    return rev[17:]
