"""Regenerate docs/screenshots/: the main window in Japanese, in English, and high contrast.

Runs offscreen (no display needed) against the demo office, started as its own process
with the demo colleagues seated, exactly as `yoriai demo` shows it:

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py      (or ./dev screenshots)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from client import settings as settings_store  # noqa: E402
from client.app import YoriaiApp  # noqa: E402
from client.demo import DEMO_PASSWORD, DemoServer, populate  # noqa: E402
from client.settings import Settings, Theme  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SHOTS = (
    ("main-window-ja.png", Settings(language="ja")),
    ("main-window-en.png", Settings(language="en")),
    ("main-window-high-contrast.png", Settings(language="en", theme=Theme.HIGH_CONTRAST)),
)


async def shoot(url: str) -> None:
    colleagues = await populate(url)
    try:
        for name, settings in SHOTS:
            settings_store.save(settings)
            app = YoriaiApp(settings_store.load(), remember=False, persist=False)
            await app.start(url, "yui", DEMO_PASSWORD)
            w = app.window
            assert w is not None
            w.join("room-1")
            await asyncio.sleep(0.5)
            kenji = next(s for s in colleagues if s.username == "kenji")
            await kenji.chat("おはようございます。議事録は共有フォルダにあります。")
            await asyncio.sleep(0.3)
            w.chat.input.setText(
                "ありがとうございます!" if settings.language == "ja" else "Thanks!"
            )
            w.rooms.select_room("room-1")
            w.rooms.setFocus()
            await asyncio.sleep(0.5)
            w.grab().save(str(OUT / name))
            print(f"wrote {OUT / name}")
            await app.close()
            app.apply_settings(replace(settings, theme=Theme.SYSTEM))
    finally:
        for s in colleagues:
            await s.close()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="yoriai-shots-") as tmp:
        os.environ["YORIAI_CONFIG_DIR"] = str(Path(tmp) / "config")
        server = DemoServer(Path(tmp))
        server.start(quiet=True)
        try:
            qapp = QApplication.instance() or QApplication(sys.argv[:1])
            loop = qasync.QEventLoop(qapp)
            asyncio.set_event_loop(loop)
            with loop:
                loop.run_until_complete(shoot(server.url))
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
