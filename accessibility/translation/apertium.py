"""Apertium: offline rule-based translation through Debian's `apertium` packages.

Starting `apertium eng-spa` loads its dictionaries and transducers anew each time
(about half a second); a caption cannot wait for that. So each direction runs as one
long-lived pipeline in null-flush mode: the mode's programs, each with `-z`, as
`apertium-wblank-mode -z` writes them. A sentence goes in followed by NUL, and its
translation comes out followed by NUL, in a few milliseconds.

The `apertium` wrapper script is not used for this: its text deformatter does not
flush on NUL. We escape the stream's reserved characters ourselves instead, which is
all the deformatter does for one line of plain text.

Which directions exist is read from the installed modes (`/usr/share/apertium/modes`);
install more pairs with apt (`apertium-eng-spa`, `apertium-fra-...`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import signal
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from accessibility import languages
from accessibility.translation.base import Translation, TranslationError

log = logging.getLogger("yoriai.translation.apertium")

DEFAULT_MODES_DIR = Path("/usr/share/apertium/modes")
_MODE_NAME = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")  # no variants such as spa-eng_US
_RESERVED = re.compile(r"([\\\[\]^$<>/@{}])")  # characters the stream format reserves
_ESCAPED = re.compile(r"\\(.)")
_SUPERBLANK = re.compile(r"\[(?:[^\]\\]|\\.)*\]")
_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)?")


def _utf8_env() -> dict[str, str]:
    # The tools read and write UTF-8 only under a UTF-8 locale; C.UTF-8 is always there.
    return {**os.environ, "LC_ALL": "C.UTF-8"}


def escape(text: str) -> str:
    """One line of plain text as an Apertium stream (what apertium-destxt would do)."""
    return _RESERVED.sub(r"\\\1", " ".join(text.split()))


def unescape(stream: str) -> str:
    """An Apertium output stream back to plain text."""
    return _ESCAPED.sub(r"\1", _SUPERBLANK.sub(" ", stream))


def installed_pairs(modes_dir: Path = DEFAULT_MODES_DIR) -> dict[tuple[str, str], str]:
    """(source tag, target tag) -> mode name, for the pairs installed between our languages."""
    pairs: dict[tuple[str, str], str] = {}
    if not modes_dir.is_dir():
        return pairs
    for mode in sorted(modes_dir.glob("*.mode")):
        m = _MODE_NAME.match(mode.stem)
        if m is None:
            continue
        src, tgt = languages.match_tag(m.group(1)), languages.match_tag(m.group(2))
        if src is not None and tgt is not None and src != tgt:
            pairs.setdefault((src, tgt), mode.stem)
    return pairs


@dataclass(slots=True)
class _Pipeline:
    """One warm `apertium` direction: a process group reading NUL-ended sentences."""

    mode: str
    script: str
    proc: asyncio.subprocess.Process | None = None
    stderr_task: asyncio.Task[None] | None = None
    lock: asyncio.Lock | None = None
    errors: deque[str] | None = None
    starts: int = 0

    async def start(self) -> None:
        self.errors = deque(maxlen=20)
        # -n: no '*' marks on unknown words. A new session: we stop the whole pipe at once.
        self.proc = await asyncio.create_subprocess_exec(
            "bash",
            "-c",
            self.script,
            "apertium",
            "-n",
            "",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            env=_utf8_env(),
        )
        self.starts += 1
        self.stderr_task = asyncio.create_task(self._read_errors(self.proc))

    async def _read_errors(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stderr is not None
        async for line in proc.stderr:
            message = line.decode(errors="replace").rstrip()
            if self.errors is not None:
                self.errors.append(message)
            log.debug("apertium %s: %s", self.mode, message)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def translate(self, text: str) -> str:
        if self.lock is None:
            self.lock = asyncio.Lock()
        async with self.lock:
            if not self.alive:
                await self.stop()
                await self.start()
            proc = self.proc
            assert proc is not None and proc.stdin is not None and proc.stdout is not None
            try:
                # The newline before NUL matters: lt-proc -b waits for one more character
                # after the last word before it flushes.
                proc.stdin.write(escape(text).encode() + b"\n\0")
                await proc.stdin.drain()
                out = await proc.stdout.readuntil(b"\0")
            except BaseException as exc:
                # Cancelled (a timeout) or broken halfway: what is still in the pipe
                # belongs to this sentence, so the pipe cannot be reused. Start afresh.
                await self.stop()
                if isinstance(exc, asyncio.IncompleteReadError | ConnectionError):
                    why = "; ".join(self.errors or ()) or "the pipeline exited"
                    raise TranslationError(f"apertium {self.mode}: {why}") from exc
                raise
            return " ".join(unescape(out[:-1].decode("utf-8", errors="replace")).split())

    async def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 2)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
        task, self.stderr_task = self.stderr_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class ApertiumTranslator:
    """The `apertium` engine. Settings: `modes_dir` (default /usr/share/apertium/modes),
    `pairs` (a list like ["en-es", "es-en"] to limit the directions used)."""

    name = "apertium"
    offline = True

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        settings = settings or {}
        self.modes_dir = Path(settings.get("modes_dir", DEFAULT_MODES_DIR))
        limit = settings.get("pairs")
        self._limit: set[tuple[str, str]] | None = None
        if limit is not None:
            self._limit = set()
            for pair in limit:
                src, _, tgt = str(pair).partition(">") if ">" in str(pair) else _split(pair)
                self._limit.add((languages.normalize_tag(src), languages.normalize_tag(tgt)))
        self._pairs: dict[tuple[str, str], str] | None = None
        self._pipelines: dict[str, _Pipeline] = {}
        self._version: str | None = None

    def pairs(self) -> dict[tuple[str, str], str]:
        """The directions this engine will translate: installed, and allowed by `pairs`."""
        if self._pairs is None:
            found = installed_pairs(self.modes_dir)
            if self._limit is not None:
                found = {k: v for k, v in found.items() if k in self._limit}
            self._pairs = found
        return self._pairs

    @property
    def version(self) -> str:
        return self._version or "apertium"

    async def _read_version(self) -> None:
        if self._version is not None or shutil.which("apertium") is None:
            return
        proc = await asyncio.create_subprocess_exec(
            "apertium",
            "-V",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=_utf8_env(),
        )
        out, _ = await proc.communicate()
        found = _VERSION.search(out.decode(errors="replace"))
        self._version = found.group(0) if found else "unknown"

    async def supports(self, source: str, target: str) -> bool:
        return (source, target) in self.pairs()

    async def translate(self, text: str, source: str, target: str) -> Translation:
        mode = self.pairs().get((source, target))
        if mode is None:
            raise TranslationError(f"no Apertium pair installed for {source} to {target}")
        pipeline = await self._pipeline(mode)
        out = await pipeline.translate(text)
        if not out:
            raise TranslationError(f"apertium {mode} returned nothing")
        result = Translation.by(self, out, original=text, source=source, target=target)
        return replace(result, engine_version=f"{self.version} {mode}")

    async def _pipeline(self, mode: str) -> _Pipeline:
        pipeline = self._pipelines.get(mode)
        if pipeline is None:
            await self._read_version()
            pipeline = _Pipeline(mode, await self._script(mode))
            self._pipelines[mode] = pipeline
        return pipeline

    async def _script(self, mode: str) -> str:
        tool = shutil.which("apertium-wblank-mode")
        if tool is None:
            raise TranslationError("apertium-wblank-mode is missing: install apertium 3.8 or newer")
        proc = await asyncio.create_subprocess_exec(
            tool,
            "-z",
            str(self.modes_dir / f"{mode}.mode"),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        if proc.returncode != 0 or not out.strip():
            raise TranslationError(f"cannot read Apertium mode {mode}: {err.decode().strip()}")
        return out.decode()

    async def warm_up(self) -> None:
        """Start every direction now, so the first caption does not pay the load time."""
        for mode in sorted(set(self.pairs().values())):
            pipeline = await self._pipeline(mode)
            await pipeline.translate("Hello")

    def running(self) -> dict[str, int]:
        """Mode -> how many times its pipeline was started (1 while it stays warm)."""
        return {mode: p.starts for mode, p in self._pipelines.items()}

    async def aclose(self) -> None:
        for pipeline in self._pipelines.values():
            await pipeline.stop()
        self._pipelines.clear()


def _split(pair: object) -> tuple[str, str, str]:
    """'en-es' or 'eng-spa' -> ('en', '-', 'es'); tags with a hyphen use '>' instead."""
    text = str(pair)
    src, sep, tgt = text.rpartition("-")
    if not src or not tgt:
        raise ValueError(f"a pair is 'SOURCE-TARGET' or 'SOURCE>TARGET', not {text!r}")
    return src, sep, tgt
