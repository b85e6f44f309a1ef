"""Errors that carry a translatable message and named placeholders.

The message is a msgid (marked with N_) so that it is translated when shown, in
the language the user chose, never at import time.
"""

from __future__ import annotations

from typing import Any


class KbangError(Exception):
    """An expected failure with a message for the user.

    `message` is an untranslated msgid with `{name}` placeholders; `params` fill them.
    """

    exit_code = 1

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def translated(self) -> str:
        """The message in the current language with its placeholders filled."""
        from kbang_desktop.i18n import gettext

        text = gettext(self.message)
        try:
            return text.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return text

    def __str__(self) -> str:
        return self.translated()


class ValidationError(KbangError):
    """Input that breaks a rule; `problems` lists (field, message, params) triples."""

    def __init__(self, problems: list["Problem"]) -> None:
        first = problems[0] if problems else None
        super().__init__(first.message if first else "Invalid input.", **(first.params if first else {}))
        self.problems = problems

    def translated(self) -> str:
        return "; ".join(p.translated() for p in self.problems)


class NotFound(KbangError):
    """A record, unit or file that the user named does not exist."""


class PermissionDenied(KbangError):
    """The acting user's role does not allow this operation."""


class StorageError(KbangError):
    """The database cannot be opened, migrated or trusted."""


class Problem:
    """One validation problem: which field, which message (msgid) and its values."""

    __slots__ = ("field", "message", "params")

    def __init__(self, field: str, message: str, **params: Any) -> None:
        self.field = field
        self.message = message
        self.params = params

    def translated(self) -> str:
        from kbang_desktop.i18n import gettext

        try:
            return gettext(self.message).format(**self.params)
        except (KeyError, IndexError, ValueError):
            return gettext(self.message)

    def __repr__(self) -> str:
        return f"Problem({self.field!r}, {self.message!r}, {self.params!r})"
