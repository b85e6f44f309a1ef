"""`kbang users`: the people who may log in, and their roles."""

from __future__ import annotations

import argparse
from typing import Any

from kbang_desktop.cli.common import EXIT_OK, command, emit, group
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    users = group(sub, common, "users", _("người dùng"))
    p = command(users, common, "add", _("thêm người dùng"), add)
    p.add_argument("username")
    p.add_argument("--role", choices=("admin", "officer", "viewer"), required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--name", default="")
    command(users, common, "list", _("danh sách người dùng"), list_)
    p = command(users, common, "set-password", _("đặt mật khẩu mới (của mình, hoặc của người khác nếu là quản trị)"),
                set_password)
    p.add_argument("username")
    p.add_argument("--new-password", help=_("mật khẩu mới (mặc định: biến môi trường KBANG_NEW_PASSWORD, hoặc được "
                                            "hỏi)"))
    p = command(users, common, "remove", _("thôi cho người dùng đăng nhập (mất khóa mở dữ liệu)"), remove)
    p.add_argument("username")


def add(args: argparse.Namespace, services: Any) -> int:
    user = services.users.create(args.username, args.password, args.role, args.name)
    emit(args, {"id": user.id, "username": user.username, "role": user.role},
         _("Đã thêm người dùng {username}.").format(username=user.username))
    return EXIT_OK


def list_(args: argparse.Namespace, services: Any) -> int:
    users = services.users.list()
    emit(args, [{"username": u.username, "display_name": u.display_name, "role": u.role, "active": u.active}
                for u in users], "\n".join(f"{u.username}\t{u.role}\t{u.display_name}" for u in users))
    return EXIT_OK


def set_password(args: argparse.Namespace, services: Any) -> int:
    import os

    from kbang_desktop.cli.main import _ask

    password = args.new_password or os.environ.get("KBANG_NEW_PASSWORD") or _ask(
        _("Mật khẩu mới của {user}: ").format(user=args.username), echo=False)
    services.users.set_password(args.username, password)
    emit(args, {"username": args.username}, _("Đã đặt mật khẩu mới cho {username}; mật khẩu cũ không mở được dữ liệu "
                                              "nữa.").format(username=args.username))
    return EXIT_OK


def remove(args: argparse.Namespace, services: Any) -> int:
    services.users.set_active(args.username, False)
    emit(args, {"username": args.username, "active": False},
         _("{username} không đăng nhập được nữa.").format(username=args.username))
    return EXIT_OK
