"""A real browser joins as a guest: headless Chromium opens the invitation link, hears
a member's tone, and the member hears the browser's microphone. Bad links are refused
on the page itself. The scenario (browser_guest.py) runs in its own network namespace
with only loopback, so no ICE candidate can name another address."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.integration.support import ROOT
from tests.voice.browser_guest import BROWSER_HZ, MEMBER_HZ
from tests.voice.support import ABSENT_BELOW_DB, HEARD_DB


def run_scenario(work: Path) -> dict[str, object]:
    done = subprocess.run(
        ["unshare", "--net", "--", sys.executable, "-m", "tests.voice.browser_guest", str(work)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert done.returncode == 0, f"browser scenario failed:\n{done.stderr[-4000:]}"
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def judge(levels: dict[str, float], present: float, absent: float, who: str) -> None:
    assert levels[str(present)] > HEARD_DB, f"{who} does not hear {present:.0f} Hz: {levels}"
    assert levels[str(absent)] < levels[str(present)] - ABSENT_BELOW_DB, (
        f"{who} hears {absent:.0f} Hz: {levels}"
    )


def test_a_browser_guest_talks_with_a_member_and_bad_links_are_refused(tmp_path: Path) -> None:
    result = run_scenario(tmp_path)
    assert result["status"] == "Audio connected."
    # Each side hears the other and not itself (the server mixes everyone but you).
    judge(result["browser_hears_db"], MEMBER_HZ, BROWSER_HZ, "the browser")  # type: ignore[arg-type]
    judge(result["member_hears_db"], BROWSER_HZ, MEMBER_HZ, "the member")  # type: ignore[arg-type]
    addresses = result["addresses"]
    assert isinstance(addresses, list) and addresses
    assert all(a.endswith(" 127.0.0.1") for a in addresses), addresses
    assert result["expired"] == {
        "text": "this invitation has expired: ask the person who invited you for a new link",
        "role": "alert",
        "code": "invite_expired",
        "join": False,  # no form to sign in with
    }
    assert result["forged"] == {
        "text": "this invitation link is not valid: ask the person who invited you for a new one",
        "role": "alert",
        "code": "invite_invalid",
        "join": False,
    }
