"""UI languages: Japanese and English through Qt Linguist files in assets/i18n.

Source strings are English; `assets/i18n/yoriai_<lang>.ts` hold the translations and
`.qm` the compiled form Qt loads (`./dev i18n` rebuilds them with pyside6-lrelease).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGES = ("ja", "en")
ASSETS = Path(__file__).resolve().parent.parent / "assets" / "i18n"


def resolve(choice: str) -> str:
    """The UI language for a setting: "system" follows the system locale."""
    if choice in LANGUAGES:
        return choice
    name = QLocale.system().name()  # e.g. "ja_JP"
    return "ja" if name.startswith("ja") else "en"


class Translations:
    """The translators installed in the application; switching replaces them live."""

    def __init__(self) -> None:
        self.language = "en"
        self._installed: list[QTranslator] = []

    def install(self, choice: str) -> str:
        app = QCoreApplication.instance()
        assert app is not None
        for t in self._installed:
            app.removeTranslator(t)
        self._installed = []
        self.language = resolve(choice)
        ours = QTranslator(app)
        if ours.load(str(ASSETS / f"yoriai_{self.language}.qm")):
            self._installed.append(ours)
        qt = QTranslator(app)  # Qt's own strings: standard buttons, context menus
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{self.language}", qt_dir) or qt.load(f"qt_{self.language}", qt_dir):
            self._installed.append(qt)
        for t in self._installed:
            app.installTranslator(t)
        return self.language
