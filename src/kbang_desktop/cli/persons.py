"""`kbang persons`: the people of a commune."""

from __future__ import annotations

import argparse
from typing import Any

from kbang_desktop.cli.common import EXIT_OK, command, date_arg, emit, group
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_, _, format_datetime, format_number
from kbang_desktop.services.merges import REASONS
from kbang_desktop.services.people import DuplicatePerson


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    persons = group(sub, common, "persons", _("người dân"))
    p = command(persons, common, "add", _("thêm người"), add)
    p.add_argument("--name", required=True)
    p.add_argument("--sex", choices=("M", "F"), required=True)
    p.add_argument("--birth", required=True)
    p.add_argument("--ethnic", required=True)
    p.add_argument("--commune", required=True)
    p.add_argument("--village", required=True)
    p.add_argument("--literacy", choices=("none", "1", "2"), default="none")
    p.add_argument("--literacy-date", type=date_arg)
    p.add_argument("--exempt", action="store_true")
    p.add_argument("--allow-duplicate", action="store_true",
                   help=_("vẫn thêm dù đã có người cùng họ tên, năm sinh và thôn, làng (hai người khác nhau)"))
    p = command(persons, common, "search", _("tìm người theo tên"), search)
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--commune")
    p.add_argument("--village", help=_("chỉ người của thôn, làng này (cần --commune)"))
    p.add_argument("--status", choices=STATUSES, default="all",
                   help=_("present: đang sinh sống tại xã, moved: đã chuyển đi, deceased: đã mất, all: mọi tình trạng"))
    p.add_argument("--age", type=age_band, help=_("độ tuổi hôm nay, ví dụ 15-35"))
    p = command(persons, common, "update", _("sửa thông tin một người (chỉ xã quản lý người đó)"), update)
    p.add_argument("id", help=_("mã của người (như kbang persons search cho biết)"))
    p.add_argument("--name", help=_("họ và tên"))
    p.add_argument("--birth", help=_("ngày sinh hoặc năm sinh, ví dụ 05/02/1978 hoặc 1978"))
    p.add_argument("--sex", choices=("M", "F"))
    p.add_argument("--ethnic", help=_("dân tộc (tên hoặc mã)"))
    p.add_argument("--village", help=_("thôn, làng của xã người này (người chuyển thôn rời hộ ở thôn cũ)"))
    p.add_argument("--note", help=_("ghi chú"))
    p = command(persons, common, "list", _("danh sách người theo thứ tự tiếng Việt"), list_)
    p.add_argument("--commune")
    p.add_argument("--as-of", type=date_arg, help=_("người sinh sống tại xã vào ngày này (mặc định: hôm nay)"))
    p.add_argument("--everyone", action="store_true", help=_("cả người đã chuyển đi hoặc đã mất vào ngày đó"))
    _merge_parsers(persons, common)
    add_move_and_status(persons, common)


def _merge_parsers(persons: Any, common: argparse.ArgumentParser) -> None:
    """`persons duplicates`, `merge`, `unmerge`, `merges`: records of one person made one, and undone."""
    p = command(persons, common, "duplicates", _("các cặp hồ sơ có thể trùng nhau"), duplicates)
    p.add_argument("--commune")
    p = command(persons, common, "merge", _("gộp hai hồ sơ của cùng một người (giữ KEEP, gộp OTHER vào)"), merge)
    p.add_argument("keep", help=_("mã của hồ sơ được giữ lại"))
    p.add_argument("other", help=_("mã của hồ sơ được gộp vào hồ sơ giữ lại"))
    p.add_argument("--take", default=None, help=_("các trường lấy từ hồ sơ gộp vào, cách nhau bởi dấu phẩy "
                                                  "(mặc định: những trường hồ sơ giữ lại còn trống); \"\": không lấy gì"))
    p = command(persons, common, "unmerge", _("tách lại một lần gộp hồ sơ"), unmerge)
    p.add_argument("merge_id", help=_("mã của lần gộp (như kbang persons merge hoặc merges cho biết)"))
    p = command(persons, common, "merges", _("các lần gộp hồ sơ"), merges)
    p.add_argument("--commune")
    p.add_argument("--all", action="store_true", help=_("cả những lần gộp đã tách lại"))


# --- `persons move` and `persons status` (issue 14) -------------------------------------------------------

def add_move_and_status(persons: Any, common: argparse.ArgumentParser) -> None:
    p = command(persons, common, "move", _("chuyển một người sang thôn, làng khác hoặc hộ khác trong xã"), move)
    p.add_argument("id", help=_("mã của người (như kbang persons search cho biết)"))
    p.add_argument("--village", required=True, help=_("thôn, làng của xã người này (phải có sẵn)"))
    p.add_argument("--household", default="", metavar=_("SỐ_HỘ"),
                   help=_("số hộ trong thôn, làng đó (chưa có thì lập hộ mới, người này làm chủ hộ)"))
    p.add_argument("--relation", default="", help=_("quan hệ với chủ hộ, ví dụ Vợ, Con"))
    p = command(persons, common, "status", _("ghi người đã chuyển đi, đã mất, hoặc đã về lại xã"), status)
    p.add_argument("id", help=_("mã của người"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--moved-away", dest="life", action="store_const", const="moved", help=_("đã chuyển đi"))
    which.add_argument("--died", dest="life", action="store_const", const="deceased", help=_("đã mất"))
    which.add_argument("--back", dest="life", action="store_const", const="",
                       help=_("đang sinh sống tại xã (đã về lại, hoặc ghi nhầm trước đó)"))
    p.add_argument("--date", help=_("ngày chuyển đi hoặc ngày mất, ví dụ 05/02/2026"))


def move(args: argparse.Namespace, services: Any) -> int:
    person = services.persons.move(args.id, args.village, args.household, args.relation, new_village=False)
    row = services.persons.row(person.id)
    emit(args, row.as_json(), _("Đã chuyển {name} ({id}) đến {village}.").format(
        name=row.full_name, id=row.id, village=row.village) + "\n" + person_lines([row]))
    return EXIT_OK


def status(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.core.dates import parse_date

    when = None
    if args.date:
        try:
            when = parse_date(args.date, services.ctx.today())
        except ValueError as error:
            raise KbangError(N_("Ngày \"{text}\" không hợp lệ: {problem}"), text=args.date,
                             problem=_(str(error.args[0]))) from None
    if args.life and when is None:
        raise KbangError(N_("Cần ngày chuyển đi hoặc ngày mất: ghi --date, ví dụ --date 05/02/2026."))
    person = services.persons.set_life_status(args.id, args.life, when)
    row = services.persons.row(person.id)
    emit(args, row.as_json(), _("{name} ({id}): {status}.").format(
        name=row.full_name, id=row.id, status=_(dict(STATUS_WORDS)[row.status])))
    return EXIT_OK


STATUSES = ("present", "moved", "deceased", "all")


def age_band(text: str) -> tuple[int, int]:
    """An argparse type: "15-35" (whole years, both included)."""
    low, _sep, high = text.partition("-")
    try:
        band = (int(low), int(high))
    except ValueError:
        raise argparse.ArgumentTypeError(_("Độ tuổi viết như 15-35: {text}").format(text=text)) from None
    if not 0 <= band[0] <= band[1] <= 150:
        raise argparse.ArgumentTypeError(_("Độ tuổi viết như 15-35: {text}").format(text=text))
    return band


def person_lines(rows: list) -> str:
    if not rows:
        return _("Không tìm thấy ai.")
    return "\n".join(f"{r.full_name}\t{r.birth}\t{r.village}\t{r.commune}\t{_(dict(STATUS_WORDS)[r.status])}\t{r.id}"
                     for r in rows)


STATUS_WORDS = (("", N_("Đang sinh sống tại xã")), ("moved", N_("Đã chuyển đi")), ("deceased", N_("Đã mất")))


def add(args: argparse.Namespace, services: Any) -> int:
    level = 0 if args.literacy == "none" else int(args.literacy)
    try:
        person = services.persons.add(args.name, args.sex, args.birth, args.ethnic, args.commune, args.village,
                                      literacy_level=level, literacy_date=args.literacy_date, exempt=args.exempt,
                                      allow_duplicate=args.allow_duplicate)
    except DuplicatePerson as duplicate:  # the confirmation, as the command line gives it
        raise KbangError(N_("{refusal} Thêm --allow-duplicate để vẫn thêm."), refusal=duplicate.translated()) from None
    emit(args, {"id": person.id}, _("Đã thêm {name} ({id}).").format(name=person.full_name, id=person.id))
    return EXIT_OK


FIELD_WORDS = {"full_name": N_("họ và tên"), "birth": N_("ngày sinh"), "sex": N_("giới tính"),
               "ethnic_code": N_("dân tộc"), "village_id": N_("thôn, làng"), "note": N_("ghi chú")}


def update(args: argparse.Namespace, services: Any) -> int:
    """Corrections to one person, through the service (the owner office only); --json: the person as
    `persons search --json` gives them."""
    row, changed = services.persons.edit(args.id, full_name=args.name, sex=args.sex, birth=args.birth,
                                         ethnic=args.ethnic, village=args.village, note=args.note)
    if changed:
        text = _("Đã sửa {fields} của {name} ({id}).").format(
            fields=", ".join(_(FIELD_WORDS[f]) for f in changed), name=row.full_name, id=row.id)
    else:
        text = _("Không có gì thay đổi: {name} ({id}) vẫn như cũ.").format(name=row.full_name, id=row.id)
    emit(args, row.as_json(), text + "\n" + person_lines([row]))
    return EXIT_OK


def search(args: argparse.Namespace, services: Any) -> int:
    """The first --limit matches in Vietnamese order, every filter in the query; the text says how many
    match in all ("3 / 15 người")."""
    if args.village and not args.commune:
        raise KbangError(N_("Chọn thôn, làng cần có --commune."))
    commune_id, village_id = services.persons.find_place(args.commune, args.village) if args.commune else (None, None)
    status = None if args.status == "all" else args.status
    rows = services.persons.search(args.text, args.limit, None, None, commune_id, village_id, status, args.age)
    if getattr(args, "json", False):
        emit(args, [r.as_json() for r in rows], "")
        return EXIT_OK
    total = services.persons.count(commune_id, village_id, status, args.text, args.age)
    shown = _("{shown} / {total} người").format(shown=format_number(len(rows)), total=format_number(total))
    emit(args, None, person_lines(rows) + ("\n" + shown if rows else ""))
    return EXIT_OK


def list_(args: argparse.Namespace, services: Any) -> int:
    rows = services.persons.list(args.commune, args.as_of, living=not args.everyone)
    emit(args, [r.as_json() for r in rows], person_lines(rows))
    return EXIT_OK



def _commune_id(args: argparse.Namespace, services: Any) -> str | None:
    return services.persons.find_place(args.commune)[0] if args.commune else None


def duplicates(args: argparse.Namespace, services: Any) -> int:
    """Likely pairs of living people; --json: [{"first", "second", "reasons"}]."""
    pairs = services.merges.duplicates(_commune_id(args, services))
    lines = [_("{reasons}:").format(reasons=", ".join(_(REASONS[r]) for r in p.reasons)) + "\n"
             + person_lines([p.first, p.second]) for p in pairs]
    emit(args, [p.as_json() for p in pairs], "\n\n".join(lines) if pairs else _("Không thấy hồ sơ nào có thể trùng."))
    return EXIT_OK


def merge(args: argparse.Namespace, services: Any) -> int:
    """KEEP stays, OTHER is merged into it; --json: {"merge_id", "kept"}."""
    take = None if args.take is None else tuple(t.strip() for t in args.take.split(",") if t.strip())
    done = services.merges.merge(args.keep, args.other, take)
    emit(args, {"merge_id": done.id, "kept": done.kept_id},
         _("Đã gộp hồ sơ {other} vào {kept}. Mã lần gộp: {id} (tách lại: kbang persons unmerge {id}).").format(
             other=done.other_id, kept=done.kept_id, id=done.id))
    return EXIT_OK


def unmerge(args: argparse.Namespace, services: Any) -> int:
    done = services.merges.unmerge(args.merge_id)
    text = _("Đã tách lại lần gộp {id}: {other} có lại hồ sơ riêng.").format(id=done.merge.id, other=done.merge.other_id)
    if done.left:
        text += "\n" + _("{n} trường đã được sửa sau khi gộp nên giữ như hiện nay.").format(n=format_number(done.left))
    emit(args, done.as_json(), text)
    return EXIT_OK


def merges(args: argparse.Namespace, services: Any) -> int:
    rows = services.merges.merges(_commune_id(args, services), undone=args.all)
    lines = [f"{r.id}\t{r.kept} ({r.kept_id})\t← {r.other} ({r.other_id})\t{format_datetime(r.merged_at)}"
             + ("\t" + _("đã tách lại") if r.undone_at else "") for r in rows]
    emit(args, [r.as_json() for r in rows], "\n".join(lines) if rows else _("Chưa có lần gộp hồ sơ nào."))
    return EXIT_OK
