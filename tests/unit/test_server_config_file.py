"""The server's TOML configuration file: every option documented, precedence, clear errors."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from rooms.office import Rules
from server.config import Limits, ServerConfig
from server.configfile import ConfigError, build, load, parse, render, schema

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "installer" / "server" / "server.toml"
DOC = ROOT / "docs" / "admin" / "configuration.md"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def every_key() -> list[tuple[str, str]]:
    return [(table, key) for table, keys in schema().items() for key in keys]


def test_every_field_of_the_server_settings_is_a_key() -> None:
    keys = schema()
    assert set(keys["limits"]) == {f.name for f in dataclasses.fields(Limits)}
    assert set(keys["rules"]) == {f.name for f in dataclasses.fields(Rules)}
    server_fields = {f.name for f in dataclasses.fields(ServerConfig)}
    flags_only = {"voice", "invite_secret", "public_url"}  # serve flags, or the server's own
    assert server_fields - {"tls_cert", "tls_key", "rules", "limits", *flags_only} <= set(
        keys["server"]
    )
    assert set(keys["tls"]) == {"cert", "key"}


def test_the_annotated_example_and_the_reference_document_every_key() -> None:
    example = EXAMPLE.read_text(encoding="utf-8")
    doc = DOC.read_text(encoding="utf-8")
    for table, key in every_key():
        assert re.search(rf"^(# )?{key} = ", example, re.M), f"{table}.{key} not in the example"
        assert f"`{key}`" in doc, f"{table}.{key} not in {DOC.name}"
        assert f"[{table}]" in example and f"[{table}]" in doc


def test_the_example_as_shipped_sets_only_the_database() -> None:
    settings = load(EXAMPLE)
    config = build(settings)
    assert config.db_path == Path("/var/lib/yoriai/yoriai.db")
    assert dataclasses.replace(config, db_path=ServerConfig().db_path) == ServerConfig()


def test_the_defaults_the_example_shows_are_the_real_defaults(tmp_path: Path) -> None:
    # Uncomment every "# key = value" line: the file must then describe the defaults.
    text = re.sub(r"^# (\w+ = )", r"\1", EXAMPLE.read_text(encoding="utf-8"), flags=re.M)
    settings = parse(tomllib.loads(text), EXAMPLE)
    assert settings.log_level == "INFO"
    config = build(settings)
    assert config.tls_cert == Path("/etc/yoriai/tls/cert.pem")
    # The many-server keys have no default to show (None): the example shows a sample.
    assert config.database_url == "postgresql://yoriai@db.example.jp/yoriai"
    assert config.redis_url == "redis://redis.example.jp:6379/0"
    assert config.node_id == "yoriai-1"
    expected = ServerConfig(db_path=Path("/var/lib/yoriai/yoriai.db"))
    samples = {"tls_cert": None, "tls_key": None, "database_url": None, "redis_url": None}
    assert dataclasses.replace(config, **samples, node_id=None) == expected
    # ... and render() (what `config check` prints) says the same settings again.
    again = build(parse(tomllib.loads(render(config, "INFO")), tmp_path / "x.toml"))
    assert again == config


def test_flags_beat_the_file_and_the_file_beats_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[server]\nhost = "10.0.0.5"\nport = 9000\n[limits]\nrate_per_s = 5\n'
        "[rules]\nreconnect_grace = 90\n",
    )
    settings = load(path)
    config = build(settings, port=9100, host=None, db_path=tmp_path / "flag.db")
    assert config.port == 9100  # the flag
    assert config.host == "10.0.0.5"  # the file, since --host was not given
    assert config.db_path == tmp_path / "flag.db"
    assert config.limits.rate_per_s == 5.0 and isinstance(config.limits.rate_per_s, float)
    assert config.limits.burst == Limits().burst  # the default
    assert config.rules.reconnect_grace == 90.0
    assert config.rules.knock_timeout == Rules().knock_timeout
    assert build(None) == ServerConfig()


def test_tls_pair_from_the_file_relative_paths_and_a_flag_pair_replacing_it(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, '[tls]\ncert = "tls/cert.pem"\nkey = "/abs/key.pem"\n')
    config = build(load(path))
    assert config.tls_cert == tmp_path / "tls" / "cert.pem"  # beside the file
    assert config.tls_key == Path("/abs/key.pem")
    flagged = build(load(path), tls_cert=Path("/f/c.pem"), tls_key=Path("/f/k.pem"))
    assert (flagged.tls_cert, flagged.tls_key) == (Path("/f/c.pem"), Path("/f/k.pem"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[server]\nhots = "x"\n', "unknown key 'hots' (did you mean 'host'?)"),
        ("[limit]\nburst = 1\n", "unknown key '[limit]' (did you mean '[limits]'?)"),
        ('[server]\nport = "8765"\n', "[server] port: expected a whole number, got '8765'"),
        ("[server]\nport = 8765.0\n", "[server] port: expected a whole number"),
        ("[server]\nport = 70000\n", "[server] port: a port is 0-65535, got 70000"),
        ("[limits]\nburst = -1\n", "[limits] burst: must be a positive number, got -1.0"),
        ("[limits]\nburst = 0\n", "[limits] burst: must be a positive number"),
        ("[limits]\nrate_per_s = true\n", "[limits] rate_per_s: expected a number, got True"),
        ("[rules]\nknock_timeout = inf\n", "[rules] knock_timeout: must be a positive number"),
        ('[server]\nlog_level = "LOUD"\n', "[server] log_level: one of DEBUG, INFO"),
        ('[server]\nhost = ""\n', "[server] host: expected a non-empty string"),
        ("[server]\ndb_path = 3\n", "[server] db_path: expected a file path"),
        ('[tls]\ncert = "c.pem"\n', "[tls] cert and key go together"),
        ("server = 1\n", "[server]: expected a table of settings"),
        ("[server\nport = 1\n", "not valid TOML"),
    ],
)
def test_bad_files_are_refused_with_the_table_key_and_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no configuration file at .*nowhere\.toml"):
        load(tmp_path / "nowhere.toml")


def test_log_level_is_case_insensitive(tmp_path: Path) -> None:
    assert load(write(tmp_path, '[server]\nlog_level = "debug"\n')).log_level == "DEBUG"
