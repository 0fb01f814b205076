"""The server's .deb: built by installer/build_server_deb.py, its contents, its systemd
unit, the packaged server running from the unpacked tree, and a real install, remove and
purge with dpkg on this machine."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.session import Session, Status
from server.demo import DEMO_PASSWORD

from .support import ROOT, free_port, sh, wait_healthy


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # zstd, as the client's test: with voice (PyAV, numpy) the package is ~50 MB, and
    # xz alone took most of a minute and a half.
    built = sh(
        sys.executable, ROOT / "installer" / "build_server_deb.py", "--out", out,
        "--compression", "zstd",
    )  # fmt: skip
    figures = json.loads(built.stdout.strip().splitlines()[-1])
    path = Path(figures["deb"])
    assert path.parent == out and path.stat().st_size == figures["bytes"]
    return path


@pytest.fixture(scope="module")
def unpacked(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("root")
    sh("dpkg-deb", "-x", deb, root)
    return root


def test_control_fields_conffiles_and_scripts(deb: Path) -> None:
    info = sh("dpkg-deb", "--field", deb).stdout
    fields = dict(re.findall(r"^([\w-]+): (.*)$", info, re.M))
    assert fields["Package"] == "yoriai-server"
    assert fields["Architecture"] == sh("dpkg", "--print-architecture").stdout.strip()
    # The venv runs on Debian's python3, whatever runs these tests.
    major, minor = sh(
        "/usr/bin/python3", "-c", "import sys; print(*sys.version_info[:2])"
    ).stdout.split()
    depends = fields["Depends"]
    assert f"python3 (>= {major}.{minor})" in depends
    assert f"python3 (<< {major}.{int(minor) + 1})" in depends
    assert "passwd" in depends and "util-linux" in depends
    assert int(fields["Installed-Size"]) > 1000
    scratch = deb.parent / "control"
    sh("dpkg-deb", "-e", deb, scratch)
    assert (scratch / "conffiles").read_text() == "/etc/yoriai/server.toml\n"
    for script in ("postinst", "prerm", "postrm"):
        assert os.access(scratch / script, os.X_OK)
        sh("sh", "-n", scratch / script)  # parses as POSIX sh


def test_contents_are_the_server_only(deb: Path) -> None:
    listing = sh("dpkg-deb", "-c", deb).stdout
    names = {
        line.split()[-1] if "->" not in line else line.split()[-3] for line in listing.splitlines()
    }
    for path in (
        "./usr/bin/yoriai-server",
        "./etc/yoriai/server.toml",
        "./lib/systemd/system/yoriai-server.service",
        "./opt/yoriai-server/bin/yoriai-server",
        "./usr/share/doc/yoriai-server/copyright",
    ):
        assert path in names, path
    assert all(" root/root " in line for line in listing.splitlines())
    assert not [n for n in names if "/site-packages/client/" in n or "/accessibility/" in n]
    # Speech recognition runs in the client; the server mixes voice rooms (numpy, PyAV).
    assert not [n for n in names if "vosk" in n or "PySide6" in n]
    assert [n for n in names if "/site-packages/aiortc/" in n]
    assert [n for n in names if n.endswith(".pyc")]  # byte-compiled at build time


def test_the_unit_verifies_and_is_hardened(unpacked: Path, tmp_path: Path) -> None:
    unit = (unpacked / "lib/systemd/system/yoriai-server.service").read_text()
    for option in (
        "User=yoriai",
        "StateDirectory=yoriai",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "ProtectHome=yes",
        "CapabilityBoundingSet=\n",
        "ExecStart=/opt/yoriai-server/bin/yoriai-server serve --config /etc/yoriai/server.toml",
    ):
        assert option in unit, option
    # systemd checks the command exists: point it at the unpacked tree for the check.
    local = tmp_path / "yoriai-server.service"
    local.write_text(
        unit.replace("/opt/yoriai-server/", f"{unpacked}/opt/yoriai-server/"), encoding="utf-8"
    )
    verify = sh("systemd-analyze", "verify", local, check=False)
    assert verify.returncode == 0 and verify.stdout + verify.stderr == "", verify.stderr
    security = sh("systemd-analyze", "security", "--offline=true", local, check=False)
    exposure = re.search(r"Overall exposure level for \S+: ([\d.]+) (\w+)", security.stdout)
    assert exposure is not None, security.stdout + security.stderr
    assert float(exposure.group(1)) <= 2.0, exposure.group(0)


async def test_the_packaged_server_runs_from_the_unpacked_tree(
    unpacked: Path, tmp_path: Path
) -> None:
    exe = unpacked / "opt/yoriai-server/bin/yoriai-server"
    db = tmp_path / "office.db"
    assert "yoriai-demo" in sh(exe, "--db", db, "init", "--demo").stdout
    check = sh(exe, "--config", unpacked / "etc/yoriai/server.toml", "config", "check").stdout
    assert 'db_path = "/var/lib/yoriai/yoriai.db"' in check and 'host = "127.0.0.1"' in check
    port = free_port()
    # Not the system's interpreter path for the packages: only what the .deb carries.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.Popen(
        [exe, "--db", db, "serve", "--port", str(port), "--log-level", "WARNING"],
        env=env,
        cwd=tmp_path,
    )
    try:
        assert wait_healthy(f"http://127.0.0.1:{port}")["status"] == "ok"
        session = Session(f"ws://127.0.0.1:{port}", username="yui", password=DEMO_PASSWORD)
        await session.connect()
        assert session.status is Status.ONLINE
        await session.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


@pytest.fixture
def real_install(deb: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("installing a .deb for real needs root (CI runs as root)")
    if sh("dpkg", "-s", "yoriai-server", check=False).returncode == 0:
        pytest.skip("yoriai-server is really installed here: not touching it")
    try:
        yield deb
    finally:
        sh("dpkg", "--purge", "yoriai-server", check=False)


async def test_dpkg_install_serve_remove_and_purge(real_install: Path, tmp_path: Path) -> None:
    out = sh("dpkg", "-i", real_install)
    assert "Setting up yoriai-server" in out.stdout
    assert sh("id", "-u", "yoriai").stdout.strip().isdigit()
    state = Path("/var/lib/yoriai")
    assert state.stat().st_uid == int(sh("id", "-u", "yoriai").stdout)
    assert oct(state.stat().st_mode & 0o777) == "0o750"
    config = Path("/etc/yoriai/server.toml")
    assert oct(config.stat().st_mode & 0o777) == "0o640"
    db = state / "yoriai.db"
    assert oct(db.stat().st_mode & 0o777) == "0o600"  # made by postinst as the service user
    assert db.stat().st_uid == state.stat().st_uid
    verify = sh(
        "systemd-analyze", "verify", "/lib/systemd/system/yoriai-server.service", check=False
    )
    assert verify.returncode == 0 and verify.stdout + verify.stderr == "", verify.stderr

    # The packaged command works on the service's database without flags, as root.
    users = tmp_path / "staff.csv"
    users.write_text("username,display_name,team\nhana,山田 花子,経理\n", encoding="utf-8")
    imported = sh("yoriai-server", "user", "import", users, "--passwords-out", tmp_path / "pw.csv")
    assert "imported 1 people" in imported.stdout
    assert "hana\tmember\t経理" in sh("yoriai-server", "user", "list").stdout

    # The service's command line, as the service's user (no systemd in this container).
    port = free_port()
    proc = subprocess.Popen(
        ["runuser", "-u", "yoriai", "--", "/opt/yoriai-server/bin/yoriai-server", "serve",
         "--config", "/etc/yoriai/server.toml", "--port", str(port)],
    )  # fmt: skip
    try:
        assert wait_healthy(f"http://127.0.0.1:{port}")["status"] == "ok"
        backup = sh("yoriai-server", "backup", tmp_path / "b.db")
        assert "1 people" in backup.stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    for path in state.iterdir():
        assert path.stat().st_uid == state.stat().st_uid, f"{path} is not the service's"

    sh("dpkg", "-r", "yoriai-server")
    assert not Path("/opt/yoriai-server").exists() and not Path("/usr/bin/yoriai-server").exists()
    assert config.exists() and db.exists()  # remove keeps settings and data
    sh("dpkg", "--purge", "yoriai-server")
    for gone in (config, state, Path("/etc/yoriai"), Path("/opt/yoriai-server")):
        assert not gone.exists(), gone
    assert sh("id", "yoriai", check=False).returncode != 0
    assert sh("dpkg", "-s", "yoriai-server", check=False).returncode != 0
    assert shutil.which("yoriai-server") in (None, str(ROOT / ".venv/bin/yoriai-server"))
