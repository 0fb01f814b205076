"""A real browser guest, run as its own process inside a network namespace that has
only loopback (`unshare --net`): Chromium offers every interface it sees as an ICE
candidate, and here loopback is the only one, so nothing can target another address.

`python -m tests.voice.browser_guest WORKDIR` starts an office, a Python participant
playing 440 Hz in room-4, and headless Chromium whose fake microphone plays 880 Hz. The
browser opens an invitation link, signs in as a guest and talks; then it opens an
expired and a forged link. It prints one JSON line of what it measured; the pytest
test (test_browser_guest.py) judges it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

from rooms.invitation import Invitation, sign
from rooms.media.audio import SAMPLE_RATE
from rooms.media.peer import use_host_addresses
from server.app import YoriaiServer
from tests.integration.support import Office, fast_config, make_demo_db
from tests.voice.chromium import Chromium
from tests.voice.support import OPEN_VOICES, participant, tone_db

MEMBER_HZ = 440.0
BROWSER_HZ = 880.0

# The remote stream, read in the page: an AnalyserNode's last 32768 samples (0.68 s).
# Chromium only runs a remote WebRTC track into Web Audio while a media element plays
# it too; the page's <audio id="remote"> does that.
LISTEN_JS = """
(async () => {
  const g = window.yoriaiGuest;
  if (!g.analyser) {
    const ctx = new AudioContext({ sampleRate: 48000 });
    await ctx.resume();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 32768;
    ctx.createMediaStreamSource(g.remoteStream).connect(analyser);
    g.analyser = analyser;
    await new Promise((r) => setTimeout(r, 1500));
  }
  const pcm = new Float32Array(g.analyser.fftSize);
  g.analyser.getFloatTimeDomainData(pcm);
  return Array.from(pcm);
})()
"""

CANDIDATES_JS = """
(async () => {
  const pc = window.yoriaiGuest.pc;
  const addresses = [];
  (await pc.getStats()).forEach((s) => {
    if (s.type === "local-candidate" || s.type === "remote-candidate")
      addresses.push(s.type + " " + (s.address || s.ip));
  });
  const sdp = pc.localDescription.sdp + pc.remoteDescription.sdp;
  for (const line of sdp.split(/\\r?\\n/))
    if (line.startsWith("a=candidate:")) addresses.push("sdp " + line.split(" ")[4]);
  return addresses;
})()
"""


def write_tone(path: Path, frequency: float, seconds: float = 4.0) -> Path:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    pcm = (0.3 * np.sin(2 * np.pi * frequency * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    return path


async def scenario(work: Path) -> dict[str, Any]:
    use_host_addresses(["127.0.0.1"])
    db = await make_demo_db(work / "office.db")
    server = await YoriaiServer.open(fast_config(db))
    _host, port = await server.start()
    office = Office(server, f"ws://127.0.0.1:{port}")
    browser = Chromium(write_tone(work / "mic.wav", BROWSER_HZ))
    result: dict[str, Any] = {}
    try:
        aiko = await participant(office, "aiko", "room-4", MEMBER_HZ)
        invite = await aiko.session.invite("room-4")
        await browser.start()
        await browser.navigate(invite.url, {"Accept-Language": "en"})
        await browser.evaluate(
            "document.getElementById('name').value = 'Mika Sato';"
            "document.getElementById('join').click(); true"
        )
        try:
            await browser.wait_for("window.yoriaiGuest.connection === 'connected'", within=30)
        except TimeoutError:
            diagnosis = await browser.evaluate(
                "(() => { const g = window.yoriaiGuest; return {g: JSON.stringify(g),"
                " status: document.getElementById('status').textContent,"
                " sdp: g.pc && g.pc.localDescription && g.pc.localDescription.sdp,"
                " ice: g.pc && g.pc.iceConnectionState}; })()"
            )
            raise TimeoutError(f"the browser never connected: {diagnosis}") from None
        guest_id = await browser.evaluate("window.yoriaiGuest.personId")
        await aiko.session.wait_until(lambda: aiko.session.state.room_of(guest_id) == "room-4")
        result["status"] = await browser.evaluate("document.getElementById('status').textContent")
        pcm = np.asarray(await browser.evaluate(LISTEN_JS), dtype=np.float32)
        await asyncio.sleep(1.0)
        result["browser_hears_db"] = {str(f): tone_db(pcm, f) for f in (MEMBER_HZ, BROWSER_HZ)}
        heard = aiko.voice.recorder.recent(1.5)
        result["member_hears_db"] = {str(f): tone_db(heard, f) for f in (MEMBER_HZ, BROWSER_HZ)}
        result["addresses"] = await browser.evaluate(CANDIDATES_JS)
        # Links that must not work: the page says why, where a screen reader finds it.
        secret = await server.guests.secret()
        expired = sign(
            Invitation(room_id="room-4", expires_at=time.time() - 5, by="aiko", nonce="e"),
            secret,
        )
        forged = sign(
            Invitation(room_id="room-4", expires_at=time.time() + 600, by="aiko", nonce="f"),
            b"somebody else's key",
        )
        for name, token in (("expired", expired), ("forged", forged)):
            await browser.navigate(f"http://127.0.0.1:{port}/guest/{token}")
            result[name] = await browser.evaluate(
                "(() => { const p = document.getElementById('problem');"
                " return p && {text: p.textContent, role: p.getAttribute('role'),"
                " code: p.dataset.code, join: !!document.getElementById('join')}; })()"
            )
    finally:
        await browser.close()
        while OPEN_VOICES:
            voice = OPEN_VOICES.pop()
            with contextlib.suppress(Exception):
                await voice.close()
                await voice.session.close()
        await server.close()
    return result


def main() -> None:
    # In a fresh network namespace loopback starts down.
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    result = asyncio.run(scenario(Path(sys.argv[1])))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
