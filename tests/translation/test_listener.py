"""Per-listener translation of captions, spoken translations with ducking, and
type-to-speak translated before speaking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from accessibility.phrases import PhraseHistory
from accessibility.translation import (
    NoticeCode,
    TranslationChain,
    TranslationPolicy,
    build_chain,
    default_registry,
)
from accessibility.translation.listener import CaptionTranslator
from accessibility.translation.speech import (
    Ducking,
    DuckingState,
    SpeakTranslations,
    SpeechCue,
)
from accessibility.translation.typed import TypedSpeech


@pytest.fixture
async def chain() -> AsyncIterator[TranslationChain]:
    chain = build_chain(TranslationPolicy(offline_only=True), default_registry())
    yield chain
    await chain.aclose()


async def test_a_caption_in_my_language_passes_through(chain: TranslationChain) -> None:
    captions = CaptionTranslator(chain, "en-US")
    shown = await captions.final("The build is green.", "en")
    assert shown.text == shown.original == "The build is green."
    assert not shown.translated and shown.notice is None and shown.label("en") == ""
    assert chain.cache.stats.misses == 0  # no engine was even asked


async def test_a_caption_is_translated_with_the_original_kept(chain: TranslationChain) -> None:
    captions = CaptionTranslator(chain, "es")
    shown = await captions.final("I need a new computer.", "en")
    assert shown.text == "Necesito un ordenador nuevo."
    assert shown.original == "I need a new computer."  # "show the original" on request
    assert (shown.language, shown.speaker_language) == ("es", "en")
    assert shown.engine == "apertium"
    assert shown.label("en").startswith("Translated by apertium ")
    assert shown.label("ja").startswith("apertium ") and shown.label("ja").endswith("による翻訳")

    japanese = CaptionTranslator(chain, "ja")
    phrase = await japanese.final("Can you hear me?", "en")
    assert (phrase.text, phrase.engine) == ("聞こえますか", "phrasebook")


async def test_an_untranslatable_caption_shows_the_original_with_a_notice(
    chain: TranslationChain,
) -> None:
    captions = CaptionTranslator(chain, "th")
    shown = await captions.final("The quarterly figures are late.", "en")
    assert shown.text == "The quarterly figures are late."
    assert shown.language == "en"  # still in the speaker's language
    assert shown.notice is not None and shown.notice.code is NoticeCode.NO_ENGINE
    assert shown.label("en") == shown.notice.message("en")


async def test_the_listener_can_change_language(chain: TranslationChain) -> None:
    captions = CaptionTranslator(chain, "ja")
    captions.set_language("ko-KR")
    assert (await captions.final("Thank you", "en")).text == "감사합니다"
    captions.set_language("zh-Hant")  # not one we carry: the office default instead
    assert captions.listener_language == "ja"
    assert CaptionTranslator(chain, "xx", default_language="en").listener_language == "en"


async def test_translated_finals_can_be_spoken_with_the_room_ducked(
    chain: TranslationChain,
) -> None:
    speak = SpeakTranslations(enabled=True, duck=Ducking(gain=0.2))
    captions = CaptionTranslator(chain, "es", speak=speak)
    shown = await captions.final("I need a new computer.", "en")
    assert shown.cue == SpeechCue("Necesito un ordenador nuevo.", "es", Ducking(gain=0.2))
    same = await captions.final("Hola a todos", "es")
    assert same.cue is None  # already in my language: nothing to speak
    japanese = CaptionTranslator(chain, "ja", speak=speak)
    untranslated = await japanese.final("The quarterly figures are late.", "en")
    assert untranslated.notice is not None and untranslated.cue is None  # not in my language
    silent = CaptionTranslator(chain, "es")  # speaking is off by default
    assert (await silent.final("I need a new computer.", "en")).cue is None


def test_speech_policy_rules() -> None:
    class Caption:
        def __init__(self, text: str, translated: bool) -> None:
            self.text, self.language, self.translated = text, "ja", translated

    everything = SpeakTranslations(enabled=True, only_translated=False, max_chars=10, duck=None)
    assert everything.cue_for(Caption("はい", False)) == SpeechCue("はい", "ja", None)
    assert everything.cue_for(Caption("長" * 11, True)) is None
    assert everything.cue_for(Caption("  ", True)) is None
    with pytest.raises(ValueError):
        Ducking(gain=1.5)


def test_ducking_follows_overlapping_cues() -> None:
    state = DuckingState()
    assert state.gain == 1.0 and not state.ducked
    deep = SpeechCue("a", "es", Ducking(gain=0.1))
    light = SpeechCue("b", "es", Ducking(gain=0.5))
    assert state.begin(1, light) == 0.5
    assert state.begin(2, deep) == 0.1  # the deepest duck wins while both speak
    assert state.end(2) == 0.5
    assert state.begin(3, SpeechCue("c", "es", None)) == 0.5  # a cue that does not duck
    assert state.end(1) == 1.0 and not state.ducked
    state.begin(4, deep)
    assert state.end_all() == 1.0


async def test_type_to_speak_translates_before_speaking(
    chain: TranslationChain, tmp_path: Path
) -> None:
    history = PhraseHistory(tmp_path / "aiko.json")
    typed = TypedSpeech(chain, history)
    ready = await typed.prepare("少々お待ちください", "ja", speak_language="en")
    assert (ready.text, ready.language, ready.engine) == ("One moment, please", "en", "phrasebook")
    assert ready.original == "少々お待ちください"
    plain = await typed.prepare("会議の資料を送ります", "ja", speak_language="en")
    assert plain.text == "会議の資料を送ります"
    assert plain.language == "ja"  # untranslated: spoken in a Japanese voice
    assert plain.notice is not None and plain.notice.code is NoticeCode.NO_ENGINE
    as_typed = await typed.prepare("はい", "ja")
    assert (as_typed.text, as_typed.language, as_typed.translated) == ("はい", "ja", False)
    entry = history.get("少々お待ちください", "ja")
    assert entry is not None and entry.count == 1
    assert len(history) == 3
