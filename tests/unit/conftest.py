"""Fixtures for the unit tests; the helpers live in office_harness."""

from __future__ import annotations

import pytest
from office_harness import PEOPLE, Harness


@pytest.fixture
def h() -> Harness:
    """An office where everyone in PEOPLE is connected."""
    harness = Harness()
    harness.connect(*(p.id for p in PEOPLE))
    return harness


@pytest.fixture
def cold() -> Harness:
    """An office where nobody has connected yet."""
    return Harness()
