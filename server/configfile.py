"""The server's TOML configuration file (`yoriai-server --config /etc/yoriai/server.toml`).

Every setting of `ServerConfig`, `Limits` and `Rules` can be set here; the table and key
names are the field names, so nothing can be added to those classes without being
configurable (and the test over installer/server/server.toml checks it is documented).

    [server]  host, port, db_path, log_level, token_ttl_s, tick_s, ...
    [tls]     cert, key
    [limits]  every field of Limits
    [rules]   every field of Rules

Precedence is command-line flag > this file > built-in default. A key this version does
not know, or a value of the wrong type or range, is an error naming the file, the table
and the key: a typo must not silently leave a default in force.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from rooms.office import Rules
from server.config import Limits, ServerConfig

LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# [server] keys that are not ServerConfig fields, or are ServerConfig fields set elsewhere.
_SERVER_EXTRA: Final = {"log_level": str}
# Voice and TURN settings and the public URL come from `serve` flags for now
# (docs/admin/turn.md); the invitation key is made and kept by the server itself.
_SERVER_SKIP: Final = frozenset(
    {"tls_cert", "tls_key", "rules", "limits", "voice", "invite_secret", "public_url"}
)


class ConfigError(Exception):
    """The configuration file is missing, not TOML, or has a bad key or value."""


@dataclasses.dataclass(frozen=True, slots=True)
class FileSettings:
    """What a configuration file says: only the keys it sets."""

    path: Path
    server: dict[str, Any]
    limits: dict[str, Any]
    rules: dict[str, Any]
    log_level: str | None = None


def _fields(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def schema() -> dict[str, dict[str, Any]]:
    """Every table and key the file may hold, with the type each value must have."""
    server = {k: t for k, t in _fields(ServerConfig).items() if k not in _SERVER_SKIP}
    server.update(_SERVER_EXTRA)
    return {
        "server": server,
        "tls": {"cert": Path, "key": Path},
        "limits": _fields(Limits),
        "rules": _fields(Rules),
    }


def _unknown(where: str, key: str, known: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{where}: unknown key {key!r}{hint}; known: {', '.join(sorted(known))}"


def _value(where: str, key: str, value: Any, kind: Any, base: Path) -> Any:
    """Check one value against its type and range; return it converted."""
    label = f"{where} {key}"
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{label}: expected true or false, got {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{label}: expected a whole number, got {value!r}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise ConfigError(f"{label}: expected a number, got {value!r}")
        return float(value)
    if kind in (str, str | None):
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{label}: expected a non-empty string, got {value!r}")
        return value
    if kind in (Path, Path | None):
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{label}: expected a file path (a string), got {value!r}")
        path = Path(value).expanduser()
        # Relative paths are relative to the configuration file, not to wherever it ran.
        return path if path.is_absolute() else base / path
    raise AssertionError(f"no parser for {kind!r}")  # a new field type needs a case here


def _ranges(where: str, values: dict[str, Any]) -> None:
    for key, value in values.items():
        label = f"{where} {key}"
        if key == "port":
            if not 0 <= value <= 65535:
                raise ConfigError(f"{label}: a port is 0-65535, got {value}")
        elif key == "log_level":
            if value.upper() not in LOG_LEVELS:
                raise ConfigError(f"{label}: one of {', '.join(LOG_LEVELS)}, got {value!r}")
            values[key] = value.upper()
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and not (value > 0 and math.isfinite(value))
        ):
            raise ConfigError(f"{label}: must be a positive number, got {value}")


def parse(document: Mapping[str, Any], path: Path) -> FileSettings:
    """Validate a parsed TOML document; raise ConfigError on the first bad key or value."""
    tables = schema()
    name = str(path)
    found: dict[str, dict[str, Any]] = {t: {} for t in tables}
    for table, content in document.items():
        if table not in tables:
            raise ConfigError(_unknown(name, f"[{table}]", (f"[{t}]" for t in tables)))
        where = f"{name}: [{table}]"
        if not isinstance(content, Mapping):
            raise ConfigError(f"{where}: expected a table of settings")
        for key, value in content.items():
            kinds = tables[table]
            if key not in kinds:
                raise ConfigError(_unknown(where, key, kinds))
            found[table][key] = _value(where, key, value, kinds[key], path.absolute().parent)
        _ranges(where, found[table])
    tls = found["tls"]
    if ("cert" in tls) != ("key" in tls):
        raise ConfigError(f"{name}: [tls] cert and key go together")
    server = found["server"]
    log_level = server.pop("log_level", None)
    if tls:
        server["tls_cert"], server["tls_key"] = tls["cert"], tls["key"]
    return FileSettings(path, server, found["limits"], found["rules"], log_level)


def load(path: Path) -> FileSettings:
    try:
        with path.open("rb") as f:
            document = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"no configuration file at {path}") from None
    except PermissionError:
        raise ConfigError(f"cannot read {path}: permission denied") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse(document, path)


def build(settings: FileSettings | None, **flags: Any) -> ServerConfig:
    """The effective configuration: flags that were given > the file > defaults.

    `flags` are ServerConfig fields from the command line; None means "not given".
    """
    server: dict[str, Any] = dict(settings.server) if settings else {}
    limits: dict[str, Any] = dict(settings.limits) if settings else {}
    rules: dict[str, Any] = dict(settings.rules) if settings else {}
    given = {k: v for k, v in flags.items() if v is not None}
    if "tls_cert" in given or "tls_key" in given:
        # A certificate pair from the command line replaces the file's pair as a whole.
        server.pop("tls_cert", None)
        server.pop("tls_key", None)
    server.update(given)
    return ServerConfig(**server, limits=Limits(**limits), rules=Rules(**rules))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def render(config: ServerConfig, log_level: str) -> str:
    """The settings in force, as a configuration file would say them."""
    lines = ["[server]"]
    for key in schema()["server"]:
        value = log_level if key == "log_level" else getattr(config, key)
        if value is None:
            lines.append(f"# {key}: not set")  # TOML has no null: an absent key is None
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    lines.append("")
    lines.append("[tls]")
    if config.tls_cert is None:
        lines.append("# off: the server speaks plain ws://")
    else:
        lines.append(f"cert = {_toml_value(config.tls_cert)}")
        lines.append(f"key = {_toml_value(config.tls_key)}")
    for table, obj in (("limits", config.limits), ("rules", config.rules)):
        lines += ["", f"[{table}]"]
        lines += [f"{key} = {_toml_value(getattr(obj, key))}" for key in schema()[table]]
    return "\n".join(lines) + "\n"
