"""The client policy: where it lives, precedence (locked policy > user > preset > default),
locked settings the user cannot change, engine and transcript rules, and bad files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from client.policy import (
    NO_POLICY,
    SETTINGS,
    Policy,
    PolicyError,
    SettingManaged,
    Settings,
    Source,
    load_policy,
    parse_policy,
    policy_path,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "installer" / "policy.toml"
DOC = ROOT / "docs" / "admin" / "policy.md"


def policy(text: str) -> Policy:
    return parse_policy(tomllib.loads(text), Path("policy.toml"))


INSTALLED = {
    "speech_to_text": ["faster-whisper", "vosk"],
    "text_to_speech": ["espeak-ng", "pyttsx3"],
    "translation": ["apertium", "org-mt"],
}


def test_where_the_policy_lives() -> None:
    assert policy_path("linux", {}) == Path("/etc/yoriai/policy.toml")
    assert policy_path("win32", {"ProgramData": r"D:\PD"}) == Path(r"D:\PD") / "Yoriai" / (
        "policy.toml"
    )
    assert policy_path("darwin", {}) == Path("/Library/Application Support/Yoriai/policy.toml")
    assert policy_path("linux", {"YORIAI_POLICY": "/tmp/p.toml"}) == Path("/tmp/p.toml")


def test_no_file_is_no_policy_and_the_env_var_points_at_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YORIAI_POLICY", str(tmp_path / "absent.toml"))
    assert load_policy().empty
    (tmp_path / "p.toml").write_text('locked = ["language"]\n', encoding="utf-8")
    monkeypatch.setenv("YORIAI_POLICY", str(tmp_path / "p.toml"))
    loaded = load_policy()
    assert loaded.locked == {"language"} and loaded.source == tmp_path / "p.toml"


def test_without_a_policy_the_user_beats_the_defaults() -> None:
    s = Settings(NO_POLICY, {"language": "ko", "text_scale": 1.5})
    assert s.get("language") == "ko" and s.resolved("language").source is Source.USER
    assert s.get("text_scale") == 1.5
    assert s.get("earcons") is True and s.resolved("earcons").source is Source.DEFAULT
    assert not any(s.managed(k) for k in SETTINGS)


def test_precedence_locked_policy_then_user_then_preset_then_default() -> None:
    p = policy(
        'locked = ["server_url", "self_voicing"]\n'
        '[settings]\nserver_url = "wss://office.lan:8765"\nlanguage = "en"\ntext_scale = 1.25\n'
    )
    user = {"server_url": "ws://evil.example:1", "language": "ja", "self_voicing": True}
    s = Settings(p, user)
    # 1. locked: the policy's value, whatever the user has stored.
    assert s.get("server_url") == "wss://office.lan:8765"
    assert s.resolved("server_url").source is Source.POLICY and s.managed("server_url")
    # ... a locked setting the policy gives no value for stays at the built-in default.
    assert s.get("self_voicing") is False and s.managed("self_voicing")
    # 2. the user's own choice beats the organisation's preset.
    assert s.get("language") == "ja" and s.resolved("language").source is Source.USER
    # 3. the preset, where the user chose nothing; the user may change it.
    assert s.get("text_scale") == 1.25 and s.resolved("text_scale").source is Source.PRESET
    assert not s.managed("text_scale") and not s.managed("language")
    # 4. the default.
    assert s.get("remember_sign_in") is True
    assert s.resolved("remember_sign_in").source is Source.DEFAULT


def test_locked_settings_cannot_be_changed_and_others_can() -> None:
    p = policy('locked = ["server_url", "language"]\n[settings]\nserver_url = "wss://a.lan"\n')
    s = Settings(p)
    with pytest.raises(SettingManaged) as err:
        s.with_user_value("server_url", "wss://other.lan")
    assert err.value.key == "server_url" and err.value.reason == "set by your organisation"
    with pytest.raises(SettingManaged):
        s.with_user_value("language", "en")
    assert s.why("server_url") == "set by your organisation"
    changed = s.with_user_value("text_scale", 2)
    assert changed.get("text_scale") == 2.0 and changed.user == {"text_scale": 2.0}
    assert s.get("text_scale") == 1.0  # the old Settings is unchanged
    with pytest.raises(ValueError, match=r"must be 0\.5-4\.0"):
        s.with_user_value("text_scale", 9)
    with pytest.raises(ValueError, match="one of ja, en"):
        Settings(NO_POLICY).with_user_value("language", "xx")
    with pytest.raises(KeyError):
        s.with_user_value("no_such_setting", 1)


def test_engine_lists_limit_the_choice() -> None:
    p = policy(
        '[settings]\nstt_engine = "vosk"\n'
        '[engines]\nspeech_to_text = ["vosk"]\ntext_to_speech = ["espeak-ng", "pyttsx3"]\n'
        "translation = []\n"
    )
    s = Settings(
        p,
        {"stt_engine": "faster-whisper", "tts_engine": "pyttsx3", "translation_engine": "org-mt"},
        INSTALLED,
    )
    # One speech engine allowed: it is used, and the choice is managed.
    assert s.get("stt_engine") == "vosk" and s.managed("stt_engine")
    assert s.why("stt_engine") == "your organisation allows only vosk"
    # Two allowed: the user's pick stands, and they may change it within the list.
    assert s.get("tts_engine") == "pyttsx3" and not s.managed("tts_engine")
    assert s.choices("tts_engine") == ("espeak-ng", "pyttsx3")
    assert s.with_user_value("tts_engine", "espeak-ng").get("tts_engine") == "espeak-ng"
    # None allowed: no translation, managed.
    assert s.get("translation_engine") == "" and s.managed("translation_engine")
    assert s.why("translation_engine") == "your organisation allows none"
    with pytest.raises(SettingManaged):
        s.with_user_value("stt_engine", "faster-whisper")


def test_an_allowed_engine_that_is_not_installed_is_not_offered() -> None:
    p = policy(
        '[engines]\nspeech_to_text = ["faster-whisper", "vosk", "org-asr"]\n'
        'translation = ["apertium"]\n'
    )
    s = Settings(p, {"stt_engine": "org-asr"}, INSTALLED)
    assert s.choices("stt_engine") == ("faster-whisper", "vosk")
    assert s.get("stt_engine") == "faster-whisper"  # org-asr is not installed here
    with pytest.raises(SettingManaged, match="allows only faster-whisper, vosk"):
        s.with_user_value("stt_engine", "org-asr")
    # Translation: one engine allowed, but "off" is always a choice: not managed.
    assert not s.managed("translation_engine")
    assert s.with_user_value("translation_engine", "apertium").get("translation_engine") == (
        "apertium"
    )
    assert s.with_user_value("translation_engine", "").get("translation_engine") == ""


def test_transcripts_can_be_forbidden() -> None:
    p = policy("transcripts_allowed = false\n[settings]\ntranscripts = true\n")
    s = Settings(p, {"transcripts": True})
    assert s.get("transcripts") is False and s.managed("transcripts")
    assert s.why("transcripts") == "your organisation does not allow transcripts"
    with pytest.raises(SettingManaged):
        s.with_user_value("transcripts", True)
    allowed = Settings(policy("transcripts_allowed = true\n"), {"transcripts": True})
    assert allowed.get("transcripts") is True and not allowed.managed("transcripts")


def test_stale_user_values_are_passed_over() -> None:
    s = Settings(
        policy('[settings]\nlanguage = "en"\n'), {"language": "klingon", "text_scale": "big"}
    )
    assert s.get("language") == "en" and s.resolved("language").source is Source.PRESET
    assert s.get("text_scale") == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('lock = ["server_url"]\n', "unknown key 'lock' (did you mean 'locked'?)"),
        ('locked = ["sever_url"]\n', "no setting 'sever_url' (did you mean 'server_url'?)"),
        ('locked = "server_url"\n', "locked: expected a list of setting names"),
        ('[settings]\nserver_url = "http://x"\n', "server_url: must start with ws:// or wss://"),
        ('[settings]\nlanguage = "jp"\n', "[settings] language: one of ja, en"),
        ("[settings]\ntext_scale = 10\n", "text_scale: must be 0.5-4.0"),
        ('[settings]\nearcons = "yes"\n', "earcons: expected true or false"),
        ('[settings]\nlangauge = "ja"\n', "unknown key 'langauge' (did you mean 'language'?)"),
        ('[engines]\nspeech = ["vosk"]\n', "[engines] unknown key 'speech'"),
        ('[engines]\ntranslation = "none"\n', "translation: expected a list of engine names"),
        ('transcripts_allowed = "no"\n', "transcripts_allowed: expected true or false"),
    ],
)
def test_bad_policies_are_errors_that_say_where(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as err:
        policy(text)
    assert message in str(err.value) and "policy.toml" in str(err.value)


def test_an_unreadable_policy_is_an_error_not_an_empty_policy(tmp_path: Path) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text("locked = [\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(bad)
    bad.write_bytes(b"\xff\xfe l")
    with pytest.raises(PolicyError):
        load_policy(bad)


def test_the_template_parses_and_it_and_the_reference_cover_every_setting() -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    loaded = load_policy(TEMPLATE)
    assert loaded.locked == {"server_url"}
    assert loaded.settings["server_url"].startswith("wss://")
    doc = DOC.read_text(encoding="utf-8")
    for key in SETTINGS:
        assert re.search(rf"^(# )?{key} = ", template, re.M), key
        assert f"`{key}`" in doc, key
    for kind in ("speech_to_text", "text_to_speech", "translation", "transcripts_allowed"):
        assert kind in template and f"`{kind}`" in doc
    # Uncommented, every example line is a valid policy too.
    loaded_all = policy(re.sub(r"^# (\w+ = [^#\n]*)(#.*)?$", r"\1", template, flags=re.M))
    assert loaded_all.engines["translation"] == ()
    assert loaded_all.settings["stt_engine"] == "vosk"


def test_reasons_in_both_ui_languages() -> None:
    p = policy(
        'locked = ["server_url"]\ntranscripts_allowed = false\n'
        '[engines]\nspeech_to_text = ["vosk"]\n'
    )
    s = Settings(p, {}, INSTALLED)
    assert s.why("server_url", "ja") == "組織の管理者が設定しています"
    assert s.why("stt_engine", "ja") == "組織が許可しているのは vosk だけです"
    assert s.why("stt_engine") == "your organisation allows only vosk"
    assert s.why("transcripts", "ja") == "組織は記録の保存を許可していません"
    assert s.why("language", "ja") is None and s.why("language") is None
