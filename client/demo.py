"""`yoriai demo`: a local demo office, served by its own process, opened as a demo user.

The server runs as `python -m server.cli demo` on a free loopback port with a fresh
database in a temporary folder (the client never imports the server). A few demo
colleagues sign in through headless sessions, so the office is alive: people sit in
rooms with a status, one works from a satellite office, and Aiko, in the locked focus
booth, lets in whoever knocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from client.session import Session
from rooms.presence import Availability, Location, LocationKind
from rooms.protocol import KnockRequested, ServerMessage

log = logging.getLogger("yoriai.demo")

# The demo office's shared password (printed by the server when it starts, too).
DEMO_PASSWORD = "yoriai-demo"  # noqa: S105


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "vnc")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _die_with_parent() -> None:
    """In the child, before exec: the kernel stops the demo server if the app dies."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class DemoServer:
    """The demo server as a child process on 127.0.0.1."""

    folder: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0, quiet: bool = False) -> None:
        db = self.folder / "demo.db"
        out = subprocess.DEVNULL if quiet else None
        self.proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "server.cli", "--db", str(db), "demo", "--port", str(self.port)],
            stdout=out,
            stderr=out,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the demo server exited with code {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the demo server did not start in time")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# (user, room, availability, status text, location)
_HOME = Location(kind=LocationKind.HOME)
_COLLEAGUES: tuple[tuple[str, str | None, Availability, str, Location | None], ...] = (
    ("kenji", "room-1", Availability.BUSY, "週次ミーティング Weekly sync", _HOME),
    ("haruto", "room-1", Availability.AVAILABLE, "", _HOME),
    (
        "emma",
        "room-2",
        Availability.BUSY,
        "Sprint planning",
        Location(kind=LocationKind.MAIN_OFFICE),
    ),
    (
        "riku",
        "room-2",
        Availability.AVAILABLE,
        "",
        Location(kind=LocationKind.SATELLITE, site_id="tono"),
    ),
    ("mei", "lobby", Availability.AVAILABLE, "質問どうぞ Ask me anything", _HOME),
    (
        "aiko",
        "focus",
        Availability.DO_NOT_DISTURB,
        "集中作業中 Deep work",
        Location(kind=LocationKind.SATELLITE, site_id="kamiyama"),
    ),
    (
        "hana",
        None,
        Availability.AWAY,
        "昼休み Lunch",
        Location(kind=LocationKind.WORKATION, site_id="shirahama"),
    ),
)


async def populate(url: str, password: str = DEMO_PASSWORD) -> list[Session]:
    """Sign the demo colleagues in and seat them; Aiko admits knocks on the focus booth."""
    sessions: list[Session] = []
    for user, room, availability, text, location in _COLLEAGUES:
        s = Session(url, username=user, password=password)
        await s.connect()
        sessions.append(s)
        if room == "focus":
            # The focus booth is locked: unlock, enter, lock again behind her.
            await s.lock("focus", False)
            await s.join("focus")
            await s.lock("focus", True)
        elif room is not None:
            await s.join(room)
        await s.set_presence(availability=availability, status_text=text, location=location)
        if user == "aiko":
            s.add_listener(_admitter(s))
    return sessions


def _admitter(session: Session) -> Callable[[ServerMessage], None]:
    def on_message(message: ServerMessage) -> None:
        if isinstance(message, KnockRequested) and message.knock.person_id != session.person_id:
            asyncio.get_running_loop().call_later(
                1.5, lambda: asyncio.ensure_future(_admit(session, message.knock.id))
            )

    return on_message


async def _admit(session: Session, knock_id: str) -> None:
    with contextlib.suppress(Exception):
        await session.answer_knock(knock_id, True)


def run_demo(user: str = "yui", *, server_only: bool = False, language: str | None = None) -> int:
    from client.app import run_app

    with tempfile.TemporaryDirectory(prefix="yoriai-demo-") as folder:
        server = DemoServer(Path(folder))
        try:
            server.start()
        except RuntimeError as exc:
            print(f"yoriai demo: {exc}", file=sys.stderr)
            return 1
        try:
            if server_only or not has_display():
                if not server_only:
                    print(
                        "\nyoriai demo: no display found (DISPLAY and WAYLAND_DISPLAY are unset),"
                        " so the window cannot open here.\nThe demo office is running; open it"
                        " from a desktop session on this machine with:\n"
                        f"  yoriai --server {server.url} --user {user}"
                        f"   (password {DEMO_PASSWORD})\n"
                        f"or follow it headless:\n"
                        f"  python -m client.session {server.url} {user} {DEMO_PASSWORD}\n"
                        "Press Ctrl+C to stop.",
                        flush=True,
                    )
                assert server.proc is not None
                with contextlib.suppress(KeyboardInterrupt):
                    server.proc.wait()
                return 0
            colleagues: list[Session] = []

            async def online(_session: Session) -> None:
                try:
                    colleagues.extend(await populate(server.url))
                except Exception as exc:
                    log.warning("demo colleagues could not sign in: %s", exc)

            try:
                return run_app(
                    url=server.url,
                    user=user,
                    password=DEMO_PASSWORD,
                    remember=False,
                    persist=False,
                    language=language,
                    on_online=online,
                )
            except KeyboardInterrupt:
                return 130
        finally:
            server.stop()
