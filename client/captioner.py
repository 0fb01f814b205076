"""The speaker's side of live captions: recognise my microphone, send captions to my room.

`Captioner.feed` takes microphone frames from any thread and never blocks: frames
queue for a worker thread that runs the recognizer (Vosk or faster-whisper work for
tens of milliseconds per call). Results come back to the asyncio loop, where partials
are thinned out (at most one per `partial_interval`, and never one that a newer result
already replaced) and sent through the `Session`.

When the model is missing or damaged, or the microphone goes away, the captioner says
so through its status listeners and stops; the room carries on without captions.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import queue
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from accessibility.audio import Pcm
from accessibility.registry import EngineUnavailable
from accessibility.stt.recognizer import Recognition, SpeechRecognizer
from client.session import Session, SessionError

log = logging.getLogger("yoriai.captioner")

_STOP = object()


class CaptionerStatus(enum.StrEnum):
    IDLE = "idle"
    STARTING = "starting"  # loading the model
    RUNNING = "running"
    UNAVAILABLE = "unavailable"  # no model, a damaged one, or no microphone
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class Outgoing:
    utterance: str
    final: bool
    text: str
    language: str
    start: float  # wall clock
    end: float


StatusListener = Callable[[CaptionerStatus, str], None]


class Captioner:
    def __init__(
        self,
        session: Session,
        open_recognizer: Callable[[], SpeechRecognizer],
        *,
        partial_interval: float = 0.25,
    ) -> None:
        self.session = session
        self._open = open_recognizer
        self.partial_interval = partial_interval
        self.status = CaptionerStatus.IDLE
        self.message = ""
        self.sent = 0
        self.dropped = 0
        self._stream = secrets.token_hex(3)  # keeps utterance ids unique across restarts
        self._listeners: list[StatusListener] = []
        self._result_listeners: list[Callable[[Outgoing], None]] = []
        self._frames: queue.Queue[object] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._origin: float | None = None  # wall time of the first sample
        self._outbox: deque[Outgoing] = deque()
        self._wake = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._last_partial = 0.0
        self._ready = threading.Event()
        # Results handed from the worker to the loop but not yet queued for sending.
        self._pending_posts = 0
        self._posts_lock = threading.Lock()
        self._in_flight = False

    # ------------------------------------------------------------ listeners

    def add_status_listener(self, listener: StatusListener) -> None:
        self._listeners.append(listener)

    def add_result_listener(self, listener: Callable[[Outgoing], None]) -> None:
        """Every caption as it is queued for sending (the speaker's own pane)."""
        self._result_listeners.append(listener)

    def _set_status(self, status: CaptionerStatus, message: str = "") -> None:
        self.status, self.message = status, message
        for listener in list(self._listeners):
            try:
                listener(status, message)
            except Exception:
                log.exception("captioner status listener failed")

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> bool:
        """Load the recognizer (on the worker thread) and start. False if unavailable."""
        if self._worker is not None:
            return self.status is CaptionerStatus.RUNNING
        self._loop = asyncio.get_running_loop()
        self._set_status(CaptionerStatus.STARTING, "loading the speech model")
        self._worker = threading.Thread(target=self._work, name="captioner", daemon=True)
        self._worker.start()
        await asyncio.to_thread(self._ready.wait)
        if self.status is CaptionerStatus.UNAVAILABLE:
            return False
        self._sender = asyncio.create_task(self._send_loop(), name="captioner-send")
        self._set_status(CaptionerStatus.RUNNING)
        return True

    def feed(self, pcm: Pcm, captured_at: float | None = None) -> None:
        """A frame from the microphone (any thread). `captured_at`: wall time of its
        first sample, if the audio layer knows it."""
        if self.status not in (CaptionerStatus.RUNNING, CaptionerStatus.STARTING):
            return
        self._frames.put((pcm, captured_at))

    def source_lost(self, reason: str = "the microphone was disconnected") -> None:
        """The audio device went away: finish what was heard, then stop captioning."""
        self._frames.put(_STOP)
        self._set_status_threadsafe(CaptionerStatus.UNAVAILABLE, f"captions stopped: {reason}")

    async def stop(self) -> None:
        """Finish the utterance in progress, send what is left, and stop."""
        if self._worker is not None and self._worker.is_alive():
            self._frames.put(_STOP)
            await asyncio.to_thread(self._worker.join, 30)
        await self.drain()
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
        if self.status is not CaptionerStatus.UNAVAILABLE:
            self._set_status(CaptionerStatus.STOPPED)

    async def drain(self, within: float = 30.0) -> None:
        """Wait until every frame fed so far is recognised and its captions are sent."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            idle_worker = self._frames.unfinished_tasks == 0
            if idle_worker and not self._outbox and not self._sending:
                return
            await asyncio.sleep(0.01)

    # ------------------------------------------------------------ the worker thread

    def _work(self) -> None:
        try:
            recognizer = self._open()
        except EngineUnavailable as exc:
            self._set_status_threadsafe(CaptionerStatus.UNAVAILABLE, exc.message)
            self._ready.set()
            return
        except Exception as exc:
            log.exception("cannot start speech recognition")
            self._set_status_threadsafe(
                CaptionerStatus.UNAVAILABLE, f"speech recognition cannot start: {exc}"
            )
            self._ready.set()
            return
        self._ready.set()
        try:
            self._recognise(recognizer)
        except Exception as exc:
            log.exception("speech recognition failed")
            self._set_status_threadsafe(
                CaptionerStatus.UNAVAILABLE, f"speech recognition stopped: {exc}"
            )
        finally:
            recognizer.close()
            # Frames left behind are dropped, so drain() and stop() never wait on them.
            while True:
                try:
                    self._frames.get_nowait()
                except queue.Empty:
                    break
                self._frames.task_done()

    def _recognise(self, recognizer: SpeechRecognizer) -> None:
        while True:
            batch = [self._frames.get()]
            # Whatever else is waiting goes in one call: fewer, larger calls.
            while batch[-1] is not _STOP:
                try:
                    batch.append(self._frames.get_nowait())
                except queue.Empty:
                    break
            try:
                stop = batch[-1] is _STOP
                chunks = [b for b in batch if isinstance(b, tuple)]
                results: list[Recognition] = []
                if chunks:
                    if self._origin is None:
                        pcm0, at = chunks[0]
                        rate = recognizer.sample_rate
                        self._origin = at if at is not None else time.time() - len(pcm0) / rate
                    results = recognizer.feed(np.concatenate([c[0] for c in chunks]))
                if stop:
                    results += recognizer.flush()
                if results:
                    self._post(results)
            finally:
                for _ in batch:
                    self._frames.task_done()
            if stop:
                return

    def _set_status_threadsafe(self, status: CaptionerStatus, message: str) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._set_status, status, message)
        self.status, self.message = status, message

    def _post(self, results: list[Recognition]) -> None:
        origin = self._origin or time.time()
        out = [
            Outgoing(
                utterance=f"{self._stream}-{r.utterance}",
                final=r.final,
                text=r.text,
                language=r.language,
                start=origin + r.start,
                end=origin + r.end,
            )
            for r in results
        ]
        assert self._loop is not None
        with self._posts_lock:
            self._pending_posts += 1
        self._loop.call_soon_threadsafe(self._queue, out)

    @property
    def _sending(self) -> bool:
        with self._posts_lock:
            return self._pending_posts > 0 or self._in_flight

    # ------------------------------------------------------------ the loop side

    def _queue(self, items: list[Outgoing]) -> None:
        for item in items:
            self._outbox.append(item)
            for listener in list(self._result_listeners):
                try:
                    listener(item)
                except Exception:
                    log.exception("captioner result listener failed")
        with self._posts_lock:
            self._pending_posts -= 1
        self._wake.set()

    def _superseded(self, item: Outgoing) -> bool:
        return any(o.utterance == item.utterance for o in self._outbox)

    async def _send_loop(self) -> None:
        while True:
            if not self._outbox:
                self._wake.clear()
                await self._wake.wait()
                continue
            item = self._outbox.popleft()
            if not item.final:
                if self._superseded(item):
                    continue  # a newer partial or the final is already waiting
                wait = self._last_partial + self.partial_interval - time.monotonic()
                if wait > 0:
                    self._in_flight = True
                    await asyncio.sleep(wait)
                    self._in_flight = False
                    if self._superseded(item):
                        continue
                self._last_partial = time.monotonic()
            self._in_flight = True
            try:
                await self.session.send_caption(
                    utterance=item.utterance,
                    final=item.final,
                    text=item.text,
                    language=item.language,
                    start=item.start,
                    end=item.end,
                )
                self.sent += 1
            except SessionError as exc:
                # Offline, captions turned off, or too fast: this caption is lost, the
                # next ones may get through.
                self.dropped += 1
                log.info("caption not sent: %s", exc)
            finally:
                self._in_flight = False
