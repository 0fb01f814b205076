"""My status: availability, custom text and today's location."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client.views import labels
from rooms.presence import MAX_STATUS_TEXT, Availability, Location, LocationKind, Presence
from rooms.site import Site

_CHOICES = (
    Availability.AVAILABLE,
    Availability.BUSY,
    Availability.AWAY,
    Availability.DO_NOT_DISTURB,
)
_KINDS = (LocationKind.HOME, LocationKind.MAIN_OFFICE, LocationKind.MOBILE, LocationKind.WORKATION)


@dataclass(frozen=True, slots=True)
class StatusChoice:
    availability: Availability
    status_text: str
    location: Location | None


class StatusPanel(QWidget):
    """Edits my presence; `apply_requested` carries what the person chose."""

    apply_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.availability = QComboBox()
        self.text = QLineEdit()
        self.text.setMaxLength(MAX_STATUS_TEXT)
        self.location = QComboBox()
        self.apply = QPushButton()
        self.form = QFormLayout()
        self.availability_label = QLabel()
        self.text_label = QLabel()
        self.location_label = QLabel()
        for label, field in (
            (self.availability_label, self.availability),
            (self.text_label, self.text),
            (self.location_label, self.location),
        ):
            label.setBuddy(field)
            self.form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.apply)
        self.apply.clicked.connect(self._apply)
        self.text.returnPressed.connect(self._apply)
        self._sites: list[Site] = []
        self._shown: Presence | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("My status"))
        self.availability_label.setText(self.tr("&Availability:"))
        self.text_label.setText(self.tr("Status &message:"))
        self.location_label.setText(self.tr("Working &from today:"))
        self.apply.setText(self.tr("&Update status"))
        self.availability.setAccessibleName(self.tr("Availability"))
        self.text.setAccessibleName(self.tr("Status message"))
        self.text.setAccessibleDescription(
            self.tr("What you are doing, shown to everyone. Press Enter to update.")
        )
        self.text.setPlaceholderText(self.tr("e.g. writing the minutes"))
        self.location.setAccessibleName(self.tr("Working from today"))
        self.apply.setAccessibleName(self.tr("Update status"))
        self.apply.setAccessibleDescription(self.tr("Send your availability, message and location"))
        current = self.availability.currentData()
        self.availability.clear()
        for a in _CHOICES:
            self.availability.addItem(labels.availability(a), a.value)
        if current is not None:
            self.availability.setCurrentIndex(max(0, self.availability.findData(current)))
        self._fill_locations()

    def set_sites(self, sites: list[Site]) -> None:
        if [(s.id, s.name) for s in sites] != [(s.id, s.name) for s in self._sites]:
            self._sites = list(sites)
            self._fill_locations()

    def _fill_locations(self) -> None:
        current = self.location.currentData()
        self.location.clear()
        self.location.addItem(self.tr("Not set"), "")
        for kind in _KINDS:
            self.location.addItem(labels.location_kind(kind), kind.value)
        for site in self._sites:
            self.location.addItem(
                self.tr("Satellite: %1").replace("%1", site.name), f"site:{site.id}"
            )
        if current is not None:
            self.location.setCurrentIndex(max(0, self.location.findData(current)))

    def show_presence(self, presence: Presence) -> None:
        """Show what the server holds, unless the person is editing it right now."""
        focused = QApplication.focusWidget()
        if presence == self._shown or (focused is not None and self.isAncestorOf(focused)):
            return
        self._shown = presence
        if presence.availability in _CHOICES:
            self.availability.setCurrentIndex(self.availability.findData(presence.availability))
        self.text.setText(presence.status_text)
        loc = presence.location
        key = ""
        if loc is not None:
            key = f"site:{loc.site_id}" if loc.site_id else loc.kind.value
        self.location.setCurrentIndex(max(0, self.location.findData(key)))

    def choice(self) -> StatusChoice:
        key = str(self.location.currentData() or "")
        location: Location | None = None
        if key.startswith("site:"):
            location = Location(kind=LocationKind.SATELLITE, site_id=key.removeprefix("site:"))
        elif key:
            location = Location(kind=LocationKind(key))
        return StatusChoice(
            availability=Availability(str(self.availability.currentData())),
            status_text=self.text.text().strip(),
            location=location,
        )

    def _apply(self) -> None:
        self.apply_requested.emit(self.choice())
