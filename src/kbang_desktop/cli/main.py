"""The `kbang` command: every operation goes through the services.

Each command group is its own module (`cli/persons.py` for `kbang persons ...`): it adds its parsers
and names the handler of each command (`cli.common.command`). This module builds the parser, opens
the services the command needs, runs the handler and turns every error into one sentence.

Exit codes: 0 success, 1 the operation failed or was refused, 2 wrong usage.
Errors are one translated sentence on stderr, never a traceback (a crash report
is written to the log directory instead).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kbang_desktop import __version__, i18n
from kbang_desktop.cli import (
    bundle,
    certificates,
    conflicts,
    database,
    decisions,
    excel,
    households,
    literacy,
    models,
    office,
    persons,
    reports,
    subjects,
    units,
    users,
)
from kbang_desktop.cli.common import EXIT_FAILED, EXIT_OK, Parser
from kbang_desktop.core.errors import KbangError, ValidationError
from kbang_desktop.i18n import N_, _

# One module per command group, in the order `kbang --help` lists them.
COMMAND_MODULES = (database, persons, households, units, office, bundle, conflicts, literacy, subjects, models, decisions, certificates, reports,
                   excel, users)

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


def build_parser() -> Parser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=_("đường dẫn cơ sở dữ liệu (mặc định: thư mục dữ liệu của người dùng)"))
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=_("in kết quả dạng JSON"))
    common.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS, help=_("ngôn ngữ: vi hoặc en"))
    common.add_argument("--user", default=argparse.SUPPRESS,
                        help=_("đăng nhập bằng tài khoản này (mặc định: biến môi trường KBANG_USER); mật khẩu lấy từ "
                               "biến môi trường KBANG_PASSWORD hoặc được hỏi"))

    parser = Parser(prog="kbang", description=_("Kbang Desktop: xây dựng xã hội học tập"), parents=[common])
    parser.add_argument("--version", action="version", version=f"kbang {__version__}")
    parser.add_argument("--self-test", action="store_true", help=_("tự kiểm tra bản cài đặt rồi thoát"))
    sub = parser.add_subparsers(dest="command", parser_class=Parser, required=True)
    for module in COMMAND_MODULES:
        module.add_parsers(sub, common)
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


def open_services(args: argparse.Namespace, create: bool = False, key: bytes | None = None,
                  recovery: bytes | None = None) -> Any:
    from kbang_desktop.services.registry import open_services as open_

    return open_(getattr(args, "db", None), create=create, check=getattr(args, "check_at_open", True), key=key,
                 recovery=recovery)


def database_file(args: argparse.Namespace) -> Path | None:
    """The SQLite file the command works on (None for a PostgreSQL URL)."""
    from kbang_desktop.paths import default_database
    from kbang_desktop.storage.db import is_url

    target = getattr(args, "db", None) or str(default_database())
    return None if is_url(target) else Path(target).expanduser().resolve()


def run(args: argparse.Namespace) -> int:
    """Open the services the command needs, run its handler, close the database."""
    if not getattr(args, "open_db", True):
        return args.handler(args, None)
    from kbang_desktop.services.registry import recovery_key_if_missing
    from kbang_desktop.storage import vault

    login = getattr(args, "login", True)
    path, key, given = database_file(args), None, None
    digests: dict[tuple, bytes] = {}  # the password's scrypt, worked out once for the key and the account
    if login and path is not None and vault.is_encrypted(path):
        given = credentials(args)  # the password unlocks the database: nothing is read before it is right
        key = vault.unlock(path, *given, digests)
    services = open_services(args, create=getattr(args, "create_db", False), key=key)
    try:
        if login and services.ctx.identity() is not None:
            # a database set up has accounts: the command acts as the user who logs in, with that role
            username, password = given or credentials(args)
            actor = services.users.authenticate(username, password, digests)
            services = services.as_actor(actor)
            services, recovery = _encrypt_at_first_start(services, actor)
            recovery = recovery or recovery_key_if_missing(services, actor)
            if recovery:
                args.new_recovery_key = recovery
                if not getattr(args, "shows_recovery_key", False):  # `kbang encrypt` prints it on stdout
                    print(recovery_text(recovery), file=sys.stderr)
        # once a day, whichever command comes first: after the command's work, so its output comes first
        backup_due = getattr(args, "daily_backup", True) and services.ctx.identity() is not None
        from kbang_desktop.services.clock import clock_warning

        wrong = clock_warning(services.ctx)
        if wrong is not None:  # at every start: every change is stamped with this PC's time
            print(_("Cảnh báo: {problem}").format(problem=wrong.translated()), file=sys.stderr)
        code = args.handler(args, services)
        if backup_due:
            _daily_backup_after(services)
        return code
    finally:
        services.ctx.db.close()


def recovery_text(recovery: str) -> str:
    return _("Cơ sở dữ liệu được mã hóa. Khóa khôi phục (chỉ hiện một lần: hãy chép hoặc in ra và cất ở tủ an toàn "
             "của cơ quan; nó mở được dữ liệu và mọi bản sao lưu khi quên hết mật khẩu):") + "\n    " + recovery


def _encrypt_at_first_start(services: Any, actor: Any) -> tuple[Any, str | None]:
    """A plain database of an older version, at the first command of this version: encrypted in place
    after the log-in (after a backup), with a line on stderr before and after (registry.encrypt_in_place)."""
    from kbang_desktop.services.registry import encrypt_in_place

    db = services.ctx.db
    if db.path is None or db.encrypted:
        return services, None
    print(_("Đang mã hóa cơ sở dữ liệu {path} (lần đầu dùng phiên bản này; đã sao lưu trước), xin chờ...").format(
        path=db.path), file=sys.stderr, flush=True)
    services, recovery = encrypt_in_place(services, actor)
    print(_("Đã mã hóa cơ sở dữ liệu; bản sao lưu chưa mã hóa đã được xóa sau khi kiểm tra bản mã hóa."),
          file=sys.stderr)
    return services, recovery


def _daily_backup_after(services: Any) -> None:
    """The day's backup once the command has done its work and its output is out; a backup that fails
    is a warning: the command itself has succeeded."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # `kbang ... | head`: the backup is still made
        _quiet_stdout()
    try:
        services.maintenance.daily_backup()
    except KbangError as error:
        print(_("Cảnh báo: {problem}").format(problem=error.translated()), file=sys.stderr)


def credentials(args: argparse.Namespace) -> tuple[str, str]:
    """Who runs the command: `--user` (or KBANG_USER, or asked), the password from KBANG_PASSWORD or
    asked on the terminal without echo."""
    username = getattr(args, "user", None) or os.environ.get("KBANG_USER") or _ask(_("Tên đăng nhập: "), echo=True)
    password = os.environ.get("KBANG_PASSWORD") or _ask(
        _("Mật khẩu của {user}: ").format(user=username), echo=False)
    return username.strip(), password


def log_in(args: argparse.Namespace, authenticate: Callable[[str, str], Any]) -> Any:
    """`authenticate(username, password)` with the credentials of the command -> the actor, or a
    KbangError in one sentence (a wrong password, a locked account)."""
    return authenticate(*credentials(args))


def _ask(prompt: str, echo: bool) -> str:
    """A line typed on the terminal (the password without echo); refused when no one is there to type."""
    if not sys.stdin or not sys.stdin.isatty():
        raise KbangError(N_("Lệnh này cần đăng nhập: ghi tên đăng nhập sau --user (hoặc trong biến môi trường "
                            "KBANG_USER) và mật khẩu trong biến môi trường KBANG_PASSWORD, hoặc chạy lệnh trong cửa "
                            "sổ dòng lệnh để nhập."))
    try:
        answer = getpass.getpass(prompt) if not echo else input(prompt)
    except EOFError:
        answer = ""
    if not answer:
        raise KbangError(N_("Chưa nhập tên đăng nhập hoặc mật khẩu; không làm gì cả."))
    return answer


def crash_report(error: BaseException, args: argparse.Namespace | None = None) -> Path | None:
    """A report without personal data (kbang_desktop.crash) in the log directory; its path."""
    from kbang_desktop import crash

    return crash.write_report(error, "kbang " + " ".join(_command_words(args)))


def _command_words(args: argparse.Namespace | None) -> list[str]:
    """The command's words ("persons", "add"), never its arguments (names, ID numbers)."""
    if args is None:
        return []
    words = [str(getattr(args, "command", "") or "")]
    words += [str(value) for key, value in sorted(vars(args).items()) if key.endswith("_command") and value]
    return [w for w in words if w]


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `kbang ... | head`: the reader has what it wanted; leave quietly
        _quiet_stdout()
        return EXIT_OK


def _main(argv: list[str] | None) -> int:
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
    except Exception as error:  # never a traceback in front of a user, never its values in a file
        from kbang_desktop.storage.db import machine_trouble

        trouble = machine_trouble(error, database_file(args) if args is not None else None)
        if trouble is not None:  # the machine's own trouble (locked, read-only) is not a crash
            print(trouble.translated(), file=sys.stderr)
            return EXIT_FAILED
        report = crash_report(error, args)
        print(_("Lỗi không mong đợi: {error}. Chi tiết đã ghi vào {path}.").format(
            error=type(error).__name__, path=report), file=sys.stderr)
        return EXIT_FAILED


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit does not fail a second time."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
