"""Engines are found through the `yoriai.translators` entry point group: Yoriai's own,
and a plug-in distribution (the worked example from docs/translation.md)."""

from __future__ import annotations

import shutil
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from accessibility.translation import (
    RegistryError,
    TranslationPolicy,
    TranslatorRegistry,
    build_chain,
    default_registry,
)
from accessibility.translation.phrasebook import PhrasebookTranslator

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "yoriai-glossary"


def install_distribution(site: Path, project_dir: Path, module: str) -> str:
    """Install a project into `site` the way an installer lays it out: its module and a
    .dist-info folder whose entry_points.txt comes from the project's pyproject.toml."""
    project = tomllib.loads((project_dir / "pyproject.toml").read_text("utf-8"))["project"]
    name, version = project["name"], project["version"]
    shutil.copy(project_dir / f"{module}.py", site / f"{module}.py")
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", "utf-8"
    )
    lines = []
    for group, entries in project["entry-points"].items():
        lines.append(f"[{group}]")
        lines.extend(f"{key} = {value}" for key, value in entries.items())
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", "utf-8")
    return str(name)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for module in ("yoriai_glossary", "yoriai_broken"):
        sys.modules.pop(module, None)


def test_yoriais_own_engines_come_from_its_entry_points() -> None:
    registry = TranslatorRegistry().discover()
    assert {"phrasebook", "apertium", "libretranslate"} <= set(registry.names())
    for name in ("phrasebook", "apertium", "libretranslate"):
        assert registry.origin(name) == "yoriai"  # the distribution, not the fallback
    assert isinstance(registry.create("phrasebook"), PhrasebookTranslator)


async def test_the_worked_example_plugs_in(site: Path) -> None:
    dist = install_distribution(site, EXAMPLE, "yoriai_glossary")
    registry = default_registry()
    assert "glossary" in registry and registry.origin("glossary") == dist
    policy = TranslationPolicy.from_mapping(
        {
            "engines": ["glossary", "phrasebook"],
            "engine": {
                "glossary": {
                    "terms": [
                        {
                            "source": "ja",
                            "target": "en",
                            "text": "遠野サテライト",
                            "translation": "Tono satellite office",
                        }
                    ]
                }
            },
        }
    )
    chain = build_chain(policy, registry)
    assert chain.engine_names == ["glossary", "phrasebook"]
    ours = await chain.translate("遠野サテライト", "ja", "en")
    assert ours.text == "Tono satellite office"
    assert (ours.engine, ours.engine_version) == ("glossary", "1.0.0")
    theirs = await chain.translate("ありがとうございます", "ja", "en")  # declined: next engine
    assert (theirs.text, theirs.engine) == ("Thank you", "phrasebook")
    await chain.aclose()


def test_a_broken_plugin_is_recorded_and_the_rest_still_load(site: Path) -> None:
    info = site / "yoriai_broken-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: yoriai-broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[yoriai.translators]\nbroken = yoriai_broken:Nothing\n")
    registry = default_registry()
    assert "broken" not in registry
    assert "yoriai_broken:Nothing" in registry.errors["broken"]
    assert "phrasebook" in registry
    chain = build_chain(TranslationPolicy(engines=("broken", "phrasebook")), registry)
    assert chain.engine_names == ["phrasebook"]
    assert chain.blocked[0].name == "broken" and "did not load" in chain.blocked[0].reason


def test_registering_in_code_and_bad_factories() -> None:
    registry = TranslatorRegistry()
    registry.register("book", lambda settings: PhrasebookTranslator(settings))
    with pytest.raises(RegistryError, match="calls itself 'phrasebook'"):
        registry.create("book")
    registry.register("phrasebook", lambda settings: "not an engine")  # type: ignore[arg-type,return-value]
    with pytest.raises(RegistryError, match="did not build a Translator"):
        registry.create("phrasebook")
    with pytest.raises(RegistryError, match="no translation engine 'nope'"):
        registry.create("nope")
    with pytest.raises(RegistryError, match="bad engine name"):
        registry.register("no spaces", PhrasebookTranslator)
