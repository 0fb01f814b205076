"""`yoriai-models`: list, install, check and remove speech models (no internet needed).

    yoriai-models list                      what is installed, and where
    yoriai-models install ARCHIVE           install a model from a .zip or .tar(.gz) file
    yoriai-models check NAME                load a model to prove it works
    yoriai-models remove NAME
    yoriai-models dirs                      where models are looked for

Models are looked for in $YORIAI_MODELS_PATH, else the user's and the machine's data
directories; `install` writes to the first of them unless `--dir` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from accessibility.languages import display_name
from accessibility.registry import EngineUnavailable
from accessibility.stt.models import (
    MULTILINGUAL,
    ModelError,
    ModelInfo,
    ModelStore,
    install_archive,
    remove_model,
    size_of,
)
from accessibility.stt.recognizer import engines


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="yoriai-models",
        description="Manage Yoriai's speech-to-text models (offline).",
    )
    p.add_argument(
        "--models-path",
        metavar="DIRS",
        help="directories to use, separated like PATH (default: $YORIAI_MODELS_PATH or "
        "the data directories)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="list installed models")
    ls.add_argument("--json", action="store_true", help="print JSON")
    inst = sub.add_parser("install", help="install a model from a local archive")
    inst.add_argument("archive", type=Path)
    inst.add_argument("--name", help="folder name (default: the archive's top folder)")
    inst.add_argument("--language", help="language tag, when the name does not tell it")
    inst.add_argument("--dir", type=Path, help="install here instead of the first models dir")
    inst.add_argument("--replace", action="store_true", help="replace a model of that name")
    inst.add_argument("--no-check", action="store_true", help="do not load it to check it")
    chk = sub.add_parser("check", help="load a model to check it works")
    chk.add_argument("name")
    rm = sub.add_parser("remove", help="remove an installed model")
    rm.add_argument("name")
    sub.add_parser("dirs", help="print the directories searched for models")
    return p


def _store(args: argparse.Namespace) -> ModelStore:
    if args.models_path:
        return ModelStore([Path(d) for d in args.models_path.split(os.pathsep) if d])
    return ModelStore()


def _language(info: ModelInfo) -> str:
    if info.language == MULTILINGUAL:
        return "multilingual"
    return f"{info.language} ({display_name(info.language)})"


def check_model(info: ModelInfo) -> None:
    """Load the model with its engine (raises EngineUnavailable if it is damaged)."""
    engine = engines.create(info.engine)
    recognizer = engine.open(language=info.language, sample_rate=16_000, model=info.path)
    recognizer.close()


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    store = _store(args)
    out = sys.stdout
    try:
        if args.command == "list":
            models = store.models()
            if args.json:
                rows = [
                    {
                        "name": m.name,
                        "engine": m.engine,
                        "language": m.language,
                        "path": str(m.path),
                        "source": m.source,
                    }
                    for m in models
                ]
                print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
            elif not models:
                print("No speech models are installed. Install one with:", file=out)
                print("  yoriai-models install vosk-model-small-ja-0.22.zip", file=out)
            for m in models if not args.json else []:
                mb = size_of(m.path) / 1e6
                print(f"{m.name}\t{m.engine}\t{_language(m)}\t{mb:.0f} MB\t{m.path}", file=out)
            for path, problems in store.broken() if not args.json else []:
                print(f"not usable: {path} (missing {', '.join(problems)})", file=sys.stderr)
        elif args.command == "install":
            dest = args.dir or store.install_dir()
            info = install_archive(
                args.archive, dest, name=args.name, language=args.language, replace=args.replace
            )
            if not args.no_check:
                try:
                    check_model(info)
                except EngineUnavailable:
                    remove_model(ModelStore([dest], packages=False), info.path.name)
                    raise
            print(f"installed {info.name} ({info.engine}, {_language(info)}) in {info.path}")
        elif args.command == "check":
            info = store.get(args.name)
            check_model(info)
            print(f"{info.name}: loads and is ready ({info.engine}, {_language(info)})")
        elif args.command == "remove":
            path = remove_model(store, args.name)
            print(f"removed {path}")
        elif args.command == "dirs":
            for d in store.dirs:
                print(d, file=out)
    except (ModelError, EngineUnavailable) as exc:
        print(f"yoriai-models: {exc.message} [{exc.code}]", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    raise SystemExit(run())


if __name__ == "__main__":
    main()
