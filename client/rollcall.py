"""A safety roll-call, as a plain model: the banner, your answer, and for managers the
answers of their staff as they come in and who has not answered yet.
"""

from __future__ import annotations

from collections.abc import Callable

from client.labels import label
from client.session import Session
from client.sites import SiteDesk
from rooms.presence import Location
from rooms.protocol import RollCallAnswered, RollCallEnded, RollCallStarted, ServerMessage
from rooms.rollcall import RollCall, RollCallAnswer, Safety


class RollCallModel:
    def __init__(self, session: Session, lang: str = "ja") -> None:
        self.session = session
        self.desk = SiteDesk(session)
        self.lang = lang
        self.expected: set[str] = set()  # the people this viewer follows (from the server)
        self._listeners: list[Callable[[], None]] = []
        session.add_listener(self._receive)

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def close(self) -> None:
        self.session.remove_listener(self._receive)

    @property
    def active(self) -> RollCall | None:
        rollcall: RollCall | None = self.session.state.rollcall
        return rollcall

    @property
    def answers(self) -> dict[str, RollCallAnswer]:
        answers: dict[str, RollCallAnswer] = self.session.state.rollcall_answers
        return answers

    @property
    def my_answer(self) -> RollCallAnswer | None:
        return self.answers.get(self.session.person_id or "")

    @property
    def unanswered(self) -> list[str]:
        return sorted(self.expected - set(self.answers)) if self.active else []

    def banner(self) -> str:
        """The banner every client shows while a roll-call is under way ("" when none)."""
        rollcall = self.active
        if rollcall is None:
            return ""
        mine = self.my_answer
        if self.lang.startswith("ja"):
            text = f"安否確認: {rollcall.message}" if rollcall.message else "安否確認"
            tail = (
                f" (回答済み: {label(mine.answer, self.lang)})" if mine else " 回答してください。"
            )
        else:
            text = (
                f"Safety roll-call: {rollcall.message}" if rollcall.message else "Safety roll-call"
            )
            tail = (
                f" (you answered: {label(mine.answer, self.lang)})" if mine else " Please answer."
            )
        return text + tail

    async def refresh(self) -> None:
        """Load who this viewer follows (managers: their staff; members: themselves)."""
        status = await self.desk.rollcall_status()
        self.expected = {a.person_id for a in status.answers} | set(status.unanswered)
        self._changed()

    async def answer(
        self, safety: Safety, location: Location | None = None, note: str = ""
    ) -> None:
        await self.desk.answer_rollcall(safety, location, note)

    def counts(self) -> dict[Safety, int]:
        found = {s: 0 for s in Safety}
        for a in self.answers.values():
            found[a.answer] += 1
        return found

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _receive(self, message: ServerMessage) -> None:
        if isinstance(message, RollCallStarted):
            self.expected = set()
            self._changed()
        elif isinstance(message, RollCallAnswered | RollCallEnded):
            self._changed()
