"""The LibreTranslate client, against a FAKE server that follows the documented API."""

from __future__ import annotations

import pytest

from accessibility.translation import NoticeCode, Stage, TranslationChain, TranslationError
from accessibility.translation.libretranslate import LibreTranslateTranslator
from tests.integration.support import free_port

from .fake_libretranslate import FakeLibreTranslate


async def test_languages_map_onto_ours(fake_libretranslate: FakeLibreTranslate) -> None:
    engine = LibreTranslateTranslator({"url": fake_libretranslate.url})
    assert not engine.offline
    targets = await engine.languages()
    assert set(targets) == {"en", "es", "ja", "zh-Hans", "pt-BR", "fil", "fr"}
    assert {"zh-Hans", "pt-BR", "fil"} <= targets["en"]
    assert await engine.supports("en", "fil")
    assert not await engine.supports("en", "ko")  # the server has no Korean
    for _ in range(3):
        await engine.supports("en", "es")
    assert fake_libretranslate.language_requests == 1  # asked once, then remembered
    await engine.aclose()


async def test_translate_sends_the_documented_request(
    fake_libretranslate: FakeLibreTranslate,
) -> None:
    engine = LibreTranslateTranslator({"url": fake_libretranslate.url + "/"})
    result = await engine.translate("hello the report", "en", "zh-Hans")
    assert result.text == "你好 the 报告"
    assert result.engine == "libretranslate"
    assert result.engine_version == "LibreTranslate fake-1.0"
    assert fake_libretranslate.requests[-1] == {
        "q": "hello the report",
        "source": "en",
        "target": "zh",  # the server's own code for our zh-Hans
        "format": "text",
    }
    assert (await engine.translate("hello", "en", "fil")).text == "kumusta"
    assert fake_libretranslate.requests[-1]["target"] == "tl"
    assert (await engine.translate("hola", "es", "en")).text == "hello"
    await engine.aclose()


async def test_the_api_key_is_sent(fake_libretranslate: FakeLibreTranslate) -> None:
    fake_libretranslate.api_key = "s3cret"
    wrong = LibreTranslateTranslator({"url": fake_libretranslate.url, "api_key": "nope"})
    with pytest.raises(TranslationError, match="403: Invalid API key"):
        await wrong.translate("hello", "en", "es")
    right = LibreTranslateTranslator({"url": fake_libretranslate.url, "api_key": "s3cret"})
    assert (await right.translate("hello", "en", "es")).text == "hola"
    assert fake_libretranslate.requests[-1]["api_key"] == "s3cret"
    await wrong.aclose()
    await right.aclose()


@pytest.mark.parametrize("status", [400, 429, 500])
async def test_server_errors_become_clear_failures(
    fake_libretranslate: FakeLibreTranslate, status: int
) -> None:
    fake_libretranslate.fail_status = status
    engine = LibreTranslateTranslator({"url": fake_libretranslate.url})
    with pytest.raises(TranslationError, match=f"{status}: Cannot translate text: fake failure"):
        await engine.translate("hello", "en", "es")
    await engine.aclose()


async def test_no_url_means_no_requests_at_all() -> None:
    engine = LibreTranslateTranslator({})
    assert not await engine.supports("en", "es")
    with pytest.raises(TranslationError, match="no LibreTranslate url"):
        await engine.translate("hello", "en", "es")


async def test_a_server_that_is_down_leaves_the_original() -> None:
    engine = LibreTranslateTranslator({"url": f"http://127.0.0.1:{free_port()}"})
    with pytest.raises(TranslationError, match=r"LibreTranslate at http://127\.0\.0\.1"):
        await engine.translate("hello", "en", "es")
    chain = TranslationChain([Stage(engine, 3.0)])
    result = await chain.translate("hello", "en", "es")
    assert result.text == "hello"
    assert result.notice is not None and result.notice.code is NoticeCode.ENGINE_FAILED
    await chain.aclose()
