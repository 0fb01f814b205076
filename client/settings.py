"""What each person chose for the desktop app, kept across restarts.

A small JSON file in the user's config folder (Qt's QStandardPaths, already loaded,
rather than another import at start-up); `YORIAI_CONFIG_DIR` moves it, for tests and
portable installs. Nothing secret lives here: the session
token is in the OS keyring (see credentials.py).
"""

from __future__ import annotations

import enum
import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths

log = logging.getLogger("yoriai.settings")

MIN_SCALE = 0.75
MAX_SCALE = 3.0
SCALE_STEP = 0.125


class AnnounceLevel(enum.IntEnum):
    """How much the app announces. Each level includes everything below it."""

    OFF = 0
    ESSENTIAL = 1  # the connection, knocks and calls for me
    NORMAL = 2  # + people entering and leaving my room, chat in my room
    VERBOSE = 3  # + every presence change in the office


class Theme(enum.StrEnum):
    SYSTEM = "system"
    HIGH_CONTRAST = "high-contrast"


@dataclass(slots=True)
class Settings:
    language: str = "system"  # "system", "ja" or "en"
    text_scale: float = 1.0
    theme: Theme = Theme.SYSTEM
    announce_level: AnnounceLevel = AnnounceLevel.NORMAL
    self_voicing: bool = False
    keypad_mode: bool = False
    server_url: str = "ws://127.0.0.1:8765"
    user_name: str = ""

    def scaled(self, steps: int) -> float:
        """The text scale `steps` notches up (or down), within bounds."""
        value = self.text_scale + steps * SCALE_STEP
        return round(min(MAX_SCALE, max(MIN_SCALE, value)), 3)


def config_dir() -> Path:
    env = os.environ.get("YORIAI_CONFIG_DIR")
    if env:
        return Path(env)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    return Path(base) / "yoriai"


def settings_path() -> Path:
    return config_dir() / "client.json"


def load(path: Path | None = None) -> Settings:
    """Read the settings; anything missing or unreadable falls back to its default."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable settings %s: %s", path, exc)
        return Settings()
    settings = Settings()
    if not isinstance(raw, dict):
        return settings
    for f in fields(Settings):
        if f.name in raw:
            try:
                setattr(settings, f.name, _coerce(f.name, raw[f.name]))
            except (TypeError, ValueError):
                log.warning("ignoring bad setting %s=%r", f.name, raw[f.name])
    settings.text_scale = min(MAX_SCALE, max(MIN_SCALE, settings.text_scale))
    return settings


def _coerce(name: str, value: Any) -> Any:
    match name:
        case "theme":
            return Theme(value)
        case "announce_level":
            return AnnounceLevel(int(value))
        case "text_scale":
            return float(value)
        case "self_voicing" | "keypad_mode":
            if not isinstance(value, bool):
                raise TypeError(name)
            return value
        case _:
            if not isinstance(value, str):
                raise TypeError(name)
            return value


def save(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(settings)
    data["announce_level"] = int(settings.announce_level)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)  # atomic: a crash never leaves half a file
