"""People as a list: availability, custom status, today's location and current room.

Filtered by team and by site through a QSortFilterProxyModel. Rows are updated in
place by person id as presence events arrive.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from client.views import labels
from rooms.state import OfficeState

ID_ROLE = Qt.ItemDataRole.UserRole + 1
TEAM_ROLE = Qt.ItemDataRole.UserRole + 2
SITE_ROLE = Qt.ItemDataRole.UserRole + 3
NAME, AVAILABILITY, STATUS, LOCATION, ROOM = range(5)
ALL = ""


class PeopleModel(QStandardItemModel):
    def __init__(self) -> None:
        super().__init__(0, 5)
        self._rows: dict[str, list[QStandardItem]] = {}
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Availability"),
                self.tr("Status"),
                self.tr("Today's location"),
                self.tr("Room"),
            ]
        )

    def row_of(self, person_id: str) -> int:
        items = self._rows.get(person_id)
        return items[0].row() if items else -1

    def sync(self, state: OfficeState) -> None:
        """Reconcile every row with the office (after a snapshot)."""
        for pid in [p for p in self._rows if p not in state.people]:
            self.removeRow(self._rows.pop(pid)[0].row())
        for pid in state.people:
            self.sync_person(state, pid)

    def sync_person(self, state: OfficeState, pid: str) -> None:
        person = state.people.get(pid)
        if person is None:
            items = self._rows.pop(pid, None)
            if items is not None:
                self.removeRow(items[0].row())
            return
        presence = state.presence_of(pid)
        room = state.rooms.get(presence.room_id) if presence.room_id else None
        site = presence.location.site_id if presence.location else None
        texts = [
            person.display_name,
            labels.presence(presence),
            presence.status_text,
            labels.location(presence.location, state.sites) if presence.location else "",
            room.name if room else "",
        ]
        items = self._rows.get(pid)
        if items is None:
            items = [QStandardItem() for _ in texts]
            for item in items:
                item.setEditable(False)
            items[0].setData(pid, ID_ROLE)
            self._rows[pid] = items
            self.appendRow(items)
        if items[0].data(TEAM_ROLE) != person.team:
            items[0].setData(person.team, TEAM_ROLE)
        if items[0].data(SITE_ROLE) != (site or ALL):
            items[0].setData(site or ALL, SITE_ROLE)
        for item, text in zip(items, texts, strict=True):
            if item.text() != text:
                item.setText(text)


class PeopleFilter(QSortFilterProxyModel):
    """Shows the people of one team and/or one site; "" means all."""

    def __init__(self) -> None:
        super().__init__()
        self.team = ALL
        self.site = ALL
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_team(self, team: str) -> None:
        self.beginFilterChange()
        self.team = team
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_site(self, site: str) -> None:
        self.beginFilterChange()
        self.site = site
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        index = self.sourceModel().index(source_row, NAME, source_parent)
        if self.team and index.data(TEAM_ROLE) != self.team:
            return False
        return not (self.site and index.data(SITE_ROLE) != self.site)


class PeoplePanel(QWidget):
    """The list with its team and site filters."""

    call_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PeopleModel()
        self.proxy = PeopleFilter()
        self.proxy.setSourceModel(self.model)
        self.title = QLabel()
        self.team_label = QLabel()
        self.team = QComboBox()
        self.site_label = QLabel()
        self.site = QComboBox()
        self.team_label.setBuddy(self.team)
        self.site_label.setBuddy(self.site)
        self.view = QTreeView()
        self.view.setModel(self.proxy)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.title.setBuddy(self.view)
        filters = QHBoxLayout()
        for w in (self.team_label, self.team, self.site_label, self.site):
            filters.addWidget(w)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        self.team.currentIndexChanged.connect(
            lambda _i: self.proxy.set_team(str(self.team.currentData() or ALL))
        )
        self.site.currentIndexChanged.connect(
            lambda _i: self.proxy.set_site(str(self.site.currentData() or ALL))
        )
        self.view.activated.connect(self._activated)
        self._teams: list[str] = []
        self._sites: list[tuple[str, str]] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("&People"))
        self.team_label.setText(self.tr("&Team:"))
        self.site_label.setText(self.tr("S&ite:"))
        self.view.setAccessibleName(self.tr("People"))
        self.view.setAccessibleDescription(
            self.tr("Everyone in the office. Press Enter on a person to call them to your room.")
        )
        self.team.setAccessibleName(self.tr("Team filter"))
        self.site.setAccessibleName(self.tr("Site filter"))
        self.model.retranslate()
        self._fill_filters(force=True)

    def sync(self, state: OfficeState) -> None:
        if self.model.rowCount() == 0 and state.people:
            # The first load: fill the model detached from the sorted view, then attach
            # it once, rather than have the view sort in each of hundreds of rows.
            self.proxy.setSourceModel(QStandardItemModel())
            self.model.sync(state)
            self.proxy.setSourceModel(self.model)
            self.fit_names(state)
        else:
            self.model.sync(state)
        self._teams = sorted({p.team for p in state.people.values() if p.team})
        self._sites = [(s.id, s.name) for s in state.sites.values()]
        self._fill_filters()

    def fit_names(self, state: OfficeState) -> None:
        """Make the name column as wide as the longest name (within reason).

        Measured from the names with the font's metrics: asking the view to fit its
        contents lays out every row, which costs more than the rest of the first paint.
        """
        metrics = self.view.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(p.display_name) for p in state.people.values()), default=0
        )
        limit = metrics.horizontalAdvance("M") * 24
        self.view.header().resizeSection(NAME, min(widest + metrics.horizontalAdvance("MM"), limit))

    def teams(self) -> list[str]:
        return list(self._teams)

    def _fill_filters(self, force: bool = False) -> None:
        def fill(combo: QComboBox, everyone: str, entries: list[tuple[str, str]]) -> None:
            wanted = [(everyone, ALL), *((label, value) for value, label in entries)]
            have = [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]
            if have == wanted and not force:
                return
            current = combo.currentData() or ALL
            combo.blockSignals(True)
            combo.clear()
            for label, value in wanted:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

        fill(self.team, self.tr("All teams"), [(t, t) for t in self._teams])
        fill(self.site, self.tr("All sites"), self._sites)

    def selected_person(self) -> str | None:
        selected = self.view.selectionModel().selectedRows(NAME)
        index = selected[0] if selected else self.view.currentIndex()
        if not index.isValid():
            return None
        value = index.siblingAtColumn(NAME).data(ID_ROLE)
        return str(value) if value is not None else None

    def select_person(self, person_id: str) -> None:
        row = self.model.row_of(person_id)
        if row >= 0:
            self.view.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, NAME)))

    def _activated(self, _index: QModelIndex) -> None:
        person = self.selected_person()
        if person is not None:
            self.call_requested.emit(person)
