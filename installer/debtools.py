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


COMPRESSIONS = ("xz", "zstd")


def build_deb(stage: Path, out_dir: Path, name: str, compression: str = "xz") -> Path:
    """dpkg-deb --build. xz is smallest (as Debian's own packages); zstd builds ~70x
    faster here at 1.4x the size, for test builds (dpkg reads it since Debian 12)."""
    need("dpkg-deb", "dpkg")
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / name
    # Every file root's, whatever the builder's user.
    run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", stage, deb])
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


SYSTEM_PYTHON = Path("/usr/bin/python3")


def system_python() -> tuple[int, int]:
    """Debian's python3, which a packaged venv runs on, and its version."""
    if not SYSTEM_PYTHON.exists():
        raise SystemExit(f"{SYSTEM_PYTHON} not found: apt-get install python3")
    out = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import sys; print(*sys.version_info[:2])"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    major, minor = (int(v) for v in out.stdout.split())
    if (major, minor) < (3, 11):
        raise SystemExit(f"{SYSTEM_PYTHON} is {major}.{minor}; Yoriai needs 3.11 or newer")
    return major, minor


def python_depends(major: int, minor: int) -> str:
    # The venv's compiled wheels are built for this Python minor version.
    return f"python3 (>= {major}.{minor}), python3 (<< {major}.{minor + 1})"


def build_venv(
    uv: Path,
    venv: Path,
    work: Path,
    *,
    requirements: Sequence[str] | None,
    extras: Sequence[str] = (),
    drop_packages: Sequence[str] = (),
    drop_scripts: Sequence[str] = (),
) -> None:
    """A relocatable venv at `venv` on Debian's python3 with Yoriai's wheel in it.

    `requirements`: the distributions to install (versions from uv.lock); None: all of
    the project's runtime dependencies (with `extras`). Relocatable: its scripts find
    their python relative to themselves, so a venv built in a staging folder works once
    installed under /opt.
    """
    run([uv, "build", "--wheel", "--out-dir", work / "wheel", ROOT], cwd=ROOT)
    [wheel] = list((work / "wheel").glob("yoriai-*.whl"))
    export = [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project"]
    export += [arg for extra in extras for arg in ("--extra", extra)]
    if requirements is not None:
        export.append("--all-extras")  # constraints only: pins whatever is asked for
    pins = work / "requirements.txt"
    pins.write_text(run(export, cwd=ROOT, capture_output=True).stdout, encoding="utf-8")
    run([uv, "venv", "--relocatable", "--python", SYSTEM_PYTHON, "--no-project", venv])
    common = [uv, "pip", "install", "--python", venv / "bin/python", "--compile-bytecode"]
    if requirements is None:
        run([*common, "--requirements", pins])
    else:
        run([*common, "--constraint", pins, *requirements])
    run([*common, "--no-deps", wheel])
    site = next((venv / "lib").glob("python3.*/site-packages"))
    for package in drop_packages:
        shutil.rmtree(site / package)
    for script in drop_scripts:
        (venv / "bin" / script).unlink()
    # uv's bookkeeping and other shells' activation scripts have no place in a package.
    for name in (".gitignore", ".lock", "CACHEDIR.TAG"):
        (venv / name).unlink(missing_ok=True)
    for path in venv.glob("bin/*"):
        if path.suffix in (".bat", ".ps1", ".nu", ".xsh", ".fish") or path.name in (
            "activate_this.py",
        ):
            path.unlink()
