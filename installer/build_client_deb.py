"""Build the desktop client's .deb: yoriai_VERSION_ARCH.deb.

    python installer/build_client_deb.py [--out dist] [--with-whisper]

Contents: a self-contained virtual environment in /opt/yoriai (Debian's python3 and
the project's runtime dependencies at the versions in uv.lock, byte-compiled), the
commands `yoriai` (the app; `yoriai --self-test`), `yoriai-policy` and `yoriai-models`,
the desktop entry and icons, and the policy template under /usr/share/doc/yoriai.
Qt, PortAudio and espeak-ng come from Debian as dependencies. Needs uv, dpkg-deb and
Debian's python3 on the build machine, and PyPI (or uv's cache) for the wheels; the
.deb itself installs offline (with its Debian dependencies from a local mirror).
Prints the .deb's path, then a JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from debtools import (
    COMPRESSIONS,
    MAINTAINER,
    ROOT,
    architecture,
    build_deb,
    build_venv,
    find_uv,
    install_file,
    need,
    normalise_tree,
    project_version,
    python_depends,
    system_python,
    write_control,
)

PREFIX = "/opt/yoriai"
HERE = Path(__file__).resolve().parent

# What Debian must provide: Qt's xcb and EGL stack (PySide6 wheels carry Qt itself),
# PortAudio for sounddevice, espeak-ng for speech, D-Bus for AT-SPI and the keyring.
SYSTEM_DEPENDS = (
    "libportaudio2",
    "espeak-ng",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
)
# A screen reader reaches Qt through AT-SPI; Japanese text needs CJK fonts; sign-in
# tokens go to the Secret Service.
RECOMMENDS = ("at-spi2-core", "fonts-noto-cjk", "gnome-keyring | kwalletmanager")
SUGGESTS = ("orca",)

DESCRIPTION = """\
Yoriai: an accessible virtual office (desktop client)
See who is in which room and where everyone works today, knock and talk in voice
rooms, read live captions and have typed text spoken. Built for screen readers
and the keyboard from the start, in Japanese and English. Connects only to your
organisation's Yoriai server; an administrator may set it up centrally with
/etc/yoriai/policy.toml (template in /usr/share/doc/yoriai).
"""

WRAPPER = """#!/bin/sh
# /usr/bin/{name}: Yoriai's {name}, from its own environment in /opt/yoriai.
exec /opt/yoriai/bin/{name} "$@"
"""

POSTRM = """#!/bin/sh
# yoriai postrm: byte-code Python wrote after installation, which dpkg does not track.
set -e
case "$1" in
    remove|purge) rm -rf /opt/yoriai ;;
esac
exit 0
"""


def stage_files(stage: Path) -> None:
    for name in ("yoriai", "yoriai-policy", "yoriai-models"):
        wrapper = stage / "usr/bin" / name
        wrapper.parent.mkdir(parents=True, exist_ok=True)
        wrapper.write_text(WRAPPER.format(name=name), encoding="utf-8")
        wrapper.chmod(0o755)
    share = stage / "usr/share"
    install_file(HERE / "linux/yoriai.desktop", share / "applications/yoriai.desktop", 0o644)
    icons = ROOT / "assets/icons"
    install_file(icons / "yoriai.svg", share / "icons/hicolor/scalable/apps/yoriai.svg", 0o644)
    install_file(icons / "yoriai.png", share / "icons/hicolor/256x256/apps/yoriai.png", 0o644)
    doc = share / "doc/yoriai"
    install_file(HERE / "policy.toml", doc / "policy.toml.example", 0o644)
    (doc / "copyright").write_text(
        "Yoriai\nLicense: Apache-2.0\n"
        "On Debian systems the license is in /usr/share/common-licenses/Apache-2.0.\n",
        encoding="utf-8",
    )
    venv_assets = next((stage / PREFIX.lstrip("/")).glob("lib/python3.*/site-packages"))
    # The app finds its assets beside its packages, as in the source tree and the bundle.
    for asset in (ROOT / "assets").rglob("*"):
        if asset.is_file():
            rel = asset.relative_to(ROOT)
            install_file(asset, venv_assets / rel, 0o644)
    normalise_tree(stage)
    debian = stage / "DEBIAN"
    debian.mkdir()
    (debian / "postrm").write_text(POSTRM, encoding="utf-8")
    (debian / "postrm").chmod(0o755)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--compression", choices=COMPRESSIONS, default="xz")
    parser.add_argument(
        "--with-whisper", action="store_true", help="include faster-whisper (large)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    need("dpkg-deb", "dpkg")
    major, minor = system_python()
    uv = find_uv()
    version, arch = project_version(), architecture()
    with tempfile.TemporaryDirectory(prefix="yoriai-deb-") as tmp:
        work = Path(tmp)
        stage = work / "root"
        build_venv(
            uv,
            stage / PREFIX.lstrip("/"),
            work,
            requirements=None,
            extras=("whisper",) if args.with_whisper else (),
            # The wheel carries the server too; the desktop never runs it.
            drop_packages=("server",),
            drop_scripts=("yoriai-server",),
        )
        stage_files(stage)
        write_control(
            stage,
            {
                "Package": "yoriai",
                "Version": version,
                "Architecture": arch,
                "Maintainer": MAINTAINER,
                "Section": "net",
                "Priority": "optional",
                "Depends": ", ".join([python_depends(major, minor), *SYSTEM_DEPENDS]),
                "Recommends": ", ".join(RECOMMENDS),
                "Suggests": ", ".join(SUGGESTS),
            },
            DESCRIPTION,
        )
        deb = build_deb(stage, args.out.resolve(), f"yoriai_{version}_{arch}.deb", args.compression)
    seconds = time.perf_counter() - started
    print(deb)
    print(
        json.dumps(
            {
                "deb": str(deb),
                "bytes": deb.stat().st_size,
                "build_s": round(seconds, 1),
                "compression": args.compression,
                "version": version,
                "architecture": arch,
            }
        )
    )


if __name__ == "__main__":
    main()
