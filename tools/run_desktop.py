"""`make run`: start the desktop application after checking what Qt needs from the system.

On Linux, Qt's xcb platform plugin needs libxcb-cursor0 (Qt 6.5+). When it is
missing and we can install it (root on Debian/Ubuntu) we do; otherwise we say
exactly what to install. With no screen at all (a server, CI) the application
starts offscreen and says so. Windows and macOS need nothing.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys

LINUX_LIBS = {"xcb-cursor": "libxcb-cursor0", "xkbcommon-x11": "libxkbcommon-x11-0", "xcb-icccm": "libxcb-icccm4",
              "xcb-keysyms": "libxcb-keysyms1", "xcb-shape": "libxcb-shape0", "EGL": "libegl1", "GL": "libgl1",
              "fontconfig": "libfontconfig1", "dbus-1": "libdbus-1-3"}


def main() -> int:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    if sys.platform.startswith("linux"):
        if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
            print("Không có màn hình (DISPLAY): chạy ở chế độ không cửa sổ (offscreen). "
                  "No screen found: starting offscreen.", file=sys.stderr)
            env["QT_QPA_PLATFORM"] = "offscreen"
        else:
            missing = [package for lib, package in LINUX_LIBS.items() if ctypes.util.find_library(lib) is None]
            if missing:
                if os.geteuid() == 0 and shutil.which("apt-get"):
                    print("Installing the system libraries Qt needs: " + " ".join(missing), file=sys.stderr)
                    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False,
                                   stdout=subprocess.DEVNULL)
                else:
                    print("Qt needs these system packages: sudo apt-get install " + " ".join(missing), file=sys.stderr)
                    return 1
    program = os.path.join(os.path.dirname(sys.executable), "kbang-desktop")
    return subprocess.call([program, *sys.argv[1:]], env=env)


if __name__ == "__main__":
    raise SystemExit(main())
