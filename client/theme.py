"""Looks that help people read: a high-contrast theme and text scaling.

The scale multiplies the platform's default font size; Ctrl+Plus and Ctrl+Minus step
it, and it is saved in the settings so it survives a restart.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from client.settings import Theme

_BASE_POINT_SIZE = "yoriaiBasePointSize"
_BASE_STYLE = "yoriaiBaseStyle"


def _high_contrast() -> QPalette:
    black, white, yellow, cyan = (QColor(c) for c in ("#000000", "#ffffff", "#ffff00", "#00ffff"))
    p = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, color in (
            (QPalette.ColorRole.Window, black),
            (QPalette.ColorRole.WindowText, white),
            (QPalette.ColorRole.Base, black),
            (QPalette.ColorRole.AlternateBase, QColor("#1a1a1a")),
            (QPalette.ColorRole.Text, white),
            (QPalette.ColorRole.Button, black),
            (QPalette.ColorRole.ButtonText, white),
            (QPalette.ColorRole.BrightText, yellow),
            (QPalette.ColorRole.Highlight, yellow),
            (QPalette.ColorRole.HighlightedText, black),
            (QPalette.ColorRole.Link, cyan),
            (QPalette.ColorRole.ToolTipBase, black),
            (QPalette.ColorRole.ToolTipText, yellow),
            (QPalette.ColorRole.PlaceholderText, QColor("#c0c0c0")),
            (QPalette.ColorRole.Light, white),
            (QPalette.ColorRole.Mid, white),
            (QPalette.ColorRole.Dark, white),
        ):
            p.setColor(group, role, color)
    grey = QColor("#a0a0a0")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, grey)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, black)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, black)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, black)
    return p


# Thick, bright focus and borders: where the keyboard is must be plain to see.
_HIGH_CONTRAST_CSS = """
*:focus { outline: none; }
QAbstractItemView:focus, QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus,
QPushButton:focus, QCheckBox:focus, QSpinBox:focus { border: 3px solid #ffff00; }
QPushButton { border: 2px solid #ffffff; padding: 4px 10px; }
QLineEdit, QPlainTextEdit, QComboBox, QAbstractItemView { border: 2px solid #ffffff; }
"""


def apply(app: QApplication, theme: Theme, text_scale: float) -> None:
    """Apply the theme and the text scale to the whole application."""
    base = app.property(_BASE_POINT_SIZE)
    if base is None:
        base = app.font().pointSizeF()
        if base <= 0:
            base = 10.0
        app.setProperty(_BASE_POINT_SIZE, base)
        app.setProperty(_BASE_STYLE, app.style().name())
    font = QFont(app.font())
    font.setPointSizeF(float(base) * text_scale)
    app.setFont(font)
    if theme is Theme.HIGH_CONTRAST:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(_high_contrast())
        app.setStyleSheet(_HIGH_CONTRAST_CSS)
    else:
        style = str(app.property(_BASE_STYLE) or "")
        if style and app.style().name() != style:
            app.setStyle(QStyleFactory.create(style))
        app.setPalette(app.style().standardPalette())
        app.setStyleSheet("")
