"""`yoriai`: the desktop app. Starts Qt on a qasync loop, signs in, opens the office.

yoriai                         sign in (silently, with a remembered session)
yoriai --server URL --user U   sign in to that office (asks for the password)
yoriai demo                    run a local demo office and open it as a demo user
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from client import credentials, theme
from client import settings as settings_store
from client.announcer import Announcer
from client.i18n import Translations
from client.keypad import Keypad
from client.session import Session, SessionError, Status
from client.settings import AnnounceLevel, Settings
from client.views import labels
from client.views.main_window import MainWindow

if TYPE_CHECKING:
    from accessibility.tts.source import SpeechSource
    from client.desk_audio import DeskAudio
    from client.views.sign_in import SignInWindow
    from client.views.voice_panel import TalkKey
    from client.voice import VoiceSession
    from rooms.media.tracks import PcmSource

log = logging.getLogger("yoriai.app")

OnlineHook = Callable[[Session], Awaitable[None]]
CONNECT_TIMEOUT_S = 15.0  # for a server typed into the sign-in window


class YoriaiApp(QObject):
    """The application around the windows: settings, sign-in, sign-out, quitting."""

    def __init__(
        self,
        settings: Settings,
        *,
        remember: bool = True,
        persist: bool = True,
        voice_dir: Path | None = None,
        on_online: OnlineHook | None = None,
        voice: bool = False,
        voice_source: PcmSource | None = None,
    ) -> None:
        """`voice` joins rooms' audio; `voice_source` feeds it instead of a microphone
        (tests send a tone through the real WebRTC path)."""
        super().__init__()
        self.voice_enabled = voice or voice_source is not None
        self.voice_source = voice_source
        self.voice: VoiceSession | None = None
        self._speech: SpeechSource | None = None  # type-to-speak's audio, made once
        self.audio: DeskAudio | None = None
        self.talk_key: TalkKey | None = None
        self.settings = settings
        self.remember_allowed = remember
        self.persist = persist
        self.voice_dir = voice_dir
        self.on_online = on_online
        self.translations = Translations()
        self.announcer = Announcer(settings.announce_level)
        self.session: Session | None = None
        self.window: MainWindow | None = None
        self.sign_in_window: SignInWindow | None = None
        self.keypad: Keypad | None = None
        self.finished: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._tasks: set[asyncio.Task[None]] = set()
        self._applied: Settings | None = None
        self._signing_out = False
        self.connect_timeout = CONNECT_TIMEOUT_S
        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        # Windows come and go (sign-in, office, sign-out); we decide when to quit.
        qapp.setQuitOnLastWindowClosed(False)
        self.apply_settings(settings)

    # ------------------------------------------------------------ settings

    def apply_settings(self, settings: Settings) -> None:
        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        old = self._applied
        self.settings = settings
        if old is None or (old.theme, old.text_scale) != (settings.theme, settings.text_scale):
            theme.apply(qapp, settings.theme, settings.text_scale)
        if old is None or old.language != settings.language:
            self.translations.install(settings.language)
        self.announcer.level = settings.announce_level
        self.announcer.set_self_voicing(
            settings.self_voicing, self.translations.language, self.voice_dir
        )
        if self.keypad is not None:
            self.keypad.enabled = settings.keypad_mode
        devices = (settings.input_device, settings.output_device)
        if old is not None and devices != (old.input_device, old.output_device):
            session = self.session
            if self.voice is not None and session is not None:
                self._spawn(self.start_voice(session))  # reopen with the chosen devices
        self._applied = replace(settings)
        settings_store.save(settings)

    # ------------------------------------------------------------ signing in

    async def start(
        self, url: str | None = None, user: str | None = None, password: str | None = None
    ) -> None:
        url = url or self.settings.server_url
        user = user or self.settings.user_name
        if password is not None and user:
            error = await self.sign_in(
                url, user, password=password, remember=self.remember_allowed, early=True
            )
            if error is not None:
                self.show_sign_in(url, user, error)
            return
        token = credentials.load_token(url, user) if user else None
        if token is not None:
            error = await self.sign_in(url, user, token=token, remember=True, early=True)
            if error is not None:
                credentials.delete_token(url, user)
                self.show_sign_in(url, user, self.tr("Your saved session ended: sign in again."))
            return
        self.show_sign_in(url, user)

    def show_sign_in(self, url: str, user: str, error: str = "") -> SignInWindow:
        from client.views.sign_in import SignInWindow  # not needed for a silent start

        w = self.sign_in_window
        if w is None:
            w = SignInWindow(url, user)
            w.submitted.connect(self._submitted)
            w.closed.connect(self._sign_in_closed)
            if not self.remember_allowed:
                w.remember.setChecked(False)
                w.remember.setEnabled(False)
            self.sign_in_window = w
        w.show()
        w.raise_()
        w.activateWindow()
        if error:
            w.show_error(error)
            self.announcer.target = w
            self.announcer.announce(error, AnnounceLevel.ESSENTIAL, urgent=True)
        else:
            w.focus_first_empty()
        return w

    def _submitted(self, url: str, user: str, password: str, remember: bool) -> None:
        async def go() -> None:
            error = await self.sign_in(url, user, password=password, remember=remember)
            if error is not None and self.sign_in_window is not None:
                self.sign_in_window.show_error(error)
                self.announcer.target = self.sign_in_window
                self.announcer.announce(error, AnnounceLevel.ESSENTIAL, urgent=True)

        self._spawn(go())

    def _sign_in_closed(self) -> None:
        if self.window is None and self.sign_in_window is not None:
            self.sign_in_window = None
            self.quit()

    async def sign_in(
        self,
        url: str,
        user: str,
        *,
        password: str | None = None,
        token: str | None = None,
        remember: bool,
        early: bool = False,
    ) -> str | None:
        """Connect and open the office. Returns an error to show, or None.

        With `early`, the office window is built and shown while the server checks the
        sign-in (it says "Connecting…" and fills in when the snapshot arrives); it is
        closed again if the sign-in fails. The sign-in window does not use it, so a
        typo in a password never flashes the office.
        """
        session = Session(url, username=user, password=password, token=token)
        self.session = session  # so that quitting meanwhile closes it
        connecting = asyncio.ensure_future(session.connect())
        try:
            if early:
                # Open the office once the sign-in is on its way, or soon if the server
                # is out of reach: the window then says it is connecting, and retries.
                sent = asyncio.ensure_future(session.sign_in_sent.wait())
                await asyncio.wait(
                    {connecting, sent}, timeout=0.5, return_when=asyncio.FIRST_COMPLETED
                )
                sent.cancel()
                if not connecting.done():
                    self._open_office(session, user)
                await connecting
            else:
                # A server typed into the sign-in window may be wrong: do not wait forever.
                await asyncio.wait_for(asyncio.shield(connecting), self.connect_timeout)
        except (SessionError, TimeoutError, OSError, ValueError) as exc:
            self._close_office()
            self.session = None
            await session.close()
            connecting.cancel()
            if isinstance(exc, SessionError) and exc.code not in ("disconnected", "not_sent"):
                return labels.error_text(exc.code, exc.message)
            return self.tr("Cannot reach the server at %1.").replace("%1", url)
        session.add_status_listener(self._status_changed)
        if remember and session.token is not None:
            credentials.save_token(url, user, session.token)
        if self.persist:
            self.apply_settings(replace(self.settings, server_url=url, user_name=user))
        if self.window is None:
            self._open_office(session, user)
        me = session.state.people.get(session.person_id or "")
        self.announcer.announce(
            self.tr("Signed in as %1").replace(
                "%1", me.display_name if me else str(session.person_id)
            ),
            AnnounceLevel.ESSENTIAL,
        )
        if self.voice_enabled:
            await self.start_voice(session)
        if self.on_online is not None:
            await self.on_online(session)
        return None

    async def start_voice(self, session: Session) -> None:
        """Open the devices and follow the person's room with audio."""
        from client.desk_audio import DeskAudio  # aiortc and PortAudio load only now
        from client.voice import VoiceSession

        await self.stop_voice()
        s = self.settings
        self.audio = DeskAudio(s.input_device, s.output_device, source=self.voice_source)
        self.voice = VoiceSession(session, self.audio.source)
        self.voice.recorder.listeners.append(self.audio.hear)
        if self.window is not None:
            self.window.attach_voice(self.voice, self.audio)
            self._attach_speech(session, self.voice)
        await self.voice.start()

    def _attach_speech(self, session: Session, voice: VoiceSession) -> None:
        """Type-to-speak into this person's outgoing audio, and captions translated into
        their language: the captions pane's two engines."""
        from accessibility.translation.chain import build_chain
        from accessibility.tts.espeak import EspeakEngine
        from accessibility.tts.source import SpeechSource
        from client.speech import TypeToSpeak
        from client.translate_captions import CaptionTranslations

        assert self.window is not None
        if self._speech is not None:
            # Reopening the audio (a device changed): the same voice goes on speaking.
            voice.set_speech(self._speech)
            return
        me = session.state.people.get(session.person_id or "")
        language = me.language if me is not None else "ja"
        speech = self._speech = SpeechSource()
        voice.set_speech(speech)
        self.window.captions.set_speaker(
            TypeToSpeak(session, EspeakEngine(), speech, language=language)
        )
        self.window.captions.set_translations(
            CaptionTranslations(session, build_chain(), default_language=language)
        )

    async def stop_voice(self) -> None:
        voice, self.voice = self.voice, None
        audio, self.audio = self.audio, None
        if self.window is not None:
            self.window.detach_voice()
        if voice is not None:
            await voice.close()
        if audio is not None:
            audio.close()

    def _status_changed(self, status: Status) -> None:
        # A saved session the server no longer accepts: back to the sign-in window.
        session = self.session
        if status is Status.FAILED and session is not None:
            error = session.last_error
            message = labels.error_text(error.code, error.message) if error else ""
            if session.username:
                credentials.delete_token(session.url, session.username)
            self.session = None
            self.show_sign_in(session.url, session.username or "", message)
            self._close_office()

    def _open_office(self, session: Session, user: str) -> None:
        window = MainWindow(session, self, self.announcer, me=user)
        self.window = window
        qapp = QApplication.instance()
        assert qapp is not None
        self.keypad = Keypad(window)
        self.keypad.enabled = self.settings.keypad_mode
        qapp.installEventFilter(self.keypad)
        from client.views.voice_panel import TalkKey

        self.talk_key = TalkKey(window.talk_pressed, window.talk_released)
        qapp.installEventFilter(self.talk_key)
        window.show()
        window.rooms.setFocus()
        if self.sign_in_window is not None:
            w, self.sign_in_window = self.sign_in_window, None
            w.closed.disconnect(self._sign_in_closed)
            w.close()
            w.deleteLater()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Closing the office window quits (signing out closes it without quitting).
        if watched is self.window and event.type() == QEvent.Type.Close and not self._signing_out:
            self.quit()
        return False

    def _close_office(self) -> None:
        qapp = QApplication.instance()
        if self.keypad is not None and qapp is not None:
            qapp.removeEventFilter(self.keypad)
            self.keypad = None
        if self.talk_key is not None and qapp is not None:
            qapp.removeEventFilter(self.talk_key)
            self.talk_key = None
        if self.window is not None:
            w, self.window = self.window, None
            self._signing_out = True
            w.close()
            self._signing_out = False
            w.deleteLater()
        self.announcer.target = None

    # ------------------------------------------------------------ leaving

    def sign_out(self) -> None:
        self._spawn(self.sign_out_now())

    async def sign_out_now(self) -> None:
        await self.stop_voice()
        self._speech = None  # the next person gets their own type-to-speak
        session, self.session = self.session, None
        if session is not None:
            await session.logout()
            if session.username:
                credentials.delete_token(session.url, session.username)
        url, user = self.settings.server_url, self.settings.user_name
        self.show_sign_in(url, user)
        self._close_office()
        if self.sign_in_window is not None:
            self.announcer.target = self.sign_in_window
        self.announcer.announce(self.tr("Signed out"), AnnounceLevel.ESSENTIAL)

    def quit(self) -> None:
        if not self.finished.done():
            self.finished.set_result(0)

    async def close(self) -> None:
        await self.stop_voice()
        session, self.session = self.session, None
        if session is not None:
            await session.close()
        self._close_office()
        if self.sign_in_window is not None:
            w, self.sign_in_window = self.sign_in_window, None
            w.closed.disconnect(self._sign_in_closed)
            w.close()
            w.deleteLater()
        for task in list(self._tasks):
            task.cancel()
        self.announcer.close()

    def _spawn(self, coro: Awaitable[None]) -> None:
        async def run() -> None:
            await coro

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yoriai", description="Yoriai, the accessible virtual office.")
    p.add_argument("--server", help="office address, e.g. ws://127.0.0.1:8765")
    p.add_argument("--user", help="your user name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--language", choices=["system", "ja", "en"], help="UI language")
    p.add_argument("--no-remember", action="store_true", help="do not keep the session")
    p.add_argument("--log-level", default="WARNING")
    p.add_argument("--report-painted", action="store_true", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="run a local demo office and open it")
    demo.add_argument("--user", dest="demo_user", default="yui", help="demo person (default yui)")
    demo.add_argument(
        "--server-only", action="store_true", help="run the demo server without the window"
    )
    return p


def run_app(
    *,
    url: str | None = None,
    user: str | None = None,
    password: str | None = None,
    remember: bool = True,
    persist: bool = True,
    language: str | None = None,
    on_online: OnlineHook | None = None,
    report_painted: bool = False,
) -> int:
    """Run the app until the person quits. Returns the exit code."""
    import qasync

    started = time.monotonic()
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName("Yoriai")
    qapp.setApplicationDisplayName("Yoriai")
    qapp.setDesktopFileName("yoriai")
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)

    async def main() -> int:
        settings = settings_store.load()
        if language:
            settings = replace(settings, language=language)
        app = YoriaiApp(
            settings, remember=remember, persist=persist, on_online=on_online, voice=True
        )
        # Ctrl+C in the terminal (or a service manager's SIGTERM) quits cleanly: the Qt
        # loop would otherwise swallow the KeyboardInterrupt inside a Qt callback.
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                asyncio.get_running_loop().add_signal_handler(sig, app.quit)
        if report_painted:
            _report_when_painted(app, started)
        # Starting may wait on the network for long (a silent start keeps retrying), so
        # it runs beside the wait for quitting rather than before it.
        starting = asyncio.ensure_future(app.start(url, user, password))
        starting.add_done_callback(partial(_quit_if_failed, app))
        try:
            return await app.finished
        finally:
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            await app.close()

    with loop:
        return int(loop.run_until_complete(main()))


def _quit_if_failed(app: YoriaiApp, task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("start-up failed", exc_info=task.exception())
        app.quit()


def _report_when_painted(app: YoriaiApp, started: float) -> None:
    """For bench/client_startup.py: say on stdout when the office is first on screen."""

    def watch() -> None:
        if app.window is None:
            asyncio.get_running_loop().call_later(0.005, watch)
            return
        window = app.window
        window.painted.connect(
            lambda: print(f"painted {time.monotonic() - started:.4f}", flush=True)
        )

    watch()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    if args.command == "demo":
        from client.demo import run_demo

        return run_demo(args.demo_user, server_only=args.server_only, language=args.language)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    with contextlib.suppress(KeyboardInterrupt):
        return run_app(
            url=args.server,
            user=args.user,
            password=password,
            remember=not args.no_remember,
            language=args.language,
            report_painted=args.report_painted,
        )
    return 130


if __name__ == "__main__":
    os.environ.setdefault("QT_ACCESSIBILITY", "1")
    raise SystemExit(main())
