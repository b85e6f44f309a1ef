"""Hybrid logical clock (DESIGN §5): revs that sort as text and are unique per site.

A rev is 13 digits of milliseconds since 1970, 4 digits of counter, and the site id.
Every local write takes a rev above both the wall clock and every rev seen, so revs
stay totally ordered even when a PC's clock is wrong.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 9999


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
        wall = int(self._wall() * 1000)
        if wall > self._millis:
            self._millis, self._counter = wall, 0
        else:
            self._counter += 1
            if self._counter > MAX_COUNTER:
                self._millis, self._counter = self._millis + 1, 0
        return str(Rev(self._millis, self._counter, self.site_id))

    def observe(self, rev: str) -> None:
        """Take account of a rev seen elsewhere so later local revs sort after it."""
        seen = Rev.parse(rev)
        if (seen.millis, seen.counter) > (self._millis, self._counter):
            self._millis, self._counter = seen.millis, seen.counter

    @property
    def last(self) -> str:
        return str(Rev(self._millis, self._counter, self.site_id))


def author_site(rev: str) -> str:
    """The site that made a rev (what follows the millisecond and counter digits)."""
    return rev[17:]
