"""Fixtures for the translation tests: a fake LibreTranslate, engines, a real office."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from accessibility.translation.apertium import ApertiumTranslator
from tests.integration.support import office, start_office

from .fake_libretranslate import FakeLibreTranslate

__all__ = ["apertium", "fake_libretranslate", "office", "start_office"]


@pytest.fixture
def fake_libretranslate() -> Iterator[FakeLibreTranslate]:
    fake = FakeLibreTranslate().start()
    yield fake
    fake.stop()


@pytest.fixture
async def apertium() -> AsyncIterator[ApertiumTranslator]:
    engine = ApertiumTranslator()
    yield engine
    await engine.aclose()
