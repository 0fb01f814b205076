"""`yoriai-policy`: write or show this machine's client policy.

The MSI runs `yoriai-policy write` with its properties (SERVER_URL=..., LANGUAGE=...) to
write %ProgramData%\\Yoriai\\policy.toml during a silent install; admins of Linux PCs can
run it too, or write the file by hand from installer/policy.toml.

    yoriai-policy write [--path P] [--server-url U] [--language L] [--locked a,b]
                        [--transcripts-allowed 0|1] [--speech-engines a,b]
                        [--translation-engines a,b|none] [--from FILE]
    yoriai-policy show [--path P]

Empty values count as not given (the MSI passes every property, set or not). The file
is checked by the same parser the client uses before it is written, and written
atomically: a PC never holds half a policy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from client.policy import (
    ENGINE_KINDS,
    SETTINGS,
    Policy,
    PolicyError,
    Settings,
    load_policy,
    parse_policy,
    policy_path,
    render_policy,
)

HEADER = (
    "Yoriai client policy, written by yoriai-policy (the installer).\n"
    "Reference: docs/admin/policy.md. Edit it, or reinstall with new properties."
)


def _names(text: str | None) -> list[str] | None:
    if text is None or not text.strip():
        return None
    if text.strip().lower() == "none":
        return []
    return [n.strip() for n in text.split(",") if n.strip()]


def _given(text: str | None) -> str | None:
    return text if text is not None and text.strip() else None


def build_policy(args: argparse.Namespace) -> Policy:
    """The policy the arguments describe, on top of --from FILE if given."""
    base = load_policy(Path(args.from_file)) if _given(args.from_file) else Policy()
    if _given(args.from_file) and base.source is None:
        raise PolicyError(f"no policy file at {args.from_file}")
    document: dict[str, object] = {
        "locked": sorted(base.locked),
        "transcripts_allowed": base.transcripts_allowed,
        "settings": dict(base.settings),
        "engines": {k: list(v) for k, v in base.engines.items() if v is not None},
    }
    settings = document["settings"]
    assert isinstance(settings, dict)
    if _given(args.server_url):
        settings["server_url"] = args.server_url.strip()
    if _given(args.language):
        settings["language"] = args.language.strip()
    locked = _names(args.locked)
    if locked is not None:
        document["locked"] = locked
    if _given(args.transcripts_allowed):
        flag = args.transcripts_allowed.strip().lower()
        if flag not in ("0", "1", "true", "false", "yes", "no"):
            raise PolicyError(f"transcripts allowed: 1 or 0, got {args.transcripts_allowed!r}")
        document["transcripts_allowed"] = flag in ("1", "true", "yes")
    engines = document["engines"]
    assert isinstance(engines, dict)
    for kind, text in (
        ("speech_to_text", args.speech_engines),
        ("translation", args.translation_engines),
    ):
        names = _names(text)
        if names is not None:
            engines[kind] = names
    return parse_policy(document, Path(args.path) if args.path else None)


def write_policy(policy: Policy, path: Path) -> None:
    text = render_policy(policy, HEADER)
    if replace(parse_policy(tomllib.loads(text), path), source=None) != replace(
        policy, source=None
    ):
        raise AssertionError("the written policy would not read back the same")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".policy-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        # Everyone reads the policy; only administrators may change it.
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def show(path: Path) -> str:
    policy = load_policy(path)
    if policy.source is None:
        return f"no policy at {path}: every setting is the user's\n"
    settings = Settings(policy)
    lines = [f"policy: {path}"]
    for key in SETTINGS:
        mark = "managed" if settings.managed(key) else "user may change"
        lines.append(f"  {key} = {settings.get(key)!r} ({mark})")
    for kind in ENGINE_KINDS:
        allowed = policy.engines.get(kind)
        lines.append(
            f"  {kind}: {'any installed' if allowed is None else ', '.join(allowed) or 'none'}"
        )
    lines.append(f"  transcripts allowed: {'yes' if policy.transcripts_allowed else 'no'}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yoriai-policy", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    write = sub.add_parser("write", help="write the policy file")
    show_cmd = sub.add_parser("show", help="show the policy in force")
    # The short forms keep the MSI's command line within its 255-character column.
    for p in (write, show_cmd):
        p.add_argument("-p", "--path", help=f"policy file (default {policy_path()})")
    write.add_argument("-u", "--server-url")
    write.add_argument("-l", "--language")
    write.add_argument("-k", "--locked", help="comma-separated setting names")
    write.add_argument("-t", "--transcripts-allowed", help="1 or 0")
    write.add_argument("-s", "--speech-engines", help="comma-separated, or none")
    write.add_argument("-x", "--translation-engines", help="comma-separated, or none")
    write.add_argument("-f", "--from", dest="from_file", help="start from this policy file")
    args = parser.parse_args(argv)
    path = Path(args.path) if args.path else policy_path()
    try:
        if args.command == "show":
            print(show(path), end="")
            return 0
        policy = build_policy(args)
        write_policy(policy, path)
        print(f"wrote {path}")
        return 0
    except PolicyError as exc:
        print(f"yoriai-policy: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"yoriai-policy: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
