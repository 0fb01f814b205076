"""The shared media core without a network: mix-minus, speaking, invitations, quality."""

from __future__ import annotations

import base64
import hashlib
import hmac

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rooms.errors import ErrorCode, OfficeError
from rooms.invitation import Invitation, clean_guest_name, new_invitation, sign, verify
from rooms.media.audio import FRAME_SAMPLES, level_dbfs, silence, tone
from rooms.media.mixer import RoomMixer, plan_mix
from rooms.media.quality import Quality, classify
from rooms.media.speaking import SpeakingTracker
from server.config import IceServerConfig, VoiceSettings
from server.voice import ice_servers_for, turn_credentials


@given(st.lists(st.floats(-0.3, 0.3), min_size=1, max_size=6), st.integers(0, 3))
def test_each_mix_is_the_sum_of_everyone_else(gains: list[float], silent: int) -> None:
    people = [f"p{i}" for i in range(len(gains) + silent)]
    frames = {f"p{i}": np.full(FRAME_SAMPLES, g, dtype=np.float32) for i, g in enumerate(gains)}
    plan = plan_mix(frames, people)
    for pid in people:
        heard = plan.mixes[plan.listens_to[pid]]
        expected = sum(float(g) for q, g in zip(frames, gains, strict=False) if q != pid)
        assert np.allclose(heard, expected, atol=1e-5)
    # One mix per speaker plus one shared by everyone silent.
    assert len(plan.mixes) == len(gains) + (1 if silent else 0)


def test_the_mixer_encodes_once_per_distinct_mix() -> None:
    mixer = RoomMixer()
    for pid in ("a", "b", "c", "d", "e"):
        mixer.add(pid)
    for n in range(3):
        mixer.push("a", tone(440, n * FRAME_SAMPLES))
        result = mixer.tick(n * FRAME_SAMPLES)
    # One speaker: everyone else shares one encode; the speaker's own (silent) mix is one.
    assert result.encodes == 2
    assert result.packets["b"] is result.packets["c"] is result.packets["e"]
    assert result.packets["a"] is not result.packets["b"]
    assert result.levels["a"] > -20 and result.levels["b"] == -100.0


def test_speaking_is_held_through_pauses_and_announced_at_most_five_times_a_second() -> None:
    tracker = SpeakingTracker()
    announcements = []
    t = 0.0
    for i in range(200):  # four seconds of a person flickering on and off every 20 ms
        t = i * 0.02
        level = -10.0 if i % 2 == 0 else -90.0
        change = tracker.update({"a": level, "b": -90.0}, t)
        if change is not None:
            announcements.append((t, change))
    assert announcements == [(0.0, frozenset({"a"}))]  # the hold bridges the gaps
    for i in range(200, 260):  # silence: stops after the hold time, announced once
        change = tracker.update({"a": -90.0, "b": -90.0}, i * 0.02)
        if change is not None:
            announcements.append((i * 0.02, change))
    assert announcements[-1][1] == frozenset() and len(announcements) == 2
    times = []
    fast = SpeakingTracker(hold_s=0.0)
    for i in range(100):
        if fast.update({"a": -10.0 if i % 2 else -90.0}, i * 0.02) is not None:
            times.append(i * 0.02)
    assert len(times) <= 2 * 5 + 1  # two seconds, at most five a second


def test_invitations_verify_expire_and_resist_forgery() -> None:
    secret = b"k" * 32
    inv = new_invitation("room-1", "yui", 600, now=1000.0)
    token = sign(inv, secret)
    assert verify(token, secret, now=1500.0) == inv
    with pytest.raises(OfficeError) as exc:
        verify(token, secret, now=1601.0)
    assert exc.value.code is ErrorCode.INVITE_EXPIRED
    payload, mac = token.split(".")
    longer = sign(Invitation(room_id="room-1", expires_at=9e9, by="yui", nonce="n"), secret)
    for bad in (f"{longer.split('.')[0]}.{mac}", f"{payload}.{mac[:-2]}AA", "x", "a.b.c", ""):
        with pytest.raises(OfficeError) as exc:
            verify(bad, secret, now=1500.0)
        assert exc.value.code is ErrorCode.INVITE_INVALID
    with pytest.raises(OfficeError):
        verify(token, b"another key", now=1500.0)
    with pytest.raises(OfficeError):
        new_invitation("room-1", "yui", 10 * 24 * 3600, now=0.0)


def test_guest_names_are_cleaned() -> None:
    assert clean_guest_name("  Mika\u0007   Sato\n") == "Mika Sato"
    for bad in ("", "   ", "\u0000", "x" * 41):
        with pytest.raises(OfficeError):
            clean_guest_name(bad)


def test_turn_credentials_follow_coturns_rest_api() -> None:
    username, password = turn_credentials("s3cret", "yui", now=1000.0, ttl_s=3600)
    assert username == "4600:yui"
    expected = base64.b64encode(hmac.new(b"s3cret", b"4600:yui", hashlib.sha1).digest()).decode()
    assert password == expected
    settings = VoiceSettings(
        ice_servers=(
            IceServerConfig(urls=("stun:127.0.0.1:3478",)),
            IceServerConfig(urls=("turn:127.0.0.1:3478?transport=tcp",)),
            IceServerConfig(urls=("turn:127.0.0.1:3479",), username="u", credential="p"),
        ),
        turn_secret="s3cret",
    )
    stun, turn, static = ice_servers_for(settings, "yui", 1000.0)
    assert stun.username is None and turn.username.endswith(":yui")  # type: ignore[union-attr]
    assert (static.username, static.credential) == ("u", "p")


def test_quality_bands_and_levels() -> None:
    assert classify(None, None, None) is Quality.UNKNOWN
    assert classify(40, 5, 0) is Quality.GOOD
    assert classify(400, 5, 0) is Quality.FAIR
    assert classify(40, 5, 12) is Quality.POOR
    assert level_dbfs(silence()) == -100.0
    assert -4 < level_dbfs(tone(1000, 0, amplitude=1.0)) < -2


def _decode(packets: list[object]) -> np.ndarray:
    import av

    from rooms.media.audio import from_frame

    decoder = av.CodecContext.create("libopus", "r")
    decoder.format = "s16"
    decoder.layout = "mono"
    decoder.sample_rate = 48_000
    return np.concatenate(
        [
            from_frame(f)
            for p in packets
            if p is not None
            for f in decoder.decode(av.Packet(bytes(p)))
        ]  # type: ignore[call-overload]
    )


def test_settled_silence_is_not_encoded_again_and_speech_after_it_is_unchanged() -> None:
    from rooms.media.audio import OpusStream

    def stream(skip: bool) -> tuple[list[object], int]:
        encoder, out, n = OpusStream(skip_silence=skip), [], 0
        for word in range(3):  # a second of silence, then 800 ms of a "word"
            for _ in range(50):
                out.append(encoder.encode(silence(), n * FRAME_SAMPLES))
                n += 1
            for _ in range(40):
                out.append(
                    encoder.encode(tone(440 + 100 * word, n * FRAME_SAMPLES), n * FRAME_SAMPLES)
                )
                n += 1
        return out, encoder.skipped

    skipping, skipped = stream(True)
    full, none_skipped = stream(False)
    assert none_skipped == 0 and skipped >= 80  # most of the 150 silent frames
    a, b = _decode(skipping), _decode(full)
    assert a.shape == b.shape
    for word in range(3):
        start = (word * 90 + 50) * FRAME_SAMPLES
        for piece in range(4):  # each 200 ms of the word, from its first frame
            s = slice(start + piece * 10 * FRAME_SAMPLES, start + (piece + 1) * 10 * FRAME_SAMPLES)
            assert abs(level_dbfs(a[s]) - level_dbfs(b[s])) < 0.5
            assert level_dbfs(a[s] - b[s]) < level_dbfs(b[s]) - 30


def test_a_lone_speakers_silent_mix_stops_costing_encodes() -> None:
    mixer = RoomMixer()
    for pid in ("a", "b"):
        mixer.add(pid)
    for n in range(60):
        mixer.push("a", tone(440, n * FRAME_SAMPLES))
        result = mixer.tick(n * FRAME_SAMPLES)
    assert result.encodes == 2  # two distinct mixes still: b hears a, a hears nothing
    assert mixer.skipped_encodes() >= 45  # but a's silent one is no longer encoded
    assert len(bytes(result.packets["a"])) < 10  # a's stream stays a valid silent stream
