"""Engines by name, found through the `yoriai.translators` entry point group.

Any installed distribution can add an engine by declaring, in its pyproject.toml:

    [project.entry-points."yoriai.translators"]
    glossary = "yoriai_glossary:GlossaryTranslator"

The object named is a factory: called with the engine's settings (a mapping from the
policy's `[translation.engine.NAME]` table) it returns a `Translator`. A plug-in that
fails to load is recorded in `errors` and skipped; it never stops the others.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from importlib import metadata
from typing import Any

from accessibility.translation.base import Translator

log = logging.getLogger("yoriai.translation")

ENTRY_POINT_GROUP = "yoriai.translators"

Factory = Callable[[Mapping[str, Any]], Translator]


class RegistryError(LookupError):
    """No such engine, or its factory did not give a translator."""


class TranslatorRegistry:
    def __init__(self) -> None:
        self._factories: dict[str, Factory] = {}
        self._origins: dict[str, str] = {}
        self.errors: dict[str, str] = {}  # engine name -> why it could not be loaded

    def register(self, name: str, factory: Factory, *, origin: str = "code") -> None:
        if not name or not name.replace("-", "").replace("_", "").isalnum():
            raise RegistryError(f"bad engine name {name!r}: use letters, digits, - and _")
        if name in self._factories and self._origins[name] != origin:
            log.warning(
                "engine %r from %s replaces the one from %s", name, origin, self._origins[name]
            )
        self._factories[name] = factory
        self._origins[name] = origin
        self.errors.pop(name, None)

    def discover(self) -> TranslatorRegistry:
        """Load every engine declared in the `yoriai.translators` entry point group."""
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = ep.dist.name if ep.dist is not None else "?"
            try:
                factory = ep.load()
            except Exception as exc:
                self.errors[ep.name] = f"{ep.value} (from {dist}) did not load: {exc!r}"
                log.warning("translation engine %r: %s", ep.name, self.errors[ep.name])
                continue
            if not callable(factory):
                self.errors[ep.name] = f"{ep.value} (from {dist}) is not callable"
                continue
            self.register(ep.name, factory, origin=dist)
        return self

    def names(self) -> list[str]:
        return sorted(self._factories)

    def origin(self, name: str) -> str:
        return self._origins[name]

    def declared_offline(self, name: str) -> bool | None:
        """The factory's own `offline` flag when it has one (a class), else None."""
        value = getattr(self._factories.get(name), "offline", None)
        return value if isinstance(value, bool) else None

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def create(self, name: str, settings: Mapping[str, Any] | None = None) -> Translator:
        factory = self._factories.get(name)
        if factory is None:
            known = ", ".join(self.names()) or "none"
            raise RegistryError(f"no translation engine {name!r} (registered: {known})")
        engine = factory(dict(settings or {}))
        if not isinstance(engine, Translator):
            raise RegistryError(f"engine {name!r} did not build a Translator (got {engine!r})")
        if engine.name != name:
            raise RegistryError(f"engine registered as {name!r} calls itself {engine.name!r}")
        return engine


# Yoriai's own engines, declared as entry points in its pyproject.toml. Listed here too
# so a frozen build (PyInstaller), which carries no distribution metadata, still has them.
BUILT_INS: dict[str, str] = {
    "phrasebook": "accessibility.translation.phrasebook:PhrasebookTranslator",
    "apertium": "accessibility.translation.apertium:ApertiumTranslator",
    "libretranslate": "accessibility.translation.libretranslate:LibreTranslateTranslator",
}


def default_registry() -> TranslatorRegistry:
    """Every engine installed: Yoriai's own (declared in its pyproject) and plug-ins."""
    registry = TranslatorRegistry().discover()
    for name, target in BUILT_INS.items():
        if name not in registry and name not in registry.errors:
            module, _, attr = target.partition(":")
            registry.register(
                name, getattr(importlib.import_module(module), attr), origin="built-in"
            )
    return registry
