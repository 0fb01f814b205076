"""Build the server's .deb: yoriai-server_VERSION_ARCH.deb.

    python installer/build_server_deb.py [--out dist]

Contents: a self-contained virtual environment in /opt/yoriai-server (Debian's
python3 plus the server's dependencies at the versions in uv.lock, byte-compiled), the
`yoriai-server` command, the annotated /etc/yoriai/server.toml (a conffile), the
systemd unit, and maintainer scripts that create the `yoriai` user and the database.
Needs uv (./dev bootstraps it), dpkg-deb and Debian's python3 on the build machine,
and PyPI (or uv's cache) to fetch wheels; the .deb itself installs offline.
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

PREFIX = "/opt/yoriai-server"
# What the server imports at run time (server/ and rooms/); uv.lock pins the versions,
# and the installed server's own tests (init, serve, /healthz) prove the list complete.
SERVER_REQUIREMENTS = (
    "msgspec",
    "websockets",
    "argon2-cffi",
    "aiosqlite",
    "platformdirs",
    "prometheus-client",
    # Many servers: PostgreSQL storage and the Redis event hub (docs/admin/scale-out.md).
    "asyncpg",
    "redis",
    # Voice rooms: WebRTC (aiortc, aioice), Opus through PyAV, mixing in numpy.
    "aiortc",
    "aioice",
    "av",
    "numpy",
)
HERE = Path(__file__).resolve().parent / "server"

DESCRIPTION = """\
Yoriai presence server: an accessible virtual office
Yoriai is a virtual office for teleworkers that blind, deaf and speech-impaired
staff use on equal terms. This package runs its presence server as the systemd
service yoriai-server: sign-in (argon2), rooms, knocks, check-ins at satellite
sites, live-caption relay, SQLite storage (or PostgreSQL and Redis for many
servers), /healthz and /metrics. It makes no outbound connections. Configure it
in /etc/yoriai/server.toml.
"""


def build_server_venv(uv: Path, stage: Path, work: Path) -> None:
    build_venv(
        uv,
        stage / PREFIX.lstrip("/"),
        work,
        requirements=SERVER_REQUIREMENTS,
        # The wheel carries the desktop client's packages too; the server needs neither.
        drop_packages=("client", "accessibility"),
        drop_scripts=("yoriai", "yoriai-models", "yoriai-policy", "websockets", "cffi-gen-src"),
    )


def stage_files(stage: Path) -> None:
    install_file(HERE / "yoriai-server.sh", stage / "usr/bin/yoriai-server", 0o755)
    install_file(HERE / "server.toml", stage / "etc/yoriai/server.toml", 0o644)
    install_file(
        HERE / "yoriai-server.service", stage / "lib/systemd/system/yoriai-server.service", 0o644
    )
    doc = stage / "usr/share/doc/yoriai-server"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "Yoriai\nLicense: Apache-2.0\n"
        "On Debian systems the license is in /usr/share/common-licenses/Apache-2.0.\n",
        encoding="utf-8",
    )
    (doc / "README.Debian").write_text(
        "yoriai-server for Debian\n\n"
        "Settings: /etc/yoriai/server.toml (every key documented in it).\n"
        "Database: /var/lib/yoriai/yoriai.db, owned by the 'yoriai' user.\n"
        "Service:  systemctl status yoriai-server; journalctl -u yoriai-server\n"
        "Admin:    yoriai-server user import staff.csv --passwords-out initial.csv\n"
        "          yoriai-server backup /var/backups/yoriai/\n"
        "The service listens on 127.0.0.1:8765 until you set host and [tls].\n"
        "'apt purge yoriai-server' deletes the database: back it up first.\n",
        encoding="utf-8",
    )
    normalise_tree(stage)
    debian = stage / "DEBIAN"
    debian.mkdir()
    for script in ("postinst", "prerm", "postrm"):
        install_file(HERE / "debian" / script, debian / script, 0o755)
    (debian / "conffiles").write_text("/etc/yoriai/server.toml\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--compression", choices=COMPRESSIONS, default="xz")
    args = parser.parse_args()
    started = time.perf_counter()
    need("dpkg-deb", "dpkg")
    major, minor = system_python()
    uv = find_uv()
    version, arch = project_version(), architecture()
    with tempfile.TemporaryDirectory(prefix="yoriai-server-deb-") as tmp:
        work = Path(tmp)
        stage = work / "root"
        build_server_venv(uv, stage, work)
        stage_files(stage)
        write_control(
            stage,
            {
                "Package": "yoriai-server",
                "Version": version,
                "Architecture": arch,
                "Maintainer": MAINTAINER,
                "Section": "net",
                "Priority": "optional",
                "Depends": f"{python_depends(major, minor)}, libc6, passwd, util-linux",
            },
            DESCRIPTION,
        )
        deb = build_deb(
            stage, args.out.resolve(), f"yoriai-server_{version}_{arch}.deb", args.compression
        )
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
