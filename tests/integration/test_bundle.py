"""The PyInstaller one-folder bundle (installer/yoriai.spec), built here as CI builds it:
it runs `yoriai --self-test` and `yoriai-policy` with nothing but what it carries."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

from client.policy import load_policy

from .support import ROOT, sh


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("pyinstaller")
    env = {k: v for k, v in os.environ.items() if k != "YORIAI_BUNDLE_WHISPER"}
    sh(sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
       "--distpath", work / "dist", "--workpath", work / "build", ROOT / "installer/yoriai.spec",
       cwd=ROOT, env=env)  # fmt: skip
    return work / "dist" / "yoriai"


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.pop("DISPLAY", None)
    env["YORIAI_POLICY"] = str(tmp_path / "policy.toml")
    return env


def test_the_bundle_holds_both_programs_and_the_assets(bundle: Path) -> None:
    exe = ".exe" if sys.platform == "win32" else ""
    assert os.access(bundle / f"yoriai{exe}", os.X_OK)
    assert os.access(bundle / f"yoriai-policy{exe}", os.X_OK)
    for name in ("yoriai.svg", "yoriai.png", "yoriai.ico"):
        assert (bundle / "_internal/assets/icons" / name).is_file()
    # Entry points are how engines are found: the package metadata must be inside.
    assert list((bundle / "_internal").glob("yoriai-*.dist-info/entry_points.txt"))
    assert not (bundle / "_internal" / "faster_whisper").exists()  # optional, left out


def test_the_bundled_self_test_and_policy_tool(bundle: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    sh(bundle / "yoriai-policy", "write", "-u", "wss://office.lan:8765", "-l", "ko",
       "-k", "server_url", env=env)  # fmt: skip
    assert load_policy(tmp_path / "policy.toml").settings["language"] == "ko"

    out = sh(bundle / "yoriai", "--self-test", "--json", "--output", tmp_path / "r.json",
             env=env, check=False)  # fmt: skip
    checks = {c["name"]: c for c in json.loads((tmp_path / "r.json").read_text())}
    assert checks["policy"]["status"] == "PASS"
    assert "locks server_url" in checks["policy"]["detail"]
    assert "vosk" in checks["speech-to-text"]["detail"].split(";")[0]
    assert "espeak-ng" in checks["text-to-speech"]["detail"].split(";")[0]
    assert checks["engines in force"]["status"] == "PASS"
    assert "_internal" in checks["assets"]["detail"] and checks["assets"]["status"] != "FAIL"
    # What the build environment had is what the bundle has.
    for name, module in (("qt", "PySide6"), ("audio", "sounddevice"), ("keyring", "keyring")):
        if importlib.util.find_spec(module) is None:
            assert checks[name]["status"] == "FAIL" and module in checks[name]["detail"]
        else:
            assert checks[name]["status"] in ("PASS", "WARN"), checks[name]
    assert out.returncode == (1 if any(c["status"] == "FAIL" for c in checks.values()) else 0)

    app = sh(bundle / "yoriai", env=env, check=False)
    assert app.returncode == 2 or importlib.util.find_spec("client.app") is not None
