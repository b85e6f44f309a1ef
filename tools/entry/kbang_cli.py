"""Entry point of the built console program (build_installer.spec): the same as `kbang`."""

from kbang_desktop.cli.main import main

raise SystemExit(main())
