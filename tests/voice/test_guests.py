"""Guests: invitation links, the page, and a guest who can reach nothing else."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request

import pytest
from websockets.asyncio.client import connect

from client.session import SessionError
from rooms.invitation import Invitation, sign
from rooms.people import Role
from tests.integration.support import Office


def get(url: str, lang: str = "en") -> tuple[int, str, dict[str, str]]:
    req = urllib.request.Request(url, headers={"Accept-Language": lang})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


async def guest_ws(office: Office, invite: str, name: str = "Mika Sato") -> tuple[object, dict]:
    ws = await connect(office.url)
    await ws.send(
        json.dumps({"type": "guest.join", "id": 1, "v": 1, "invite": invite, "name": name})
    )
    reply = json.loads(await ws.recv())
    return ws, reply


async def test_a_member_invites_and_the_guest_page_is_served_accessibly(office: Office) -> None:
    yui = await office.session("yui")
    invite = await yui.invite("room-3", ttl_s=600)
    assert invite.room_id == "room-3" and invite.expires_at > time.time() + 590
    assert invite.url.startswith(office.url.replace("ws://", "http://") + "/guest/")
    status, page, headers = await asyncio.to_thread(get, invite.url)
    assert status == 200
    assert '<html lang="en">' in page
    assert '<label for="name">Your name</label>' in page and 'id="name"' in page
    assert 'role="status" aria-live="polite"' in page
    assert 'aria-pressed="false"' in page  # the mute button says its state
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    status_ja, page_ja, _ = await asyncio.to_thread(get, invite.url, "ja")
    assert status_ja == 200 and '<html lang="ja">' in page_ja and "お名前" in page_ja
    script_status, script, _ = await asyncio.to_thread(
        get, office.url.replace("ws://", "http://") + "/static/guest.js"
    )
    assert script_status == 200 and "guest.join" in script


async def test_expired_and_forged_links_are_refused_with_a_clear_message(office: Office) -> None:
    base = office.url.replace("ws://", "http://")
    secret = await office.server.guests.secret()
    expired = sign(
        Invitation(room_id="room-1", expires_at=time.time() - 5, by="yui", nonce="x"), secret
    )
    forged = sign(
        Invitation(room_id="room-1", expires_at=time.time() + 600, by="yui", nonce="x"),
        b"not the key",
    )
    status, page, _ = await asyncio.to_thread(get, f"{base}/guest/{expired}")
    assert status == 410 and "has expired" in page and 'role="alert"' in page
    status, page, _ = await asyncio.to_thread(get, f"{base}/guest/{forged}")
    assert status == 403 and "not valid" in page
    status, page, _ = await asyncio.to_thread(get, f"{base}/guest/garbage", "ja")
    assert status == 403 and "無効" in page
    for token, code in ((expired, "invite_expired"), (forged, "invite_invalid")):
        ws, reply = await guest_ws(office, token)
        assert reply["type"] == "error" and reply["code"] == code, reply
        await ws.close()


async def test_a_guest_appears_in_presence_and_reaches_nothing_else(office: Office) -> None:
    aiko = await office.session("aiko")
    await aiko.join("room-2")
    await aiko.lock("room-2", locked=True)  # the invitation is a pass through a lock
    invite = await aiko.invite("room-2")
    token = invite.url.rsplit("/", 1)[1]
    ws, welcome = await guest_ws(office, token, "  Mika\u0007 Sato ")
    assert welcome["type"] == "welcome", welcome
    gid = welcome["person_id"]
    assert welcome["token"] == ""  # no resuming: a new visit needs the link
    room = json.loads(await ws.recv())
    assert room["type"] == "guest.room" and room["room_id"] == "room-2"
    assert {p["id"] for p in room["people"]} == {"aiko", gid}
    # Members see the guest in presence, as a guest, in the room.
    await aiko.wait_until(lambda: aiko.state.room_of(gid) == "room-2")
    guest = aiko.state.people[gid]
    assert guest.role is Role.GUEST and guest.display_name == "Mika Sato"
    # Everything but voice is refused, whatever it is.
    forbidden = [
        {"type": "room.join", "room_id": "lobby"},
        {"type": "room.leave"},
        {"type": "chat.send", "text": "hi"},
        {"type": "presence.set", "status_text": "x"},
        {"type": "tap", "person_id": "aiko"},
        {"type": "invite.create", "room_id": "room-2"},
        {"type": "sync"},
        {"type": "audit.list"},
        {"type": "room.lock", "room_id": "room-2", "locked": False},
    ]
    for n, request in enumerate(forbidden, start=10):
        await ws.send(json.dumps({**request, "id": n}))
        reply = json.loads(await ws.recv())
        assert reply == {
            "type": "error",
            "id": n,
            "code": "forbidden",
            "message": "guests can only talk in the room they were invited to",
        }, request
    # ... and a member cannot call the guest away either.
    with pytest.raises(SessionError) as refused:
        await aiko.tap(gid)
    assert refused.value.code == "forbidden"
    # The guest saw no office events meanwhile: the lock changes above were not sent.
    await aiko.chat("hello room")
    await ws.send(json.dumps({"type": "ping", "id": 99}))
    reply = json.loads(await ws.recv())
    assert reply["type"] == "pong"
    # Leaving (closing the page) removes the guest from the office altogether.
    await ws.close()
    await aiko.wait_until(lambda: gid not in aiko.state.people)
    assert office.server.office.state.room_of(gid) is None


async def test_a_guest_joins_the_room_audio(office: Office) -> None:
    """A guest's voice signalling (here from Python, as the browser page would)."""
    from aiortc import RTCPeerConnection, RTCSessionDescription

    from rooms.media.peer import configuration, tap_audio
    from rooms.media.tracks import Recorder, SourceTrack, ToneSource
    from tests.voice.support import check_tones, participant

    aiko = await participant(office, "aiko", "room-4", 440.0)
    invite = await aiko.session.invite("room-4")
    ws, welcome = await guest_ws(office, invite.url.rsplit("/", 1)[1])
    assert welcome["type"] == "welcome"
    await ws.recv()  # guest.room
    pc = RTCPeerConnection(configuration())
    pc.addTrack(SourceTrack(ToneSource(1_000.0)))
    heard = Recorder()

    @pc.on("track")
    def on_track(track: object) -> None:
        for t in pc.getTransceivers():
            if t.receiver.track is track:
                tap_audio(t.receiver, heard)

    await pc.setLocalDescription(await pc.createOffer())
    await ws.send(
        json.dumps(
            {"type": "voice.offer", "id": 2, "room_id": "room-4", "sdp": pc.localDescription.sdp}
        )
    )
    while True:
        answer = json.loads(await ws.recv())
        if answer.get("id") == 2:
            break
    assert answer["type"] == "voice.answer", answer
    await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
    await asyncio.sleep(2.5)
    check_tones(heard.recent(1.5), present=[440.0], absent=[1_000.0], who="guest")
    check_tones(aiko.voice.recorder.recent(1.5), present=[1_000.0], absent=[440.0], who="aiko")
    await pc.close()
    await ws.close()
