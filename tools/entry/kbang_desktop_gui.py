"""Entry point of the built desktop program (build_installer.spec): the same as `kbang-desktop`."""

from kbang_desktop.app import gui_main

raise SystemExit(gui_main())
