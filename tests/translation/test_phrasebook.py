"""The phrase book: complete in twelve languages, and matched after normalisation."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from accessibility import languages
from accessibility.translation.base import Declined
from accessibility.translation.normalize import phrase_key
from accessibility.translation.phrasebook import (
    Phrasebook,
    PhrasebookError,
    PhrasebookTranslator,
)

BOOK = Phrasebook.load()
# French says "Bonjour" for both hello and good morning; from French it reads as hello.
KNOWN_COLLISIONS = {("fr", "bonjour", "hello", "good_morning")}


def test_the_book_has_the_office_and_counter_phrases() -> None:
    assert len(BOOK.phrases) >= 40
    keys = {p.id for p in BOOK.phrases}
    for needed in (
        "hello",
        "good_morning",
        "can_you_hear_me",
        "right_back",
        "speak_more_slowly",
        "lets_start",
        "thank_you",
        "how_can_i_help",
    ):
        assert needed in keys
    assert {p.category for p in BOOK.phrases} >= {"greeting", "meeting", "counter"}


@pytest.mark.parametrize("phrase", BOOK.phrases, ids=lambda p: p.id)
def test_every_phrase_has_all_twelve_languages(phrase: object) -> None:
    from accessibility.translation.phrasebook import Phrase

    assert isinstance(phrase, Phrase)
    assert set(phrase.texts) == set(languages.TAGS)
    english = phrase.texts["en"]
    for tag in languages.TAGS:
        text = phrase.texts[tag]
        assert text.strip() == text and phrase_key(text), (phrase.id, tag)
        if tag != "en":
            # Written out, not copied from English (unless the language spells it so).
            same = phrase_key(text) == phrase_key(english)
            assert same == (tag in phrase.identical), (phrase.id, tag, text)


def test_scripts_are_the_languages_own() -> None:
    def has(text: str, first: int, last: int) -> bool:
        return any(first <= ord(c) <= last for c in text)

    for phrase in BOOK.phrases:
        t = phrase.texts
        assert has(t["th"], 0x0E00, 0x0E7F), phrase.id  # Thai
        assert has(t["my"], 0x1000, 0x109F), phrase.id  # Myanmar
        assert has(t["ko"], 0xAC00, 0xD7A3), phrase.id  # Hangul
        assert has(t["zh-Hans"], 0x4E00, 0x9FFF), phrase.id  # CJK ideographs
        assert has(t["ja"], 0x3040, 0x30FF) or has(t["ja"], 0x4E00, 0x9FFF), phrase.id


def test_only_the_known_collisions() -> None:
    found = {(c.language, c.key, c.kept, c.shadowed) for c in BOOK.collisions}
    assert found == KNOWN_COLLISIONS


def test_each_phrase_translates_between_every_pair() -> None:
    shadowed = {(c.language, c.shadowed) for c in BOOK.collisions}
    for phrase in BOOK.phrases:
        for src, tgt in itertools.permutations(languages.TAGS, 2):
            if (src, phrase.id) in shadowed:
                continue
            assert BOOK.translate(phrase.texts[src], src, tgt) == phrase.texts[tgt], (
                phrase.id,
                src,
                tgt,
            )


def test_other_ways_of_saying_it_are_matched() -> None:
    for phrase in BOOK.phrases:
        for tag, variants in phrase.also.items():
            for variant in variants:
                found = BOOK.lookup(variant, tag)
                assert found is not None and found.id == phrase.id, (tag, variant)


@pytest.mark.parametrize(
    ("text", "source", "phrase_id"),
    [
        ("can you hear me", "en", "can_you_hear_me"),
        ("CAN YOU HEAR ME?!", "en", "can_you_hear_me"),
        ("  Can   you hear me ?  ", "en", "can_you_hear_me"),
        ("Ｃａｎ ｙｏｕ ｈｅａｒ ｍｅ？", "en", "can_you_hear_me"),  # full-width
        ("I’ll be right back.", "en", "right_back"),  # a curly apostrophe
        ("ill be right back", "en", "right_back"),
        ("聞こえますか？", "ja", "can_you_hear_me"),
        ("聞こえ ます か", "ja", "can_you_hear_me"),  # Vosk spaces Japanese words apart
        ("ｺﾝﾆﾁﾊ", "ja", "hello"),  # half-width katakana
        ("コンニチハ", "ja", "hello"),  # katakana for hiragana
        ("もう少し、ゆっくり話してください。", "ja", "speak_more_slowly"),
        ("¿Me oyes?", "es", "can_you_hear_me"),
        ("ME OYES", "es", "can_you_hear_me"),
        ("Cảm ơn!", "vi", "thank_you"),
        ("ကျေးဇူးတင်ပါတယ်။", "my", "thank_you"),
        ("ขอบคุณครับ", "th", "thank_you"),
        ("Salamat po!", "fil", "thank_you"),
        ("Obrigada", "pt", "thank_you"),
        ("谢谢！", "zh-CN", "thank_you"),
    ],
)
def test_matching_after_normalisation(text: str, source: str, phrase_id: str) -> None:
    found = BOOK.lookup(text, source)
    assert found is not None and found.id == phrase_id


def test_near_misses_are_not_matched() -> None:
    assert BOOK.lookup("can you hear me now that the meeting started", "en") is None
    assert BOOK.lookup("Thank you", "ja") is None  # English text, said to be Japanese
    assert BOOK.lookup("", "en") is None
    assert BOOK.lookup("?!", "en") is None
    assert BOOK.lookup("hello", "de") is None


async def test_the_engine_translates_or_declines() -> None:
    engine = PhrasebookTranslator()
    assert engine.offline
    assert await engine.supports("en", "my")
    result = await engine.translate("Please speak more slowly.", "en", "ja")
    assert result.text == "もう少しゆっくり話してください"
    assert result.engine == "phrasebook" and result.engine_version == BOOK.version
    assert result.original == "Please speak more slowly."
    with pytest.raises(Declined):
        await engine.translate("The quarterly report is late", "en", "ja")


def test_an_office_can_add_and_replace_phrases(tmp_path: Path) -> None:
    extra = tmp_path / "ours.toml"
    texts = {tag: f"{tag}: Tono satellite office" for tag in languages.TAGS}
    texts["ja"] = "遠野サテライトオフィス"
    texts["en"] = "Tono satellite office"
    body = "\n".join(f'{tag} = "{text}"' for tag, text in texts.items())
    hello = dict(BOOK.get("hello").texts)  # type: ignore[union-attr]
    hello["en"] = "Howdy"
    hello_body = "\n".join(f'{tag} = "{text}"' for tag, text in hello.items())
    extra.write_text(
        f'version = "1"\n[[phrase]]\nkey = "tono"\ncategory = "place"\n{body}\n'
        f'[[phrase]]\nkey = "hello"\ncategory = "greeting"\n{hello_body}\n',
        encoding="utf-8",
    )
    engine = PhrasebookTranslator({"extra_paths": [str(extra)]})
    book = engine.book
    assert book.translate("Tono satellite office", "en", "ja") == "遠野サテライトオフィス"
    assert book.translate("こんにちは", "ja", "en") == "Howdy"  # replaced by key
    assert len(book.phrases) == len(BOOK.phrases) + 1
    assert book.version != BOOK.version


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ('[[phrase]]\nkey = "x"\nen = "Hi"\n', "has no ja text"),
        ('[[phrase]]\nen = "Hi"\n', "has no key"),
        ("[[phrase]\n", "phrase"),
    ],
)
def test_bad_phrase_books_are_refused_clearly(tmp_path: Path, body: str, error: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PhrasebookError, match=error):
        Phrasebook.load([path])
    with pytest.raises(PhrasebookError, match="no phrase book"):
        Phrasebook.load([tmp_path / "missing.toml"])
