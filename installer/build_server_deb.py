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
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from debtools import (
    MAINTAINER,
    ROOT,
    architecture,
    build_deb,
    find_uv,
    install_file,
    need,
    normalise_tree,
    project_version,
    run,
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
)
SYSTEM_PYTHON = Path("/usr/bin/python3")
HERE = Path(__file__).resolve().parent / "server"

DESCRIPTION = """\
Yoriai presence server: an accessible virtual office
Yoriai is a virtual office for teleworkers that blind, deaf and speech-impaired
staff use on equal terms. This package runs its presence server as the systemd
service yoriai-server: sign-in (argon2), rooms, knocks, check-ins at satellite
sites, live-caption relay, SQLite storage, /healthz and /metrics. It makes no
outbound connections. Configure it in /etc/yoriai/server.toml.
"""


def python_minor() -> tuple[int, int]:
    out = run(
        [SYSTEM_PYTHON, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True
    )
    major, minor = out.stdout.split()
    return int(major), int(minor)


def build_venv(uv: Path, stage: Path, work: Path) -> None:
    venv = stage / PREFIX.lstrip("/")
    run([uv, "build", "--wheel", "--out-dir", work / "wheel", ROOT], cwd=ROOT)
    [wheel] = list((work / "wheel").glob("yoriai-*.whl"))
    constraints = work / "constraints.txt"
    exported = run(
        [uv, "export", "--frozen", "--no-dev", "--all-extras", "--no-hashes", "--no-emit-project"],
        cwd=ROOT,
        capture_output=True,
    )
    constraints.write_text(exported.stdout, encoding="utf-8")
    # Relocatable: its scripts find their python relative to themselves, so the venv
    # built under the staging folder works once installed at PREFIX.
    run([uv, "venv", "--relocatable", "--python", SYSTEM_PYTHON, "--no-project", venv])
    common = [uv, "pip", "install", "--python", venv / "bin/python", "--compile-bytecode"]
    run([*common, "--constraint", constraints, *SERVER_REQUIREMENTS])
    run([*common, "--no-deps", wheel])
    site = next((venv / "lib").glob("python3.*/site-packages"))
    # The wheel carries the desktop client's packages too; the server needs neither.
    for package in ("client", "accessibility"):
        shutil.rmtree(site / package)
    (venv / "bin" / "yoriai-models").unlink()
    # uv's bookkeeping and other shells' activation scripts have no place in a package.
    for name in (".gitignore", ".lock", "CACHEDIR.TAG"):
        (venv / name).unlink(missing_ok=True)
    for script in venv.glob("bin/*"):
        if script.suffix in (".bat", ".ps1", ".nu", ".xsh", ".fish") or script.name in (
            "websockets",
            "cffi-gen-src",
            "activate_this.py",
        ):
            script.unlink()


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
    args = parser.parse_args()
    started = time.perf_counter()
    need("dpkg-deb", "dpkg")
    if not SYSTEM_PYTHON.exists():
        raise SystemExit(f"{SYSTEM_PYTHON} not found: apt-get install python3")
    major, minor = python_minor()
    if (major, minor) < (3, 11):
        raise SystemExit(f"{SYSTEM_PYTHON} is {major}.{minor}; Yoriai needs 3.11 or newer")
    uv = find_uv()
    version, arch = project_version(), architecture()
    with tempfile.TemporaryDirectory(prefix="yoriai-server-deb-") as tmp:
        work = Path(tmp)
        stage = work / "root"
        build_venv(uv, stage, work)
        stage_files(stage)
        # The venv's compiled wheels are built for this Python minor version.
        python_dep = f"python3 (>= {major}.{minor}), python3 (<< {major}.{minor + 1})"
        write_control(
            stage,
            {
                "Package": "yoriai-server",
                "Version": version,
                "Architecture": arch,
                "Maintainer": MAINTAINER,
                "Section": "net",
                "Priority": "optional",
                "Depends": f"{python_dep}, libc6, passwd, util-linux",
            },
            DESCRIPTION,
        )
        deb = build_deb(stage, args.out.resolve(), f"yoriai-server_{version}_{arch}.deb")
    seconds = time.perf_counter() - started
    print(deb)
    print(
        json.dumps(
            {
                "deb": str(deb),
                "bytes": deb.stat().st_size,
                "build_s": round(seconds, 1),
                "version": version,
                "architecture": arch,
            }
        )
    )


if __name__ == "__main__":
    main()
