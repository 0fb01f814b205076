"""Bad signalling gets an error, and the room keeps working for everyone else."""

from __future__ import annotations

import pytest

from client.session import SessionError
from rooms.protocol import VoiceIce, VoiceOffer
from tests.integration.support import Office
from tests.voice.support import check_tones, heard, participant

GOOD_CANDIDATE = "candidate:1 1 udp 2130706431 127.0.0.1 9 typ host"


async def test_bad_offers_and_candidates_are_refused_and_the_room_carries_on(
    office: Office,
) -> None:
    aiko = await participant(office, "aiko", "room-5", 440.0)
    kenji = await participant(office, "kenji", "room-5", 660.0)
    yui = await office.session("yui")
    await yui.join("room-5")
    rude = yui

    async def refused(request: VoiceOffer | VoiceIce) -> str:
        with pytest.raises(SessionError) as exc:
            await rude.request(request)
        return exc.value.code

    sid = rude.next_id
    assert await refused(VoiceOffer(id=sid(), room_id="room-5", sdp="this is not SDP")) == "invalid"
    assert (
        await refused(VoiceOffer(id=sid(), room_id="room-5", sdp="v=0\r\nm=video 9 RTP/AVP 96\r\n"))
        == "invalid"
    )
    assert await refused(VoiceOffer(id=sid(), room_id="room-5", sdp="v=0\r\n" * 5000)) == "invalid"
    # Audio for a room you are not in, and candidates for it.
    assert await refused(VoiceOffer(id=sid(), room_id="room-6", sdp="v=0\r\n")) == "not_in_room"
    assert (
        await refused(VoiceIce(id=sid(), room_id="room-6", candidate=GOOD_CANDIDATE))
        == "not_in_room"
    )
    assert (
        await refused(VoiceIce(id=sid(), room_id="room-5", candidate=GOOD_CANDIDATE))
        == "not_in_room"
    )
    # A malformed candidate in a room where kenji has audio: refused, his audio unharmed.
    assert (
        await refused(VoiceIce(id=sid(), room_id="room-6", candidate="candidate:garbage"))
        == "not_in_room"
    )
    with pytest.raises(SessionError) as exc:
        await kenji.session.request(
            VoiceIce(id=kenji.session.next_id(), room_id="room-5", candidate="candidate:1 x")
        )
    assert exc.value.code == "invalid" and "malformed ICE candidate" in exc.value.message
    # The room still works for both of them.
    check_tones(await heard(aiko, settle=0.5), present=[660.0], absent=[440.0], who="aiko")
    check_tones(await heard(kenji, settle=0.1), present=[440.0], absent=[660.0], who="kenji")
    media = office.server.voice.media
    assert media.participants("room-5") == {aiko.pid, kenji.pid}
    assert "yoriai_voice_signalling_errors_total" in office.server.metrics.render().decode()
