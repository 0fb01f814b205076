"""The privacy notice, shown once before the first check-in, and your own data.

The server sends the notice (`privacy.notice`) with a check-in until it has been
acknowledged; `PrivacyNotice` keeps the text for a view to show and records the
acknowledgement. Export and deletion of your history are in `SiteDesk`.
"""

from __future__ import annotations

from collections.abc import Callable

from client.session import Session
from client.sites import SiteDesk
from rooms.privacy import NOTICE_VERSION
from rooms.protocol import PrivacyNotice, ServerMessage


class PrivacyNoticeGate:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.desk = SiteDesk(session)
        self.pending: PrivacyNotice | None = None
        self._listeners: list[Callable[[PrivacyNotice], None]] = []
        session.add_listener(self._receive)

    def on_notice(self, listener: Callable[[PrivacyNotice], None]) -> None:
        self._listeners.append(listener)

    def close(self) -> None:
        self.session.remove_listener(self._receive)

    @property
    def acknowledged(self) -> bool:
        me = self.session.person_id or ""
        return int(self.session.state.notice_acks.get(me, 0)) >= NOTICE_VERSION

    async def before_first_check_in(self) -> PrivacyNotice | None:
        """The notice to show before checking in, or None when it was acknowledged."""
        if self.acknowledged:
            return None
        reply = await self.desk.privacy()
        self.pending = PrivacyNotice(
            version=reply.version, text=reply.text, retention_days=reply.retention_days
        )
        return self.pending

    async def acknowledge(self) -> None:
        version = self.pending.version if self.pending else NOTICE_VERSION
        await self.desk.acknowledge(version)
        self.pending = None

    def _receive(self, message: ServerMessage) -> None:
        if isinstance(message, PrivacyNotice) and not self.acknowledged:
            self.pending = message
            for listener in list(self._listeners):
                listener(message)
