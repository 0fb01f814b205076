"""Apertium, for real: Debian's apertium with apertium-eng-spa, kept warm."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from accessibility.translation import NoticeCode, Stage, TranslationChain, TranslationError
from accessibility.translation.apertium import (
    ApertiumTranslator,
    escape,
    installed_pairs,
    unescape,
)

ENGLISH_TO_SPANISH = [
    ("The house is very big.", ["casa", "muy", "grande"]),
    ("I would like a coffee.", ["gustaría", "café"]),
    ("We have a meeting tomorrow morning.", ["reunión", "mañana"]),
    ("The children are reading a book.", ["niños", "libro"]),
    ("I need a new computer.", ["necesito", "ordenador", "nuevo"]),
    ("Thank you very much.", ["muchas", "gracias"]),
]
SPANISH_TO_ENGLISH = [
    ("La casa es muy grande.", ["house", "very", "big"]),
    ("Mi hermano trabaja en un hospital.", ["brother", "works", "hospital"]),
    ("El gato negro duerme.", ["black", "cat", "sleeps"]),
    ("Ella bebe agua todos los días.", ["drinks", "water", "every", "day"]),
]


def words(text: str) -> set[str]:
    return {w.strip(".,;:?!¿¡").lower() for w in text.split()}


def test_the_installed_pairs_are_listed() -> None:
    pairs = installed_pairs()
    assert pairs[("en", "es")] == "eng-spa"
    assert pairs[("es", "en")] == "spa-eng"
    assert all(len(p) == 2 for p in pairs)  # variants such as spa-eng_US are left out


async def test_english_to_spanish(apertium: ApertiumTranslator) -> None:
    assert await apertium.supports("en", "es")
    for sentence, expected in ENGLISH_TO_SPANISH:
        result = await apertium.translate(sentence, "en", "es")
        assert set(expected) <= words(result.text), (sentence, result.text)
        assert result.engine == "apertium"
        assert result.engine_version is not None and result.engine_version.endswith("eng-spa")
        assert result.engine_version.split()[0][0].isdigit()  # the apertium version


async def test_spanish_to_english_and_back(apertium: ApertiumTranslator) -> None:
    for sentence, expected in SPANISH_TO_ENGLISH:
        result = await apertium.translate(sentence, "es", "en")
        assert set(expected) <= words(result.text), (sentence, result.text)
    there = await apertium.translate("The house is very big.", "en", "es")
    back = await apertium.translate(there.text, "es", "en")
    assert back.text == "The house is very big."


async def test_the_pipeline_stays_warm(apertium: ApertiumTranslator) -> None:
    await apertium.warm_up()
    assert apertium.running() == {"eng-spa": 1, "spa-eng": 1}
    for _ in range(3):
        for sentence, _expected in ENGLISH_TO_SPANISH:
            await apertium.translate(sentence, "en", "es")
    assert apertium.running() == {"eng-spa": 1, "spa-eng": 1}  # one process each, reused


async def test_reserved_characters_survive(apertium: ApertiumTranslator) -> None:
    text = "The price is $5 [draft] for a/b <house> {x} ^y \\z"
    assert unescape(escape(text)) == text
    result = await apertium.translate(text, "en", "es")
    # The marks pass through as text; the words between them are translated.
    for kept in ("$5", "[borrador]", "/b", "<casa>", "{x}", "^y", "\\z"):
        assert kept in result.text, (kept, result.text)
    assert "precio" in result.text
    # The stream is still in step: the next sentence gets its own translation.
    assert "casa" in (await apertium.translate("The house.", "en", "es")).text


async def test_a_killed_pipeline_is_restarted(apertium: ApertiumTranslator) -> None:
    await apertium.translate("The house is very big.", "en", "es")
    pipeline = apertium._pipelines["eng-spa"]
    assert pipeline.proc is not None
    os.killpg(pipeline.proc.pid, signal.SIGKILL)
    await pipeline.proc.wait()
    result = await apertium.translate("I need a new computer.", "en", "es")
    assert "ordenador" in result.text
    assert apertium.running()["eng-spa"] == 2


async def test_a_timeout_mid_sentence_starts_the_pipe_afresh(
    apertium: ApertiumTranslator,
) -> None:
    await apertium.warm_up()
    # Some 15,000 characters take Apertium about half a second: 50 ms is too little.
    long = " ".join(["The children are reading a book in the big house."] * 300)
    chain = TranslationChain([Stage(apertium, 0.05)], retry_after_s=0, max_chars=20_000)
    result = await chain.translate(long, "en", "es")
    assert result.text == long
    assert result.notice is not None and result.notice.code is NoticeCode.TIMED_OUT
    chain.stages = [Stage(apertium, 10.0)]
    again = await chain.translate("The house is very big.", "en", "es")
    assert again.text == "La casa es muy grande."  # not the remains of the long text
    assert apertium.running()["eng-spa"] == 2


async def test_broken_language_data_leaves_the_original(tmp_path: Path) -> None:
    (tmp_path / "eng-spa.mode").write_text("lt-proc '/nonexistent/eng-spa.automorf.bin'\n")
    engine = ApertiumTranslator({"modes_dir": str(tmp_path)})
    assert await engine.supports("en", "es")
    with pytest.raises(TranslationError, match="eng-spa"):
        await engine.translate("The house", "en", "es")
    chain = TranslationChain([Stage(engine, 5.0)])
    result = await chain.translate("The house", "en", "es")
    assert result.text == "The house"
    assert result.notice is not None and result.notice.code is NoticeCode.ENGINE_FAILED
    await chain.aclose()


async def test_pairs_can_be_limited_and_others_are_declined() -> None:
    engine = ApertiumTranslator({"pairs": ["en-es"]})
    assert await engine.supports("en", "es")
    assert not await engine.supports("es", "en")
    assert not await engine.supports("en", "ja")
    assert ApertiumTranslator({"modes_dir": "/nonexistent"}).pairs() == {}
