"""The desktop client's .deb (installer/build_client_deb.py), built from what the client
package holds today: control fields, desktop entry and icons, the self-test and the
policy tool run from the unpacked tree, and a real install and purge with apt."""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.policy import load_policy, parse_policy

from .support import ROOT, sh


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # zstd: the same package, built in about a second instead of a minute and a half.
    built = sh(
        sys.executable, ROOT / "installer/build_client_deb.py", "--out", out,
        "--compression", "zstd",
    )  # fmt: skip
    figures = json.loads(built.stdout.strip().splitlines()[-1])
    return Path(figures["deb"])


@pytest.fixture(scope="module")
def unpacked(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("root")
    sh("dpkg-deb", "-x", deb, root)
    return root


def test_control_declares_the_system_libraries(deb: Path) -> None:
    fields = dict(re.findall(r"^([\w-]+): (.*)$", sh("dpkg-deb", "--field", deb).stdout, re.M))
    assert fields["Package"] == "yoriai"
    depends = fields["Depends"]
    for lib in ("libportaudio2", "espeak-ng", "libegl1", "libxcb-cursor0", "libxkbcommon-x11-0"):
        assert lib in depends, lib
    assert "python3 (>= 3.11)" in depends
    assert "at-spi2-core" in fields["Recommends"] and "fonts-noto-cjk" in fields["Recommends"]


def test_desktop_entry_icons_commands_and_policy_template(unpacked: Path) -> None:
    desktop = unpacked / "usr/share/applications/yoriai.desktop"
    sh("desktop-file-validate", desktop)
    text = desktop.read_text(encoding="utf-8")
    assert "Exec=yoriai\n" in text and "Icon=yoriai\n" in text and "Name[ja]=寄り合い" in text
    assert (unpacked / "usr/share/icons/hicolor/scalable/apps/yoriai.svg").is_file()
    png = (unpacked / "usr/share/icons/hicolor/256x256/apps/yoriai.png").read_bytes()
    assert png.startswith(b"\x89PNG") and png[16:24] == (256).to_bytes(4, "big") * 2
    for name in ("yoriai", "yoriai-policy", "yoriai-models"):
        wrapper = unpacked / "usr/bin" / name
        assert os.access(wrapper, os.X_OK) and f"/opt/yoriai/bin/{name}" in wrapper.read_text()
    template = unpacked / "usr/share/doc/yoriai/policy.toml.example"
    assert parse_policy(tomllib.loads(template.read_text(encoding="utf-8"))).locked
    site = next((unpacked / "opt/yoriai/lib").glob("python3.*/site-packages"))
    assert (site / "client").is_dir() and (site / "accessibility").is_dir()
    assert not (site / "server").exists()  # the desktop never runs the server
    assert (site / "assets/icons/yoriai.ico").is_file()


def test_the_self_test_and_policy_tool_run_from_the_package(unpacked: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.pop("DISPLAY", None)
    env["YORIAI_POLICY"] = str(tmp_path / "policy.toml")
    bindir = unpacked / "opt/yoriai/bin"
    written = sh(bindir / "yoriai-policy", "write", "--server-url", "wss://office.lan:8765",
                 "--locked", "server_url", env=env)  # fmt: skip
    assert "wrote" in written.stdout
    assert load_policy(tmp_path / "policy.toml").settings["server_url"] == "wss://office.lan:8765"

    out = sh(bindir / "yoriai", "--self-test", "--json", env=env, check=False)
    checks = {c["name"]: c for c in json.loads(out.stdout)}
    assert checks["policy"]["status"] == "PASS" and "locks server_url" in checks["policy"]["detail"]
    assert "vosk" in checks["speech-to-text"]["detail"].split(";")[0]
    assert checks["assets"]["status"] in ("PASS", "WARN")
    site = next((unpacked / "opt/yoriai/lib").glob("python3.*/site-packages"))
    for name, package in (("qt", "PySide6"), ("audio", "sounddevice"), ("keyring", "keyring")):
        # A package is a folder (PySide6) or a single module file (sounddevice.py).
        if (site / package).is_dir() or (site / f"{package}.py").is_file():
            assert checks[name]["status"] in ("PASS", "WARN"), checks[name]
        else:  # not a dependency of the client yet: the self-test says what is missing
            assert checks[name]["status"] == "FAIL" and package in checks[name]["detail"]
    assert out.returncode == (1 if any(c["status"] == "FAIL" for c in checks.values()) else 0)


@pytest.fixture
def real_install(deb: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("installing a .deb for real needs root (CI runs as root)")
    if sh("dpkg", "-s", "yoriai", check=False).returncode == 0:
        pytest.skip("yoriai is really installed here: not touching it")
    try:
        yield deb
    finally:
        sh("dpkg", "--purge", "yoriai", check=False)


def test_apt_installs_it_with_its_dependencies_and_purge_removes_it(real_install: Path) -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = sh("apt-get", "install", "-y", "--no-install-recommends", real_install,
                 env=env, check=False)  # fmt: skip
    if install.returncode != 0 and "Unable to locate" in install.stderr + install.stdout:
        sh("apt-get", "update", "-qq", env=env)
        install = sh("apt-get", "install", "-y", "--no-install-recommends", real_install,
                     env=env, check=False)  # fmt: skip
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    assert sh("dpkg", "-s", "yoriai").stdout.count("Status: install ok installed") == 1
    out = sh("/usr/bin/yoriai", "--self-test", check=False, env={"PATH": "/usr/bin:/bin"})
    assert "PASS policy" in out.stdout and "speech-to-text" in out.stdout
    sh("dpkg", "--purge", "yoriai")
    for gone in ("/opt/yoriai", "/usr/bin/yoriai", "/usr/share/applications/yoriai.desktop",
                 "/usr/share/icons/hicolor/scalable/apps/yoriai.svg"):  # fmt: skip
        assert not Path(gone).exists(), gone
