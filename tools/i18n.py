"""Rebuild the UI translations: lupdate the sources, fill Japanese, lrelease to .qm.

python tools/i18n.py          # update .ts and .qm
python tools/i18n.py --check  # fail if a string lacks Japanese or a .qm is stale
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from ja_glossary import JA  # noqa: E402

I18N = ROOT / "assets" / "i18n"
SOURCES = sorted(str(p) for p in (ROOT / "client").rglob("*.py"))


def _tool(name: str) -> str:
    path = Path(sys.executable).with_name(f"pyside6-{name}")
    return str(path) if path.exists() else f"pyside6-{name}"


def update(folder: Path) -> list[str]:
    """Write yoriai_ja.ts and yoriai_en.ts into `folder`; returns untranslated strings."""
    missing: list[str] = []
    for lang in ("ja", "en"):
        ts = folder / f"yoriai_{lang}.ts"
        if folder != I18N and (I18N / ts.name).exists():
            shutil.copy(I18N / ts.name, ts)
        subprocess.run(  # noqa: S603 (the PySide6 tool next to this interpreter)
            [_tool("lupdate"), *SOURCES, "-ts", str(ts), "-no-obsolete", "-locations", "none"],
            check=True,
            capture_output=True,
        )
        tree = ET.parse(ts)  # noqa: S314 (our own file, just written by lupdate)
        root = tree.getroot()
        root.set("language", "ja_JP" if lang == "ja" else "en_US")
        for message in root.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            assert translation is not None
            text = source if lang == "en" else JA.get(source)
            if text is None:
                missing.append(source)
                continue
            translation.text = text
            translation.attrib.pop("type", None)
        tree.write(ts, encoding="utf-8", xml_declaration=True)
        subprocess.run(  # noqa: S603
            [_tool("lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
            check=True,
            capture_output=True,
        )
    return missing


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--check", action="store_true")
    args = p.parse_args()
    if not args.check:
        missing = update(I18N)
        for text in missing:
            print(f"no Japanese for: {text!r}", file=sys.stderr)
        return 1 if missing else 0
    with tempfile.TemporaryDirectory() as tmp:
        missing = update(Path(tmp))
        stale = [
            name
            for name in ("yoriai_ja.ts", "yoriai_en.ts", "yoriai_ja.qm", "yoriai_en.qm")
            if (Path(tmp) / name).read_bytes() != (I18N / name).read_bytes()
        ]
    for text in missing:
        print(f"no Japanese for: {text!r}", file=sys.stderr)
    for name in stale:
        print(f"{name} is stale: run ./dev i18n", file=sys.stderr)
    return 1 if missing or stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
