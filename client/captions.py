"""The listener's side of live captions: the captions of my room, for a pane, a screen
reader, and a transcript.

`RoomCaptions` follows the session: captions for the room I am in go onto a
`CaptionBoard` (with speakers' display names); a speaker who leaves loses their
unfinished line; moving to another room starts a fresh board. Finals are announced
(`on_announce`), partials only redraw (`on_change`). The Qt captions pane subscribes
to these two and draws `board.lines()`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from accessibility.captions import (
    Caption,
    CaptionBoard,
    Change,
    to_text,
    to_webvtt,
    transcript_lines,
)
from client.session import Session
from rooms.protocol import Caption as CaptionEvent
from rooms.protocol import PresenceChanged, ServerMessage

log = logging.getLogger("yoriai.captions")


class TranscriptNotAllowed(Exception):
    """This room's policy does not allow saving transcripts."""


class _Names(Mapping[str, str]):
    """Display names from the session's mirror, looked up when needed."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def __getitem__(self, key: str) -> str:
        person = self._session.state.people.get(key)
        if person is None:
            raise KeyError(key)
        return str(person.display_name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._session.state.people)

    def __len__(self) -> int:
        return len(self._session.state.people)


class RoomCaptions:
    def __init__(self, session: Session, *, max_finals: int = 500) -> None:
        self.session = session
        self.names = _Names(session)
        self.board = CaptionBoard(max_finals=max_finals, names=self.names)
        self.room_id: str | None = session.my_room
        self._change: list[Callable[[Change], None]] = []
        self._announce: list[Callable[[str], None]] = []
        session.add_listener(self._on_message)

    def on_change(self, listener: Callable[[Change], None]) -> None:
        self._change.append(listener)

    def on_announce(self, listener: Callable[[str], None]) -> None:
        """Called with the text a screen reader should speak (finals only)."""
        self._announce.append(listener)

    def _emit(self, change: Change | None) -> None:
        if change is None:
            return
        for listener in list(self._change):
            listener(change)
        if change.announce:
            for announce in list(self._announce):
                announce(change.announce)

    def _on_message(self, message: ServerMessage) -> None:
        try:
            self._receive(message)
        except Exception:
            log.exception("caption handling failed")

    def _receive(self, message: ServerMessage) -> None:
        mine = self.session.my_room
        if mine != self.room_id:
            self.room_id = mine
            self.board.clear()
        match message:
            case CaptionEvent() if message.room_id == self.room_id:
                caption = Caption(
                    speaker_id=message.speaker_id,
                    utterance=message.utterance,
                    text=message.text,
                    final=message.final,
                    language=message.language,
                    start=message.start,
                    end=message.end,
                )
                self._emit(self.board.apply(caption))
            case PresenceChanged(person_id=pid, presence=presence) if (
                self.room_id is not None and presence.room_id != self.room_id
            ):
                for change in self.board.drop_speaker(pid):
                    self._emit(change)
            case _:
                pass

    # ------------------------------------------------------------ transcripts

    def saving_allowed(self) -> bool:
        room = self.session.state.rooms.get(self.room_id) if self.room_id else None
        return bool(room is not None and room.captions.saving)

    async def load_history(self) -> int:
        """Put the finals the server kept for this room on the board (where allowed)."""
        if self.room_id is None:
            return 0
        lines = await self.session.caption_history(self.room_id)
        for line in lines:
            self.board.apply(
                Caption(
                    speaker_id=line.speaker_id,
                    utterance=line.utterance,
                    text=line.text,
                    final=True,
                    language=line.language,
                    start=line.start,
                    end=line.end,
                )
            )
        return len(lines)

    def save_transcript(
        self, directory: Path, *, basename: str | None = None, tz: dt.tzinfo | None = None
    ) -> tuple[Path, Path]:
        """Write the room's captions as minutes: `<basename>.txt` and `<basename>.vtt`."""
        if not self.saving_allowed():
            raise TranscriptNotAllowed("this room does not allow saving transcripts")
        assert self.room_id is not None
        room = self.session.state.rooms[self.room_id]
        lines = transcript_lines(self.board.finals(), self.names)
        stamp = dt.datetime.fromtimestamp(lines[0].start if lines else 0, tz)
        base = basename or f"{re.sub(r'[^A-Za-z0-9_-]+', '-', room.id)}-{stamp:%Y%m%d-%H%M%S}"
        directory.mkdir(parents=True, exist_ok=True)
        txt, vtt = directory / f"{base}.txt", directory / f"{base}.vtt"
        txt.write_text(to_text(lines, title=f"{room.name}", tz=tz), "utf-8")
        vtt.write_text(to_webvtt(lines), "utf-8")
        return txt, vtt
