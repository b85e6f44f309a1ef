"""Composition root: paths, language, open and migrate the database, build services, start UI or CLI."""

from __future__ import annotations

import sys
from pathlib import Path

from kbang_desktop import i18n


def gui_main(argv: list[str] | None = None) -> int:
    """Start the desktop application (`kbang-desktop [--demo] [--db PATH] [--lang vi|en]`)."""
    import argparse

    parser = argparse.ArgumentParser(prog="kbang-desktop")
    parser.add_argument("--db")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--lang", choices=(*i18n.LANGUAGES, i18n.PSEUDO))  # pseudo: finds untranslated text
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    if args.self_test:
        i18n.setup(args.lang or "vi")
        from kbang_desktop.cli.selftest import run as self_test
        from kbang_desktop.ui.selftest import window_steps

        return self_test(window_steps)
    from kbang_desktop.ui.startup import saved_language

    i18n.setup(args.lang or saved_language())
    from kbang_desktop.ui.startup import run

    if not args.db and not args.demo:
        from kbang_desktop.ui.setup_wizard import needs_setup, run_setup

        if needs_setup():  # the first start on this PC: the set-up assistant, then the log-in
            made = run_setup()
            return run(made) if made is not None else 0

    elif args.db and not args.demo and _not_made(args.db):
        from kbang_desktop.ui.setup_wizard import run_setup

        made = run_setup(database=Path(args.db).expanduser().resolve())  # the assistant, not "kbang init"
        return run(made) if made is not None else 0

    def opener():  # runs in the background while the log-in window is on screen: SQLAlchemy is imported here
        from kbang_desktop.paths import demo_database
        from kbang_desktop.services.registry import Door, ensure_demo

        if args.demo:
            services = ensure_demo(demo_database())
            services.maintenance.start_daily_backup()  # beside the window: its start does not wait for it
            return services
        return Door(args.db)  # a plain file opened now; an encrypted one by the password

    return run(opener)


def _not_made(db: str) -> bool:
    """True for a database file that does not exist yet (or is empty: a start that stopped at the log-in)."""
    if "://" in db:  # a server's address (storage.db.is_url; SQLAlchemy is not imported before the window)
        return False
    path = Path(db).expanduser()
    return not path.exists() or (path.is_file() and path.stat().st_size == 0)


if __name__ == "__main__":
    raise SystemExit(gui_main())
