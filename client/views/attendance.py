"""Check-in and check-out, the privacy notice, and the safety roll-call banner.

Plain dialogs and one banner widget: they only gather what the person chose and emit
it; the main window sends the requests. Every control has an accessible name.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rooms.checkin import HalfDay
from rooms.presence import Location, LocationKind
from rooms.rollcall import Safety
from rooms.site import Site


class CheckInChoice:
    def __init__(
        self, location: Location, seat: str | None, half_day: HalfDay | None, plan: str
    ) -> None:
        self.location, self.seat, self.half_day, self.plan = location, seat, half_day, plan


def _named(widget: QWidget, name: str, label: QLabel | None = None) -> QWidget:
    widget.setAccessibleName(name.replace("&", "").rstrip(":"))
    edit = widget.lineEdit() if isinstance(widget, QComboBox) else None
    if edit is not None:
        edit.setAccessibleName(widget.accessibleName())
    if label is not None:
        label.setBuddy(widget)
    return widget


class CheckInDialog(QDialog):
    """Where I work today, which seat, a half day, and my start-of-day plan."""

    chosen = Signal(object)  # CheckInChoice

    def __init__(self, sites: list[Site], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.sites = sites
        title = self.tr("Check in")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.kind = QComboBox()
        kinds = (
            (LocationKind.HOME, self.tr("Home")),
            (LocationKind.SATELLITE, self.tr("Satellite office")),
            (LocationKind.MOBILE, self.tr("On the move")),
            (LocationKind.MAIN_OFFICE, self.tr("Main office")),
            (LocationKind.WORKATION, self.tr("Workation")),
        )
        for kind, text in kinds:
            self.kind.addItem(text, kind)
        self.site = QComboBox()
        for s in sites:
            self.site.addItem(s.name, s.id)
        self.seat = QComboBox()
        self.seat.setEditable(True)
        self.half = QComboBox()
        self.half.addItem(self.tr("Full day"), None)
        self.half.addItem(self.tr("Morning"), HalfDay.MORNING)
        self.half.addItem(self.tr("Afternoon"), HalfDay.AFTERNOON)
        self.plan = QPlainTextEdit()
        self.plan.setTabChangesFocus(True)
        self.plan.setFixedHeight(90)
        form = QFormLayout()
        for text, widget in (
            (self.tr("&Where:"), self.kind),
            (self.tr("S&ite:"), self.site),
            (self.tr("S&eat (optional):"), self.seat),
            (self.tr("&Half day:"), self.half),
            (self.tr("Start-of-day &plan (shared with the team):"), self.plan),
        ):
            label = QLabel(text)
            form.addRow(label, _named(widget, text, label))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(self.tr("Check &in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName(self.tr("Check in"))
        self.ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.site.currentIndexChanged.connect(self._site_changed)
        self._kind_changed()
        self.accepted.connect(lambda: self.chosen.emit(self.choice()))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _kind_changed(self) -> None:
        at_site = self.kind.currentData() == LocationKind.SATELLITE and bool(self.sites)
        self.site.setEnabled(at_site)
        self.seat.setEnabled(at_site)
        self._site_changed()

    def _site_changed(self) -> None:
        self.seat.clear()
        self.seat.addItem("")
        site = next((s for s in self.sites if s.id == self.site.currentData()), None)
        if site is not None:
            self.seat.addItems(list(site.seat_names))

    def choice(self) -> CheckInChoice:
        kind = LocationKind(self.kind.currentData())  # Qt hands the enum back as a str
        site_id = self.site.currentData() if kind is LocationKind.SATELLITE else None
        seat = self.seat.currentText().strip() if site_id else ""
        half = self.half.currentData()
        return CheckInChoice(
            Location(kind=kind, site_id=site_id),
            seat or None,
            HalfDay(half) if half else None,
            self.plan.toPlainText().strip(),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.kind.setFocus)


class CheckOutDialog(QDialog):
    """My end-of-day report, posted to the team's feed."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        title = self.tr("Check out")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        label = QLabel(self.tr("End-of-day &report (shared with the team):"))
        self.report = QPlainTextEdit()
        self.report.setTabChangesFocus(True)
        _named(self.report, label.text(), label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(self.tr("Check &out"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName(self.tr("Check out"))
        self.ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.report)
        layout.addWidget(buttons)
        self.accepted.connect(lambda: self.submitted.emit(self.report.toPlainText().strip()))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.report.setFocus)


class PrivacyDialog(QDialog):
    """What is recorded and who can see it, shown before the first check-in."""

    def __init__(self, text: str, retention_days: int | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        title = self.tr("What is recorded about you")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.text = QTextBrowser()
        if retention_days:
            text += "\n\n" + self.tr("History is kept for %1 days.").replace(
                "%1", str(retention_days)
            )
        self.text.setPlainText(text)
        self.text.setAccessibleName(title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(
            self.tr("I &understand, check in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok.setAccessibleName(self.tr("I understand, check in"))
        self.ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.text.setFocus)


class RollCallBanner(QWidget):
    """Shown while a safety roll-call is under way: the message and three answers."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("rollCallBanner")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("font-weight: bold;")
        self.text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # readable by Tab
        self.buttons: dict[Safety, QPushButton] = {}
        row = QHBoxLayout()
        for safety in Safety:
            button = QPushButton()
            self.buttons[safety] = button
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(row)
        self.setAutoFillBackground(True)
        self.hide()

    def show_text(self, text: str) -> None:
        self.text.setText(text)
        self.text.setAccessibleName(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))
