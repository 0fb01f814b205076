"""The key two phrasings share when they are "the same phrase".

Speech recognisers and keyboards disagree on the small things: full-width or
half-width letters (Ｈｅｌｌｏ, ｺﾝﾆﾁﾊ), case, punctuation (? ？ ¿ 。 ။), spaces (Vosk puts
spaces between Japanese words) and katakana versus hiragana. The key drops all of it:
Unicode NFKC, case folding, katakana folded to hiragana, and no punctuation, symbols
or whitespace at all.
"""

from __future__ import annotations

import unicodedata

_KATAKANA_FIRST, _KATAKANA_LAST = 0x30A1, 0x30F6  # ァ..ヶ: each has a hiragana 0x60 below


def phrase_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    for ch in folded:
        category = unicodedata.category(ch)
        if category[0] in "PSZ" or ch.isspace() or category == "Cc":
            continue
        code = ord(ch)
        if _KATAKANA_FIRST <= code <= _KATAKANA_LAST:
            ch = chr(code - 0x60)
        out.append(ch)
    return "".join(out)
