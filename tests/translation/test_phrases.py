"""A person's phrase history: counted, suggested, promoted to fixed phrases, and kept
on disk per user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accessibility.phrases import PhraseHistory, default_dir


def test_uses_are_counted_across_small_differences(tmp_path: Path) -> None:
    history = PhraseHistory(tmp_path / "h.json")
    history.record("少々お待ちください。", "ja", now=1)
    history.record("少々 お待ちください", "ja", now=2)
    entry = history.record("少々お待ちください！", "ja-JP", now=3)
    assert entry is not None and entry.count == 3 and entry.last_used == 3
    assert entry.text == "少々お待ちください！"  # the latest wording is kept
    assert len(history) == 1
    assert history.record("   ", "ja") is None
    assert history.record("x" * 301, "ja") is None  # a message, not a phrase
    assert history.record("hello", "de") is None  # not one of our languages


def test_suggestions_rank_by_use_then_recency(tmp_path: Path) -> None:
    history = PhraseHistory(tmp_path / "h.json")
    for _ in range(3):
        history.record("I'll be right back", "en", now=10)
    history.record("I'll check", "en", now=20)
    history.record("I'll check", "en", now=21)
    history.record("I agree", "en", now=30)
    history.record("了解です", "ja", now=40)
    texts = [e.text for e in history.suggestions("en")]
    assert texts == ["I'll be right back", "I'll check", "I agree"]
    assert [e.text for e in history.suggestions("en", prefix="ill ")] == [
        "I'll be right back",
        "I'll check",
    ]
    assert [e.text for e in history.suggestions(limit=1)] == ["I'll be right back"]
    assert [e.text for e in history.suggestions("ja")] == ["了解です"]


def test_frequent_phrases_are_offered_for_promotion(tmp_path: Path) -> None:
    history = PhraseHistory(tmp_path / "h.json", promote_after=3)
    for n in range(3):
        history.record("Please speak more slowly", "en", now=n)
    history.record("Maybe later", "en", now=5)
    assert [e.text for e in history.promotion_candidates()] == ["Please speak more slowly"]
    fixed = history.promote("please speak more slowly!", "en")
    assert fixed.fixed and fixed.count == 3
    assert history.promotion_candidates() == []
    history.promote("Good morning, everyone", "en")  # never typed: added as fixed
    assert [e.text for e in history.fixed("en")] == [
        "Please speak more slowly",
        "Good morning, everyone",
    ]
    assert history.demote("Please speak more slowly", "en")
    assert [e.text for e in history.fixed()] == ["Good morning, everyone"]
    assert not history.demote("never seen", "en")
    with pytest.raises(ValueError):
        history.promote("?!", "en")


def test_the_history_is_kept_per_user_and_survives_a_restart(tmp_path: Path) -> None:
    aiko = PhraseHistory.for_user("aiko", base_dir=tmp_path)
    aiko.record("お先に失礼します", "ja", now=1)
    aiko.promote("お疲れさまです", "ja")
    emma = PhraseHistory.for_user("emma", base_dir=tmp_path)
    emma.record("See you tomorrow", "en", now=2)
    assert {p.name for p in tmp_path.iterdir()} == {"aiko.json", "emma.json"}

    again = PhraseHistory.for_user("aiko", base_dir=tmp_path)
    assert [e.text for e in again.fixed()] == ["お疲れさまです"]
    entry = again.get("お先に失礼します", "ja")
    assert entry is not None and entry.count == 1 and entry.last_used == 1
    assert again.get("See you tomorrow", "en") is None
    data = json.loads((tmp_path / "aiko.json").read_text("utf-8"))
    assert data["version"] == 1 and len(data["phrases"]) == 2
    assert not list(tmp_path.glob(".phrases-*"))  # no temporary files left behind

    odd = PhraseHistory.for_user("../../etc/passwd", base_dir=tmp_path)
    assert odd.path is not None and odd.path.parent == tmp_path
    assert default_dir().name == "phrases"


def test_the_oldest_least_used_phrase_goes_first_and_fixed_ones_stay(tmp_path: Path) -> None:
    history = PhraseHistory(tmp_path / "h.json", max_entries=3)
    history.promote("fixed one", "en")
    history.record("often", "en", now=1)
    history.record("often", "en", now=2)
    history.record("once, long ago", "en", now=3)
    history.record("once, lately", "en", now=4)
    assert len(history) == 3
    assert history.get("once, long ago", "en") is None
    assert history.get("fixed one", "en") is not None
    assert history.get("often", "en") is not None


def test_a_damaged_file_is_set_aside_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "aiko.json"
    path.write_text("{ this is not json", encoding="utf-8")
    history = PhraseHistory(path)
    assert len(history) == 0
    aside = list(tmp_path.glob("aiko.json.damaged-*"))
    assert len(aside) == 1 and aside[0].read_text("utf-8") == "{ this is not json"
    history.record("はい", "ja", now=1)
    assert PhraseHistory(path).get("はい", "ja") is not None
