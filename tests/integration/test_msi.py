"""The WiX source builds with Debian's wixl (installer/windows/wixl_check.py), and the MSI
says what a silent per-machine install needs: the payload, the Start-menu entry, major
upgrades, and the custom action that writes the policy from SERVER_URL, LANGUAGE, ...
which, formatted as msiexec would, makes yoriai-policy write the policy the client reads."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from client.policy import Settings, load_policy
from client.policy_tool import main as policy_tool

from .support import ROOT


def table(msi: Path, name: str) -> list[dict[str, str]]:
    out = subprocess.run(
        ["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    header = out[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in out[3:]]


@pytest.fixture(scope="module")
def msi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("msi")
    built = subprocess.run(
        [sys.executable, ROOT / "installer/windows/wixl_check.py", "--out", out],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    figures = json.loads(built.stdout.splitlines()[-1])
    assert figures["bytes"] > 10_000
    return Path(figures["msi"])


def test_a_per_machine_x64_package_with_the_payload(msi: Path) -> None:
    info = subprocess.run(["msiinfo", "suminfo", str(msi)], capture_output=True, text=True).stdout
    assert "Template: x64;1033" in info
    props = {r["Property"]: r["Value"] for r in table(msi, "Property")}
    assert props["ALLUSERS"] == "1"  # per machine
    assert props["ProductName"] == "Yoriai" and props["LOCKED"] == "server_url"
    assert props["UpgradeCode"].lower() == "{693169f8-cf80-4589-bb3d-d365bae1a50c}"
    files = {r["FileName"] for r in table(msi, "File")}
    assert {"yoriai.exe", "yoriai-policy.exe", "yoriai.ico", "yoriai.png"} <= files
    assert {"base_library.zip", "python311.dll"} <= files
    dirs = {r["Directory"]: r for r in table(msi, "Directory")}
    assert dirs["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    assert dirs["POLICYDIR"]["Directory_Parent"] == "CommonAppDataFolder"
    assert dirs["POLICYDIR"]["DefaultDir"] == "Yoriai"
    [shortcut] = table(msi, "Shortcut")
    assert shortcut["Directory_"] == "ProgramMenuFolder"
    assert shortcut["Target"] == "[INSTALLDIR]yoriai.exe" and shortcut["Name"] == "Yoriai"
    upgrades = table(msi, "Upgrade")
    assert {u["ActionProperty"] for u in upgrades} == {
        "WIX_UPGRADE_DETECTED",
        "WIX_DOWNGRADE_DETECTED",
    }


def test_the_policy_is_written_by_a_deferred_elevated_action_after_the_files(msi: Path) -> None:
    [action] = table(msi, "CustomAction")
    assert action["Action"] == "WritePolicy" and action["Source"] == "PolicyToolExe"
    kind = int(action["Type"])
    assert kind & 0x3F == 18  # an .exe installed by this package
    assert kind & 0x400 and kind & 0x800  # deferred, not impersonated: elevated
    assert len(action["Target"]) <= 255  # the column's width
    sequence = {r["Action"]: r for r in table(msi, "InstallExecuteSequence")}
    assert int(sequence["WritePolicy"]["Sequence"]) > int(sequence["InstallFiles"]["Sequence"])
    condition = sequence["WritePolicy"]["Condition"]
    assert 'NOT (REMOVE~="ALL")' in condition
    for prop in ("SERVER_URL", "LANGUAGE", "TRANSCRIPTS_ALLOWED", "POLICY_SOURCE"):
        assert prop in condition and f"[{prop}]" in action["Target"]


def msiexec_format(target: str, properties: dict[str, str]) -> list[str]:
    """The action's command line as msiexec formats it: [PROP] -> value, unset -> ''."""
    line = re.sub(r"\[(\w+)\]", lambda m: properties.get(m.group(1), ""), target)
    return shlex.split(line)


def test_a_silent_install_command_line_writes_the_policy(msi: Path, tmp_path: Path) -> None:
    [action] = table(msi, "CustomAction")
    program_data = tmp_path / "ProgramData" / "Yoriai"
    # msiexec /i yoriai.msi /qn SERVER_URL=wss://yoriai.city.lan:8765 LANGUAGE=en
    properties = {
        "POLICYDIR": str(program_data) + "/",
        "SERVER_URL": "wss://yoriai.city.lan:8765",
        "LANGUAGE": "en",
        "LOCKED": "server_url",  # the MSI's default
    }
    assert policy_tool(msiexec_format(action["Target"], properties)) == 0
    policy = load_policy(program_data / "policy.toml")
    assert policy.settings == {"server_url": "wss://yoriai.city.lan:8765", "language": "en"}
    settings = Settings(policy, {"server_url": "ws://typo:1"})
    assert settings.get("server_url") == "wss://yoriai.city.lan:8765"
    assert settings.managed("server_url") and not settings.managed("language")

    # A bad property fails the action (Return="check" fails the install), writing nothing.
    (program_data / "policy.toml").unlink()
    properties["LANGUAGE"] = "english"
    assert policy_tool(msiexec_format(action["Target"], properties)) == 2
    assert not (program_data / "policy.toml").exists()
