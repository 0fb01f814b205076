"""Voice signalling on the presence connection, and audio that follows presence.

Requests: `voice.config` (ICE servers, with per-person TURN credentials), `voice.offer`
(answered with `voice.answer`), `voice.ice` (trickled candidates), `voice.stop`.
Audio runs only while its person is in the room in presence: when a presence change
moves someone out (they left, were dropped after the reconnect grace, the room was
deleted), their peer connection is closed and they get `voice.closed`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rooms.errors import ErrorCode, OfficeError
from rooms.media.peer import use_host_addresses
from rooms.office import Delivery
from rooms.protocol import (
    GetVoiceConfig,
    IceServer,
    Ok,
    PersonRemoved,
    PresenceChanged,
    VoiceAnswer,
    VoiceClosed,
    VoiceConfig,
    VoiceIce,
    VoiceOffer,
    VoiceSpeaking,
    VoiceStop,
)
from server.config import VoiceSettings
from server.media import MediaHost

if TYPE_CHECKING:
    from server.app import YoriaiServer, _Client

VoiceRequest = GetVoiceConfig | VoiceOffer | VoiceIce | VoiceStop


def turn_credentials(secret: str, person_id: str, now: float, ttl_s: float) -> tuple[str, str]:
    """coturn's REST-API credentials (use-auth-secret): "expiry:person" and its HMAC-SHA1."""
    username = f"{int(now + ttl_s)}:{person_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers_for(settings: VoiceSettings, person_id: str, now: float) -> list[IceServer]:
    servers = []
    for server in settings.ice_servers:
        username, credential = server.username, server.credential
        is_turn = any(u.startswith(("turn:", "turns:")) for u in server.urls)
        if is_turn and username is None and settings.turn_secret is not None:
            username, credential = turn_credentials(
                settings.turn_secret, person_id, now, settings.turn_ttl_s
            )
        servers.append(IceServer(urls=list(server.urls), username=username, credential=credential))
    return servers


class Voice:
    def __init__(self, server: YoriaiServer) -> None:
        self._server = server
        settings = server.config.voice
        self.settings = settings
        if settings.media_addresses is not None:
            use_host_addresses(settings.media_addresses)
        self.media = MediaHost(
            self._to_person,
            self._to_room,
            server.metrics.registry,
            bitrate=settings.opus_bitrate,
            complexity=settings.opus_complexity,
            max_participants=settings.max_participants,
            encode_threads=settings.encode_threads,
        )
        server.hub.on_delivered.append(self._follow_presence)

    def _to_person(self, pid: str, event: VoiceClosed) -> None:
        self._server.hub.send_to([pid], event)

    def _to_room(self, room_id: str, event: VoiceSpeaking) -> None:
        self._server.hub.send_to(self._server.office.state.occupants_of(room_id), event)

    def _follow_presence(self, deliveries: Sequence[Delivery]) -> None:
        state = self._server.office.state
        for delivery in deliveries:
            event = delivery.event
            if isinstance(event, PresenceChanged | PersonRemoved):
                pid = event.person_id
                in_media = self.media.room_of(pid)
                now_in = state.room_of(pid)
                if in_media is not None and now_in != in_media:
                    self.media.stop(pid, "you left the room")
                if isinstance(event, PresenceChanged) and now_in is not None:
                    self._tell_speaking(pid, now_in)

    def _tell_speaking(self, pid: str, room_id: str) -> None:
        """Speaking is sent on change; a newcomer needs to hear the current state."""
        speaking = self.media.speaking(room_id)
        if speaking:
            event = VoiceSpeaking(room_id=room_id, speaking=sorted(speaking))
            self._server.hub.send_to([pid], event)

    async def handle(self, client: _Client, actor: str, request: VoiceRequest) -> None:
        hub = self._server.hub
        state = self._server.office.state
        try:
            match request:
                case GetVoiceConfig(id=rid):
                    servers = ice_servers_for(self.settings, actor, time.time())
                    hub.send(client.conn, VoiceConfig(id=rid, ice_servers=servers))
                case VoiceOffer(id=rid, room_id=room_id, sdp=sdp):
                    if state.room_of(actor) != room_id:
                        raise OfficeError(ErrorCode.NOT_IN_ROOM, "join the room before its audio")
                    answer = await self.media.answer(
                        actor,
                        room_id,
                        sdp,
                        still_in_room=lambda: state.room_of(actor) == room_id,
                    )
                    hub.send(client.conn, VoiceAnswer(id=rid, room_id=room_id, sdp=answer))
                    self._tell_speaking(actor, room_id)
                case VoiceIce(id=rid):
                    await self.media.add_candidate(
                        actor,
                        request.room_id,
                        request.candidate,
                        request.sdp_mid,
                        request.sdp_mline_index,
                    )
                    hub.send(client.conn, Ok(id=rid))
                case VoiceStop(id=rid):
                    self.media.stop(actor, "you hung up", notify=False)
                    hub.send(client.conn, Ok(id=rid))
        except OfficeError as exc:
            self._server._error(client, request.id, exc.code, exc.message)
