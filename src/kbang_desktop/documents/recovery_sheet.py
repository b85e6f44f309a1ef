"""The recovery key on a sheet to print at set-up and keep in the office safe (A4, Vietnamese).

The office, the date, the key in large monospaced groups (Liberation Mono Bold, shipped in
`resources/fonts/` beside Liberation Serif; both embedded), what the key is for and where to keep it.
Written all or nothing and its owner's only (0600) through `storage.files.write_atomic`: the sheet opens
every backup of the office.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas

from kbang_desktop import i18n
from kbang_desktop.documents.fonts import family
from kbang_desktop.documents.pdf import draw_lines, save_pdf, wrap
from kbang_desktop.i18n import _
from kbang_desktop.paths import resource

MONO = "LiberationMono-Bold"


@cache
def mono() -> str:
    """The monospaced font of the key, registered (TrueType: embedded in the PDF)."""
    pdfmetrics.registerFont(TTFont(MONO, str(resource("fonts", "LiberationMono-Bold.ttf"))))
    return MONO


def key_lines(recovery_key: str) -> list[str]:
    """The key as printed: its groups of 4, four to a line, two spaces apart ("K7QX  3MZP  ...")."""
    groups = [g for g in recovery_key.replace(" ", "-").split("-") if g]
    return ["  ".join(groups[i:i + 4]) for i in range(0, len(groups), 4)]


def write_recovery_sheet(path: Path, office_name: str, recovery_key: str, made_on: date | None = None) -> Path:
    """Write the sheet to `path` (PDF, one page); return the path."""
    path = Path(path)
    fonts = family()
    key_font = mono()
    made_on = made_on or date.today()
    width, height = A4
    left, right = 20 * mm, width - 20 * mm

    def draw(c: pdfcanvas.Canvas) -> None:
        y = height - 25 * mm
        draw_lines(c, [_("KHÓA KHÔI PHỤC DỮ LIỆU")], width / 2, y, fonts.bold, 18, "center", 1.3)
        y -= 9 * mm
        draw_lines(c, [_("Phần mềm Kbang Desktop — xây dựng xã hội học tập")], width / 2, y, fonts.italic, 12,
                   "center", 1.3)
        y -= 14 * mm
        for line in wrap(_("Đơn vị: {office}").format(office=office_name), fonts.bold, 13, right - left):
            draw_lines(c, [line], left, y, fonts.bold, 13, "left", 1.3)
            y -= 6.5 * mm
        draw_lines(c, [_("Ngày lập: {date}").format(date=i18n.format_date(made_on))], left, y, fonts.regular, 13,
                   "left", 1.3)
        y -= 14 * mm
        lines = key_lines(recovery_key)
        box_top, box_height = y + 8 * mm, (len(lines) * 14 + 8) * mm
        c.setLineWidth(1.2)
        c.rect(left, box_top - box_height, right - left, box_height)
        y -= 6 * mm
        for line in lines:
            draw_lines(c, [line], width / 2, y - 4 * mm, key_font, 26, "center", 1.3)
            y -= 14 * mm
        y = box_top - box_height - 12 * mm
        paragraphs = [
            (fonts.bold, _("Khóa này dùng để làm gì?")),
            (fonts.regular, _("Dữ liệu của đơn vị trên máy tính này và mọi bản sao lưu của nó đều được mã hóa. Khi "
                              "quên hết mật khẩu, hoặc khi cần khôi phục một bản sao lưu ở máy khác (máy hỏng, bị "
                              "mất), khóa khôi phục này mở được dữ liệu thay cho mật khẩu (lệnh kbang restore "
                              "--recovery-key, hoặc khi phần mềm hỏi khóa khôi phục).")),
            (fonts.bold, _("Cất ở đâu?")),
            (fonts.regular, _("Cất trang này trong tủ an toàn của cơ quan, cùng các giấy tờ quan trọng. Không để "
                              "cạnh máy tính, không chụp ảnh, không gửi qua mạng: ai có khóa này cũng mở được dữ "
                              "liệu của đơn vị, kể cả dân tộc, khuyết tật và số định danh của người dân.")),
            (fonts.regular, _("Khóa không thay đổi khi đổi mật khẩu hay thêm người dùng. Nếu trang bị mất, hãy báo "
                              "cho người quản trị của đơn vị.")),
        ]
        for font, text in paragraphs:
            lines = wrap(text, font, 12, right - left)
            draw_lines(c, lines, left, y, font, 12, "left", 1.3)
            y -= len(lines) * 12 * 1.3 + 6
        y -= 10 * mm
        draw_lines(c, [_("Người lập: ..............................   Ngày cất vào tủ: ....../....../..........")],
                   left, y, fonts.regular, 12, "left", 1.3)

    save_pdf(path, draw, A4, fonts, _("Khóa khôi phục dữ liệu"), subject=office_name)
    return path
