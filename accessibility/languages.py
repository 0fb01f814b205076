"""Language tags as Yoriai uses them, and how speech engines spell the same languages.

People carry a BCP 47-ish tag (`ja`, `en`, `pt-BR`, `fil`). Model archives and engines
use their own spellings (Vosk's `cn`, `vn`, `en-us`; Whisper's `tl`), so matching
goes through `primary`, which maps every spelling of a language to one code.
"""

from __future__ import annotations

from typing import Final

# The 12 languages the office serves first, with their names for the UI.
LANGUAGES: Final[dict[str, tuple[str, str]]] = {
    "ja": ("Japanese", "日本語"),
    "en": ("English", "英語"),
    "zh": ("Chinese", "中国語"),
    "ko": ("Korean", "韓国語"),
    "id": ("Indonesian", "インドネシア語"),
    "th": ("Thai", "タイ語"),
    "vi": ("Vietnamese", "ベトナム語"),
    "my": ("Burmese", "ミャンマー語"),
    "es": ("Spanish", "スペイン語"),
    "fr": ("French", "フランス語"),
    "pt-BR": ("Brazilian Portuguese", "ポルトガル語（ブラジル）"),
    "fil": ("Filipino", "フィリピノ語"),
}

# Other spellings of a primary language subtag, as model names and engines use them.
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
    """The primary language of a tag, in one spelling: 'en-US' -> 'en', 'cn' -> 'zh'."""
    head = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return _ALIASES.get(head, head)


def same_language(a: str, b: str) -> bool:
    return primary(a) == primary(b)


def whisper_code(tag: str) -> str:
    """Whisper's code for a language (Filipino is 'tl' there)."""
    p = primary(tag)
    return "tl" if p == "fil" else p


def display_name(tag: str) -> str:
    for code, (english, _ja) in LANGUAGES.items():
        if same_language(code, tag):
            return english
    return tag
