"""What is worth announcing: turns office events into short sentences with a level.

It watches my room from event to event, so "Haruto joined the room" comes from the
difference between before and after, whatever event (or resync snapshot) caused it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from client.settings import AnnounceLevel
from client.views import labels
from rooms.knock import Resolution
from rooms.presence import Link
from rooms.protocol import (
    ChatMessage,
    KnockRequested,
    KnockResolved,
    PresenceChanged,
    ServerMessage,
    Snapshot,
    TapReceived,
    TapResolved,
)
from rooms.state import OfficeState


@dataclass(frozen=True, slots=True)
class Notice:
    text: str
    level: AnnounceLevel
    urgent: bool = False


def fmt(text: object, *args: str) -> str:
    """Translate `text` and fill its %1, %2... (Qt's placeholder style, for translators)."""
    out = QCoreApplication.translate("Notices", str(text))  # text: a QT_TRANSLATE_NOOP
    for n, arg in reversed(list(enumerate(args, start=1))):
        out = out.replace(f"%{n}", arg)
    return out


class Notices:
    def __init__(self, me: str, state: OfficeState) -> None:
        self.me = me
        self._room = state.room_of(me)
        self._occupants = state.occupants_of(self._room) if self._room else frozenset()
        self._presence = dict(state.presence)

    def after(self, message: ServerMessage, state: OfficeState) -> list[Notice]:
        out: list[Notice] = []
        name = self._namer(state)
        match message:
            case KnockRequested(knock=k) if k.person_id != self.me:
                room = state.rooms.get(k.room_id)
                text = fmt(
                    QT_TRANSLATE_NOOP("Notices", "%1 is knocking on %2"),
                    name(k.person_id),
                    room.name if room else "",
                )
                if k.message:
                    text += f": {k.message}"
                out.append(Notice(text, AnnounceLevel.ESSENTIAL, urgent=True))
            case KnockResolved(person_id=pid, room_id=rid, resolution=how) if pid == self.me:
                room = state.rooms.get(rid)
                rname = room.name if room else rid
                if how is Resolution.DECLINED:
                    out.append(
                        Notice(
                            fmt(
                                QT_TRANSLATE_NOOP("Notices", "Your knock on %1 was declined"), rname
                            ),
                            AnnounceLevel.ESSENTIAL,
                        )
                    )
                elif how is Resolution.EXPIRED:
                    out.append(
                        Notice(
                            fmt(QT_TRANSLATE_NOOP("Notices", "No answer from %1"), rname),
                            AnnounceLevel.ESSENTIAL,
                        )
                    )
            case TapReceived(tap=t) if t.to_id == self.me:
                room = state.rooms.get(t.room_id)
                text = fmt(
                    QT_TRANSLATE_NOOP("Notices", "%1 calls you to %2"),
                    name(t.from_id),
                    room.name if room else "",
                )
                if t.message:
                    text += f": {t.message}"
                out.append(Notice(text, AnnounceLevel.ESSENTIAL, urgent=True))
            case TapReceived(tap=t) if t.from_id == self.me:
                out.append(
                    Notice(
                        fmt(QT_TRANSLATE_NOOP("Notices", "Calling %1"), name(t.to_id)),
                        AnnounceLevel.NORMAL,
                    )
                )
            case TapResolved(from_id=src, to_id=dst, resolution=how) if src == self.me:
                if how is Resolution.ACCEPTED:
                    out.append(
                        Notice(
                            fmt(QT_TRANSLATE_NOOP("Notices", "%1 accepted your call"), name(dst)),
                            AnnounceLevel.ESSENTIAL,
                        )
                    )
                elif how is Resolution.DECLINED:
                    out.append(
                        Notice(
                            fmt(QT_TRANSLATE_NOOP("Notices", "%1 declined your call"), name(dst)),
                            AnnounceLevel.ESSENTIAL,
                        )
                    )
                elif how is Resolution.EXPIRED:
                    out.append(
                        Notice(
                            fmt(QT_TRANSLATE_NOOP("Notices", "%1 did not answer"), name(dst)),
                            AnnounceLevel.ESSENTIAL,
                        )
                    )
            case ChatMessage(room_id=rid, from_id=src, text=text) if src != self.me:
                if rid == state.room_of(self.me):
                    out.append(
                        Notice(
                            fmt(QT_TRANSLATE_NOOP("Notices", "%1 says: %2"), name(src), text),
                            AnnounceLevel.NORMAL,
                        )
                    )
            case PresenceChanged(person_id=pid, presence=new) if pid != self.me:
                old = self._presence.get(pid)
                if old is not None and (old.availability, old.link) != (new.availability, new.link):
                    state_text = (
                        labels.presence(new)
                        if new.link is not Link.OFFLINE
                        else labels.availability(new.availability)
                    )
                    out.append(
                        Notice(
                            fmt(
                                QT_TRANSLATE_NOOP("Notices", "%1 is now %2"), name(pid), state_text
                            ),
                            AnnounceLevel.VERBOSE,
                        )
                    )
            case _:
                pass
        if isinstance(message, PresenceChanged):
            self._presence[message.person_id] = message.presence
        elif isinstance(message, Snapshot):
            self._presence = dict(state.presence)
        out.extend(self._my_room(state))
        return out

    def _my_room(self, state: OfficeState) -> list[Notice]:
        name = self._namer(state)
        room = state.room_of(self.me)
        occupants = state.occupants_of(room) if room else frozenset()
        out: list[Notice] = []
        if room != self._room:
            if room is not None:
                others = sorted(name(p) for p in occupants - {self.me})
                text = fmt(
                    QT_TRANSLATE_NOOP("Notices", "You are in %1"),
                    state.rooms[room].name if room in state.rooms else room,
                )
                if others:
                    text += ", " + fmt(QT_TRANSLATE_NOOP("Notices", "with %1"), ", ".join(others))
                out.append(Notice(text, AnnounceLevel.ESSENTIAL))
            elif self._room is not None:
                old = state.rooms.get(self._room)
                out.append(
                    Notice(
                        fmt(
                            QT_TRANSLATE_NOOP("Notices", "You left %1"),
                            old.name if old else self._room,
                        ),
                        AnnounceLevel.ESSENTIAL,
                    )
                )
        elif room is not None:
            for pid in sorted(occupants - self._occupants):
                out.append(
                    Notice(
                        fmt(QT_TRANSLATE_NOOP("Notices", "%1 joined the room"), name(pid)),
                        AnnounceLevel.NORMAL,
                    )
                )
            for pid in sorted(self._occupants - occupants):
                out.append(
                    Notice(
                        fmt(QT_TRANSLATE_NOOP("Notices", "%1 left the room"), name(pid)),
                        AnnounceLevel.NORMAL,
                    )
                )
        self._room, self._occupants = room, occupants
        return out

    @staticmethod
    def _namer(state: OfficeState) -> Callable[[str], str]:
        def name(pid: str) -> str:
            person = state.people.get(pid)
            return person.display_name if person else pid

        return name
