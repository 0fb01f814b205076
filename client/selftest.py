"""`yoriai --self-test`: can this installation run? Checks what an installed client (or a
PyInstaller bundle) needs, without a server, a screen or a sound card:

* the policy: /etc/yoriai/policy.toml (or %ProgramData%\\Yoriai\\policy.toml) reads;
* Qt: PySide6 imports and a window can be made (offscreen when there is no display);
* audio: sounddevice imports and PortAudio loads (devices are counted, not required);
* keyring: the platform's backend is there (a locked or absent keyring service only warns);
* speech: the speech-to-text and text-to-speech engines registered by entry points load;
* assets: the icon and the UI translations are where the bundle puts them.

Prints one line per check (PASS, WARN or FAIL, then what was found), or JSON with
--json, and exits 1 if anything failed. It is Qt-free itself: the desktop app's entry
point hands `--self-test` to `main()` before it starts its event loop.
"""

from __future__ import annotations

import argparse
import enum
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from client.policy import PolicyError, Settings, load_policy, policy_path


class Status(enum.StrEnum):
    PASS = "PASS"  # noqa: S105 (a check result, not a password)
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str


def assets_dir() -> Path:
    """assets/ in a source tree, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parents[1] / "assets"


def check_policy() -> Check:
    path = policy_path()
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        return Check("policy", Status.FAIL, str(exc))
    if policy.source is None:
        return Check("policy", Status.PASS, f"none at {path}: every setting is the user's")
    locked = ", ".join(sorted(policy.locked)) or "nothing"
    return Check("policy", Status.PASS, f"{path}: locks {locked}")


def check_qt() -> Check:
    try:
        qt_core = importlib.import_module("PySide6.QtCore")
        widgets = importlib.import_module("PySide6.QtWidgets")
    except ImportError as exc:
        return Check("qt", Status.FAIL, f"PySide6 does not import: {exc}")
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = widgets.QApplication.instance() or widgets.QApplication(["yoriai-self-test"])
    label = widgets.QLabel("寄り合い Yoriai")
    label.setAccessibleName("Yoriai self-test")
    label.show()
    app.processEvents()
    shown = label.isVisible() and label.accessibleName() == "Yoriai self-test"
    label.close()
    platform = app.platformName()
    if not shown:
        return Check("qt", Status.FAIL, f"Qt {qt_core.qVersion()} could not show a window")
    return Check("qt", Status.PASS, f"Qt {qt_core.qVersion()}, platform {platform}")


def check_audio() -> Check:
    try:
        sd = importlib.import_module("sounddevice")
    except ImportError as exc:
        return Check("audio", Status.FAIL, f"sounddevice does not import: {exc}")
    except OSError as exc:  # sounddevice raises this when PortAudio is missing
        return Check("audio", Status.FAIL, f"PortAudio does not load: {exc}")
    version = sd.get_portaudio_version()[1]
    try:
        devices = sd.query_devices()
    except Exception as exc:  # PortAudioError: no host API, no server...
        return Check("audio", Status.WARN, f"{version}; devices cannot be listed: {exc}")
    inputs = sum(d["max_input_channels"] > 0 for d in devices)
    outputs = sum(d["max_output_channels"] > 0 for d in devices)
    status = Status.PASS if inputs and outputs else Status.WARN
    return Check("audio", status, f"{version}; {inputs} input and {outputs} output devices")


_KEYRING_BACKENDS = {
    "win32": "keyring.backends.Windows",
    "darwin": "keyring.backends.macOS",
}


def check_keyring() -> Check:
    try:
        keyring = importlib.import_module("keyring")
    except ImportError as exc:
        return Check("keyring", Status.FAIL, f"keyring does not import: {exc}")
    module = _KEYRING_BACKENDS.get(sys.platform, "keyring.backends.SecretService")
    try:
        importlib.import_module(module)
    except ImportError as exc:
        return Check("keyring", Status.FAIL, f"{module} is missing from this install: {exc}")
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith("keyring.backends.fail"):
        return Check(
            "keyring",
            Status.WARN,
            f"{module} is installed but no keyring service answers here:"
            " sign-ins will not be remembered",
        )
    return Check("keyring", Status.PASS, name)


def _engines(kind: str, registry: Any, required: str | None) -> Check:
    loaded, problems = [], []
    for name in registry.names():
        try:
            registry.create(name)
        except Exception as exc:  # EngineUnavailable, ImportError, OSError from a library
            problems.append(f"{name}: {exc}")
        else:
            loaded.append(name)
    detail = f"loaded {', '.join(loaded) or 'none'}"
    if problems:
        detail += "; unavailable: " + "; ".join(problems)
    if (required and required not in loaded) or not loaded:
        return Check(kind, Status.FAIL, detail)
    return Check(kind, Status.WARN if problems else Status.PASS, detail)


def check_speech_to_text() -> Check:
    from accessibility.stt.models import ModelStore
    from accessibility.stt.recognizer import DEFAULT_ENGINE, engines

    check = _engines("speech-to-text", engines, DEFAULT_ENGINE)
    models = ModelStore().models()
    languages = sorted({f"{m.engine}:{m.language}" for m in models})
    detail = f"{check.detail}; models: {', '.join(languages) or 'none (yoriai-models install)'}"
    status = check.status
    if status is Status.PASS and not models:
        status = Status.WARN
    return Check(check.name, status, detail)


def check_text_to_speech() -> Check:
    from accessibility.tts.synthesizer import synthesizers

    return _engines("text-to-speech", synthesizers, None)


def check_engines_in_force() -> Check:
    """What the policy leaves each user, given the engines this machine has."""
    from accessibility.stt.recognizer import engines
    from accessibility.tts.synthesizer import synthesizers

    try:
        policy = load_policy()
    except PolicyError as exc:
        return Check("engines in force", Status.FAIL, str(exc))
    translators = sorted(ep.name for ep in entry_points(group="yoriai.translators"))
    installed = {
        "speech_to_text": engines.names(),
        "text_to_speech": synthesizers.names(),
        "translation": translators,
    }
    settings = Settings(policy, {}, installed)
    parts = [
        f"{key} {settings.get(key) or 'none'}" + (" (managed)" if settings.managed(key) else "")
        for key in ("stt_engine", "tts_engine", "translation_engine")
    ]
    status = Status.FAIL if not settings.get("stt_engine") else Status.PASS
    return Check("engines in force", status, "; ".join(parts))


def check_assets() -> Check:
    folder = assets_dir()
    icons = [folder / "icons" / n for n in ("yoriai.svg", "yoriai.png", "yoriai.ico")]
    missing = [p.name for p in icons if not p.is_file()]
    if missing:
        return Check("assets", Status.FAIL, f"{folder}: missing {', '.join(missing)}")
    translations = sorted(p.stem for p in (folder / "translations").glob("*.qm"))
    if not translations:
        return Check("assets", Status.WARN, f"{folder}: icons; no UI translations (.qm) yet")
    return Check("assets", Status.PASS, f"{folder}: icons; translations {', '.join(translations)}")


CHECKS: tuple[Callable[[], Check], ...] = (
    check_policy,
    check_qt,
    check_audio,
    check_keyring,
    check_speech_to_text,
    check_text_to_speech,
    check_engines_in_force,
    check_assets,
)


def run_checks(checks: Sequence[Callable[[], Check]] = CHECKS) -> list[Check]:
    results = []
    for check in checks:
        try:
            results.append(check())
        except Exception as exc:  # a check that crashes is a failure, not a crash
            name = check.__name__.removeprefix("check_").replace("_", " ")
            results.append(Check(name, Status.FAIL, f"{type(exc).__name__}: {exc}"))
    return results


def report(results: Sequence[Check]) -> str:
    lines = [f"{r.status.value} {r.name}: {r.detail}" for r in results]
    failed = sum(r.status is Status.FAIL for r in results)
    warned = sum(r.status is Status.WARN for r in results)
    lines.append(
        f"self-test {'failed' if failed else 'passed'}: {failed} failed, {warned} warnings,"
        f" {len(results) - failed - warned} passed"
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yoriai --self-test", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--output", type=Path, help="write the report to this file (a windowed .exe has no console)"
    )
    args = parser.parse_args(argv)
    results = run_checks()
    if args.json:
        text = json.dumps([asdict(r) for r in results], ensure_ascii=False) + "\n"
    else:
        text = report(results)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    if sys.stdout is not None:  # None in a windowed PyInstaller app
        print(text, end="")
    return 1 if any(r.status is Status.FAIL for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
