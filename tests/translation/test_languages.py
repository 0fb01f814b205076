"""The language registry: twelve languages, names, tiers, and loose tags matched."""

from __future__ import annotations

import pytest

from accessibility import languages
from accessibility.languages import Tier, UnknownLanguage
from rooms.people import LANGUAGES as OFFICE_LANGUAGES


def test_the_twelve_languages_in_order() -> None:
    assert languages.TAGS == (
        "ja", "en", "zh-Hans", "ko", "id", "th", "vi", "my", "es", "fr", "pt-BR", "fil",
    )  # fmt: skip


def test_the_first_four_are_the_mature_tier() -> None:
    assert [lang.tag for lang in languages.by_tier(Tier.MATURE)] == ["ja", "en", "zh-Hans", "ko"]
    assert len(languages.by_tier(Tier.EXTENDED)) == 8


def test_every_language_has_japanese_english_and_native_names() -> None:
    for lang in languages.LANGUAGES:
        assert lang.english_name and lang.japanese_name and lang.native_name
        assert lang.japanese_name.endswith(("語", "語（簡体字）", "語（ブラジル）"))
        assert lang.name("ja") == lang.japanese_name
        assert lang.name("en") == lang.english_name
        assert lang.name("fr") == lang.english_name
    assert languages.get("my").name("ja") == "ミャンマー語"
    assert languages.get("ko").native_name == "한국어"


def test_the_office_core_offers_the_same_languages() -> None:
    # rooms/ may not import accessibility/, so it keeps its own list: keep them equal.
    assert frozenset(languages.TAGS) == OFFICE_LANGUAGES


@pytest.mark.parametrize(
    ("loose", "canonical"),
    [
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("JA_jp", "ja"),
        ("jpn", "ja"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("eng", "en"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh-hans-CN", "zh-Hans"),
        ("cmn", "zh-Hans"),
        ("ko-KR", "ko"),
        ("in", "id"),
        ("id-ID", "id"),
        ("th-TH", "th"),
        ("vi-VN", "vi"),
        ("my-MM", "my"),
        ("bur", "my"),
        ("es-MX", "es"),
        ("spa", "es"),
        ("fr-CA", "fr"),
        ("pt", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("pt_br", "pt-BR"),
        ("por", "pt-BR"),
        ("tl", "fil"),
        ("fil-PH", "fil"),
        ("tgl", "fil"),
        (" en ", "en"),
    ],
)
def test_loose_tags_match_the_canonical_one(loose: str, canonical: str) -> None:
    assert languages.normalize_tag(loose) == canonical
    assert languages.get(loose).tag == canonical


@pytest.mark.parametrize("tag", ["", "-", "de", "xx", "zh-Hant", "zh-TW", "zh-HK", "en" * 40])
def test_other_tags_are_refused_clearly(tag: str) -> None:
    assert languages.match_tag(tag) is None
    assert not languages.is_supported(tag)
    with pytest.raises(UnknownLanguage) as caught:
        languages.normalize_tag(tag)
    assert "ja, en, zh-Hans" in str(caught.value) or "empty" in str(caught.value)


def test_same_language() -> None:
    assert languages.same_language("zh-CN", "zh-Hans")
    assert languages.same_language("pt", "pt-BR")
    assert not languages.same_language("en", "es")
    assert languages.same_language("de", "DE")  # unknown tags: equal only as written
    assert not languages.same_language("de", "en")
