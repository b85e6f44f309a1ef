"""`kbang office`: joining a hub, this PC's keys, the offices and PCs known here, revocation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kbang_desktop.cli.common import EXIT_OK, command, emit, group
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_, _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    office = group(sub, common, "office", _("tham gia đơn vị đầu mối"))
    p = command(office, common, "join-request", _("xuất yêu cầu tham gia (tại xã)"), join_request)
    p.add_argument("--out", required=True)
    p = command(office, common, "register", _("đăng ký một xã (tại đơn vị đầu mối)"), register)
    p.add_argument("file")
    p.add_argument("--out", required=True)
    p = command(office, common, "trust", _("tin cậy đơn vị đầu mối (tại xã)"), trust)
    p.add_argument("file")
    p.add_argument("--fingerprint", metavar="XXXX-XXXX-XXXX-XXXX",
                   help=_("mã nhận diện khóa mà đơn vị đầu mối đọc qua điện thoại (không có thì hỏi)"))
    p = command(office, common, "new-site", _("tạo khóa máy mới khi mất khóa hoặc sau khi khôi phục (tại xã)"),
                new_site)
    p.add_argument("--out", required=True)
    p = command(office, common, "revoke", _("thu hồi khóa của một máy (tại đơn vị đầu mối)"), revoke)
    p.add_argument("site")
    p.add_argument("--reason", required=True)
    command(office, common, "sites", _("các đơn vị và máy đã biết"), sites)


def _request_written(args: argparse.Namespace, services: Any, path: Path) -> int:
    site_id, _office = services.ctx.require_identity()
    emit(args, {"file": str(path), "site_id": site_id}, _("Đã ghi yêu cầu tham gia vào {path}.").format(path=path))
    return EXIT_OK


def join_request(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import join

    return _request_written(args, services, join.join_request(services, Path(args.out)))


def new_site(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import join

    return _request_written(args, services, join.new_site(services, Path(args.out)))


def _fingerprint(args: argparse.Namespace, result: Any) -> int:
    data = {"office_id": result.office_id, "fingerprint": result.fingerprint}
    if result.file:
        data["file"] = str(result.file)
    emit(args, data, _("Mã nhận diện khóa: {fingerprint}. Hãy đọc mã này qua điện thoại để hai bên đối chiếu.").format(
        fingerprint=result.fingerprint))
    return EXIT_OK


def register(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import join

    return _fingerprint(args, join.register(services, Path(args.file), Path(args.out)))


def trust(args: argparse.Namespace, services: Any) -> int:
    """Trust the hub only once the fingerprint is confirmed: given with --fingerprint, or typed at the terminal."""
    from kbang_desktop.sync import join

    fingerprint = args.fingerprint
    if fingerprint is None:
        found = join.welcome_fingerprint(services, Path(args.file))
        if getattr(args, "json", False) or not sys.stdin.isatty():
            raise KbangError(N_("Hãy gọi điện cho đơn vị đầu mối, nghe họ đọc mã nhận diện khóa rồi chạy lại lệnh với "
                                "--fingerprint XXXX-XXXX-XXXX-XXXX. Chưa tin cậy đơn vị đầu mối."))
        print(_("Mã nhận diện khóa của tệp này: {fingerprint}").format(fingerprint=found.fingerprint))
        try:
            fingerprint = input(_("Gõ mã mà đơn vị đầu mối đọc qua điện thoại: "))
        except EOFError:
            fingerprint = ""
        if not fingerprint.strip():
            raise KbangError(N_("Chưa nhập mã nhận diện khóa. Chưa tin cậy đơn vị đầu mối."))
    return _fingerprint(args, join.trust(services, Path(args.file), fingerprint))


def revoke(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import join

    site = join.revoke(services, args.site, args.reason)
    emit(args, {"site_id": site.id, "office_id": site.office_id, "revoked_at": site.revoked_at.isoformat()},
         _("Đã thu hồi khóa của máy {site}. Lần trao đổi tới sẽ báo cho các xã.").format(site=site.id[:8]))
    return EXIT_OK


def sites(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import join

    rows = join.known_sites(services)
    emit(args, rows, "\n".join(f"{r['office_name']}\t{r['site_id']}\t{r['fingerprint'] or '-'}\t"
                               f"{_('đã thu hồi') if r['revoked'] else ''}" for r in rows))
    return EXIT_OK
