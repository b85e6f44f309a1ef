"""The `kbang` command: every operation goes through the services.

Exit codes: 0 success, 1 the operation failed or was refused, 2 wrong usage.
Errors are one translated sentence on stderr, never a traceback (a crash report
is written to the log directory instead).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from datetime import date
from pathlib import Path
from typing import Any

from kbang_desktop import __version__, i18n
from kbang_desktop.core.dates import parse_date
from kbang_desktop.core.errors import KbangError, ValidationError
from kbang_desktop.i18n import N_, _

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


# argparse's own words ("usage:", "options", its error messages) in the user's language: argparse
# looks its texts up through a module-level `_` at the time it prints them.
ARGPARSE_TEXT = {
    "usage: ": N_("cách dùng: "),
    "positional arguments": N_("tham số"),
    "options": N_("tùy chọn"),
    "show this help message and exit": N_("hiện trợ giúp này rồi thoát"),
    "argument %(argument_name)s: %(message)s": N_("tham số %(argument_name)s: %(message)s"),
    "invalid choice: %(value)r (choose from %(choices)s)": N_("lựa chọn không hợp lệ: %(value)r (chọn một trong "
                                                              "%(choices)s)"),
    "the following arguments are required: %s": N_("còn thiếu: %s"),
    "unrecognized arguments: %s": N_("không hiểu các tham số: %s"),
    "expected one argument": N_("cần một giá trị"),
    "ambiguous option: %(option)s could match %(matches)s": N_("tùy chọn %(option)s chưa rõ: có thể là %(matches)s"),
    "invalid %(type)s value: %(value)r": N_("giá trị %(type)s không hợp lệ: %(value)r"),
    "not allowed with argument %s": N_("không dùng cùng với %s"),
    "one of the arguments %s is required": N_("cần một trong các tham số %s"),
}


def _argparse_text(text: str) -> str:
    return _(ARGPARSE_TEXT[text]) if text in ARGPARSE_TEXT else text


argparse._ = _argparse_text  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 itself; keep its message, no traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(_(str(error.args[0]))) from None


def build_parser() -> Parser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=_("đường dẫn cơ sở dữ liệu (mặc định: thư mục dữ liệu của người dùng)"))
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=_("in kết quả dạng JSON"))
    common.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS, help=_("ngôn ngữ: vi hoặc en"))

    parser = Parser(prog="kbang", description=_("Kbang Desktop: xây dựng xã hội học tập"), parents=[common])
    parser.add_argument("--version", action="version", version=f"kbang {__version__}")
    parser.add_argument("--self-test", action="store_true", help=_("tự kiểm tra bản cài đặt rồi thoát"))
    sub = parser.add_subparsers(dest="command", parser_class=Parser, required=True)

    p = sub.add_parser("init", parents=[common], help=_("khởi tạo cơ sở dữ liệu cho một đơn vị"))
    p.add_argument("--office-kind", choices=("commune", "hub"), required=True)
    p.add_argument("--office-name", required=True)
    p.add_argument("--unit")
    p.add_argument("--admin")
    p.add_argument("--password")

    p = sub.add_parser("demo", parents=[common], help=_("tạo dữ liệu mẫu"))
    p.add_argument("--communes", type=int, default=1)
    p.add_argument("--people-per-commune", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)

    sub.add_parser("check", parents=[common], help=_("kiểm tra cơ sở dữ liệu và nhật ký thao tác"))
    sub.add_parser("backup", parents=[common], help=_("sao lưu ngay"))
    p = sub.add_parser("restore", parents=[common], help=_("khôi phục từ bản sao lưu"))
    p.add_argument("file")

    audit = sub.add_parser("audit", parents=[common], help=_("nhật ký thao tác"))
    audit_sub = audit.add_subparsers(dest="audit_command", parser_class=Parser, required=True)
    audit_sub.add_parser("verify", parents=[common], help=_("kiểm tra chuỗi nhật ký"))

    persons = sub.add_parser("persons", parents=[common], help=_("người dân"))
    persons_sub = persons.add_subparsers(dest="persons_command", parser_class=Parser, required=True)
    p = persons_sub.add_parser("add", parents=[common], help=_("thêm người"))
    p.add_argument("--name", required=True)
    p.add_argument("--sex", choices=("M", "F"), required=True)
    p.add_argument("--birth", required=True)
    p.add_argument("--ethnic", required=True)
    p.add_argument("--commune", required=True)
    p.add_argument("--village", required=True)
    p.add_argument("--literacy", choices=("none", "1", "2"), default="none")
    p.add_argument("--literacy-date", type=_date)
    p.add_argument("--exempt", action="store_true")
    p = persons_sub.add_parser("search", parents=[common], help=_("tìm người theo tên"))
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--commune")
    p = persons_sub.add_parser("list", parents=[common], help=_("danh sách người theo thứ tự tiếng Việt"))
    p.add_argument("--commune")
    p.add_argument("--as-of", type=_date)

    units = sub.add_parser("units", parents=[common], help=_("đơn vị hành chính"))
    units_sub = units.add_subparsers(dest="units_command", parser_class=Parser, required=True)
    p = units_sub.add_parser("designate", parents=[common], help=_("đánh dấu xã đặc biệt khó khăn"))
    p.add_argument("--commune", required=True)
    p.add_argument("--flag", choices=("especially-difficult",), required=True)
    p.add_argument("--from", dest="valid_from", type=_date, required=True)
    p.add_argument("--to", dest="valid_to", type=_date)
    p = units_sub.add_parser("list", parents=[common], help=_("các đơn vị hành chính"))
    p.add_argument("--as-of", type=_date)
    p = units_sub.add_parser("add-village", parents=[common], help=_("thêm thôn, làng"))
    p.add_argument("--commune", required=True)
    p.add_argument("--name", required=True)

    office = sub.add_parser("office", parents=[common], help=_("tham gia đơn vị đầu mối"))
    office_sub = office.add_subparsers(dest="office_command", parser_class=Parser, required=True)
    p = office_sub.add_parser("join-request", parents=[common], help=_("xuất yêu cầu tham gia (tại xã)"))
    p.add_argument("--out", required=True)
    p = office_sub.add_parser("register", parents=[common], help=_("đăng ký một xã (tại đơn vị đầu mối)"))
    p.add_argument("file")
    p.add_argument("--out", required=True)
    p = office_sub.add_parser("trust", parents=[common], help=_("tin cậy đơn vị đầu mối (tại xã)"))
    p.add_argument("file")
    p = office_sub.add_parser("new-site", parents=[common],
                              help=_("tạo khóa máy mới khi mất khóa hoặc sau khi khôi phục (tại xã)"))
    p.add_argument("--out", required=True)
    p = office_sub.add_parser("revoke", parents=[common], help=_("thu hồi khóa của một máy (tại đơn vị đầu mối)"))
    p.add_argument("site")
    p.add_argument("--reason", required=True)
    office_sub.add_parser("sites", parents=[common], help=_("các đơn vị và máy đã biết"))

    bundle = sub.add_parser("bundle", parents=[common], help=_("gói dữ liệu trao đổi qua USB"))
    bundle_sub = bundle.add_subparsers(dest="bundle_command", parser_class=Parser, required=True)
    p = bundle_sub.add_parser("export", parents=[common], help=_("xuất gói dữ liệu cho một đơn vị"))
    p.add_argument("--to", required=True, help=_("mã đơn vị nhận (hoặc \"hub\" cho đơn vị đầu mối của xã)"))
    p.add_argument("--out", required=True)
    p.add_argument("--no-encrypt", action="store_true", help=_("không mã hóa (chỉ để kiểm tra lỗi)"))
    p = bundle_sub.add_parser("import", parents=[common], help=_("nhập gói dữ liệu"))
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help=_("chỉ xem trước, không ghi gì"))
    bundle_sub.add_parser("status", parents=[common], help=_("tình trạng trao đổi dữ liệu với từng đơn vị"))

    conflicts = sub.add_parser("conflicts", parents=[common], help=_("xung đột khi hai nơi cùng sửa một bản ghi"))
    conflicts_sub = conflicts.add_subparsers(dest="conflicts_command", parser_class=Parser, required=True)
    p = conflicts_sub.add_parser("list", parents=[common], help=_("các xung đột đang chờ xử lý"))
    p.add_argument("--all", action="store_true", help=_("kể cả xung đột đã xử lý"))
    p = conflicts_sub.add_parser("resolve", parents=[common], help=_("xử lý một xung đột"))
    p.add_argument("id")
    p.add_argument("--take", nargs="+", required=True, metavar="local|incoming|FIELD=local|incoming")

    literacy = sub.add_parser("literacy", parents=[common], help=_("xóa mù chữ"))
    literacy_sub = literacy.add_subparsers(dest="literacy_command", parser_class=Parser, required=True)
    p = literacy_sub.add_parser("status", parents=[common], help=_("chuẩn xóa mù chữ của xã"))
    p.add_argument("--commune", required=True)
    p.add_argument("--as-of", type=_date, required=True)

    decisions = sub.add_parser("decisions", parents=[common], help=_("quyết định công nhận"))
    decisions_sub = decisions.add_subparsers(dest="decisions_command", parser_class=Parser, required=True)
    p = decisions_sub.add_parser("list", parents=[common], help=_("các quyết định, mới nhất trước"))
    p.add_argument("--year", type=int)

    from kbang_desktop.cli import documents

    documents.add_parsers(sub, common, Parser, literacy_sub, decisions_sub)

    users = sub.add_parser("users", parents=[common], help=_("người dùng"))
    users_sub = users.add_subparsers(dest="users_command", parser_class=Parser, required=True)
    p = users_sub.add_parser("add", parents=[common], help=_("thêm người dùng"))
    p.add_argument("username")
    p.add_argument("--role", choices=("admin", "officer", "viewer"), required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--name", default="")
    users_sub.add_parser("list", parents=[common], help=_("danh sách người dùng"))
    _name_commands(parser)
    return parser


def _name_commands(parser: argparse.ArgumentParser) -> None:
    """Errors about a missing or unknown command name the commands ("{add,search,list}"), as the usage
    line does, not the internal "persons_command"."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.metavar = "{" + ",".join(action.choices) + "}"
            for child in action.choices.values():
                _name_commands(child)


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=None))
    else:
        print(text)


def _open(args: argparse.Namespace, create: bool = True):
    from kbang_desktop.services.registry import open_services

    return open_services(getattr(args, "db", None), create=create)


def _person_lines(rows: list) -> str:
    if not rows:
        return _("Không tìm thấy ai.")
    return "\n".join(f"{r.full_name}\t{r.birth}\t{r.village}\t{r.commune}\t{r.id}" for r in rows)


def run(args: argparse.Namespace) -> int:
    command = args.command
    if command == "restore":
        return _restore(args)
    services = _open(args, create=command in ("init", "demo"))
    try:
        if command not in ("init", "backup") and services.ctx.identity() is not None:
            services.maintenance.daily_backup()  # once a day, whichever command comes first
        return _dispatch(args, services)
    finally:
        services.ctx.db.close()


def _dispatch(args: argparse.Namespace, services: Any) -> int:
    command = args.command
    if command == "init":
        from kbang_desktop.sync.join import site_keys

        result = services.offices.initialise(args.office_kind, args.office_name, args.unit, args.admin, args.password)
        site_keys(services)  # this site's signing and encryption keys, made once at set-up
        _emit(args, {"office_id": result.office.id, "site_id": result.site.id, "kind": result.office.kind,
                     "name": result.office.name, "reference": result.reference_counts},
              _("Đã khởi tạo {name}.").format(name=result.office.name))
        return EXIT_OK
    if command == "demo":
        from kbang_desktop.services.demo import DemoService

        if services.ctx.identity() is None:
            services.offices.initialise("hub" if args.communes > 1 else "commune",
                                        _("Dữ liệu mẫu"), None, None, None)
        counts = DemoService(services.ctx).generate(args.communes, args.people_per_commune, args.seed)
        _emit(args, counts, _("Đã tạo dữ liệu mẫu: {n} người.").format(n=i18n.format_number(counts["person"])))
        return EXIT_OK
    if command == "check":
        report = services.maintenance.check()
        data = {"ok": report.ok, "revision": report.revision, "expected_revision": report.expected_revision,
                "integrity": report.integrity or "ok", "audit_events": report.audit_events,
                "audit_ok": report.audit_ok}
        if report.ok:
            text = _("Cơ sở dữ liệu tốt: phiên bản {rev}, {n} sự kiện nhật ký hợp lệ.").format(
                rev=report.revision, n=i18n.format_number(report.audit_events))
        else:
            text = _("Cơ sở dữ liệu có vấn đề: phiên bản {rev} (cần {expected}), toàn vẹn: {integrity}, nhật ký: {audit}.").format(
                rev=report.revision, expected=report.expected_revision, integrity=report.integrity or "ok",
                audit=_("hợp lệ") if report.audit_ok else _("bị sửa hoặc bị xóa từ sự kiện {seq}").format(seq=report.audit_bad_seq))
        _emit(args, data, text)
        return EXIT_OK if report.ok else EXIT_FAILED
    if command == "backup":
        path = services.maintenance.backup()
        _emit(args, {"file": str(path)}, _("Đã sao lưu vào {path}.").format(path=path))
        return EXIT_OK
    if command == "audit":
        chain = services.audit.verify()
        data = {"ok": chain.ok, "events": chain.events, "first_bad_seq": chain.first_bad_seq, "problem": chain.problem}
        text = (_("Nhật ký thao tác hợp lệ: {n} sự kiện.").format(n=i18n.format_number(chain.events)) if chain.ok else
                _("Nhật ký thao tác đã bị sửa hoặc xóa, bắt đầu từ sự kiện số {seq}.").format(seq=chain.first_bad_seq))
        _emit(args, data, text)
        return EXIT_OK if chain.ok else EXIT_FAILED
    if command == "persons":
        if args.persons_command == "add":
            level = 0 if args.literacy == "none" else int(args.literacy)
            person = services.persons.add(args.name, args.sex, args.birth, args.ethnic, args.commune, args.village,
                                          literacy_level=level, literacy_date=args.literacy_date, exempt=args.exempt)
            _emit(args, {"id": person.id}, _("Đã thêm {name} ({id}).").format(name=person.full_name, id=person.id))
        elif args.persons_command == "search":
            rows = services.persons.search(args.text, args.limit, args.commune)
            _emit(args, [r.as_json() for r in rows], _person_lines(rows))
        else:
            rows = services.persons.list(args.commune, args.as_of)
            _emit(args, [r.as_json() for r in rows], _person_lines(rows))
        return EXIT_OK
    if command == "units":
        if args.units_command == "designate":
            found = services.units.designate(args.commune, args.flag, args.valid_from, args.valid_to)
            _emit(args, {"id": found.id, "unit_id": found.unit_id, "flag": found.flag,
                         "from": found.valid_from.isoformat(),
                         "to": found.valid_to.isoformat() if found.valid_to else None},
                  _("Đã đánh dấu xã có điều kiện kinh tế - xã hội đặc biệt khó khăn."))
        elif args.units_command == "add-village":
            village = services.units.add_village(args.commune, args.name)
            _emit(args, {"id": village.id, "name": village.name}, _("Đã thêm thôn, làng {name}.").format(name=village.name))
        else:
            units = services.units.list(args.as_of)
            data = [{"id": u.id, "kind": u.kind, "name": u.name, "parent_id": u.parent_id,
                     "valid_from": u.valid_from.isoformat(), "valid_to": u.valid_to.isoformat() if u.valid_to else None}
                    for u in units]
            _emit(args, data, "\n".join(f"{u.kind}\t{u.name}\t{u.valid_from}\t{u.valid_to or ''}" for u in units))
        return EXIT_OK
    if command == "office":
        from kbang_desktop.sync import join

        if args.office_command in ("join-request", "new-site"):
            if args.office_command == "new-site":
                path = join.new_site(services, Path(args.out))
            else:
                path = join.join_request(services, Path(args.out))
            site_id, _office = services.ctx.require_identity()
            _emit(args, {"file": str(path), "site_id": site_id},
                  _("Đã ghi yêu cầu tham gia vào {path}.").format(path=path))
            return EXIT_OK
        if args.office_command == "revoke":
            site = join.revoke(services, args.site, args.reason)
            _emit(args, {"site_id": site.id, "office_id": site.office_id, "revoked_at": site.revoked_at.isoformat()},
                  _("Đã thu hồi khóa của máy {site}. Lần trao đổi tới sẽ báo cho các xã.").format(site=site.id[:8]))
            return EXIT_OK
        if args.office_command == "sites":
            rows = join.known_sites(services)
            _emit(args, rows, "\n".join(f"{r['office_name']}\t{r['site_id']}\t{r['fingerprint'] or '-'}\t"
                                          f"{_('đã thu hồi') if r['revoked'] else ''}" for r in rows))
            return EXIT_OK
        result = (join.register(services, Path(args.file), Path(args.out)) if args.office_command == "register"
                  else join.trust(services, Path(args.file)))
        data = {"office_id": result.office_id, "fingerprint": result.fingerprint}
        if result.file:
            data["file"] = str(result.file)
        _emit(args, data, _("Mã nhận diện khóa: {fingerprint}. Hãy đọc mã này qua điện thoại để hai bên đối chiếu.").format(
            fingerprint=result.fingerprint))
        return EXIT_OK
    from kbang_desktop.cli import documents

    handled = documents.dispatch(args, services)
    if handled is not None:
        return handled
    if command == "decisions":
        rows = services.models.decisions(args.year)
        data = [{"id": d.id, "number": d.number, "date": d.decided_on.isoformat(), "kind": d.kind, "year": d.year,
                 "status": d.status, "entries": entries} for d, entries in rows]
        text = "\n".join(f"{d.number}\t{i18n.format_date(d.decided_on)}\t{d.kind}\t{d.year}\t{d.status}\t{entries}"
                         for d, entries in rows)
        _emit(args, data, text or _("Chưa có quyết định nào."))
        return EXIT_OK
    if command == "bundle":
        return _bundle(args, services)
    if command == "conflicts":
        return _conflicts(args, services)
    if command == "literacy":
        result = services.literacy.status(args.commune, args.as_of)
        data = result.as_json()
        lines = [_("Xã {commune}, ngày {date}").format(commune=result.commune.name, date=i18n.format_date(args.as_of))]
        for level_key, level in (("level1", 1), ("level2", 2)):
            item = data[level_key]
            rate = i18n.format_percent(item["rate"]) if item["rate"] is not None else "-"
            verdict = _("Đạt") if item["meets"] else _("Không đạt")
            lines.append(_("Mức độ {level} (tuổi {a}-{b}): {literate}/{population} = {rate} - {verdict}").format(
                level=level, a=item["age_from"], b=item["age_to"], literate=item["literate"],
                population=item["population"], rate=rate, verdict=verdict))
        _emit(args, data, "\n".join(lines))
        return EXIT_OK
    if command == "users":
        if args.users_command == "add":
            user = services.users.create(args.username, args.password, args.role, args.name)
            _emit(args, {"id": user.id, "username": user.username, "role": user.role},
                  _("Đã thêm người dùng {username}.").format(username=user.username))
        else:
            users = services.users.list()
            _emit(args, [{"username": u.username, "display_name": u.display_name, "role": u.role, "active": u.active}
                         for u in users], "\n".join(f"{u.username}\t{u.role}\t{u.display_name}" for u in users))
        return EXIT_OK
    raise UsageError(command)


def _bundle(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import exchange

    if args.bundle_command == "export":
        target = exchange.resolve_peer(services, args.to)
        result = exchange.export_bundle(services, target, Path(args.out), encrypt=not args.no_encrypt)
        text = _("Đã xuất {n} bản ghi vào {file} ({size}).").format(
            n=i18n.format_number(result.records), file=result.file, size=_size(result.bytes))
        if not result.encrypted:
            text += " " + _("Cảnh báo: gói không được mã hóa.")
        _emit(args, result.as_json(), text)
        return EXIT_OK
    if args.bundle_command == "import":
        result = exchange.import_bundle(services, Path(args.file), dry_run=args.dry_run)
        _emit(args, result.as_json(), _import_text(result))
        return EXIT_FAILED if result.status == "rejected" else EXIT_OK
    peers = exchange.status(services)
    lines = []
    for peer in peers:
        lines.append(_("{name}: đã gửi đến số {sent}, đã được xác nhận đến số {acked}; {n} bản ghi chưa được xác nhận, "
                       "chỉ có trên máy này.").format(name=peer.name, sent=peer.last_sent_seq, acked=peer.acked_seq,
                                                      n=i18n.format_number(peer.unacknowledged)))
        for gap in peer.gaps:
            lines.append("  " + _("Thiếu các thay đổi số {a} đến {b} của máy {site}: sẽ được gửi lại ở lần trao đổi tới.")
                         .format(a=gap["from"], b=gap["to"], site=gap["site_id"][:8]))
        if peer.problem:
            lines.append("  " + peer.problem)
    _emit(args, [p.as_json() for p in peers], "\n".join(lines) or _("Chưa trao đổi dữ liệu với đơn vị nào."))
    return EXIT_OK


def _size(n: int) -> str:
    return f"{i18n.format_number(round(n / 1024))} KB" if n < 10 << 20 else f"{i18n.format_number(round(n / 1048576))} MB"


def _import_text(result: Any) -> str:
    if result.status == "rejected":
        return _("Không nhập gói dữ liệu: {reason}").format(reason=result.reason)
    if result.status == "already-imported":
        return _("Gói dữ liệu này đã được nhập trước đây; không có gì thay đổi.")
    c = result.counts
    head = _("Xem trước (chưa ghi gì)") if result.status == "dry-run" else _("Đã nhập")
    text = _("{head}: {new} mới, {updated} cập nhật, {unchanged} không đổi, {conflicts} xung đột, {refused} bị từ chối.").format(
        head=head, **{k: i18n.format_number(v) for k, v in c.items()})
    for refused in result.refused[:20]:
        text += "\n  " + _("Từ chối {type} {id}: {reason}").format(**refused)
    for warning in result.warnings:
        text += "\n" + warning
    return text


def _conflicts(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import conflicts

    if args.conflicts_command == "list":
        rows = conflicts.list_conflicts(services, None if args.all else "open")
        text = "\n".join(f"{c.id[:8]}\t{c.record_type}\t{c.record_id[:8]}\t{', '.join(c.differing)}" for c in rows)
        _emit(args, [c.as_json() for c in rows], text or _("Không có xung đột nào đang chờ xử lý."))
        return EXIT_OK
    view = conflicts.resolve(services, args.id, conflicts.parse_choice(args.take))
    _emit(args, view.as_json(), _("Đã xử lý xung đột {id}; bản ghi đã được cập nhật và sẽ được gửi đi ở lần trao đổi tới.")
          .format(id=view.id[:8]))
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from kbang_desktop.paths import default_database
    from kbang_desktop.storage import backup as backups
    from kbang_desktop.storage.db import is_url

    target = getattr(args, "db", None) or str(default_database())
    if is_url(target):
        raise KbangError(i18n.N_("Sao lưu bằng phần mềm chỉ dùng cho cơ sở dữ liệu SQLite; với PostgreSQL hãy dùng pg_dump."))
    db_path = Path(target).expanduser().resolve()
    safety = backups.restore(Path(args.file).expanduser().resolve(), db_path, backups.default_backup_dir(db_path))
    services = _open(args, create=False)  # migrates an older backup, refuses a newer one
    services.ctx.db.close()
    _emit(args, {"restored": str(db_path), "previous_saved_as": str(safety) if safety else None},
          _("Đã khôi phục từ {file}.").format(file=args.file))
    return EXIT_OK


def crash_report(error: BaseException) -> Path | None:
    """Write the traceback to the log directory; return its path."""
    from kbang_desktop.paths import data_dir

    try:
        folder = data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "kbang-cli-crash.log"
        with path.open("a", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(error)))
        return path
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = None
    for index, value in enumerate(argv):
        if value == "--lang" and index + 1 < len(argv):
            lang = argv[index + 1]
        elif value.startswith("--lang="):
            lang = value.split("=", 1)[1]
    i18n.setup(lang)
    if argv[:1] == ["--self-test"]:
        from kbang_desktop.cli.selftest import run as self_test

        return self_test()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return run(args)
    except ValidationError as error:
        for problem in error.problems:
            print(problem.translated(), file=sys.stderr)
        return EXIT_FAILED
    except KbangError as error:
        print(error.translated(), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(_("Đã dừng."), file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # never a traceback in front of a user
        report = crash_report(error)
        print(_("Lỗi không mong đợi: {error}. Chi tiết đã ghi vào {path}.").format(
            error=str(error).splitlines()[0] if str(error) else type(error).__name__, path=report), file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
