"""Run the app under Xvfb with AT-SPI on, and read it with reader.py.

Meant to run inside `dbus-run-session` (so the accessibility bus is private to it):

    dbus-run-session -- python harness.py --server ws://127.0.0.1:PORT --user yui

It starts Xvfb on a free display (-displayfd), the AT-SPI bus launcher, the app in its
own process (QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1, the xcb platform), then the reader with
Debian's /usr/bin/python3, and prints the reader's JSON. Everything it started is
stopped before it returns.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read, 16)
        if not chunk:
            raise RuntimeError("Xvfb did not start")
        number += chunk
    os.close(read)
    return xvfb, f":{number.decode().strip()}"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--user", default="yui")
    p.add_argument("--password", default="yoriai-demo")
    p.add_argument("--room", default="会議室 3")
    p.add_argument(
        "--via-sign-in-window",
        action="store_true",
        help="start without a password: the reader signs in through the sign-in window",
    )
    args = p.parse_args()
    started: list[subprocess.Popen[bytes]] = []
    try:
        xvfb, display = start_xvfb()
        started.append(xvfb)
        env = dict(os.environ, DISPLAY=display)
        env.pop("WAYLAND_DISPLAY", None)
        bus = subprocess.Popen(
            ["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        started.append(bus)
        time.sleep(0.5)
        config = tempfile.mkdtemp(prefix="yoriai-atspi-")
        app_env = dict(
            env,
            # A file keyring in the temporary folder, not the desktop's.
            PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
            XDG_DATA_HOME=config,
            QT_QPA_PLATFORM="xcb",
            QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
            QT_ACCESSIBILITY="1",
            YORIAI_CONFIG_DIR=config,
            PYTHONPATH=str(ROOT),
        )
        command = [sys.executable, "-m", "client.app", "--server", args.server]
        command += ["--language", "en"]
        reader_args = ["--room", args.room]
        if args.via_sign_in_window:
            reader_args += ["--sign-in", f"{args.user}:{args.password}"]
        else:
            command += ["--user", args.user, "--password-stdin", "--no-remember"]
        app = subprocess.Popen(command, env=app_env, stdin=subprocess.PIPE, cwd=ROOT)
        started.append(app)
        assert app.stdin is not None
        if not args.via_sign_in_window:
            app.stdin.write(args.password.encode() + b"\n")
        app.stdin.close()
        reader = subprocess.run(
            ["/usr/bin/python3", str(HERE / "reader.py"), *reader_args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        sys.stderr.write(reader.stderr)
        print(reader.stdout.strip().splitlines()[-1] if reader.stdout.strip() else "{}")
        time.sleep(1.0)  # the Join request goes out before we stop the app
        return reader.returncode
    finally:
        for proc in reversed(started):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    raise SystemExit(main())
