"""Engines chosen by name, from entry points, so an organisation can plug in its own.

A package declares engines in its metadata, e.g. in pyproject.toml::

    [project.entry-points."yoriai.stt"]
    my-engine = "my_package.stt:MyEngine"

Yoriai's own engines are declared the same way (see pyproject.toml). Engines may also be
registered in code (`Registry.register`), which tests and embedders use.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from typing import Generic, TypeVar

T = TypeVar("T")


class EngineUnavailable(Exception):
    """An engine that is not known, not installed, or cannot start (model missing...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Registry(Generic[T]):
    def __init__(self, group: str, kind: str) -> None:
        self.group = group
        self.kind = kind  # "speech-to-text engine", for messages
        self._factories: dict[str, Callable[[], T]] = {}

    def register(self, name: str, factory: Callable[[], T]) -> None:
        self._factories[name] = factory

    def _entry_points(self) -> dict[str, EntryPoint]:
        return {ep.name: ep for ep in entry_points(group=self.group)}

    def names(self) -> list[str]:
        return sorted(set(self._factories) | set(self._entry_points()))

    def create(self, name: str) -> T:
        """Make the engine called `name`, or raise EngineUnavailable saying why not."""
        factory = self._factories.get(name)
        if factory is None:
            ep = self._entry_points().get(name)
            if ep is None:
                known = ", ".join(self.names()) or "none"
                raise EngineUnavailable(
                    "unknown_engine", f"no {self.kind} called {name!r} (installed: {known})"
                )
            try:
                factory = ep.load()
            except ImportError as exc:
                raise EngineUnavailable(
                    "not_installed", f"the {self.kind} {name!r} cannot load: {exc}"
                ) from exc
        return factory()
