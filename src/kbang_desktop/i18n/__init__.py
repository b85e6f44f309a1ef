"""Translations and locale formatting, without Qt.

Vietnamese is the source language: msgids are Vietnamese and the English catalog
translates them. Call `setup()` once at start (app.py does); `_` looks the
current catalog up at call time, so nothing is translated at import time.
Compiled `.mo` files are build output; when one is missing (a source checkout)
the `.po` catalog is read with Babel instead.
"""

from __future__ import annotations

import gettext as _gettext
import locale as _locale
import os
import sys
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

from babel import Locale
from babel import dates as _bdates
from babel import numbers as _bnumbers

DOMAIN = "kbang"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_state: dict[str, object] = {"lang": DEFAULT_LANGUAGE, "translations": _gettext.NullTranslations()}


def translations_dir() -> Path:
    """Where the catalogs are: in the built program, inside the installed package, else the source tree."""
    if getattr(sys, "frozen", False):  # PyInstaller (build_installer.spec puts them there)
        return Path(sys._MEIPASS) / "kbang_desktop" / "translations"  # type: ignore[attr-defined]
    try:
        packaged = Path(str(resources.files("kbang_desktop.translations")))
        if packaged.is_dir():
            return packaged
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[3] / "translations"


def _load(lang: str) -> _gettext.NullTranslations:
    base = translations_dir()
    mo = base / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file():
        with mo.open("rb") as handle:
            return _gettext.GNUTranslations(handle)
    po = base / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.is_file():
        from io import BytesIO

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return _gettext.GNUTranslations(buffer)
    return _gettext.NullTranslations()


def system_language() -> str:
    """The language of the operating system if we have it, else Vietnamese."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            code = value.split(":")[0].split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
            if code not in ("c", "posix", ""):
                return DEFAULT_LANGUAGE
    if os.name == "nt":  # Windows sets no variables; its locale names read "English_United States"
        try:
            name = (_locale.getlocale()[0] or "").lower()
        except ValueError:
            name = ""
        if name.startswith(("en_", "english")):
            return "en"
    return DEFAULT_LANGUAGE


PSEUDO = "pseudo"


class PseudoTranslations(_gettext.NullTranslations):
    """A made-up language for finding what the catalogs miss: every translated string comes out as
    "⟦...~~~⟧", a third longer. A text on screen without the brackets was never translated (not marked,
    or built by hand); a label whose brackets are cut off has no room for a longer language."""

    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return pseudo(singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)


def pseudo(message: str) -> str:
    if not message:
        return message
    return "⟦" + message + "~" * max(2, len(message) // 3) + "⟧"


def setup(lang: str | None = None) -> str:
    """Choose the language (vi or en; None = the system's, falling back to vi; "pseudo" for checks)."""
    if lang == PSEUDO:
        _state["lang"], _state["translations"] = PSEUDO, PseudoTranslations()
        return PSEUDO
    chosen = lang if lang in LANGUAGES else system_language()
    _state["lang"] = chosen
    _state["translations"] = _load(chosen)
    return chosen


def current_language() -> str:
    return str(_state["lang"])


def gettext(message: str) -> str:
    """Translate `message` in the current language."""
    return _state["translations"].gettext(message)  # type: ignore[union-attr]


_ = gettext


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _state["translations"].ngettext(singular, plural, n)  # type: ignore[union-attr]


def pgettext(context: str, message: str) -> str:
    return _state["translations"].pgettext(context, message)  # type: ignore[union-attr]


def babel_locale() -> Locale:
    return Locale.parse("vi_VN" if current_language() == "vi" else "en_GB")


def format_date(value: date | datetime, fmt: str = "short") -> str:
    """A date for screens: 05/02/2026 in Vietnamese, 05/02/2026 in British English."""
    if fmt == "short":
        return value.strftime("%d/%m/%Y")
    return _bdates.format_date(value, format=fmt, locale=babel_locale())


def format_datetime(value: datetime) -> str:
    """A moment for screens: 01/12/2026 14:05 in this PC's time (the database keeps UTC, naive)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


def format_number(value: float | int) -> str:
    return _bnumbers.format_decimal(value, locale=babel_locale())


def format_percent(value: float, digits: int = 1) -> str:
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return _bnumbers.format_percent(value, format=pattern, locale=babel_locale())
