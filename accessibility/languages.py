"""The twelve languages Yoriai translates between, and how loose tags map onto them.

Tags are BCP 47. The first four (Japanese, English, Chinese, Korean) are the mature
tier: speech recognition and translation for them are the most reliable, so the UI may
offer them first. `normalize_tag` folds the tags people and engines actually send
('zh-CN', 'pt', 'tl', 'en_US', 'jpn') onto the twelve canonical ones.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final


class Tier(enum.IntEnum):
    MATURE = 1  # Japanese, English, Chinese, Korean: the national programme's first four
    EXTENDED = 2


@dataclass(frozen=True, slots=True)
class Language:
    tag: str  # canonical BCP 47 tag
    english_name: str
    japanese_name: str
    native_name: str
    tier: Tier
    iso639_3: str  # what Apertium and other engines name their data by

    def name(self, ui_language: str) -> str:
        """The display name for a Japanese or an English UI (English for any other)."""
        return self.japanese_name if ui_language.lower().startswith("ja") else self.english_name


LANGUAGES: Final[tuple[Language, ...]] = (
    Language("ja", "Japanese", "日本語", "日本語", Tier.MATURE, "jpn"),
    Language("en", "English", "英語", "English", Tier.MATURE, "eng"),
    Language("zh-Hans", "Chinese (Simplified)", "中国語（簡体字）", "简体中文", Tier.MATURE, "zho"),
    Language("ko", "Korean", "韓国語", "한국어", Tier.MATURE, "kor"),
    Language("id", "Indonesian", "インドネシア語", "Bahasa Indonesia", Tier.EXTENDED, "ind"),
    Language("th", "Thai", "タイ語", "ภาษาไทย", Tier.EXTENDED, "tha"),
    Language("vi", "Vietnamese", "ベトナム語", "Tiếng Việt", Tier.EXTENDED, "vie"),
    Language("my", "Burmese", "ミャンマー語", "မြန်မာဘာသာ", Tier.EXTENDED, "mya"),
    Language("es", "Spanish", "スペイン語", "Español", Tier.EXTENDED, "spa"),
    Language("fr", "French", "フランス語", "Français", Tier.EXTENDED, "fra"),
    Language(
        "pt-BR",
        "Portuguese (Brazil)",
        "ポルトガル語（ブラジル）",
        "Português (Brasil)",
        Tier.EXTENDED,
        "por",
    ),
    Language("fil", "Filipino", "フィリピノ語", "Filipino", Tier.EXTENDED, "fil"),
)

TAGS: Final[tuple[str, ...]] = tuple(lang.tag for lang in LANGUAGES)
_BY_TAG: Final = {lang.tag: lang for lang in LANGUAGES}

# Primary subtags (ISO 639-1, 639-2/B and /T, 639-3, and a few deprecated or macro
# codes) that name one of the twelve. Region and variant subtags are ignored for these.
_PRIMARY: Final[dict[str, str]] = {
    "ja": "ja", "jpn": "ja",
    "en": "en", "eng": "en",
    "ko": "ko", "kor": "ko",
    "id": "id", "ind": "id", "in": "id",  # 'in' is the withdrawn ISO 639 code
    "th": "th", "tha": "th",
    "vi": "vi", "vie": "vi",
    "my": "my", "mya": "my", "bur": "my",
    "es": "es", "spa": "es",
    "fr": "fr", "fra": "fr", "fre": "fr",
    # Brazilian Portuguese is the only Portuguese we carry, so every Portuguese maps to it.
    "pt": "pt-BR", "por": "pt-BR",
    # Filipino is standardised Tagalog; engines and recognisers often say 'tl'.
    "fil": "fil", "tl": "fil", "tgl": "fil",
}  # fmt: skip
_CHINESE: Final = frozenset({"zh", "zho", "chi", "cmn"})
_TRADITIONAL_REGIONS: Final = frozenset({"TW", "HK", "MO"})


class UnknownLanguage(ValueError):
    """A tag that names none of the twelve languages."""

    def __init__(self, tag: str) -> None:
        super().__init__(
            f"{tag!r} is not one of Yoriai's languages ({', '.join(TAGS)})"
            if tag.strip()
            else "empty language tag"
        )
        self.tag = tag


def match_tag(tag: str) -> str | None:
    """The canonical tag for a loose one, or None when it names none of the twelve.

    Case and '_' versus '-' do not matter. Traditional Chinese (zh-Hant, zh-TW, zh-HK)
    is refused rather than silently shown in Simplified characters.
    """
    parts = [p for p in tag.strip().replace("_", "-").split("-") if p]
    if not parts or len(tag) > 64:
        return None
    primary = parts[0].lower()
    if primary in _CHINESE:
        script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
        region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
        if script == "Hant" or (script is None and region in _TRADITIONAL_REGIONS):
            return None
        return "zh-Hans"
    return _PRIMARY.get(primary)


def normalize_tag(tag: str) -> str:
    """The canonical tag, or UnknownLanguage."""
    found = match_tag(tag)
    if found is None:
        raise UnknownLanguage(tag)
    return found


def get(tag: str) -> Language:
    """The language a (loose) tag names, or UnknownLanguage."""
    return _BY_TAG[normalize_tag(tag)]


def is_supported(tag: str) -> bool:
    return match_tag(tag) is not None


def same_language(a: str, b: str) -> bool:
    """True when two tags name the same language: one of the twelve, or (for the other
    languages speech models come in) the same primary subtag in any spelling."""
    ma, mb = match_tag(a), match_tag(b)
    if ma is not None and mb is not None:
        return ma == mb
    return primary(a) == primary(b)


# Other spellings of a primary subtag, as speech model archives and engines use them
# (Vosk's 'cn', 'vn'; Whisper's 'tl').
_ALIASES: Final = {
    "cn": "zh",
    "cmn": "zh",
    "vn": "vi",
    "kz": "kk",
    "ua": "uk",
    "tl": "fil",
    "jp": "ja",
    "kr": "ko",
}


def primary(tag: str) -> str:
    """The primary language of any tag, in one spelling: 'en-US' -> 'en', 'cn' -> 'zh'."""
    head = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return _ALIASES.get(head, head)


def whisper_code(tag: str) -> str:
    """Whisper's code for a language (Filipino is 'tl' there)."""
    p = primary(tag)
    return "tl" if p == "fil" else p


def display_name(tag: str) -> str:
    """The English name of one of the twelve, else the tag as given."""
    found = match_tag(tag) or match_tag(primary(tag))
    return _BY_TAG[found].english_name if found else tag


def by_tier(tier: Tier) -> tuple[Language, ...]:
    return tuple(lang for lang in LANGUAGES if lang.tier is tier)
