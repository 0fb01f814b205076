"""`yoriai-policy write`, as the MSI runs it during a silent install, and `show`."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from client.policy import Settings, load_policy
from client.policy_tool import main


def msi_write(path: Path, **props: str) -> int:
    # The MSI passes every property, set or not: unset ones arrive as "".
    names = ("SERVER_URL", "LANGUAGE", "LOCKED", "TRANSCRIPTS_ALLOWED", "SPEECH_ENGINES",
             "TRANSLATION_ENGINES", "POLICY_SOURCE")  # fmt: skip
    value = {n: props.get(n, "") for n in names}
    return main(
        [
            "write", "--path", str(path),
            "--server-url", value["SERVER_URL"], "--language", value["LANGUAGE"],
            "--locked", value["LOCKED"], "--transcripts-allowed", value["TRANSCRIPTS_ALLOWED"],
            "--speech-engines", value["SPEECH_ENGINES"],
            "--translation-engines", value["TRANSLATION_ENGINES"],
            "--from", value["POLICY_SOURCE"],
        ]
    )  # fmt: skip


def test_a_silent_install_writes_a_policy_the_client_reads(tmp_path: Path) -> None:
    path = tmp_path / "ProgramData" / "Yoriai" / "policy.toml"
    assert msi_write(path, SERVER_URL="wss://yoriai.pref.lan:8765", LANGUAGE="ja",
                     LOCKED="server_url") == 0  # fmt: skip
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    policy = load_policy(path)
    assert policy.settings == {"server_url": "wss://yoriai.pref.lan:8765", "language": "ja"}
    assert policy.locked == {"server_url"} and policy.transcripts_allowed
    settings = Settings(policy, {"server_url": "ws://elsewhere:1", "language": "en"})
    assert settings.get("server_url") == "wss://yoriai.pref.lan:8765"
    assert settings.managed("server_url")
    assert settings.get("language") == "en" and not settings.managed("language")


def test_every_property(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    assert msi_write(path, SERVER_URL="wss://a.lan", LANGUAGE="pt-BR",
                     LOCKED="server_url, language ,stt_engine", TRANSCRIPTS_ALLOWED="0",
                     SPEECH_ENGINES="vosk", TRANSLATION_ENGINES="none") == 0  # fmt: skip
    policy = load_policy(path)
    assert policy.locked == {"server_url", "language", "stt_engine"}
    assert not policy.transcripts_allowed
    assert policy.engines["speech_to_text"] == ("vosk",) and policy.engines["translation"] == ()
    assert policy.engines["text_to_speech"] is None


def test_a_policy_file_as_the_base_with_properties_on_top(tmp_path: Path) -> None:
    source = tmp_path / "share" / "policy.toml"
    source.parent.mkdir()
    source.write_text(
        'locked = ["earcons"]\n[settings]\nearcons = false\nserver_url = "wss://old.lan"\n'
        '[engines]\ntext_to_speech = ["espeak-ng"]\n',
        encoding="utf-8",
    )
    path = tmp_path / "policy.toml"
    assert msi_write(path, POLICY_SOURCE=str(source), SERVER_URL="wss://new.lan") == 0
    policy = load_policy(path)
    assert policy.settings == {"earcons": False, "server_url": "wss://new.lan"}
    assert policy.locked == {"earcons"} and policy.engines["text_to_speech"] == ("espeak-ng",)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"SERVER_URL": "https://a.lan"}, "server_url: must start with ws:// or wss://"),
        ({"LANGUAGE": "japanese"}, "language: one of ja, en"),
        ({"LOCKED": "server"}, "no setting 'server'"),
        ({"TRANSCRIPTS_ALLOWED": "maybe"}, "transcripts allowed: 1 or 0"),
        ({"POLICY_SOURCE": "/nowhere/policy.toml"}, "no policy file at /nowhere/policy.toml"),
    ],
)
def test_bad_properties_fail_the_install_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], props: dict[str, str], message: str
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('[settings]\nlanguage = "en"\n', encoding="utf-8")
    assert msi_write(path, **props) == 2
    assert message in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == '[settings]\nlanguage = "en"\n'  # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["policy.toml"]  # no temporary left


def test_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "policy.toml"
    assert main(["show", "--path", str(path)]) == 0
    assert "no policy at" in capsys.readouterr().out
    assert msi_write(path, SERVER_URL="wss://a.lan", LOCKED="server_url",
                     TRANSLATION_ENGINES="none") == 0  # fmt: skip
    capsys.readouterr()
    assert main(["show", "--path", str(path)]) == 0
    out = capsys.readouterr().out
    assert "server_url = 'wss://a.lan' (managed)" in out
    assert "language = 'ja' (user may change)" in out
    assert "translation: none" in out
