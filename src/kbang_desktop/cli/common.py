"""What every command module of `kbang` shares: exit codes, the parser class, argument types and the
one output helper.

A command module adds its parsers with `add_parsers(sub, common)` and names the function that runs
each command with `set_defaults(handler=...)`; `cli.main` opens the services and calls it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.core.dates import parse_date
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import _

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace, Any], int]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 itself; keep its message, no traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def group(sub: Any, common: argparse.ArgumentParser, name: str, help_text: str) -> Any:
    """A command group (`kbang persons ...`): its parser's subcommands, one required."""
    parser = sub.add_parser(name, parents=[common], help=help_text)
    return parser.add_subparsers(dest=f"{name}_command", parser_class=Parser, required=True)


def command(sub: Any, common: argparse.ArgumentParser, name: str, help_text: str, handler: Handler,
            **defaults: Any) -> Parser:
    """One command run by `handler(args, services)`; `defaults` tell `cli.main` how to open the database
    (`open_db=False`: the handler opens it itself; `create_db=True`: a new file may be made;
    `daily_backup=False`: not the day's first backup; `login=False`: no log-in, for `kbang init` alone)."""
    parser = sub.add_parser(name, parents=[common], help=help_text)
    parser.set_defaults(handler=handler, **defaults)
    return parser


def date_arg(text: str) -> date:
    """An argparse type: a date as the user writes it (YYYY-MM-DD or dd/mm/yyyy)."""
    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(_(str(error.args[0]))) from None


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    """The result of a command: `data` as one line of JSON with --json, else `text` for a person."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=None))
    else:
        print(text)


def size_text(n: int) -> str:
    return f"{i18n.format_number(round(n / 1024))} KB" if n < 10 << 20 else f"{i18n.format_number(round(n / 1048576))} MB"


def pdf_path(text: str) -> Path:
    if not text.lower().endswith(".pdf"):
        raise KbangError(i18n.N_("Tệp in phải có đuôi .pdf: {path}"), path=text)
    return Path(text)
