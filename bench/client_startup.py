"""Cold start of the desktop app until the office is painted, against a bare PySide6 window.

A server (its own process) holds an office of 200 people and 10 rooms, 40 of them
signed in and seated. Each run starts a fresh interpreter: the baseline opens a minimal
PySide6 window with a tree view and reports its first paint; the app signs in, loads the
snapshot, builds the rooms tree and people list, and reports the first paint of the
rooms list (`--report-painted`). Runs alternate; medians are reported. Then the app is
left idle and its resident memory read from /proc.

    python bench/client_startup.py [--runs 5]

The last line is JSON: startup_s, baseline_s, ratio (medians), idle_rss_mb, and the
same from the fastest runs (startup_min_s, baseline_min_s, ratio_min), which a machine
busy with other work disturbs least.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from client.demo import free_port  # noqa: E402
from client.session import Session  # noqa: E402
from rooms.people import Person  # noqa: E402
from rooms.room import Room  # noqa: E402
from server.passwords import hash_password  # noqa: E402
from server.storage import Store  # noqa: E402

T = TypeVar("T")
PASSWORD = "bench-password"
PEOPLE, ROOMS, SEATED = 200, 10, 40

BASELINE = r"""
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTreeView
app = QApplication(sys.argv[:1])
w = QMainWindow()
view = QTreeView()
model = QStandardItemModel()
model.appendRow(QStandardItem("room"))
view.setModel(model)
w.setCentralWidget(view)
class Watch(QObject):
    done = False
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            print(f"painted {time.monotonic() - t0:.4f}", flush=True)
        return False
watch = Watch()
view.viewport().installEventFilter(watch)
w.resize(1280, 760)
w.show()
app.exec()
"""


async def make_office(db: Path) -> None:
    store = await Store.open(db)
    digest = hash_password(PASSWORD)
    await store.add_people(
        (
            Person(id=f"p{n:03d}", display_name=f"社員 {n:03d} (Person {n})", team=f"team-{n % 8}"),
            digest,
        )
        for n in range(PEOPLE)
    )
    for n in range(ROOMS):
        await store.save_room(Room(id=f"room-{n + 1}", name=f"会議室 {n + 1}", capacity=30))
    await store.close()


async def seat_people(url: str) -> list[Session]:
    sessions = []
    for n in range(1, SEATED + 1):
        s = Session(url, username=f"p{n:03d}", password=PASSWORD)
        await s.connect()
        await s.join(f"room-{n % ROOMS + 1}")
        await s.set_presence(status_text=f"作業中 {n}")
        sessions.append(s)
    return sessions


def wait_painted(proc: subprocess.Popen[str], started: float, timeout: float = 60) -> float:
    assert proc.stdout is not None
    deadline = started + timeout
    for line in proc.stdout:
        if line.startswith("painted"):
            return time.monotonic() - started
        if time.monotonic() > deadline:
            break
    raise RuntimeError(f"no paint reported (exit code {proc.poll()})")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_baseline(env: dict[str, str]) -> tuple[float, float]:
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", BASELINE, str(started)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        took = wait_painted(proc, started)
        time.sleep(1.0)
        return took, rss_mb(proc.pid)
    finally:
        stop(proc)


def run_app(env: dict[str, str], url: str, idle_s: float) -> tuple[float, float]:
    started = time.monotonic()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "client.app",
            "--server",
            url,
            "--user",
            "p199",
            "--password-stdin",
            "--no-remember",
            "--report-painted",
        ],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdin is not None
        proc.stdin.write(PASSWORD + "\n")
        proc.stdin.close()
        took = wait_painted(proc, started)
        time.sleep(idle_s)
        return took, rss_mb(proc.pid)
    finally:
        stop(proc)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--idle", type=float, default=3.0, help="seconds idle before reading RSS")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="yoriai-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        asyncio.run(make_office(db))
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server.cli",
                "--db",
                str(db),
                "serve",
                "--port",
                str(port),
                "--log-level",
                "WARNING",
            ],
            cwd=ROOT,
        )
        url = f"ws://127.0.0.1:{port}"
        env = dict(
            os.environ,
            QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            YORIAI_CONFIG_DIR=str(Path(tmp) / "config"),
            PYTHONPATH=str(ROOT),
        )
        # The seated people's sessions live on a loop in a thread, so they keep answering
        # the server's pings while we time the app.
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()

        def call(coro: Coroutine[Any, Any, T]) -> T:
            return asyncio.run_coroutine_threadsafe(coro, loop).result(120)

        try:
            for _ in range(100):
                try:
                    import urllib.request

                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            sessions = call(seat_people(url))
            base, app, base_rss, app_rss = [], [], [], []
            run_baseline(env)  # warm the disk cache for both: we measure cold processes,
            run_app(env, url, 0.1)  # not a cold disk
            for _ in range(args.runs):
                t, r = run_baseline(env)
                base.append(t)
                base_rss.append(r)
                t, r = run_app(env, url, args.idle)
                app.append(t)
                app_rss.append(r)
            for s in sessions:
                call(s.close())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            server.terminate()
            server.wait(10)
    startup, baseline = statistics.median(app), statistics.median(base)
    print(f"office: {PEOPLE} people, {ROOMS} rooms, {SEATED} seated; {args.runs} runs each")
    print(f"baseline (bare PySide6 window): {[round(x, 3) for x in base]}")
    print(f"yoriai (sign in, snapshot, paint): {[round(x, 3) for x in app]}")
    result = {
        "startup_s": round(startup, 3),
        "baseline_s": round(baseline, 3),
        "ratio": round(startup / baseline, 2),
        # On a busy machine the fastest run is the least disturbed one.
        "startup_min_s": round(min(app), 3),
        "baseline_min_s": round(min(base), 3),
        "ratio_min": round(min(app) / min(base), 2),
        "idle_rss_mb": round(statistics.median(app_rss), 1),
        "baseline_rss_mb": round(statistics.median(base_rss), 1),
        "people": PEOPLE,
        "rooms": ROOMS,
        "runs": args.runs,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
