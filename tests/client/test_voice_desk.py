"""The office window's voice: the speaking indicator, mute and push-to-talk, for real.

The app sends a tone through its VoiceSession (the non-device path) over real WebRTC on
127.0.0.1 to a real server; a headless participant in the same room sends another. The
window must show who speaks (in the text a screen reader reads), and muting must make
the room stop hearing us.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from client import settings as settings_store
from client.session import Session
from client.views.dialogs import SettingsDialog
from client.views.people_list import NAME
from client.views.voice_panel import meter_value
from rooms.media.peer import use_host_addresses
from rooms.media.tracks import ToneSource
from rooms.protocol import ChatMessage
from tests.voice.support import participant

from .conftest import running_server, signed_in_app, until, url_of, window


@pytest.fixture(autouse=True)
def loopback_media() -> Iterator[None]:
    use_host_addresses(["127.0.0.1"])  # media never leaves loopback
    yield


def _name_text(w: object, pid: str) -> str:
    model = w.people.model  # type: ignore[attr-defined]
    return str(model.item(model.row_of(pid), NAME).text())


def test_speaking_indicator_and_mute_over_a_real_room(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            url = url_of(server)
            kenji = await participant(url, "kenji", "room-1", 660.0)
            app = await signed_in_app(url, "yui", voice_source=ToneSource(440.0))
            try:
                w = window(app)
                assert app.voice is not None
                w.join("room-1")
                await until(lambda: app.voice is not None and app.voice.state == "connected")
                # We see kenji speak, in the text a screen reader reads for his row.
                await until(lambda: w.people.model.is_speaking("kenji"), 15, "kenji speaking")
                assert _name_text(w, "kenji").endswith("(speaking)")
                # The room hears us; the level meter moves and says its level.
                await kenji.voice.wait_until(lambda: "yui" in kenji.voice.speaking, 15)
                await until(lambda: w.voice_panel.meter.value() > 0, 5, "the meter")
                assert w.voice_panel.meter.accessibleDescription().endswith("dB")
                assert w.voice_panel.meter.accessibleName() == "Microphone level"
                # The link's quality, measured from RTCP, in words.
                await until(lambda: w.voice_panel.quality_text != "", 8, "quality")
                assert w.voice_panel.quality.text() in ("Quality: good", "Quality: measuring")
                assert w.voice_panel.quality.accessibleName() == "Connection quality"

                # Mute from keypad mode (*): announced, shown, and the room stops hearing us.
                assert app.keypad is not None
                app.keypad.enabled = True
                assert app.keypad.press(Qt.Key.Key_Asterisk)
                assert app.voice.muted
                assert "Microphone muted" in list(app.announcer.history)[-3:]
                assert w.voice_panel.mute.isChecked()
                assert w.voice_panel.mute.accessibleDescription() == "Muted"
                await kenji.voice.wait_until(lambda: "yui" not in kenji.voice.speaking, 15)
                # Others are told (voice.mute relayed to the room as voice.muted).
                await kenji.voice.wait_until(lambda: kenji.voice.is_muted("yui"), 5)

                # Kenji mutes: our list says so, in the text a screen reader reads.
                kenji.voice.set_muted(True)
                await until(lambda: _name_text(w, "kenji").endswith("(muted)"), 5, "kenji muted")
                # A newcomer learns who is muted already.
                haruto = await participant(url, "haruto", "room-1", None)
                try:
                    await haruto.voice.wait_until(
                        lambda: haruto.voice.others_muted == {"yui", "kenji"}, 5
                    )
                finally:
                    await haruto.voice.close()
                    await haruto.session.close()
                kenji.voice.set_muted(False)
                await until(lambda: not _name_text(w, "kenji").endswith("(muted)"), 5, "unmuted")

                # Unmute with Ctrl+M.
                w.activateWindow()
                QTest.keyClick(w, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
                await until(lambda: app.voice is not None and not app.voice.muted, 5, "unmute")
                assert "Microphone on" in list(app.announcer.history)[-3:]
                await kenji.voice.wait_until(lambda: "yui" in kenji.voice.speaking, 15)
                assert not kenji.voice.is_muted("yui")

                # Push to talk: only while F9 is held does the room hear us.
                w.set_push_to_talk(True)
                assert not app.voice.transmitting
                await kenji.voice.wait_until(lambda: "yui" not in kenji.voice.speaking, 15)
                QTest.keyPress(w, Qt.Key.Key_F9)
                assert app.voice.transmitting
                await kenji.voice.wait_until(lambda: "yui" in kenji.voice.speaking, 15)
                QTest.keyRelease(w, Qt.Key.Key_F9)
                assert not app.voice.transmitting
                w.set_push_to_talk(False)
                # The in-app list names every voice key.
                rows = dict(w.shortcut_rows())
                assert rows["Mute or unmute"] == "Ctrl+M"
                assert rows["Push to talk"] == "Ctrl+Shift+M"
                assert rows["Talk (in push-to-talk mode)"] == "hold F9"
                assert rows["Keypad mode: mute or unmute the microphone"] == "Keypad *"

                # Leaving the room: the indicator goes.
                w.leave()
                await until(lambda: not w.people.model.is_speaking("kenji"), 10, "indicator off")
                assert not _name_text(w, "kenji").endswith("(speaking)")
            finally:
                await app.close()
                await kenji.voice.close()
                await kenji.session.close()

    qloop.run_until_complete(scenario())


def test_without_audio_devices_the_app_says_so_and_keeps_working(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            # No such devices anywhere (and CI machines have none at all).
            settings_store.save(
                replace(
                    settings_store.load(),
                    input_device="no-such-microphone",
                    output_device="no-such-speaker",
                )
            )
            app = await signed_in_app(url_of(server), "yui", voice=True)
            try:
                w = window(app)
                panel = w.voice_panel
                assert panel.devices.isVisibleTo(w)
                assert panel.devices.text().startswith("No audio device:")
                assert panel.devices.accessibleDescription() == panel.devices.text()
                assert any(h.startswith("No audio device:") for h in app.announcer.history)
                w.play_test_sound()
                assert app.announcer.history[-1] == (
                    "No speaker or headphones to play the test sound"
                )
                # The office still works, voice included (we send silence).
                w.join("room-2")
                await until(lambda: app.voice is not None and app.voice.state == "connected")
                await until(lambda: server.office.state.presence_of("yui").room_id == "room-2")
                w.toggle_mute()
                assert app.voice.muted
                # The captions pane speaks through this voice: typed text goes to the room
                # (as chat, and as speech in the outgoing audio even while muted).
                kenji = Session(url_of(server), username="kenji", password="yoriai-demo")
                await kenji.connect()
                heard: list[str] = []
                kenji.add_listener(
                    lambda m: heard.append(m.text) if isinstance(m, ChatMessage) else None
                )
                await kenji.join("room-2")
                assert w.captions.speaker is not None and w.captions.translations is not None
                w.captions.say_input.setText("Hello from the keyboard")
                w.captions.speak()
                await until(lambda: "Hello from the keyboard" in heard)
                await kenji.close()
            finally:
                await app.close()

    qloop.run_until_complete(scenario())


def test_device_choice_in_the_settings(qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            app = await signed_in_app(url_of(server), "yui", voice=True)
            try:
                w = window(app)
                assert app.audio is not None
                first = app.audio
                dialog = SettingsDialog(app.settings, w)
                assert dialog.microphone.accessibleName() == "Microphone"
                assert dialog.speaker.accessibleName() == "Speaker"
                assert dialog.microphone.itemText(0) == "System default"
                # A device chosen before and absent now stays selectable (and named).
                dialog.close()
                app.apply_settings(replace(app.settings, output_device="USB headset"))
                await until(lambda: app.audio is not None and app.audio is not first, 5)
                # Absent here (and CI has no devices at all): said, not fatal.
                assert app.audio.speaker is None
                assert w.voice_panel.devices.text().startswith("No audio device:")
                dialog = SettingsDialog(app.settings, w)
                assert dialog.speaker.currentText() == "USB headset"
                dialog.speaker.setCurrentIndex(0)
                assert dialog.result_settings().output_device == ""
                dialog.close()
                assert settings_store.load().output_device == "USB headset"
            finally:
                await app.close()

    qloop.run_until_complete(scenario())


def test_meter_scale() -> None:
    assert meter_value(-120.0) == 0
    assert meter_value(-60.0) == 0
    assert meter_value(-30.0) == 50
    assert meter_value(0.0) == 100
    assert meter_value(3.0) == 100
