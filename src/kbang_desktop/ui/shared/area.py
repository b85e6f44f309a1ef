"""The base of every area of the main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from kbang_desktop.ui.shared.changes import Changes


class Area(QWidget):
    """One area of the window. Loads its data (in the background) the first time it is shown, and
    again when a write changed a kind of record it shows: at once if it is on screen, else the next
    time it is shown (see ui/shared/changes.py)."""

    title = ""  # msgid
    # The kinds of record (table names) the area shows; None: any change refreshes it.
    shows: frozenset[str] | None = None

    def __init__(self, window: Any) -> None:
        super().__init__()
        self.window_ = window
        self.services = window.services
        self.tasks = window.tasks
        self.loaded = False
        self.stale = False

    @property
    def can_write(self) -> bool:
        return self.services.ctx.actor.role != "viewer"

    @property
    def is_admin(self) -> bool:
        return self.services.ctx.actor.role == "admin"

    def activate(self) -> None:
        if not self.loaded or self.stale:
            self.loaded, self.stale = True, False
            self.refresh()

    def changed(self, changes: Changes) -> None:
        """A write changed `changes`: refresh what is shown now, or on the next show. An area with
        edits not yet saved is not refreshed under the user's hands; it refreshes when shown again."""
        if not self.loaded or not changes.touches(self.shows):
            return
        if self.isVisible() and not getattr(self, "has_unsaved", lambda: False)():
            self.stale = False
            self.refresh()
        else:
            self.stale = True

    def refresh(self) -> None:
        """Fetch what the area shows; override."""


def opened(services: Any) -> tuple[Any, Any, Any]:
    """The services, this office and the point in the database's history the window starts from
    (read in the background when the log-in or the window opens)."""
    return services, services.offices.this_office(), services.changes.mark()
