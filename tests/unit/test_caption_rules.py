"""Pure caption rules: the listener's board, screen-reader announcements, transcripts,
retention, and the type-to-speak phrase book."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accessibility.captions import (
    Caption,
    CaptionBoard,
    ChangeKind,
    TranscriptLine,
    announcement,
    to_text,
    to_webvtt,
    transcript_lines,
)
from accessibility.phrasebook import MAX_HISTORY, PhraseBook
from rooms.captions import (
    CaptionLine,
    CaptionPolicy,
    expired,
    may_read_history,
    purge_before,
    purge_plan,
    settle_times,
)

T = 1_700_000_000.0


def cap(text: str, *, final: bool, who: str = "ken", utt: str = "a-0", start: float = T) -> Caption:
    return Caption(who, utt, text, final, "en", start, start + 1.0)


def test_partials_are_replaced_by_their_final_and_only_finals_are_announced() -> None:
    board = CaptionBoard(names={"ken": "Ken Sato"})
    first = board.apply(cap("good", final=False))
    second = board.apply(cap("good morning", final=False))
    assert first and second and first.kind is second.kind is ChangeKind.PARTIAL
    assert first.announce is None and second.announce is None
    assert [c.text for c in board.lines()] == ["good morning"]
    final = board.apply(cap("good morning all", final=True))
    assert final and final.kind is ChangeKind.FINAL
    assert final.announce == "Ken Sato: good morning all"
    assert [(c.text, c.final) for c in board.lines()] == [("good morning all", True)]
    # A partial that arrives late, or the final again, changes nothing.
    assert board.apply(cap("good mor", final=False)) is None
    assert board.apply(cap("good morning all", final=True)) is None
    assert board.apply(cap("good morning", final=False)) is None


def test_each_speaker_has_their_own_live_line_and_finals_keep_spoken_order() -> None:
    board = CaptionBoard()
    board.apply(cap("yui talking", final=False, who="yui", utt="y-0", start=T + 1))
    board.apply(cap("ken talking", final=False, who="ken", utt="k-0", start=T))
    assert [c.speaker_id for c in board.live()] == ["ken", "yui"]
    board.apply(cap("yui done", final=True, who="yui", utt="y-0", start=T + 1))
    board.apply(cap("ken done", final=True, who="ken", utt="k-0", start=T))
    assert [c.text for c in board.finals()] == ["ken done", "yui done"]
    assert board.live() == []


def test_an_empty_final_drops_the_partial_and_a_leaver_loses_theirs() -> None:
    board = CaptionBoard()
    board.apply(cap("uh", final=False))
    change = board.apply(cap("", final=True))
    assert change and change.kind is ChangeKind.DROPPED and change.announce is None
    assert board.lines() == []
    board.apply(cap("half a sent", final=False, utt="a-1"))
    assert [c.kind for c in board.drop_speaker("ken")] == [ChangeKind.DROPPED]
    assert board.lines() == []


def test_the_board_keeps_a_bounded_scrollback() -> None:
    board = CaptionBoard(max_finals=3)
    for i in range(10):
        board.apply(cap(f"line {i}", final=True, utt=f"u{i}", start=T + i))
    assert [c.text for c in board.finals()] == ["line 7", "line 8", "line 9"]


@given(st.lists(st.tuples(st.integers(0, 3), st.booleans(), st.text(min_size=1, max_size=5))))
def test_at_most_one_live_line_per_utterance_and_no_line_both_live_and_final(
    events: list[tuple[int, bool, str]],
) -> None:
    board = CaptionBoard()
    for utt, final, text in events:
        board.apply(cap(text, final=final, utt=str(utt)))
    live = [c.utterance for c in board.live()]
    finals = {c.utterance for c in board.finals()}
    assert len(live) == len(set(live))
    assert not set(live) & finals


def test_announcement_is_for_finals_with_words() -> None:
    assert announcement(cap("hi", final=False), "Ken") is None
    assert announcement(cap("  ", final=True), "Ken") is None
    assert announcement(cap(" hi ", final=True), "Ken") == "Ken: hi"


def test_transcripts_have_speaker_names_and_times_in_text_and_webvtt() -> None:
    finals = [
        cap("see <you> & bye", final=True, who="yui", utt="y", start=T + 65.25),
        cap("hello   there", final=True, who="ken", utt="k", start=T + 3.5),
        cap("not final", final=False, who="ken", utt="k2", start=T + 4),
    ]
    lines = transcript_lines(finals, {"ken": "Ken Sato", "yui": "結衣"})
    assert [(line.speaker, line.text) for line in lines] == [
        ("Ken Sato", "hello there"),
        ("結衣", "see <you> & bye"),
    ]
    text = to_text(lines, title="Lobby", tz=dt.UTC)
    assert text.splitlines() == [
        "Lobby",
        "2023-11-14 22:13:23 UTC",
        "",
        "[22:13:23] Ken Sato: hello there",
        "[22:14:25] 結衣: see <you> & bye",
    ]
    vtt = to_webvtt(lines)
    assert vtt.splitlines() == [
        "WEBVTT",
        "",
        "00:00:00.000 --> 00:00:01.000",
        "<v Ken Sato>hello there",
        "",
        "00:01:01.750 --> 00:01:02.750",
        "<v 結衣>see &lt;you&gt; &amp; bye",
    ]
    assert to_webvtt([]) == "WEBVTT\n"


def test_a_cue_without_length_still_gets_one() -> None:
    vtt = to_webvtt([TranscriptLine("Ken", "hello", T, T)])
    assert "00:00:00.000 --> 00:00:01.000" in vtt


def test_retention_keeps_nothing_by_default_and_purges_after_the_period() -> None:
    line = CaptionLine(
        room_id="r", speaker_id="k", utterance="u", text="t", language="en", start=T, end=T, at=T
    )
    assert expired(line, CaptionPolicy(), T)  # keeps none: anything stored goes
    keep = CaptionPolicy(keep_s=3600)
    assert not expired(line, keep, T + 3599)
    assert expired(line, keep, T + 3601)
    assert purge_before(keep, T) == T - 3600
    assert purge_plan([("a", keep), ("b", CaptionPolicy())], T) == {
        "a": T - 3600,
        "b": float("inf"),
    }


def test_history_is_for_participants_of_rooms_that_allow_saving_and_admins() -> None:
    allow, deny = CaptionPolicy(saving=True), CaptionPolicy()
    assert may_read_history(is_admin=False, inside=True, policy=allow)
    assert not may_read_history(is_admin=False, inside=False, policy=allow)
    assert not may_read_history(is_admin=False, inside=True, policy=deny)
    assert may_read_history(is_admin=True, inside=False, policy=deny)


def test_settle_times_keeps_believable_times_only() -> None:
    assert settle_times(T - 3, T - 1, T) == (T - 3, T - 1)
    assert settle_times(T - 3, T - 5, T) == (T, T)
    assert settle_times(T + 999, T + 1000, T) == (T - 1, T)
    assert settle_times(T - 10_000, T - 9_999, T) == (T - 1, T)


# ---------------------------------------------------------------- phrase book


def test_history_is_most_recent_first_without_repeats_and_bounded() -> None:
    book = PhraseBook()
    for i in range(MAX_HISTORY + 5):
        book.used(f"phrase {i}")
    book.used("phrase 3")
    assert book.history[0] == "phrase 3"
    assert len(book.history) == MAX_HISTORY
    assert len(set(book.history)) == len(book.history)


def test_suggestions_offer_saved_phrases_first_then_recent_ones() -> None:
    book = PhraseBook()
    book.used("One moment please")
    book.used("I agree")
    book.save("I will check")
    book.save("少々お待ちください")
    assert book.suggestions("i") == ["I will check", "I agree"]
    assert book.suggestions("moment") == ["One moment please"]
    assert book.suggestions("少々") == ["少々お待ちください"]
    assert not book.save("I will  check")  # the same phrase, spaced differently
    book.move("少々お待ちください", 0)
    assert book.saved == ["少々お待ちください", "I will check"]


def test_the_book_survives_a_round_trip_and_a_damaged_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "me.json"
    book = PhraseBook()
    book.save("よろしくお願いします")
    book.used("hello")
    book.store(path)
    again = PhraseBook.load(path)
    assert (again.saved, again.history) == (book.saved, book.history)
    assert json.loads(path.read_text("utf-8"))["version"] == 1
    path.write_text("{not json", "utf-8")
    assert PhraseBook.load(path).saved == []
    assert (tmp_path / "me.json.damaged").read_text("utf-8") == "{not json"
    assert PhraseBook.load(tmp_path / "missing.json").history == []


def test_overlong_phrases_are_not_kept() -> None:
    book = PhraseBook()
    book.used("x" * 2000)
    assert book.history == []
    with pytest.raises(ValueError):
        for i in range(300):
            book.save(f"p{i}")
