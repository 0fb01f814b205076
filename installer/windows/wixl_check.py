"""Check the WiX source on Linux: build an MSI from installer/windows/yoriai.wxs with
Debian's wixl (apt-get install wixl msitools), around a placeholder payload.

    python installer/windows/wixl_check.py [--out DIR] [--payload DIR]

The MSI it makes is for validation only: its yoriai.exe is a placeholder. The real
payload is a PyInstaller bundle built on Windows (installer/windows/build.ps1). With
--payload, a real one-folder bundle is listed instead of the placeholder.
Prints the MSI's path, then a JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))

from debtools import project_version  # noqa: E402

# Stand-ins for what PyInstaller puts in the one-folder bundle (see installer/yoriai.spec).
PLACEHOLDER = {
    "yoriai.exe": b"placeholder: the real yoriai.exe is built on Windows\n",
    "yoriai-policy.exe": b"placeholder: the real yoriai-policy.exe is built on Windows\n",
    "_internal/base_library.zip": b"placeholder\n",
    "_internal/python311.dll": b"placeholder\n",
}


def make_placeholder(payload: Path) -> None:
    for name, data in PLACEHOLDER.items():
        path = payload / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for asset in (ROOT / "assets").rglob("*"):
        if asset.is_file():
            dest = payload / "_internal" / "assets" / asset.relative_to(ROOT / "assets")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset, dest)


def harvest(payload: Path, fragment: Path) -> None:
    """List the payload (all but the two executables the .wxs names) as ComponentGroup Payload."""
    files = sorted(
        "./" + p.relative_to(payload).as_posix()
        for p in payload.rglob("*")
        if p.is_file() and p.relative_to(payload).as_posix() not in PLACEHOLDER_EXES
    )
    out = subprocess.run(
        ["wixl-heat", "--var", "var.PayloadDir", "--directory-ref", "INSTALLDIR",
         "--component-group", "Payload", "-p", "./", "--win64"],
        input="\n".join(files) + "\n", capture_output=True, text=True, check=True,
    )  # fmt: skip
    fragment.write_text(out.stdout, encoding="utf-8")


PLACEHOLDER_EXES = ("yoriai.exe", "yoriai-policy.exe")


def build(out: Path, payload: Path | None = None) -> tuple[Path, float]:
    for tool, package in (("wixl", "wixl"), ("wixl-heat", "wixl"), ("msiinfo", "msitools")):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install {package}")
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    if payload is None:
        payload = out / "payload"
        make_placeholder(payload)
    fragment = out / "payload.wxs"
    harvest(payload, fragment)
    msi = out / "yoriai.msi"
    subprocess.run(
        ["wixl", "-a", "x64", "-D", f"Version={project_version()}", "-D", "Toolset=wixl",
         "-D", "Win64=yes", "-D", f"PayloadDir={payload.relative_to(out)}",
         "-o", msi.name, str(HERE / "yoriai.wxs"), fragment.name],
        cwd=out, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return msi, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "msi-check")
    parser.add_argument("--payload", type=Path)
    args = parser.parse_args()
    payload = args.payload.resolve() if args.payload else None
    if payload is not None and not payload.is_relative_to(args.out.resolve()):
        # wixl resolves sources relative to where it runs: copy the bundle beside it.
        shutil.copytree(payload, args.out / "payload", dirs_exist_ok=True)
        payload = args.out.resolve() / "payload"
    msi, seconds = build(args.out.resolve(), payload)
    print(msi)
    print(json.dumps({"msi": str(msi), "bytes": msi.stat().st_size, "build_s": round(seconds, 2)}))


if __name__ == "__main__":
    main()
