"""What a screen reader sees: the app under Xvfb, read through AT-SPI from another process.

The app runs in its own process with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1; a reader run
with Debian's python3 (pyatspi is not on PyPI) signs in by typing into the sign-in
window's fields (AT-SPI EditableText) and pressing "Sign in", walks the main window's
accessible tree, checks every focusable control, then joins a room the way a screen
reader user does: it selects the room's row with the row's AT-SPI action and presses
the "Join room" button's action.
The server (in this process) must then hold the person in that room, and the app's
announcement of the move must arrive on the AT-SPI bus (`object:announcement`).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path

from tests.integration.support import Office

HARNESS = Path(__file__).resolve().parent / "atspi" / "harness.py"
PROPER_ROLES = {"push button", "check box", "combo box", "text", "password text", "tree", "list"}


def check_controls(controls: list[dict[str, object]]) -> None:
    assert controls, "no focusable controls on the AT-SPI tree"
    for c in controls:
        name, role = str(c["name"]), str(c["role"])
        assert name.strip(), f"a {role} without a name"
        assert role in PROPER_ROLES, f"{name!r} has role {role!r}"
        if role == "combo box":
            # Qt names a combo box by its value on Linux; its label comes by relation.
            assert c["labelled_by"], f"combo box {name!r} has no label"


async def test_every_control_is_named_and_a_room_is_joined_through_atspi(office: Office) -> None:
    for tool in (
        "dbus-run-session",
        "Xvfb",
        "/usr/libexec/at-spi-bus-launcher",
        "/usr/bin/python3",
    ):
        assert shutil.which(tool), f"{tool} is missing: ./dev test installs it"
    proc = await asyncio.create_subprocess_exec(
        "dbus-run-session",
        "--",
        sys.executable,
        str(HARNESS),
        "--server",
        office.url,
        "--via-sign-in-window",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=150)
    lines = out.decode().strip().splitlines()
    assert proc.returncode == 0 and lines, err.decode()[-3000:]
    report = json.loads(lines[-1])
    assert "error" not in report, report

    # The sign-in window, filled in and submitted through AT-SPI alone.
    check_controls(report["sign_in_controls"])
    assert {(c["role"], c["name"]) for c in report["sign_in_controls"]} >= {
        ("text", "Server"),
        ("text", "User name"),
        ("password text", "Password"),
        ("check box", "Remember me on this computer"),
        ("push button", "Sign in"),
    }
    assert report["sign_in"]["signed_in"], report["sign_in"]
    assert report["window"] == "Yoriai — 高橋 結衣 (Yui Takahashi)"

    controls = report["controls"]
    check_controls(controls)
    by_name = {(c["role"], c["name"]) for c in controls}
    for expected in (
        ("tree", "Rooms"),
        ("tree", "People"),
        ("push button", "Join room"),
        ("push button", "Leave room"),
        ("push button", "Knock"),
        ("push button", "Call to my room"),
        ("text", "Status message"),
        ("text", "Chat message"),
        ("push button", "Send message"),
    ):
        assert expected in by_name, f"{expected} not on the AT-SPI tree"
    labels = {label for c in controls for label in c["labelled_by"]}
    assert {"Availability:", "Working from today:", "Team:", "Site:"} <= labels

    join = report["join"]
    assert join["joined"], join
    assert "Press" in join["button_actions"]
    state = office.server.office.state
    for _ in range(100):
        if state.room_of("yui") == "room-3":
            break
        await asyncio.sleep(0.05)
    assert state.room_of("yui") == "room-3"
    # The app's announcement reached the AT-SPI bus, where a screen reader speaks it.
    assert any(a.startswith("You are in 会議室 3 Room 3") for a in report["announcements"]), report[
        "announcements"
    ]
