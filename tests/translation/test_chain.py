"""The chain: cache in front, engines in policy order, failures and timeouts never lose
the original, and the policy decides which engines exist at all."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from accessibility.translation import (
    NoticeCode,
    PolicyError,
    Stage,
    Translation,
    TranslationCache,
    TranslationChain,
    TranslationPolicy,
    build_chain,
    default_registry,
)
from accessibility.translation.libretranslate import LibreTranslateTranslator
from accessibility.translation.phrasebook import PhrasebookTranslator

from .fake_libretranslate import FakeLibreTranslate


class Counting:
    """Wraps a real engine and counts the calls that reach it."""

    def __init__(self, engine: PhrasebookTranslator | LibreTranslateTranslator) -> None:
        self.engine = engine
        self.name = engine.name
        self.offline = engine.offline
        self.calls = 0

    @property
    def version(self) -> str:
        return self.engine.version

    async def supports(self, source: str, target: str) -> bool:
        return await self.engine.supports(source, target)

    async def translate(self, text: str, source: str, target: str) -> Translation:
        self.calls += 1
        return await self.engine.translate(text, source, target)

    async def aclose(self) -> None:
        await self.engine.aclose()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def libre(fake: FakeLibreTranslate) -> LibreTranslateTranslator:
    return LibreTranslateTranslator({"url": fake.url})


# ---------------------------------------------------------------- the cache


async def test_a_repeated_caption_comes_from_the_cache() -> None:
    book = Counting(PhrasebookTranslator())
    chain = TranslationChain([Stage(book, 1.0)])
    first = await chain.translate("Can you hear me?", "en", "ja")
    again = await chain.translate("  Can you hear me?\n", "en", "ja")
    assert first.text == again.text == "聞こえますか"
    assert not first.cached and again.cached
    assert again.engine == "phrasebook" and again.engine_version == first.engine_version
    assert again.original == "  Can you hear me?\n"  # each caption keeps its own original
    assert book.calls == 1
    assert chain.cache.stats.hits == 1
    other = await chain.translate("Can you hear me?", "en", "ko")  # another target: a miss
    assert other.text == "제 목소리 들리세요?" and book.calls == 2


def test_the_cache_is_least_recently_used_and_bounded() -> None:
    def tr(text: str) -> Translation:
        return Translation(text=text.upper(), original=text, source="en", target="es", engine="x")

    cache = TranslationCache(max_entries=2, max_chars=1000)
    cache.put(("en", "es", "a"), tr("a"))
    cache.put(("en", "es", "b"), tr("b"))
    assert cache.get(("en", "es", "a")) is not None  # a is now the most recent
    cache.put(("en", "es", "c"), tr("c"))
    assert cache.get(("en", "es", "b")) is None  # b was least recently used
    assert cache.get(("en", "es", "a")) is not None and cache.get(("en", "es", "c")) is not None
    assert len(cache) == 2 and cache.stats.evictions == 1

    small = TranslationCache(max_entries=100, max_chars=10)
    small.put(("en", "es", "abc"), tr("abc"))  # 6 characters
    small.put(("en", "es", "defg"), tr("defg"))  # 8 more: the oldest goes
    assert len(small) == 1 and small.chars == 8
    small.put(("en", "es", "x" * 20), tr("x" * 20))  # larger than the whole cache
    assert small.get(("en", "es", "x" * 20)) is None
    untranslated = Translation.untranslated("q", "en", "es")
    small.put(("en", "es", "q"), untranslated)  # the original is never cached
    assert small.get(("en", "es", "q")) is None
    with pytest.raises(ValueError):
        TranslationCache(max_entries=-1)


async def test_concurrent_identical_captions_share_one_engine_call(
    fake_libretranslate: FakeLibreTranslate,
) -> None:
    fake_libretranslate.delay_s = 0.2
    engine = Counting(libre(fake_libretranslate))
    chain = TranslationChain([Stage(engine, 5.0)])
    results = await asyncio.gather(
        *(chain.translate("the report is ready", "en", "es") for _ in range(5))
    )
    assert {r.text for r in results} == {"el informe está listo"}
    assert engine.calls == 1 and len(fake_libretranslate.requests) == 1
    await chain.aclose()


# ---------------------------------------------------------------- nothing is lost


async def test_a_failing_engine_leaves_the_original_with_a_notice(
    fake_libretranslate: FakeLibreTranslate,
) -> None:
    fake_libretranslate.fail_status = 500
    chain = TranslationChain([Stage(libre(fake_libretranslate), 2.0)])
    result = await chain.translate("the report is ready", "en", "es")
    assert result.text == result.original == "the report is ready"
    assert not result.translated and result.engine is None
    assert result.notice is not None and result.notice.code is NoticeCode.ENGINE_FAILED
    assert result.notice.engine == "libretranslate"
    assert "500" in result.notice.detail
    assert result.notice.message("en").startswith("Translation failed (libretranslate)")
    assert result.notice.message("ja").startswith("翻訳できませんでした")
    await chain.aclose()


async def test_a_slow_engine_times_out_and_leaves_the_original(
    fake_libretranslate: FakeLibreTranslate,
) -> None:
    chain = TranslationChain([Stage(libre(fake_libretranslate), 0.3)])
    assert await chain.supports("en", "es")  # languages fetched while the fake is quick
    fake_libretranslate.delay_s = 3.0
    started = time.monotonic()
    result = await chain.translate("hello", "en", "es")
    assert time.monotonic() - started < 2.5  # gave up at its timeout, not the server's pace
    assert result.text == "hello" and not result.translated
    assert result.notice is not None and result.notice.code is NoticeCode.TIMED_OUT
    assert "0.3 s" in result.notice.detail
    await chain.aclose()


async def test_a_failed_engine_rests_then_is_asked_again(
    fake_libretranslate: FakeLibreTranslate,
) -> None:
    clock = Clock()
    fake_libretranslate.fail_status = 503
    chain = TranslationChain(
        [Stage(libre(fake_libretranslate), 2.0)], retry_after_s=15.0, clock=clock
    )
    assert (await chain.translate("hello", "en", "es")).notice is not None
    asked = len(fake_libretranslate.requests)
    second = await chain.translate("good morning", "en", "es")
    assert len(fake_libretranslate.requests) == asked  # resting: not asked at all
    assert second.notice is not None and second.notice.code is NoticeCode.ENGINE_FAILED
    assert set(chain.resting()) == {"libretranslate"}
    fake_libretranslate.fail_status = None
    clock.now += 16
    third = await chain.translate("good morning", "en", "es")
    assert third.text == "buenos días" and third.engine == "libretranslate"
    assert chain.resting() == {}
    await chain.aclose()


async def test_the_next_engine_answers_when_one_fails(
    fake_libretranslate: FakeLibreTranslate,
) -> None:
    fake_libretranslate.fail_status = 500
    chain = TranslationChain(
        [Stage(libre(fake_libretranslate), 2.0), Stage(PhrasebookTranslator(), 1.0)]
    )
    result = await chain.translate("Thank you", "en", "fil")
    assert result.text == "Salamat" and result.engine == "phrasebook"
    assert [f.engine for f in result.failures] == ["libretranslate"]
    assert result.notice is None
    await chain.aclose()


async def test_no_engine_for_the_pair_says_so() -> None:
    chain = TranslationChain([Stage(PhrasebookTranslator(), 1.0)])
    result = await chain.translate("The quarterly figures are late", "en", "th")
    assert result.text == "The quarterly figures are late"
    assert result.notice is not None and result.notice.code is NoticeCode.NO_ENGINE
    assert result.notice.message("en") == (
        "No translation available from English to Thai; showing the original."
    )
    assert result.notice.message("ja").startswith("英語からタイ語への翻訳はありません")


async def test_edge_cases_pass_through() -> None:
    book = Counting(PhrasebookTranslator())
    chain = TranslationChain([Stage(book, 1.0)], max_chars=50)
    same = await chain.translate("Thank you", "en-US", "en")
    assert same.text == "Thank you" and same.notice is None and not same.translated
    empty = await chain.translate("   ", "en", "ja")
    assert empty.text == "   " and empty.notice is None
    unknown = await chain.translate("Danke", "de", "ja")
    assert unknown.text == "Danke"
    assert unknown.notice is not None and unknown.notice.code is NoticeCode.UNKNOWN_LANGUAGE
    long = await chain.translate("word " * 20, "en", "ja")
    assert long.notice is not None and long.notice.code is NoticeCode.TOO_LONG
    assert book.calls == 0
    normalised = await chain.translate("thank you", "en-GB", "zh-CN")
    assert normalised.text == "谢谢" and normalised.target == "zh-Hans"


async def test_a_cancelled_caption_leaves_the_chain_usable(
    fake_libretranslate: FakeLibreTranslate,
) -> None:
    chain = TranslationChain([Stage(libre(fake_libretranslate), 5.0)])
    fake_libretranslate.delay_s = 1.0
    task = asyncio.create_task(chain.translate("hello", "en", "es"))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    fake_libretranslate.delay_s = 0.0
    assert (await chain.translate("hello", "en", "es")).text == "hola"
    await chain.aclose()


# ---------------------------------------------------------------- policy


async def test_offline_only_keeps_network_engines_out(
    fake_libretranslate: FakeLibreTranslate,
) -> None:
    policy = TranslationPolicy(
        offline_only=True, engine_settings={"libretranslate": {"url": fake_libretranslate.url}}
    )
    chain = build_chain(policy, default_registry())
    assert chain.engine_names == ["phrasebook", "apertium"]
    assert chain.offline
    blocked = {b.name: b.reason for b in chain.blocked}
    assert "offline only" in blocked["libretranslate"]
    # Spanish has no phrase for this, and the LibreTranslate server is never asked.
    result = await chain.translate("the report is ready", "en", "fr")
    assert not result.translated and fake_libretranslate.requests == []
    await chain.aclose()

    allowed = build_chain(
        TranslationPolicy(engine_settings={"libretranslate": {"url": fake_libretranslate.url}}),
        default_registry(),
    )
    assert allowed.engine_names == ["phrasebook", "apertium", "libretranslate"]
    assert not allowed.offline
    assert (await allowed.translate("the report is ready", "en", "fr")).engine == ("libretranslate")
    await allowed.aclose()


async def test_allowed_engines_and_order_come_from_the_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        """
        [translation]
        default_language = "en-US"
        engines = ["apertium", "phrasebook", "deepl"]
        allowed_engines = ["phrasebook", "apertium"]
        timeout_s = 2.5
        retry_after_s = 30
        cache_entries = 10

        [translation.engine.apertium]
        timeout_s = 4
        pairs = ["en-es"]
        """,
        encoding="utf-8",
    )
    policy = TranslationPolicy.load(path)
    assert policy.default_language == "en"
    assert policy.timeout_for("apertium") == 4.0 and policy.timeout_for("phrasebook") == 2.5
    chain = build_chain(policy, default_registry())
    assert chain.engine_names == ["apertium", "phrasebook"]
    assert [s.timeout_s for s in chain.stages] == [4.0, 2.5]
    assert chain.cache.max_entries == 10 and chain.retry_after_s == 30
    blocked = {b.name: b.reason for b in chain.blocked}
    assert blocked == {"deepl": "not installed"}  # libretranslate: not in `engines` at all
    await chain.aclose()
    # Named in the order but not allowed: kept out, and the admin can see why.
    ordered = build_chain(
        TranslationPolicy(
            engines=("libretranslate", "phrasebook"), allowed=frozenset({"phrasebook"})
        ),
        default_registry(),
    )
    assert ordered.engine_names == ["phrasebook"]
    assert [(b.name, b.reason) for b in ordered.blocked] == [
        ("libretranslate", "libretranslate is not in the allowed engines")
    ]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("[translation]\noffline_only = 'yes'\n", "offline_only must be true or false"),
        ("[translation]\ndefault_language = 'de'\n", "default_language"),
        ("[translation]\nengines = 'phrasebook'\n", "engines must be a list"),
        ("[translation]\ntimeout_s = -1\n", "timeout_s must not be negative"),
        ("[translation]\nspeed = 3\n", "unknown translation settings: speed"),
        ("[translation\n", "policy.toml"),
    ],
)
def test_a_bad_policy_is_refused_clearly(tmp_path: Path, body: str, error: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PolicyError, match=error):
        TranslationPolicy.load(path)


def test_no_policy_file_section_means_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("[other]\nx = 1\n", encoding="utf-8")
    policy = TranslationPolicy.load(path)
    assert policy == TranslationPolicy()
    assert policy.order(["libretranslate", "zeta", "apertium", "phrasebook", "alpha"]) == [
        "phrasebook",
        "apertium",
        "libretranslate",
        "alpha",
        "zeta",
    ]
