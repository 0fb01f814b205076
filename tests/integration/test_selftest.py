"""`yoriai --self-test` (client/selftest.py) on this machine: real engines, real policy
files, and the Qt, audio and keyring checks against whatever this environment has."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from client import selftest
from client.selftest import Check, Status, run_checks

from .support import ROOT


def self_test(*args: str, policy: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    if policy is not None:
        env["YORIAI_POLICY"] = str(policy)
    return subprocess.run(
        [sys.executable, "-m", "client.selftest", *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
    )  # fmt: skip


def by_name(out: str) -> dict[str, dict[str, str]]:
    return {c["name"]: c for c in json.loads(out)}


def test_the_report_on_this_machine(tmp_path: Path) -> None:
    out = self_test("--json", policy=tmp_path / "none.toml")
    checks = by_name(out.stdout)
    assert set(checks) == {
        "policy", "qt", "audio", "keyring", "speech-to-text", "text-to-speech",
        "engines in force", "assets",
    }  # fmt: skip
    assert checks["policy"]["status"] == "PASS" and "none at" in checks["policy"]["detail"]
    stt = checks["speech-to-text"]
    assert stt["status"] in ("PASS", "WARN") and "vosk" in stt["detail"].split(";")[0]
    assert "espeak-ng" in checks["text-to-speech"]["detail"].split(";")[0]
    assert checks["engines in force"]["detail"].startswith("stt_engine vosk")
    assert checks["assets"]["status"] in ("PASS", "WARN")
    # The desktop client's libraries: checked for real when present, named when not.
    for name, module in (("qt", "PySide6"), ("audio", "sounddevice"), ("keyring", "keyring")):
        if importlib.util.find_spec(module) is None:
            assert checks[name]["status"] == "FAIL" and module in checks[name]["detail"]
        else:
            assert checks[name]["status"] in ("PASS", "WARN"), checks[name]
    if importlib.util.find_spec("PySide6") is not None:
        assert "platform offscreen" in checks["qt"]["detail"]
    failed = any(c["status"] == "FAIL" for c in checks.values())
    assert out.returncode == (1 if failed else 0)


def test_text_report_for_people_and_logs(tmp_path: Path) -> None:
    out = self_test("--output", str(tmp_path / "report.txt"), policy=tmp_path / "none.toml")
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == out.stdout
    lines = out.stdout.splitlines()
    assert lines[0].startswith("PASS policy: none at")
    assert all(line.split()[0] in ("PASS", "WARN", "FAIL") for line in lines[:-1])
    assert lines[-1].startswith("self-test ")


def test_a_broken_policy_fails_the_self_test_and_names_the_file(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('locked = ["sever_url"]\n', encoding="utf-8")
    out = self_test("--json", policy=policy)
    checks = by_name(out.stdout)
    assert out.returncode == 1
    assert checks["policy"]["status"] == "FAIL"
    assert f"{policy}: locked: no setting 'sever_url'" in checks["policy"]["detail"]
    assert checks["engines in force"]["status"] == "FAIL"


def test_a_policy_that_allows_no_installed_speech_engine_fails(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[engines]\nspeech_to_text = ["org-asr"]\n', encoding="utf-8")
    checks = by_name(self_test("--json", policy=policy).stdout)
    assert checks["engines in force"]["status"] == "FAIL"
    assert "stt_engine none (managed)" in checks["engines in force"]["detail"]


def test_missing_assets_fail(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(selftest, "assets_dir", lambda: tmp_path)
    [result] = run_checks([selftest.check_assets])
    assert result.status is Status.FAIL
    assert "missing yoriai.svg, yoriai.png, yoriai.ico" in result.detail
    (tmp_path / "icons").mkdir()
    for name in ("yoriai.svg", "yoriai.png", "yoriai.ico"):
        (tmp_path / "icons" / name).write_bytes(b"x")
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "yoriai_ja.qm").write_bytes(b"x")
    [result] = run_checks([selftest.check_assets])
    assert result.status is Status.PASS and "translations yoriai_ja" in result.detail


def test_a_check_that_crashes_is_a_failure_not_a_crash() -> None:
    def check_boom() -> Check:
        raise RuntimeError("the sound server vanished")

    [result] = run_checks([check_boom])
    assert result == Check("boom", Status.FAIL, "RuntimeError: the sound server vanished")
