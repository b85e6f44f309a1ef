"""The base of every area of the main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget


class Area(QWidget):
    """One area of the window. Loads its data (in the background) the first time it is shown."""

    title = ""  # msgid

    def __init__(self, window: Any) -> None:
        super().__init__()
        self.window_ = window
        self.services = window.services
        self.tasks = window.tasks
        self.loaded = False

    @property
    def can_write(self) -> bool:
        return self.services.ctx.actor.role != "viewer"

    @property
    def is_admin(self) -> bool:
        return self.services.ctx.actor.role == "admin"

    def activate(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.refresh()

    def refresh(self) -> None:
        """Fetch what the area shows; override."""


def opened(services: Any) -> tuple[Any, Any]:
    """The services and this office (read in the background when the log-in or the window opens)."""
    return services, services.offices.this_office()
