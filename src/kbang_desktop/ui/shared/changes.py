"""What a write changed, told to every area so each shows current data (the model: Anki's OpChanges).

After each piece of background work run through `Tasks.run`, the worker asks the database what was
written since the last look (`services.changes.since`, cheap: two numbers and the kinds of record);
when something was, `Tasks.changed` emits a `Changes` on the main thread and the main window hands it
to every area (`Area.changed`): an area shown now refreshes at once, one not shown refreshes the next
time it is shown. Writes made elsewhere (the command line, another program) are seen after the next task.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("kbang_desktop.ui")


@dataclass(frozen=True, slots=True)
class Changes:
    """The kinds of record written (table names: "person", "household", "decision", "app_user"...)."""

    kinds: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def touches(self, kinds: Iterable[str] | None) -> bool:
        """True when one of `kinds` changed (`None`: any kind)."""
        return bool(self.kinds) if kinds is None else not self.kinds.isdisjoint(kinds)


class ChangeWatch:
    """The last point of the database's history the window has seen; asked from worker threads."""

    def __init__(self, services: Any, mark: Any) -> None:
        self.services, self.mark = services, mark
        self._lock = threading.Lock()

    def __call__(self) -> Changes:
        try:
            with self._lock:
                self.mark, kinds = self.services.changes.since(self.mark)
        except Exception:  # a failed look never turns finished work into an error; the next task looks again
            log.exception("could not read what changed")
            return Changes()
        return Changes(kinds)
