"""Fonts for printed documents, embedded in every PDF.

Liberation Serif ships in `resources/fonts/` (SIL Open Font License, metric-compatible with
Times New Roman, the font of Vietnamese administrative documents). When a template names
Times New Roman and it is installed (Windows, or Debian's ttf-mscorefonts), that is used
instead; otherwise Liberation Serif takes its place with the same line widths.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kbang_desktop.paths import resource

STYLES = ("regular", "bold", "italic", "bold_italic")
LIBERATION = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
              "italic": "LiberationSerif-Italic.ttf", "bold_italic": "LiberationSerif-BoldItalic.ttf"}
TIMES_FILES = {"regular": ("times.ttf", "Times_New_Roman.ttf", "Times New Roman.ttf"),
               "bold": ("timesbd.ttf", "Times_New_Roman_Bold.ttf", "Times New Roman Bold.ttf"),
               "italic": ("timesi.ttf", "Times_New_Roman_Italic.ttf", "Times New Roman Italic.ttf"),
               "bold_italic": ("timesbi.ttf", "Times_New_Roman_Bold_Italic.ttf", "Times New Roman Bold Italic.ttf")}
TIMES_NAMES = {"times new roman", "times", "timesnewroman"}

# Every letter the documents must print: Vietnamese with all tones, and the Bahnar and Jrai
# letters with a breve (ă ĕ ĭ ŏ ŭ, and ơ̆ ư̆ written with a combining breve).
_BASES = "aăâeêioôơuưy"
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
VIETNAMESE = "".join(unicodedata.normalize("NFC", base + tone) for base in _BASES + _BASES.upper() for tone in _TONES)
MINORITY = "ĕĔĭĬŏŎŭŬ\u0306"
REQUIRED = VIETNAMESE + "đĐ" + MINORITY + "0123456789,.;:-–/()“”\"'%"


@dataclass(frozen=True, slots=True)
class Family:
    """The names registered with ReportLab for one family, and where its files are."""

    name: str
    regular: str
    bold: str
    italic: str
    bold_italic: str
    files: tuple[Path, ...]


def _font_dirs() -> list[Path]:
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts",
            Path("/usr/share/fonts/truetype/msttcorefonts"), Path("/usr/share/fonts/truetype/mscorefonts"),
            Path.home() / ".fonts", Path.home() / ".local/share/fonts", Path("/Library/Fonts")]
    return [d for d in dirs if d.is_dir()]


def times_new_roman() -> dict[str, Path] | None:
    """The installed Times New Roman files, all four styles, or None."""
    found: dict[str, Path] = {}
    for style, names in TIMES_FILES.items():
        for directory in _font_dirs():
            match = next((directory / n for n in names if (directory / n).is_file()), None)
            if match:
                found[style] = match
                break
    return found if len(found) == len(STYLES) else None


@cache
def family(wanted: str = "Liberation Serif") -> Family:
    """Register and return the family a template asks for (Times New Roman if installed, else Liberation Serif)."""
    files = times_new_roman() if wanted.strip().lower() in TIMES_NAMES else None
    name = "TimesNewRoman" if files else "LiberationSerif"
    if files is None:
        files = {style: resource("fonts", LIBERATION[style]) for style in STYLES}
    names = {style: f"{name}-{style}" for style in STYLES}
    for style in STYLES:
        pdfmetrics.registerFont(TTFont(names[style], str(files[style])))  # TrueType fonts are always embedded
    pdfmetrics.registerFontFamily(name, normal=names["regular"], bold=names["bold"], italic=names["italic"],
                                  boldItalic=names["bold_italic"])
    for bold, italic, style in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"), (1, 1, "bold_italic")):
        addMapping(name, bold, italic, names[style])
    return Family(name, names["regular"], names["bold"], names["italic"], names["bold_italic"],
                  tuple(files[s] for s in STYLES))


def missing_glyphs(font_name: str, text: str = REQUIRED) -> list[str]:
    """The characters of `text` that a registered font cannot print."""
    face = pdfmetrics.getFont(font_name).face
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph})
