"""An example Yoriai translation engine: an office's own terms, translated exactly.

Install it beside Yoriai (`pip install ./yoriai-glossary`), then list `glossary` in the
policy's `engines` and give it terms:

    [translation]
    engines = ["glossary", "phrasebook", "apertium"]

    [[translation.engine.glossary.terms]]
    source = "ja"
    target = "en"
    text = "遠野サテライト"
    translation = "Tono satellite office"
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accessibility import languages
from accessibility.translation import Declined, Translation


class GlossaryTranslator:
    name = "glossary"  # must equal the entry point's name
    version = "1.0.0"
    offline = True  # needs no network: allowed on closed networks

    def __init__(self, settings: Mapping[str, Any]) -> None:
        # Called with [translation.engine.glossary]. Do no I/O here: Yoriai may build an
        # engine only to find the policy does not allow it.
        self._terms: dict[tuple[str, str, str], str] = {}
        for term in settings.get("terms", []):
            source = languages.normalize_tag(term["source"])
            target = languages.normalize_tag(term["target"])
            self._terms[(source, target, term["text"].casefold())] = term["translation"]

    async def supports(self, source: str, target: str) -> bool:
        return any(s == source and t == target for s, t, _ in self._terms)

    async def translate(self, text: str, source: str, target: str) -> Translation:
        found = self._terms.get((source, target, text.strip().casefold()))
        if found is None:
            raise Declined(text)  # not ours: the chain asks the next engine
        return Translation.by(self, found, original=text, source=source, target=target)

    async def aclose(self) -> None:
        pass  # nothing to release
