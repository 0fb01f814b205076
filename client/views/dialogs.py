"""Dialogs: knocking and being knocked, calls (taps) received and sent, errors, help.

None of them blocks: they are opened with `open()`/`show()` so the asyncio loop (and
the connection) keeps running while they are up.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.settings import MAX_SCALE, MIN_SCALE, SCALE_STEP, AnnounceLevel, Settings, Theme
from rooms.knock import MAX_NOTE_TEXT


class NoteDialog(QDialog):
    """Asks for an optional short note, for a knock or a call. Emits `submitted(note)`."""

    submitted = Signal(str)

    def __init__(self, title: str, prompt: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.prompt = QLabel(prompt)
        self.prompt.setWordWrap(True)
        self.note = QLineEdit()
        self.note.setMaxLength(MAX_NOTE_TEXT)
        self.note.setAccessibleName(self.tr("Message (optional)"))
        self.note.setAccessibleDescription(prompt)
        note_label = QLabel(self.tr("&Message (optional):"))
        note_label.setBuddy(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName(ok_text.replace("&", ""))
        self.ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(note_label)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.accepted.connect(lambda: self.submitted.emit(self.note.text().strip()))
        # Enter in the note sends it, whichever button Qt made the default.
        self.note.returnPressed.connect(self.accept)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.note.setFocus)


class AnswerDialog(QDialog):
    """A question someone else asked me: a knock on my room, or a call to theirs.

    Enter answers yes (the default button); Escape answers no. `answered(bool)` fires
    once. `dismiss()` closes it without an answer when the question is withdrawn.
    """

    answered = Signal(bool)

    def __init__(
        self, key: str, title: str, text: str, yes: str, no: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setAccessibleDescription(text)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.yes = QPushButton(yes)
        self.no = QPushButton(no)
        for button, label in ((self.yes, yes), (self.no, no)):
            button.setAccessibleName(label.replace("&", ""))
            button.setAccessibleDescription(text)
        self.yes.setDefault(True)
        buttons = QDialogButtonBox()
        buttons.addButton(self.yes, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.no, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self._dismissed = False
        self.finished.connect(self._finished)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.yes.setFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter always answers yes, Escape no, wherever the focus is in the dialog.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & (
            Qt.KeyboardModifier.KeypadModifier
        ):
            self.accept()
            return
        super().keyPressEvent(event)

    def _finished(self, result: int) -> None:
        if not self._dismissed:
            self.answered.emit(result == QDialog.DialogCode.Accepted)

    def dismiss(self) -> None:
        self._dismissed = True
        self.close()


def show_error(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAccessibleName(title)
    box.setAccessibleDescription(text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the app, as a table a screen reader can walk."""

    def __init__(self, rows: Sequence[tuple[str, str]], parent: QWidget | None) -> None:
        super().__init__(parent)
        title = self.tr("Keyboard shortcuts")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.setAccessibleName(title)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for r, (action, keys) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(action))
            self.table.setItem(r, 1, QTableWidgetItem(keys))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 520)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)


class SettingsDialog(QDialog):
    """Language, announcements, self-voicing, keypad mode, theme and text size."""

    chosen = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None) -> None:
        super().__init__(parent)
        title = self.tr("Settings")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.language = QComboBox()
        for name, value in (
            (self.tr("Follow the system"), "system"),
            ("日本語", "ja"),
            ("English", "en"),
        ):
            self.language.addItem(name, value)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.level = QComboBox()
        for name, level in (
            (self.tr("Nothing"), AnnounceLevel.OFF),
            (self.tr("Essential: connection, knocks and calls"), AnnounceLevel.ESSENTIAL),
            (self.tr("Normal: also people in my room and chat"), AnnounceLevel.NORMAL),
            (self.tr("Everything: every change of presence"), AnnounceLevel.VERBOSE),
        ):
            self.level.addItem(name, int(level))
        self.level.setCurrentIndex(max(0, self.level.findData(int(settings.announce_level))))
        self.voice = QCheckBox(self.tr("Speak announcements aloud (&self-voicing)"))
        self.voice.setChecked(settings.self_voicing)
        self.keypad = QCheckBox(self.tr("&Keypad mode: drive the office from the numeric keypad"))
        self.keypad.setChecked(settings.keypad_mode)
        self.contrast = QCheckBox(self.tr("&High contrast"))
        self.contrast.setChecked(settings.theme is Theme.HIGH_CONTRAST)
        self.scale = QDoubleSpinBox()
        self.scale.setRange(MIN_SCALE * 100, MAX_SCALE * 100)
        self.scale.setSingleStep(SCALE_STEP * 100)
        self.scale.setDecimals(1)
        self.scale.setSuffix(" %")
        self.scale.setValue(settings.text_scale * 100)
        form = QFormLayout()
        for text, field in (
            (self.tr("&Language:"), self.language),
            (self.tr("&Announce:"), self.level),
            (self.tr("&Text size:"), self.scale),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            field.setAccessibleName(text.replace("&", "").rstrip(":："))
            form.addRow(label, field)
        for box in (self.voice, self.keypad, self.contrast):
            box.setAccessibleName(box.text().replace("&", ""))
            form.addRow(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._base = settings
        self.accepted.connect(lambda: self.chosen.emit(self.result_settings()))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # After Qt's own choice on activation (the default button), start at the top.
        QTimer.singleShot(0, self.language.setFocus)

    def result_settings(self) -> Settings:
        from dataclasses import replace

        return replace(
            self._base,
            language=str(self.language.currentData()),
            announce_level=AnnounceLevel(int(self.level.currentData())),
            self_voicing=self.voice.isChecked(),
            keypad_mode=self.keypad.isChecked(),
            theme=Theme.HIGH_CONTRAST if self.contrast.isChecked() else Theme.SYSTEM,
            text_scale=round(self.scale.value() / 100, 3),
        )
