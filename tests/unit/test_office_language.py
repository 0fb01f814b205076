"""A person changes their own preferred language (`language.set`)."""

from __future__ import annotations

from office_harness import Harness, only

from rooms.errors import ErrorCode
from rooms.office import SaveLanguage
from rooms.protocol import PersonChanged, SetLanguage, decode_request, encode


def test_setting_my_language_tells_everyone_and_is_saved(h: Harness) -> None:
    outcome = h.do("ken", SetLanguage(id=1, language="pt-BR"))
    event, to = only(outcome, PersonChanged)
    assert to is None  # the directory shows each person's language
    assert event.person.id == "ken" and event.person.language == "pt-BR"
    assert outcome.effects == [SaveLanguage("ken", "pt-BR")]
    assert h.state.people["ken"].language == "pt-BR"
    assert h.mirror.state.people["ken"].language == "pt-BR"


def test_setting_the_same_language_changes_nothing(h: Harness) -> None:
    assert h.state.people["ken"].language == "ja"
    assert h.do("ken", SetLanguage(id=1, language="ja")).empty


def test_only_the_twelve_canonical_tags_are_accepted(h: Harness) -> None:
    for bad in ("de", "zh-CN", "pt", "", "ja" * 40):
        error = h.refuse("ken", SetLanguage(id=1, language=bad), ErrorCode.INVALID)
        assert "not a supported language" in error.message
    assert h.state.people["ken"].language == "ja"


def test_the_request_on_the_wire() -> None:
    frame = b'{"type": "language.set", "id": 7, "language": "fil"}'
    assert decode_request(frame) == SetLanguage(id=7, language="fil")
    assert encode(SetLanguage(id=7, language="fil")) == (
        b'{"type":"language.set","id":7,"language":"fil"}'
    )
