"""`kbang init`, `demo`, `check`, `backup`, `restore`, `audit verify`: the database itself."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.cli.common import EXIT_FAILED, EXIT_OK, command, emit, group
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    p = command(sub, common, "init", _("khởi tạo cơ sở dữ liệu cho một đơn vị"), init, open_db=False,
                login=False)  # the one command without a log-in: it makes the first account
    p.add_argument("--office-kind", choices=("commune", "hub"), required=True)
    p.add_argument("--office-name", required=True)
    p.add_argument("--unit", help=_("xã, phường của đơn vị (trong danh mục có sẵn hoặc trong tệp --units)"))
    p.add_argument("--units", metavar=_("TỆP.kbu"),
                   help=_("tệp danh mục đơn vị hành chính do đơn vị đầu mối ghi (kbang units export), cho xã không "
                          "có trong danh mục có sẵn"))
    p.add_argument("--admin", help=_("tên đăng nhập của quản trị viên đầu tiên (mặc định: biến môi trường KBANG_USER)"))
    p.add_argument("--password", help=_("mật khẩu của quản trị viên đó (mặc định: biến môi trường KBANG_PASSWORD)"))
    p.add_argument("--recovery-sheet", metavar=_("TỆP.pdf"),
                   help=_("ghi khóa khôi phục vào trang PDF này để in và cất ở tủ an toàn của cơ quan"))

    p = command(sub, common, "demo", _("tạo dữ liệu mẫu"), demo, create_db=True)
    p.add_argument("--communes", type=int, default=1)
    p.add_argument("--people-per-commune", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)

    command(sub, common, "check", _("kiểm tra cơ sở dữ liệu và nhật ký thao tác"), check,
            check_at_open=False)  # the check itself reads every page once, not twice
    p = command(sub, common, "backup", _("sao lưu ngay"), backup, daily_backup=False)
    p.add_argument("--out", metavar=_("THƯ_MỤC"),
                   help=_("ghi bản sao lưu (mã hóa, kèm tệp khóa) vào thư mục này, ví dụ ổ USB; giữ 7 bản mới nhất ở đó"))
    command(sub, common, "encrypt", _("mã hóa cơ sở dữ liệu của phiên bản cũ (sau khi sao lưu) và in khóa khôi phục"),
            encrypt, daily_backup=False, shows_recovery_key=True)
    p = command(sub, common, "restore", _("khôi phục từ bản sao lưu"), restore, open_db=False)
    p.add_argument("file")
    p.add_argument("--recovery-key", nargs="?", const="", default=None, metavar=_("KHÓA"),
                   help=_("mở bản sao lưu bằng khóa khôi phục (in lúc thiết lập) thay cho mật khẩu; không ghi khóa: "
                          "được hỏi, hoặc lấy từ biến môi trường KBANG_RECOVERY_KEY"))

    audit = group(sub, common, "audit", _("nhật ký thao tác"))
    command(audit, common, "verify", _("kiểm tra chuỗi nhật ký"), audit_verify)


def init(args: argparse.Namespace, _services: None) -> int:
    """A new office's database, encrypted (SQLite) under a new recovery key that is printed once."""
    from kbang_desktop.cli.main import database_file, open_services
    from kbang_desktop.storage import vault

    if args.units:  # read and checked before any file is made: a bad one leaves nothing behind
        from kbang_desktop.sync.join import read_units_file

        args.hub_units = read_units_file(Path(args.units))
    path = database_file(args)
    if path is not None and vault.is_encrypted(path):
        raise KbangError(i18n.N_("Cơ sở dữ liệu này đã được khởi tạo."))
    recovery = None
    if path is not None:
        if path.exists() and path.stat().st_size > 0:  # a plain file: refused as before when it is set up
            services = open_services(args)
            try:
                if services.ctx.identity() is not None:
                    raise KbangError(i18n.N_("Cơ sở dữ liệu này đã được khởi tạo."))
            finally:
                services.ctx.db.close()
        recovery = vault.new_recovery_key()  # the database key is random; the recovery key gets its own slot
    fresh = path is not None and not (path.exists() and path.stat().st_size > 0)
    services = open_services(args, create=True, key=vault.new_key() if recovery else None,
                             recovery=vault.recovery_public(recovery) if recovery else None)
    done = False
    try:
        code = _init(args, services, recovery)
        done = True
        return code
    finally:
        services.ctx.db.close()
        if not done and fresh and path is not None:  # a refused set-up (a unit not found) leaves no file behind
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                             path.with_name(path.name + vault.KEYRING_SUFFIX)):
                leftover.unlink(missing_ok=True)


def _init(args: argparse.Namespace, services: Any, recovery: str | None) -> int:
    from kbang_desktop.cli.main import _ask
    from kbang_desktop.sync.join import site_keys

    admin = args.admin or os.environ.get("KBANG_USER") or _ask(_("Tên đăng nhập của quản trị viên đầu tiên: "), echo=True)
    password = args.password or os.environ.get("KBANG_PASSWORD") or _ask(
        _("Mật khẩu của {user}: ").format(user=admin), echo=False)
    result = services.offices.initialise(args.office_kind, args.office_name, args.unit, admin, password,
                                         getattr(args, "hub_units", None))
    site_keys(services)  # this site's signing and encryption keys, made once at set-up
    text = _("Đã khởi tạo {name}.").format(name=result.office.name)
    sheet = None
    if recovery:
        text += "\n" + _("Cơ sở dữ liệu được mã hóa. Khóa khôi phục (chỉ hiện một lần: hãy chép hoặc in ra và cất ở "
                         "tủ an toàn của cơ quan; nó mở được dữ liệu và mọi bản sao lưu khi quên hết mật khẩu):") + \
            "\n    " + recovery
        if args.recovery_sheet:
            from kbang_desktop.documents.recovery_sheet import write_recovery_sheet

            try:
                sheet = str(write_recovery_sheet(Path(args.recovery_sheet), result.office.name, recovery,
                                                 services.ctx.today()))
                text += "\n" + _("Trang khóa khôi phục để in: {path}").format(path=sheet)
            except KbangError as error:  # the office is set up: the key above must still be shown, once
                text += "\n" + _("Không ghi được trang khóa khôi phục ({error}): hãy chép khóa ở trên ra giấy.").format(
                    error=error.translated())
    emit(args, {"office_id": result.office.id, "site_id": result.site.id, "kind": result.office.kind,
                "name": result.office.name, "reference": result.reference_counts, "encrypted": bool(recovery),
                "recovery_key": recovery, "recovery_sheet": sheet}, text)
    return EXIT_OK


def demo(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.services.demo import DemoService

    if services.ctx.identity() is None:  # a new demo database: its administrator is whoever would log in
        admin, password = os.environ.get("KBANG_USER") or "admin", os.environ.get("KBANG_PASSWORD") or "admin123"
        services.offices.initialise("hub" if args.communes > 1 else "commune", _("Dữ liệu mẫu"), None, admin, password)
    counts = DemoService(services.ctx).generate(args.communes, args.people_per_commune, args.seed)
    emit(args, counts, _("Đã tạo dữ liệu mẫu: {n} người.").format(n=i18n.format_number(counts["person"])))
    return EXIT_OK


def check(args: argparse.Namespace, services: Any) -> int:
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
    emit(args, data, text)
    return EXIT_OK if report.ok else EXIT_FAILED


def backup(args: argparse.Namespace, services: Any) -> int:
    out = getattr(args, "out", None)
    path = services.maintenance.backup_to(Path(out)) if out else services.maintenance.backup()
    emit(args, {"file": str(path)}, _("Đã sao lưu vào {path}.").format(path=path))
    return EXIT_OK


def encrypt(args: argparse.Namespace, services: Any) -> int:
    """A plain database of an older version encrypted in place: what the first command of this version
    (and the window's first log-in) does anyway, before this handler runs; here the new recovery key is
    printed on stdout (and in --json)."""
    from kbang_desktop.cli.main import database_file

    services.ctx.require_role("admin")
    if database_file(args) is None:
        raise KbangError(i18n.N_("Cơ sở dữ liệu PostgreSQL dựa vào mã hóa ổ đĩa của máy chủ; không có gì để mã hóa ở đây."))
    recovery = getattr(args, "new_recovery_key", None)
    if not recovery:
        emit(args, {"encrypted": True, "recovery_key": None}, _("Cơ sở dữ liệu đã được mã hóa."))
        return EXIT_OK
    emit(args, {"encrypted": True, "recovery_key": recovery},
         _("Đã mã hóa cơ sở dữ liệu. Khóa khôi phục (chỉ hiện một lần: hãy chép hoặc in ra và cất ở tủ an toàn của "
           "cơ quan):") + "\n    " + recovery)
    return EXIT_OK


def restore(args: argparse.Namespace, _services: None) -> int:
    from kbang_desktop.cli.main import _ask, credentials, log_in, open_services
    from kbang_desktop.paths import default_database
    from kbang_desktop.services.users import authenticate_in_backup
    from kbang_desktop.storage import backup as backups
    from kbang_desktop.storage import vault
    from kbang_desktop.storage.db import is_url

    target = getattr(args, "db", None) or str(default_database())
    if is_url(target):
        raise KbangError(i18n.N_("Sao lưu bằng phần mềm chỉ dùng cho cơ sở dữ liệu SQLite; với PostgreSQL hãy dùng pg_dump."))
    db_path = Path(target).expanduser().resolve()
    backup_file = Path(args.file).expanduser().resolve()
    backups.require_backup(backup_file)
    # an administrator of the backup (on another PC too): nothing changes before the password is right
    key = None
    if vault.is_encrypted(backup_file):
        recovery = args.recovery_key
        if recovery is not None:  # the sheet from the safe opens the backup with its keyring, on any PC
            text = recovery or os.environ.get("KBANG_RECOVERY_KEY") or _ask(_("Khóa khôi phục: "), echo=False)
            vault.recovery_secret(text)  # a mistyped key: its own sentence first
            ring = vault.read_keyring(vault.keyring_path(backup_file))
            if ring is None:
                raise vault.missing_keyring(vault.keyring_path(backup_file))
            key = vault.pick(backup_file, vault.unseal_recovery(ring, text))
            if key is None:
                raise KbangError(i18n.N_("Khóa khôi phục này không mở được bản sao lưu {path} (khóa của đơn vị khác, "
                                         "hoặc chép sai); dữ liệu hiện tại được giữ nguyên."), path=str(backup_file))
        else:  # a password valid in the backup: its own keyring beside it, or this PC's for the same key
            username, password = credentials(args)
            for ring_file in (vault.keyring_path(backup_file), vault.keyring_path(db_path)):
                key = vault.pick(backup_file, vault.unseal_all(vault.read_keyring(ring_file), username, password))
                if key is not None:
                    break
            if key is None:
                raise KbangError(vault.WRONG_LOGIN)
        if backups.quick_check(backup_file, full=False, key=key) is not None:
            raise KbangError(i18n.N_("Khóa này không mở được bản sao lưu {path}; dữ liệu hiện tại được giữ nguyên."),
                             path=str(backup_file))
        backups.require_backup(backup_file, key)
        if recovery is None:  # an administrator of the backup
            authenticate_in_backup(backup_file, username, password, key)
    else:  # a plain backup of an older version
        log_in(args, lambda username, password: authenticate_in_backup(backup_file, username, password))
    current_key = None
    ring = vault.read_keyring(vault.keyring_path(db_path))
    if key is not None and ring is not None and ring.get("key_id") == vault.key_id(key):
        current_key = key
    safety = backups.restore(backup_file, db_path, backups.default_backup_dir(db_path), key, current_key)
    services = open_services(args, create=False, key=key)  # migrates an older backup, refuses a newer one
    services.ctx.db.close()
    emit(args, {"restored": str(db_path), "previous_saved_as": str(safety) if safety else None},
         _("Đã khôi phục từ {file}; tệp trước đó được giữ ở {kept}.").format(file=args.file, kept=safety) if safety
         else _("Đã khôi phục từ {file}.").format(file=args.file))
    return EXIT_OK


def audit_verify(args: argparse.Namespace, services: Any) -> int:
    chain = services.audit.verify()
    data = {"ok": chain.ok, "events": chain.events, "first_bad_seq": chain.first_bad_seq, "problem": chain.problem}
    text = (_("Nhật ký thao tác hợp lệ: {n} sự kiện.").format(n=i18n.format_number(chain.events)) if chain.ok else
            _("Nhật ký thao tác đã bị sửa hoặc xóa, bắt đầu từ sự kiện số {seq}.").format(seq=chain.first_bad_seq))
    emit(args, data, text)
    return EXIT_OK if chain.ok else EXIT_FAILED
