"""The rooms as a tree: each room with its occupants, count, capacity and lock state.

The model is reconciled by id: a row is inserted, changed or removed only where the
office changed, so the view never flickers and focus and selection stay put across a
reconnect's fresh snapshot.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from client.views import labels
from rooms.state import OfficeState

ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
ROOM, PERSON = "room", "person"


def _set_text(item: QStandardItem, text: str) -> None:
    if item.text() != text:
        item.setText(text)
        item.setData(text, Qt.ItemDataRole.AccessibleTextRole)


class RoomsModel(QStandardItemModel):
    def __init__(self) -> None:
        super().__init__()
        self._rooms: dict[str, QStandardItem] = {}

    def room_ids(self) -> list[str]:
        return [str(self.item(r).data(ID_ROLE)) for r in range(self.rowCount())]

    def room_index(self, room_id: str) -> QModelIndex:
        item = self._rooms.get(room_id)
        return item.index() if item is not None else QModelIndex()

    def sync(self, state: OfficeState, me: str | None) -> None:
        """Bring the tree in line with the office, touching only what changed."""
        wanted = list(state.rooms)
        for room_id in [r for r in self._rooms if r not in state.rooms]:
            gone = self._rooms.pop(room_id)
            self.removeRow(gone.row())
        mine = state.room_of(me) if me else None
        for position, room_id in enumerate(wanted):
            room = state.rooms[room_id]
            item = self._rooms.get(room_id)
            if item is None:
                item = QStandardItem()
                item.setEditable(False)
                item.setData(room_id, ID_ROLE)
                item.setData(ROOM, KIND_ROLE)
                self._rooms[room_id] = item
                self.insertRow(position, item)
            occupants = state.occupants_of(room_id)
            _set_text(item, labels.room_summary(room, len(occupants), mine=mine == room_id))
            self._sync_occupants(item, state, occupants)

    def _sync_occupants(
        self, room: QStandardItem, state: OfficeState, occupants: frozenset[str]
    ) -> None:
        def name(pid: str) -> str:
            person = state.people.get(pid)
            return person.display_name if person else pid

        wanted = sorted(occupants, key=lambda pid: (name(pid), pid))
        for row in reversed(range(room.rowCount())):
            if room.child(row).data(ID_ROLE) not in occupants:
                room.removeRow(row)
        for position, pid in enumerate(wanted):
            child = room.child(position) if position < room.rowCount() else None
            if child is None or child.data(ID_ROLE) != pid:
                # Someone renamed moves: their old row goes, a new one takes its place.
                for r in range(position + 1, room.rowCount()):
                    if room.child(r).data(ID_ROLE) == pid:
                        room.removeRow(r)
                        break
                child = QStandardItem()
                child.setEditable(False)
                child.setData(pid, ID_ROLE)
                child.setData(PERSON, KIND_ROLE)
                room.insertRow(position, [child])  # the list form hands ownership to Qt
            presence = state.presence_of(pid)
            text = f"{name(pid)}, {labels.presence(presence)}"
            if presence.status_text:
                text += f", {presence.status_text}"
            _set_text(child, text)


class RoomsTree(QTreeView):
    """The tree view; Enter or a double-click asks to join the room."""

    join_requested = Signal(str)

    def __init__(self, model: RoomsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setHeaderHidden(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setExpandsOnDoubleClick(False)
        self.setUniformRowHeights(True)
        self.doubleClicked.connect(self._activate)
        model.rowsInserted.connect(self._expand_new)

    def _expand_new(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            for row in range(first, last + 1):
                self.expand(self._model.index(row, 0))

    def selected_room(self) -> str | None:
        # Assistive technology selects rows without moving the current index.
        selected = self.selectionModel().selectedIndexes()
        index = selected[0] if selected else self.currentIndex()
        if not index.isValid():
            return None
        if index.data(KIND_ROLE) == PERSON:
            index = index.parent()
        value = index.data(ID_ROLE)
        return str(value) if value is not None else None

    def select_room(self, room_id: str) -> None:
        index = self._model.room_index(room_id)
        if index.isValid():
            self.setCurrentIndex(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _activate(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        room = self.selected_room()
        if room is not None:
            self.join_requested.emit(room)
