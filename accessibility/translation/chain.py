"""The chain: a cache in front of the allowed engines, asked in order, each on a clock.

`translate` always returns: a translation from the first engine that gives one, or the
original text with a `Notice` saying why not (no engine for the pair, an engine failed,
an engine took too long). An engine that failed or timed out rests for
`retry_after_s`, so a dead server slows one caption, not every caption after it.
The chain is itself a `Translator`, so chains nest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from accessibility import languages
from accessibility.translation.base import (
    Declined,
    Failure,
    Notice,
    NoticeCode,
    Translation,
    Translator,
)
from accessibility.translation.cache import CacheKey, TranslationCache
from accessibility.translation.policy import TranslationPolicy
from accessibility.translation.registry import TranslatorRegistry, default_registry

log = logging.getLogger("yoriai.translation")


@dataclass(frozen=True, slots=True)
class Stage:
    engine: Translator
    timeout_s: float


@dataclass(frozen=True, slots=True)
class Blocked:
    """An engine the policy kept out, and why (for the admin's diagnostics)."""

    name: str
    reason: str


class TranslationChain:
    name = "chain"
    offline = True  # reset in __init__ from the stages

    def __init__(
        self,
        stages: Sequence[Stage],
        *,
        cache: TranslationCache | None = None,
        retry_after_s: float = 15.0,
        max_chars: int = 5000,
        clock: Callable[[], float] = time.monotonic,
        blocked: Sequence[Blocked] = (),
    ) -> None:
        self.stages = list(stages)
        self.cache = cache if cache is not None else TranslationCache()
        self.retry_after_s = retry_after_s
        self.max_chars = max_chars
        self.blocked = list(blocked)
        self.offline = all(s.engine.offline for s in self.stages)
        self._clock = clock
        self._resting: dict[str, tuple[float, Failure]] = {}  # engine -> (until, why)
        self._in_flight: dict[CacheKey, asyncio.Future[Translation]] = {}

    @property
    def version(self) -> str:
        return " ".join(f"{s.engine.name}/{s.engine.version}" for s in self.stages)

    @property
    def engine_names(self) -> list[str]:
        return [s.engine.name for s in self.stages]

    async def supports(self, source: str, target: str) -> bool:
        for stage in self.stages:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(stage.timeout_s):
                    if await stage.engine.supports(source, target):
                        return True
        return False

    async def translate(self, text: str, source: str, target: str) -> Translation:
        src, tgt = languages.match_tag(source), languages.match_tag(target)
        if src is None or tgt is None:
            notice = Notice(NoticeCode.UNKNOWN_LANGUAGE, source, target)
            return Translation.untranslated(text, source, target, notice)
        body = text.strip()
        if not body or src == tgt:
            return Translation.untranslated(text, src, tgt)
        if len(body) > self.max_chars:
            notice = Notice(NoticeCode.TOO_LONG, src, tgt, detail=f"{len(body)} characters")
            return Translation.untranslated(text, src, tgt, notice)
        key: CacheKey = (src, tgt, body)
        hit = self.cache.get(key)
        if hit is not None:
            return hit.with_original(text, cached=True)
        # Two listeners' captions of one phrase at once share one engine call.
        pending = self._in_flight.get(key)
        if pending is not None:
            await asyncio.wait([pending])  # our own cancellation propagates; theirs does not
            if not pending.cancelled() and pending.exception() is None:
                return pending.result().with_original(text, cached=True)
        result = await self._ask_engines_once(key)
        if result.translated:
            return replace(result, original=text)
        return replace(result, text=text, original=text)

    async def _ask_engines_once(self, key: CacheKey) -> Translation:
        future: asyncio.Future[Translation] = asyncio.get_running_loop().create_future()
        owner = key not in self._in_flight
        if owner:
            self._in_flight[key] = future
        try:
            result = await self._ask_engines(key[2], key[0], key[1])
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(exc)
                future.exception()  # marked retrieved: nobody else may be waiting
            raise
        finally:
            if owner:
                del self._in_flight[key]
        self.cache.put(key, result)
        future.set_result(result)
        return result

    async def _ask_engines(self, text: str, source: str, target: str) -> Translation:
        failures: list[Failure] = []
        for stage in self.stages:
            engine = stage.engine
            resting = self._resting.get(engine.name)
            if resting is not None:
                until, earlier = resting
                if self._clock() < until:
                    failures.append(earlier)
                    continue
                del self._resting[engine.name]
            try:
                async with asyncio.timeout(stage.timeout_s) as clock:
                    if not await engine.supports(source, target):
                        continue
                    result = await engine.translate(text, source, target)
            except Declined:
                continue
            except TimeoutError as exc:
                expired = clock.expired()
                code = NoticeCode.TIMED_OUT if expired else NoticeCode.ENGINE_FAILED
                detail = f"no answer within {stage.timeout_s:g} s" if expired else repr(exc)
                self._rest(failures, Failure(engine.name, code, detail))
                continue
            except Exception as exc:
                log.warning("translation engine %s failed: %r", engine.name, exc)
                self._rest(failures, Failure(engine.name, NoticeCode.ENGINE_FAILED, repr(exc)))
                continue
            if not isinstance(result, Translation) or not result.text.strip():
                bad = f"returned {result!r} instead of a translation"
                self._rest(failures, Failure(engine.name, NoticeCode.ENGINE_FAILED, bad))
                continue
            return replace(
                result,
                original=text,
                source=source,
                target=target,
                engine=result.engine or engine.name,
                engine_version=result.engine_version or engine.version,
                failures=tuple(failures),
                cached=False,
            )
        if failures:
            last = failures[-1]
            notice = Notice(last.code, source, target, engine=last.engine, detail=last.detail)
        else:
            notice = Notice(NoticeCode.NO_ENGINE, source, target)
        return replace(
            Translation.untranslated(text, source, target, notice), failures=tuple(failures)
        )

    def _rest(self, failures: list[Failure], failure: Failure) -> None:
        failures.append(failure)
        if self.retry_after_s > 0:
            self._resting[failure.engine] = (self._clock() + self.retry_after_s, failure)

    def resting(self) -> dict[str, Failure]:
        """Engines skipped for now after a failure, with the failure."""
        now = self._clock()
        return {name: why for name, (until, why) in self._resting.items() if now < until}

    async def warm_up(self) -> None:
        """Start what engines start lazily (Apertium's pipelines), before the first caption."""
        for stage in self.stages:
            warm = getattr(stage.engine, "warm_up", None)
            if warm is not None:
                try:
                    await warm()
                except Exception as exc:
                    log.warning("could not warm up %s: %r", stage.engine.name, exc)

    async def aclose(self) -> None:
        for stage in self.stages:
            try:
                await stage.engine.aclose()
            except Exception as exc:
                log.warning("closing %s failed: %r", stage.engine.name, exc)


def build_chain(
    policy: TranslationPolicy | None = None,
    registry: TranslatorRegistry | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> TranslationChain:
    """The chain the policy allows, from the engines the registry knows."""
    policy = policy or TranslationPolicy()
    registry = registry or default_registry()
    stages: list[Stage] = []
    blocked: list[Blocked] = []
    if policy.engines is not None:
        for missing in (n for n in policy.engines if n not in registry):
            why = registry.errors.get(missing, "not installed")
            blocked.append(Blocked(missing, why))
    for name in policy.order(registry.names()):
        # Check before building when the factory says, so a blocked engine is never made.
        declared = registry.declared_offline(name)
        reason = policy.blocked_because(name, offline=True if declared is None else declared)
        if reason is not None:
            blocked.append(Blocked(name, reason))
            continue
        engine = registry.create(name, policy.settings_for(name))
        reason = policy.blocked_because(name, offline=engine.offline)
        if reason is not None:
            blocked.append(Blocked(name, reason))
            continue
        stages.append(Stage(engine, policy.timeout_for(name)))
    return TranslationChain(
        stages,
        cache=TranslationCache(policy.cache_entries, policy.cache_chars),
        retry_after_s=policy.retry_after_s,
        max_chars=policy.max_chars,
        clock=clock,
        blocked=blocked,
    )
