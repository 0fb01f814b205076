"""`yoriai demo` on a machine without a display: it says so and serves the demo office."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_without_a_display_runs_the_server_and_says_how_to_connect(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["YORIAI_CONFIG_DIR"] = str(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "client.app", "demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        seen: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("Press Ctrl+C") and any("no display" in s for s in seen):
                break
        text = "".join(seen)
        assert "no display found (DISPLAY and WAYLAND_DISPLAY are unset)" in text, text
        match = re.search(r"yoriai --server (ws://127\.0\.0\.1:(\d+)) --user yui", text)
        assert match, text
        with urllib.request.urlopen(f"http://127.0.0.1:{match.group(2)}/healthz", timeout=5) as r:
            assert r.status == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
        # The demo server went with it.
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{match.group(2)}/healthz", timeout=2)
            raise AssertionError("the demo server is still running")
        except OSError:
            pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
