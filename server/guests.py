"""Guests from a browser: invitations, the guest page, and a guest's narrow world.

A member asks for an invitation (`invite.create`) to one room; the link carries a
signed, expiring token (rooms/invitation.py). `GET /guest/<token>` serves a small
accessible page; the guest types a name and the page signs in with `guest.join` on
the same WebSocket port and joins the room's audio with the browser's own WebRTC.

A guest is listed in presence (role `guest`), but receives none of the office's
events: only `guest.room` (their room and who is in it) and the room's voice
messages. The server refuses every other request from a guest, whatever it is.
"""

from __future__ import annotations

import html
import http
import json
import secrets
import time
from importlib import resources
from typing import TYPE_CHECKING, Final

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from rooms.errors import ErrorCode, OfficeError
from rooms.invitation import clean_guest_name, new_invitation, sign, verify
from rooms.office import Delivery
from rooms.people import Person, Role
from rooms.protocol import (
    PROTOCOL_VERSION,
    CreateInvite,
    GetVoiceConfig,
    GuestJoin,
    GuestRoom,
    InviteCreated,
    Logout,
    Ping,
    VoiceIce,
    VoiceOffer,
    VoiceStop,
    Welcome,
)
from server.eventhub import Done

if TYPE_CHECKING:
    from server.app import YoriaiServer, _Client

# All a guest may ask for. Everything else gets `forbidden`.
GUEST_REQUESTS: Final = (Ping, Logout, GetVoiceConfig, VoiceOffer, VoiceIce, VoiceStop)
GUEST_ONLY_MESSAGE: Final = "guests can only talk in the room they were invited to"
_STATIC: Final = {
    "/static/guest.js": "text/javascript; charset=utf-8",
    "/static/guest.css": "text/css; charset=utf-8",
}
_SECURITY_HEADERS: Final = [
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
        " media-src 'self' blob: mediastream:; base-uri 'none'; form-action 'none';"
        " frame-ancestors 'none'",
    ),
    ("Referrer-Policy", "no-referrer"),  # the link is a pass: keep it out of Referer
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
]

_TEXT: Final = {
    "en": {
        "title": "Join {room} — Yoriai",
        "heading": "Join {room}",
        "intro": "You are invited to talk in {room}. Nothing to install: your browser "
        "will ask to use your microphone.",
        "name": "Your name",
        "join": "Join the room",
        "in_room": "In {room}",
        "mute": "Mute microphone",
        "leave": "Leave",
        "people": "People in the room",
        "bad_title": "Invitation not valid — Yoriai",
        "bad_heading": "This invitation cannot be used",
        "m_connecting": "Connecting…",
        "m_joined": "You joined {room}. Your microphone is on.",
        "m_connected": "Audio connected.",
        "m_failed": "The audio connection failed. Check your network and try again.",
        "m_muted": "Microphone muted.",
        "m_unmuted": "Microphone on.",
        "m_no_mic": "No microphone: you can listen only.",
        "m_left": "You left the room. You can close this page.",
        "m_closed": "The connection to the office closed.",
        "m_arrived": "{name} joined.",
        "m_departed": "{name} left.",
        "m_speaking": "speaking",
        "m_guest": "guest",
    },
    "ja": {
        "title": "{room} に参加 — Yoriai",
        "heading": "{room} に参加",
        "intro": "{room} での会話に招待されています。インストールは不要です。"
        "ブラウザがマイクの使用を確認します。",
        "name": "お名前",
        "join": "部屋に入る",
        "in_room": "{room} に参加中",
        "mute": "マイクをミュート",
        "leave": "退出",
        "people": "部屋にいる人",
        "bad_title": "招待が無効です — Yoriai",
        "bad_heading": "この招待は使えません",
        "m_connecting": "接続しています…",
        "m_joined": "{room} に参加しました。マイクはオンです。",
        "m_connected": "音声がつながりました。",
        "m_failed": "音声の接続に失敗しました。ネットワークを確認して、もう一度お試しください。",
        "m_muted": "マイクをミュートしました。",
        "m_unmuted": "マイクをオンにしました。",
        "m_no_mic": "マイクがありません。聞くことだけできます。",
        "m_left": "退出しました。このページを閉じてかまいません。",
        "m_closed": "オフィスとの接続が切れました。",
        "m_arrived": "{name} さんが参加しました。",
        "m_departed": "{name} さんが退出しました。",
        "m_speaking": "発言中",
        "m_guest": "ゲスト",
    },
}
_ERRORS_JA: Final = {
    ErrorCode.INVITE_EXPIRED: "この招待は期限切れです。招待した人に新しいリンクを頼んでください。",
    ErrorCode.INVITE_INVALID: (
        "この招待リンクは無効です。招待した人に新しいリンクを頼んでください。"
    ),
}


def _language(request: Request) -> str:
    """Japanese unless the browser prefers English first."""
    accept = request.headers.get("Accept-Language", "")
    first = accept.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "ja"


def _page(status: http.HTTPStatus, body: str) -> Response:
    headers = Headers([("Content-Type", "text/html; charset=utf-8"), *_SECURITY_HEADERS])
    return Response(status.value, status.phrase, headers, body.encode())


class Guests:
    def __init__(self, server: YoriaiServer) -> None:
        self._server = server
        self._secret: bytes | None = server.config.invite_secret
        self._views: dict[str, GuestRoom] = {}  # last roster sent to each guest
        server.hub.on_delivered.append(self._follow_rooms)

    async def secret(self) -> bytes:
        if self._secret is None:
            self._secret = await self._server.store.secret(
                "invite-hmac", lambda: secrets.token_bytes(32)
            )
        return self._secret

    def base_url(self) -> str:
        config = self._server.config
        if config.public_url:
            return config.public_url.rstrip("/")
        host, port = self._server.address
        scheme = "https" if config.tls_cert is not None else "http"
        return f"{scheme}://{host}:{port}"

    # ------------------------------------------------------------ invitations

    async def create_invite(self, client: _Client, actor: str, request: CreateInvite) -> None:
        server = self._server
        now = time.time()
        try:
            room = server.office.may_invite(actor, request.room_id)
            invitation = new_invitation(room.id, actor, request.ttl_s, now)
        except OfficeError as exc:
            server._error(client, request.id, exc.code, exc.message)
            return
        token = sign(invitation, await self.secret())
        await server.store.audit(now, actor, "invite.create", room.id)
        server.hub.send(
            client.conn,
            InviteCreated(
                id=request.id,
                room_id=room.id,
                url=f"{self.base_url()}/guest/{token}",
                expires_at=invitation.expires_at,
            ),
        )

    # ------------------------------------------------------------ signing in

    async def join(self, client: _Client, request: GuestJoin) -> None:
        server = self._server
        if client.person_id is not None:
            server._error(client, request.id, ErrorCode.CONFLICT, "already signed in")
            return
        if request.v != PROTOCOL_VERSION:
            server._error(
                client,
                request.id,
                ErrorCode.UNSUPPORTED_VERSION,
                f"this server speaks protocol {PROTOCOL_VERSION}, not {request.v}",
            )
            return
        now = time.time()
        try:
            invitation = verify(request.invite, await self.secret(), now)
            name = clean_guest_name(request.name)
        except OfficeError as exc:
            server.metrics.logins.labels("bad_invite").inc()
            server._error(client, request.id, exc.code, exc.message)
            return
        guest = Person(id=f"guest-{secrets.token_hex(5)}", display_name=name, role=Role.GUEST)
        refused: list[OfficeError] = []

        async def admit() -> Done:
            # On the leading node, in order with the office's other decisions.
            done = Done()
            try:
                outcome = server.office.admit_guest(guest, invitation.room_id, now)
            except OfficeError as exc:
                refused.append(exc)
                return done
            client.person_id = guest.id
            client.guest = True
            server.hub.add(guest.id, client.conn, guest=True)
            server.hub.send(
                client.conn,
                Welcome(
                    id=request.id,
                    protocol=PROTOCOL_VERSION,
                    person_id=guest.id,
                    token="",  # a guest cannot resume: a new visit needs the link again
                    expires_at=invitation.expires_at,
                ),
            )
            done.deliveries = server.office.commit(outcome)
            return done

        if not await server.events.on_leader(admit):
            # Many servers: a guest's room audio and presence live on the leading node.
            server._error(
                client,
                request.id,
                ErrorCode.SERVICE_UNAVAILABLE,
                "guest links are served by the leading server only: try again",
            )
            return
        if refused:
            server._error(client, request.id, refused[0].code, refused[0].message)
            return
        server.metrics.logins.labels("guest").inc()
        await server.store.audit(
            now, guest.id, "guest.join", f"{invitation.room_id} invited by {invitation.by}"
        )

    def forget(self, guest_id: str) -> None:
        self._views.pop(guest_id, None)

    def _follow_rooms(self, deliveries: list[Delivery]) -> None:
        """Send each guest their room's roster when it changed; close a guest's
        connection when their room is gone."""
        if not self._views and not any(True for _ in self._guest_ids()):
            return
        office = self._server.office
        for gid in list(self._guest_ids()):
            view = office.guest_view(gid)
            if view is None:
                if gid in office.state.people:
                    for conn in self._server.hub.connections_of(gid):
                        self._server.spawn(conn.close(1000, "the room has closed"))
                self._views.pop(gid, None)
                continue
            if self._views.get(gid) != view:
                self._views[gid] = view
                self._server.hub.send_to([gid], view)

    def _guest_ids(self) -> list[str]:
        state = self._server.office.state
        return [
            pid
            for pid, p in state.people.items()
            if p.role is Role.GUEST and self._server.hub.connections_of(pid)
        ]

    # ------------------------------------------------------------ the page

    async def http(self, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path in _STATIC:
            data = resources.files("server.static").joinpath(path.rsplit("/", 1)[1]).read_bytes()
            headers = Headers([("Content-Type", _STATIC[path]), *_SECURITY_HEADERS])
            return Response(200, "OK", headers, data)
        if not path.startswith("/guest/"):
            return None
        token = path.removeprefix("/guest/")
        lang = _language(request)
        text = _TEXT[lang]
        try:
            invitation = verify(token, await self.secret(), time.time())
        except OfficeError as exc:
            status = (
                http.HTTPStatus.GONE
                if exc.code is ErrorCode.INVITE_EXPIRED
                else http.HTTPStatus.FORBIDDEN
            )
            message = _ERRORS_JA.get(exc.code, exc.message) if lang == "ja" else exc.message
            return _page(status, _error_page(lang, text, exc.code, message))
        room = self._server.office.state.rooms.get(invitation.room_id)
        if room is None:
            message = (
                "This room no longer exists." if lang == "en" else "この部屋はもうありません。"
            )
            return _page(
                http.HTTPStatus.GONE, _error_page(lang, text, ErrorCode.NOT_FOUND, message)
            )
        return _page(http.HTTPStatus.OK, _join_page(lang, text, token, room.name, room.id))


def _error_page(lang: str, text: dict[str, str], code: ErrorCode, message: str) -> str:
    e = html.escape
    return f"""<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(text["bad_title"])}</title><link rel="stylesheet" href="/static/guest.css"></head>
<body><main>
<h1>{e(text["bad_heading"])}</h1>
<p id="problem" role="alert" data-code="{e(code.value)}">{e(message)}</p>
</main></body></html>
"""


def _join_page(lang: str, text: dict[str, str], token: str, room_name: str, room_id: str) -> str:
    e = html.escape
    room = e(room_name)
    messages = {k[2:]: v for k, v in text.items() if k.startswith("m_")}
    messages = {k: v.replace("{room}", room_name) for k, v in messages.items()}
    return f"""<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(text["title"].format(room=room_name))}</title>
<link rel="stylesheet" href="/static/guest.css"></head>
<body>
<main id="guest" data-invite="{e(token)}" data-room="{e(room_id)}"
      data-messages="{e(json.dumps(messages, ensure_ascii=False))}">
<h1>{e(text["heading"]).replace("{room}", room)}</h1>
<p>{e(text["intro"]).replace("{room}", room)}</p>
<form id="join-form">
  <label for="name">{e(text["name"])}</label>
  <input id="name" name="name" autocomplete="name" required maxlength="40">
  <button type="submit" id="join">{e(text["join"])}</button>
</form>
<section id="call" hidden aria-labelledby="call-heading">
  <h2 id="call-heading">{e(text["in_room"]).replace("{room}", room)}</h2>
  <button type="button" id="mute" aria-pressed="false">{e(text["mute"])}</button>
  <button type="button" id="leave">{e(text["leave"])}</button>
  <h3 id="people-heading">{e(text["people"])}</h3>
  <ul id="people" aria-labelledby="people-heading"></ul>
</section>
<p id="status" role="status" aria-live="polite"></p>
<audio id="remote" autoplay></audio>
</main>
<script src="/static/guest.js"></script>
</body></html>
"""
