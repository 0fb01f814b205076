"""What the .deb builders share: finding uv, the project's version, the control file,
and dpkg-deb. Standard library only, so the builders run with any Python 3.11."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAINTAINER = "Yoriai maintainers <yoriai@localhost>"
HOMEPAGE_NOTE = "Self-hosted; makes no outbound connections."


def run(cmd: Sequence[str | Path], **kw: object) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, text=True, **kw)  # type: ignore[call-overload]


def find_uv() -> Path:
    """uv from $UV, PATH, or the ./dev bootstrap, in that order."""
    candidates = [os.environ.get("UV"), shutil.which("uv")]
    candidates.append(str(ROOT / ".bootstrap/bin/uv"))
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return Path(c).resolve()
    raise SystemExit("uv not found: run ./dev test once, or set $UV")


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise SystemExit(f"{tool} not found: apt-get install {package}")
    return path


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        version: str = tomllib.load(f)["project"]["version"]
    return version


def architecture() -> str:
    out = subprocess.run(
        ["dpkg", "--print-architecture"], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def installed_size_kib(root: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(root):
        if Path(dirpath).name == "DEBIAN" and Path(dirpath).parent == root:
            continue
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return (total + 1023) // 1024


def write_control(stage: Path, fields: dict[str, str], description: str) -> None:
    debian = stage / "DEBIAN"
    debian.mkdir(parents=True, exist_ok=True)
    fields = {**fields, "Installed-Size": str(installed_size_kib(stage))}
    lines = [f"{key}: {value}" for key, value in fields.items()]
    summary, *body = description.strip().splitlines()
    lines.append(f"Description: {summary}")
    lines += [f" {line}" if line.strip() else " ." for line in body]
    (debian / "control").write_text("\n".join(lines) + "\n", encoding="utf-8")


def install_file(src: Path, dest: Path, mode: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


def build_deb(stage: Path, out_dir: Path, name: str) -> Path:
    need("dpkg-deb", "dpkg")
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / name
    # Every file root's, whatever the builder's user; xz as Debian's own packages.
    run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", stage, deb])
    return deb


def normalise_tree(stage: Path) -> None:
    """Directories 0755, files 0644 unless executable (then 0755): what dpkg expects."""
    for dirpath, dirs, files in os.walk(stage):
        for d in dirs:
            (Path(dirpath) / d).chmod(0o755)
        for f in files:
            path = Path(dirpath) / f
            if path.is_symlink():
                continue
            path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)
