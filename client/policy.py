"""The organisation's policy for the client, and how it combines with each user's settings.

An admin puts one TOML file on every PC (the MSI and the .deb can write it):

* Linux: /etc/yoriai/policy.toml
* Windows: %ProgramData%\\Yoriai\\policy.toml
* macOS: /Library/Application Support/Yoriai/policy.toml
* anywhere: the path in $YORIAI_POLICY (tests, and admins trying a policy out)

It presets settings for everyone, locks the ones users may not change, limits the
speech and translation engines to those the organisation allows, and may forbid saving
transcripts. For each setting the value in force is, first to last:

1. the policy's value, when the setting is **locked** (or the built-in default, when
   a locked setting has no value in the policy);
2. the user's own choice;
3. the policy's value, as the organisation's preset;
4. the built-in default.

and any engine or transcript rule of the policy then narrows that value. `managed(key)`
says whether the user can change a setting, and `why(key)` gives the reason to show.

This module is pure (no Qt, no I/O besides reading the file), so the same rules serve
the settings dialog, the self-test and the tests. A policy file the client cannot read
or understand is an error, not an empty policy: running unmanaged on a typo would undo
what the admin locked.
"""

from __future__ import annotations

import contextlib
import difflib
import enum
import json
import math
import os
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from accessibility.languages import TAGS as LANGUAGES

ENV_VAR: Final = "YORIAI_POLICY"


class PolicyError(Exception):
    """The policy file is unreadable, not TOML, or has a bad key or value."""


class SettingManaged(Exception):
    """The user tried to change a setting that the policy manages."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


# ------------------------------------------------------------------ the settings


@dataclass(frozen=True, slots=True)
class Setting:
    kind: type
    default: Any
    summary: str
    engine_kind: str | None = None  # for engine choices: which [engines] list limits it


SETTINGS: Final[dict[str, Setting]] = {
    "server_url": Setting(str, "", "the office server, ws://host:port or wss://host:port"),
    "language": Setting(str, "ja", "the person's language: UI, captions and speech"),
    "stt_engine": Setting(str, "vosk", "speech-to-text engine", "speech_to_text"),
    "tts_engine": Setting(str, "espeak-ng", "text-to-speech engine", "text_to_speech"),
    "translation_engine": Setting(str, "", "caption translator; empty: none", "translation"),
    "transcripts": Setting(bool, False, "save transcripts of meetings on this PC"),
    "self_voicing": Setting(bool, False, "speak announcements without a screen reader"),
    "text_scale": Setting(float, 1.0, "text size, 0.5-4.0 times the system's"),
    "earcons": Setting(bool, True, "sounds when people join and leave"),
    "remember_sign_in": Setting(bool, True, "keep a sign-in token in the OS keyring"),
}

ENGINE_KINDS: Final = ("speech_to_text", "text_to_speech", "translation")
_TOP_KEYS: Final = ("locked", "transcripts_allowed", "settings", "engines")


def _close(key: str, known: Sequence[str]) -> str:
    match = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def check_value(key: str, value: Any) -> Any:
    """A setting's value, checked and normalised; ValueError says what is wrong."""
    setting = SETTINGS[key]
    if setting.kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if setting.kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        if not (math.isfinite(value) and 0.5 <= value <= 4.0):
            raise ValueError(f"must be 0.5-4.0, got {value}")
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    if key == "server_url" and value and not value.startswith(("ws://", "wss://")):
        raise ValueError(f"must start with ws:// or wss://, got {value!r}")
    if key == "language" and value not in LANGUAGES:
        raise ValueError(f"one of {', '.join(LANGUAGES)}, got {value!r}")
    return value


# ------------------------------------------------------------------ the policy


@dataclass(frozen=True, slots=True)
class Policy:
    settings: Mapping[str, Any] = field(default_factory=dict)
    locked: frozenset[str] = frozenset()
    # Per engine kind: the engines allowed, or None when the policy does not limit it.
    engines: Mapping[str, tuple[str, ...] | None] = field(
        default_factory=lambda: dict.fromkeys(ENGINE_KINDS)
    )
    transcripts_allowed: bool = True
    source: Path | None = None

    @property
    def empty(self) -> bool:
        return self == Policy(source=self.source)


NO_POLICY: Final = Policy()


def parse_policy(document: Mapping[str, Any], source: Path | None = None) -> Policy:
    name = str(source) if source else "policy"
    for key in document:
        if key not in _TOP_KEYS:
            raise PolicyError(f"{name}: unknown key {key!r}{_close(key, _TOP_KEYS)}")

    locked_raw = document.get("locked", [])
    if not isinstance(locked_raw, list) or not all(isinstance(k, str) for k in locked_raw):
        raise PolicyError(f"{name}: locked: expected a list of setting names")
    for key in locked_raw:
        if key not in SETTINGS:
            raise PolicyError(f"{name}: locked: no setting {key!r}{_close(key, list(SETTINGS))}")

    allowed = document.get("transcripts_allowed", True)
    if not isinstance(allowed, bool):
        raise PolicyError(f"{name}: transcripts_allowed: expected true or false")

    raw_settings = document.get("settings", {})
    if not isinstance(raw_settings, Mapping):
        raise PolicyError(f"{name}: [settings] must be a table")
    settings: dict[str, Any] = {}
    for key, value in raw_settings.items():
        if key not in SETTINGS:
            raise PolicyError(
                f"{name}: [settings] unknown key {key!r}{_close(key, list(SETTINGS))}"
            )
        try:
            settings[key] = check_value(key, value)
        except ValueError as exc:
            raise PolicyError(f"{name}: [settings] {key}: {exc}") from None

    raw_engines = document.get("engines", {})
    if not isinstance(raw_engines, Mapping):
        raise PolicyError(f"{name}: [engines] must be a table")
    engines: dict[str, tuple[str, ...] | None] = dict.fromkeys(ENGINE_KINDS)
    for kind, names in raw_engines.items():
        if kind not in ENGINE_KINDS:
            raise PolicyError(f"{name}: [engines] unknown key {kind!r}{_close(kind, ENGINE_KINDS)}")
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise PolicyError(f"{name}: [engines] {kind}: expected a list of engine names")
        engines[kind] = tuple(names)

    return Policy(settings, frozenset(locked_raw), engines, allowed, source)


def policy_path(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """Where this machine's policy file lives ($YORIAI_POLICY first)."""
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    if platform == "win32":
        program_data = environ.get("ProgramData") or environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(program_data) / "Yoriai" / "policy.toml"
    if platform == "darwin":
        return Path("/Library/Application Support/Yoriai/policy.toml")
    return Path("/etc/yoriai/policy.toml")


def load_policy(path: Path | None = None) -> Policy:
    """The machine's policy; NO_POLICY when there is no file. Raises PolicyError if bad."""
    path = path or policy_path()
    try:
        with path.open("rb") as f:
            document = tomllib.load(f)
    except FileNotFoundError:
        return Policy(source=None)
    except OSError as exc:
        raise PolicyError(f"cannot read the policy {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise PolicyError(f"{path}: not UTF-8 text") from None
    return parse_policy(document, path)


# ------------------------------------------------------------------ resolving


class Source(enum.StrEnum):
    POLICY = "policy"  # locked by the policy, or narrowed by its engine/transcript rules
    USER = "user"
    PRESET = "preset"  # the organisation's value, which the user may change
    DEFAULT = "default"


# Why a setting is managed, in the two UI languages: the settings dialog shows it beside
# the read-only control, and a screen reader reads it with the control's name.
REASONS: Final[dict[str, tuple[str, str]]] = {
    "locked": ("set by your organisation", "組織の管理者が設定しています"),
    "engines": ("your organisation allows only {names}", "組織が許可しているのは {names} だけです"),
    "no_engines": ("your organisation allows none", "組織はどれも許可していません"),
    "no_transcripts": (
        "your organisation does not allow transcripts",
        "組織は記録の保存を許可していません",
    ),
}
MANAGED_REASON: Final = REASONS["locked"][0]


@dataclass(frozen=True, slots=True)
class Resolved:
    value: Any
    source: Source
    managed: bool
    reason_code: str | None = None  # a key of REASONS
    names: tuple[str, ...] = ()  # for "engines"

    def why(self, language: str = "en") -> str | None:
        if self.reason_code is None:
            return None
        english, japanese = REASONS[self.reason_code]
        text = japanese if language.startswith("ja") else english
        return text.format(names=", ".join(self.names))

    @property
    def reason(self) -> str | None:
        return self.why("en")


class Settings:
    """The settings in force for one user on one machine: pure, recomputed on change.

    `user` is what the user chose (their settings file, as a mapping); values that are
    bad or out of date (an engine since removed) are passed over, never fatal.
    `installed` lists the engines present on this machine, per kind; None: not checked.
    """

    def __init__(
        self,
        policy: Policy,
        user: Mapping[str, Any] | None = None,
        installed: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.policy = policy
        self.user = dict(user or {})
        self.installed = installed
        self._resolved = {key: self._resolve(key) for key in SETTINGS}

    def _choices(self, engine_kind: str) -> tuple[str, ...] | None:
        allowed = self.policy.engines.get(engine_kind)
        if self.installed is None or engine_kind not in self.installed:
            return allowed
        present = tuple(self.installed[engine_kind])
        return present if allowed is None else tuple(e for e in allowed if e in present)

    def _resolve(self, key: str) -> Resolved:
        setting = SETTINGS[key]
        policy = self.policy
        if key in policy.locked:
            value = policy.settings.get(key, setting.default)
            chosen = Resolved(value, Source.POLICY, True, "locked")
        else:
            chosen = Resolved(setting.default, Source.DEFAULT, False)
            if key in policy.settings:
                chosen = Resolved(policy.settings[key], Source.PRESET, False)
            if key in self.user:
                # A stale or hand-edited value is passed over: the next layer decides.
                with contextlib.suppress(ValueError):
                    chosen = Resolved(check_value(key, self.user[key]), Source.USER, False)
        if key == "transcripts" and not policy.transcripts_allowed:
            return Resolved(False, Source.POLICY, True, "no_transcripts")
        if setting.engine_kind is not None:
            return self._narrow_engine(setting.engine_kind, chosen)
        return chosen

    def _narrow_engine(self, engine_kind: str, chosen: Resolved) -> Resolved:
        choices = self._choices(engine_kind)
        if choices is None:
            return chosen
        limited = self.policy.engines.get(engine_kind) is not None
        off_allowed = engine_kind == "translation"  # captions need no translator
        # With one option or none left, there is nothing for the user to choose.
        no_choice = limited and len(choices) + off_allowed <= 1
        limit = ("engines", choices) if choices else ("no_engines", ())
        managed = chosen.managed or no_choice
        if chosen.value in choices or (off_allowed and chosen.value == ""):
            if chosen.reason_code is None and no_choice:
                return Resolved(chosen.value, chosen.source, managed, *limit)
            return Resolved(chosen.value, chosen.source, managed, chosen.reason_code, chosen.names)
        # Not allowed, or not installed: the organisation's preset if it can be, else the first.
        preset = self.policy.settings.get(SETTINGS_BY_ENGINE[engine_kind])
        fallback = preset if preset in choices else (choices[0] if choices else "")
        if not limited:
            return Resolved(fallback, Source.DEFAULT, managed, chosen.reason_code, chosen.names)
        if chosen.reason_code is not None:
            return Resolved(fallback, Source.POLICY, managed, chosen.reason_code, chosen.names)
        return Resolved(fallback, Source.POLICY, managed, *limit)

    # -------------------------------------------------------------- queries

    def get(self, key: str) -> Any:
        return self._resolved[key].value

    def resolved(self, key: str) -> Resolved:
        return self._resolved[key]

    def managed(self, key: str) -> bool:
        """True when the policy decides this setting and the UI must not offer a change."""
        return self._resolved[key].managed

    def why(self, key: str, language: str = "en") -> str | None:
        """Why the setting is managed, in English or Japanese (None: it is not)."""
        return self._resolved[key].why(language)

    def choices(self, key: str) -> tuple[str, ...] | None:
        """The engines a user may pick for an engine setting (None: anything installed)."""
        kind = SETTINGS[key].engine_kind
        return None if kind is None else self._choices(kind)

    def as_dict(self) -> dict[str, Any]:
        return {key: r.value for key, r in self._resolved.items()}

    # -------------------------------------------------------------- changes

    def with_user_value(self, key: str, value: Any) -> Settings:
        """The settings after the user sets `key`; raises SettingManaged or ValueError."""
        if key not in SETTINGS:
            raise KeyError(key)
        if self.managed(key):
            raise SettingManaged(key, self.why(key) or MANAGED_REASON)
        value = check_value(key, value)
        choices = self.choices(key)
        off = key == "translation_engine" and value == ""
        if choices is not None and value not in choices and not off:
            raise SettingManaged(key, self.why(key) or f"choose one of {', '.join(choices)}")
        if key == "transcripts" and value and not self.policy.transcripts_allowed:
            raise SettingManaged(key, "your organisation does not allow transcripts")
        return Settings(self.policy, {**self.user, key: value}, self.installed)


SETTINGS_BY_ENGINE: Final = {
    s.engine_kind: key for key, s in SETTINGS.items() if s.engine_kind is not None
}


# ------------------------------------------------------------------ writing a policy


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    # JSON string escapes are TOML basic-string escapes (json.dumps never writes "\/").
    return json.dumps(str(value), ensure_ascii=False)


def render_policy(policy: Policy, header: str = "") -> str:
    """A policy as TOML that parse_policy reads back to the same Policy."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    if policy.locked:
        lines.append(f"locked = {_toml(sorted(policy.locked))}")
    if not policy.transcripts_allowed:
        lines.append("transcripts_allowed = false")
    if policy.settings:
        lines += ["", "[settings]"]
        lines += [f"{key} = {_toml(value)}" for key, value in policy.settings.items()]
    limits = {k: v for k, v in policy.engines.items() if v is not None}
    if limits:
        lines += ["", "[engines]"]
        lines += [f"{kind} = {_toml(list(names))}" for kind, names in limits.items()]
    return "\n".join(lines) + "\n"
