"""The main window: rooms, people, my status and room chat, all from the keyboard.

It listens to the session and updates each model by id; every action is a QAction with
a shortcut, listed in Help > Keyboard shortcuts and docs/keyboard.md.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from client.announcer import Announcer
from client.notices import Notices, fmt
from client.session import Session, SessionError, Status
from client.settings import AnnounceLevel, Settings, Theme
from client.views import labels
from client.views.chat_panel import ChatPanel
from client.views.people_list import PeoplePanel
from client.views.rooms_tree import RoomsModel, RoomsTree
from client.views.status_panel import StatusChoice, StatusPanel
from rooms.protocol import (
    ChatMessage,
    KnockRequested,
    KnockResolved,
    PersonChanged,
    PersonRemoved,
    PresenceChanged,
    RoomChanged,
    RoomRemoved,
    ServerMessage,
    SiteChanged,
    SiteRemoved,
    Snapshot,
    TapReceived,
    TapResolved,
)

if TYPE_CHECKING:
    from client.views import dialogs

log = logging.getLogger("yoriai.window")


def _keys_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


class Shell(Protocol):
    """What the window asks of the application around it."""

    settings: Settings

    def apply_settings(self, settings: Settings) -> None: ...

    def sign_out(self) -> None: ...

    def quit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class KeypadKey:
    keys: str
    what: str


class MainWindow(QMainWindow):
    painted = Signal()

    def __init__(
        self, session: Session, shell: Shell, announcer: Announcer, me: str | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.session = session
        self.shell = shell
        self.announcer = announcer
        announcer.target = self
        # `me` may come before the server's welcome: a person's id is their user name.
        person = session.person_id or me
        assert person is not None
        self.me = person
        self.notices = Notices(self.me, session.state)
        self.answers: dict[str, dialogs.AnswerDialog] = {}
        self.dialogs: list[QWidget] = []  # open note/error dialogs, newest last
        self.tasks: set[asyncio.Task[None]] = set()
        self._painted = False
        self._was_online = session.status is Status.ONLINE

        # ---- rooms
        self.rooms_label = QLabel()
        self.rooms_model = RoomsModel()
        self.rooms = RoomsTree(self.rooms_model)
        self.rooms_label.setBuddy(self.rooms)
        self.join_button, self.leave_button = QPushButton(), QPushButton()
        self.knock_button, self.lock_button = QPushButton(), QPushButton()
        room_buttons = QGridLayout()  # two by two: long labels (Japanese) stay readable
        for n, b in enumerate(
            (self.join_button, self.leave_button, self.knock_button, self.lock_button)
        ):
            room_buttons.addWidget(b, n // 2, n % 2)
        rooms_box = QWidget()
        rooms_layout = QVBoxLayout(rooms_box)
        rooms_layout.addWidget(self.rooms_label)
        rooms_layout.addWidget(self.rooms, 1)
        rooms_layout.addLayout(room_buttons)

        # ---- people
        self.people = PeoplePanel()
        self.call_button = QPushButton()
        people_box = QWidget()
        people_layout = QVBoxLayout(people_box)
        people_layout.addWidget(self.people, 1)
        people_layout.addWidget(self.call_button)

        # ---- my status and chat
        self.status_panel = StatusPanel()
        self.chat = ChatPanel()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.status_panel)
        right_layout.addWidget(self.chat, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        for w in (rooms_box, people_box, right):
            splitter.addWidget(w)
        splitter.setSizes([340, 580, 360])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self.connection = QLabel()
        self.last_notice = QLabel()
        self.statusBar().addWidget(self.connection)
        self.statusBar().addWidget(self.last_notice, 1)

        self._make_actions()
        self._tab_order()
        self.rooms.join_requested.connect(self.join)
        self.people.call_requested.connect(self.call)
        self.status_panel.apply_requested.connect(self.set_status)
        self.chat.send_requested.connect(self.send_chat)
        announcer.announced.connect(self.last_notice.setText)
        session.add_listener(self._on_message)
        session.add_status_listener(self._on_status)
        self.retranslate()  # sets every text and fills the views from the session
        self._on_status(session.status, announce=False)
        self.resize(1280, 760)
        self.rooms.viewport().installEventFilter(self)

    # ------------------------------------------------------------ actions

    def _make_actions(self) -> None:
        def act(
            shortcut: QKeySequence | str | list[QKeySequence | str] | None,
            slot: Callable[[], object],
            menu_key: str,
        ) -> QAction:
            a = QAction(self)
            if shortcut is not None:
                keys = shortcut if isinstance(shortcut, list) else [shortcut]
                a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(lambda _checked=False: slot())
            a.setProperty("menu", menu_key)
            self.addAction(a)
            return a

        self.act_join = act("Ctrl+J", self.join_selected, "office")
        self.act_leave = act("Ctrl+L", self.leave, "office")
        self.act_knock = act("Ctrl+K", self.knock_selected, "office")
        self.act_lock = act("Ctrl+Shift+L", self.toggle_lock, "office")
        self.act_call = act("Ctrl+T", self.call_selected, "office")
        self.act_where = act("Ctrl+R", self.read_current_room, "office")
        self.act_repeat = act("Ctrl+Shift+R", self.repeat_last, "office")
        self.act_sign_out = act("Ctrl+Shift+Q", self.shell.sign_out, "office")
        self.act_quit = act("Ctrl+Q", self.shell.quit, "office")
        self.act_go_rooms = act("Ctrl+1", lambda: self.rooms.setFocus(), "view")
        self.act_go_people = act("Ctrl+2", lambda: self.people.view.setFocus(), "view")
        self.act_go_status = act(
            "Ctrl+3", lambda: self.status_panel.availability.setFocus(), "view"
        )
        self.act_go_chat = act("Ctrl+4", self.focus_chat, "view")
        self.act_bigger = act(["Ctrl++", "Ctrl+="], lambda: self.scale_text(1), "view")
        self.act_smaller = act("Ctrl+-", lambda: self.scale_text(-1), "view")
        self.act_reset = act("Ctrl+0", lambda: self.scale_text(0), "view")
        self.act_contrast = act("Ctrl+Shift+H", self.toggle_contrast, "view")
        self.act_contrast.setCheckable(True)
        self.act_keypad = act("Ctrl+Shift+K", self.toggle_keypad, "view")
        self.act_keypad.setCheckable(True)
        self.act_settings = act("Ctrl+,", self.open_settings, "view")
        self.act_shortcuts = act("F1", self.show_shortcuts, "help")
        self.office_menu = self.menuBar().addMenu("")
        self.view_menu = self.menuBar().addMenu("")
        self.help_menu = self.menuBar().addMenu("")
        for a in self.actions():
            menu = {"office": self.office_menu, "view": self.view_menu, "help": self.help_menu}[
                str(a.property("menu"))
            ]
            if a in (self.act_sign_out, self.act_go_rooms, self.act_bigger, self.act_keypad):
                menu.addSeparator()
            menu.addAction(a)
        for button, action in (
            (self.join_button, self.act_join),
            (self.leave_button, self.act_leave),
            (self.knock_button, self.act_knock),
            (self.lock_button, self.act_lock),
            (self.call_button, self.act_call),
        ):
            button.clicked.connect(action.trigger)

    def _tab_order(self) -> None:
        chain: list[QWidget] = [
            self.rooms,
            self.join_button,
            self.leave_button,
            self.knock_button,
            self.lock_button,
            self.people.team,
            self.people.site,
            self.people.view,
            self.call_button,
            self.status_panel.availability,
            self.status_panel.text,
            self.status_panel.location,
            self.status_panel.apply,
            self.chat.log,
            self.chat.input,
            self.chat.send,
        ]
        for a, b in itertools.pairwise(chain):
            self.setTabOrder(a, b)

    def retranslate(self) -> None:
        self.rooms_label.setText(self.tr("&Rooms"))
        self.rooms.setAccessibleName(self.tr("Rooms"))
        self.rooms.setAccessibleDescription(
            self.tr("Each room with who is in it. Press Enter to join the selected room.")
        )
        texts = {
            self.act_join: (self.tr("&Join room"), self.tr("Join the selected room")),
            self.act_leave: (self.tr("&Leave room"), self.tr("Leave the room you are in")),
            self.act_knock: (self.tr("&Knock"), self.tr("Ask to enter the selected locked room")),
            self.act_lock: (self.tr("Loc&k or unlock room"), self.tr("Lock or unlock your room")),
            self.act_call: (
                self.tr("&Call to my room"),
                self.tr("Call the selected person to your room"),
            ),
            self.act_where: (
                self.tr("&Where am I?"),
                self.tr("Read out your room and who is there"),
            ),
            self.act_repeat: (self.tr("&Repeat last announcement"), ""),
            self.act_sign_out: (self.tr("Sign &out"), self.tr("Sign out and forget this computer")),
            self.act_quit: (self.tr("&Quit"), ""),
            self.act_go_rooms: (self.tr("Go to &rooms"), ""),
            self.act_go_people: (self.tr("Go to &people"), ""),
            self.act_go_status: (self.tr("Go to my &status"), ""),
            self.act_go_chat: (self.tr("Go to &chat"), ""),
            self.act_bigger: (self.tr("&Larger text"), ""),
            self.act_smaller: (self.tr("&Smaller text"), ""),
            self.act_reset: (self.tr("&Normal text size"), ""),
            self.act_contrast: (self.tr("&High contrast"), ""),
            self.act_keypad: (
                self.tr("&Keypad mode"),
                self.tr("Drive the office from the numeric keypad"),
            ),
            self.act_settings: (self.tr("Se&ttings…"), ""),
            self.act_shortcuts: (self.tr("&Keyboard shortcuts"), ""),
        }
        for action, (text, tip) in texts.items():
            action.setText(text)
            action.setToolTip(tip or text.replace("&", ""))
            action.setStatusTip(tip)
        self.office_menu.setTitle(self.tr("&Office"))
        self.view_menu.setTitle(self.tr("&View"))
        self.help_menu.setTitle(self.tr("&Help"))
        for button, action in (
            (self.join_button, self.act_join),
            (self.leave_button, self.act_leave),
            (self.knock_button, self.act_knock),
            (self.lock_button, self.act_lock),
            (self.call_button, self.act_call),
        ):
            # The button's own mnemonic would clash with the menus: the shortcut is shown.
            label = action.text().replace("&", "")
            keys = _keys_text(action.shortcut())
            button.setText(f"{label} ({keys})")
            button.setAccessibleName(label)
            button.setAccessibleDescription(action.statusTip())
        self.connection.setAccessibleName(self.tr("Connection"))
        self.last_notice.setAccessibleName(self.tr("Last announcement"))
        self.people.retranslate()
        self.status_panel.retranslate()
        self.chat.retranslate()
        self.act_contrast.setChecked(self.shell.settings.theme is Theme.HIGH_CONTRAST)
        self.act_keypad.setChecked(self.shell.settings.keypad_mode)
        self._on_status(self.session.status, announce=False)
        self._sync_all()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(what, keys) for every action and keypad key: the in-app shortcut list."""
        rows = [
            (a.text().replace("&", ""), ", ".join(_keys_text(k) for k in a.shortcuts()))
            for a in self.actions()
            if a.shortcuts()
        ]
        rows += [
            (self.tr("Join the selected room"), self.tr("Enter (in the rooms list)")),
            (self.tr("Call the selected person"), self.tr("Enter (in the people list)")),
            (self.tr("Answer yes / no in a knock or call"), self.tr("Enter / Escape")),
        ]
        rows += [(k.what, k.keys) for k in self.keypad_keys()]
        return rows

    def keypad_keys(self) -> list[KeypadKey]:
        return [
            KeypadKey(self.tr("Keypad 1–9, 0"), self.tr("Keypad mode: join room 1–9, 10")),
            KeypadKey(self.tr("Keypad ."), self.tr("Keypad mode: leave the room")),
            KeypadKey(
                self.tr("Keypad Enter"), self.tr("Keypad mode: admit a knock / accept a call")
            ),
            KeypadKey(self.tr("Keypad -"), self.tr("Keypad mode: decline a knock or call")),
            KeypadKey(self.tr("Keypad +"), self.tr("Keypad mode: read out the current room")),
            KeypadKey(
                self.tr("Keypad *"), self.tr("Keypad mode: mute or unmute (with audio rooms)")
            ),
            KeypadKey(self.tr("Keypad /"), self.tr("Keypad mode: repeat the last announcement")),
        ]

    # ------------------------------------------------------------ the session

    def _run(
        self, coro: Coroutine[Any, Any, None], then: Callable[[], object] | None = None
    ) -> None:
        async def guarded() -> None:
            try:
                await coro
            except SessionError as exc:
                self.report_error(exc)
                return
            if then is not None:
                then()

        task = asyncio.get_running_loop().create_task(guarded())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def report_error(self, exc: SessionError) -> None:
        from client.views import dialogs  # loaded when first needed: start-up is faster

        title = self.tr("Could not do that")
        text = labels.error_text(exc.code, exc.message)
        self.announcer.announce(text, AnnounceLevel.ESSENTIAL, urgent=True)
        box = dialogs.show_error(self, title, text)
        self.dialogs.append(box)
        box.finished.connect(lambda _r, box=box: self._forget(box))

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)

    def _on_message(self, message: ServerMessage) -> None:
        st = self.session.state
        match message:
            case Snapshot():
                self._sync_all()
                for key in list(self.answers):
                    kind, ident = key.split(":", 1)
                    if (st.knocks if kind == "k" else st.taps).get(ident) is None:
                        self.answers.pop(key).dismiss()
            case PresenceChanged(person_id=pid):
                self.rooms_model.sync(st, self.me)
                self.people.model.sync_person(st, pid)
                if pid == self.me:
                    self._sync_me()
            case RoomChanged() | RoomRemoved():
                self._sync_all()
            case PersonChanged(person=p):
                self.rooms_model.sync(st, self.me)
                if p.team and p.team not in self.people.teams():
                    self.people.sync(st)  # a new team for the filter
                else:
                    self.people.model.sync_person(st, p.id)
            case PersonRemoved(person_id=pid):
                self.rooms_model.sync(st, self.me)
                self.people.model.sync_person(st, pid)
            case SiteChanged() | SiteRemoved():
                self.people.sync(st)
                self.status_panel.set_sites(list(st.sites.values()))
            case KnockRequested(knock=k) if k.person_id != self.me:
                room = st.rooms.get(k.room_id)
                self._ask(
                    f"k:{k.id}",
                    self.tr("Knock on %1").replace("%1", room.name if room else k.room_id),
                    fmt(
                        QT_TRANSLATE_NOOP("Notices", "%1 is knocking on %2"),
                        self._name(k.person_id),
                        room.name if room else "",
                    )
                    + (f": {k.message}" if k.message else ""),
                    self.tr("&Let in"),
                    self.tr("&Decline"),
                    partial(self._answer_knock, k.id),
                )
            case KnockResolved(knock_id=kid):
                dialog = self.answers.pop(f"k:{kid}", None)
                if dialog is not None:
                    dialog.dismiss()
            case TapReceived(tap=t) if t.to_id == self.me:
                room = st.rooms.get(t.room_id)
                self._ask(
                    f"t:{t.id}",
                    self.tr("Call from %1").replace("%1", self._name(t.from_id)),
                    fmt(
                        QT_TRANSLATE_NOOP("Notices", "%1 calls you to %2"),
                        self._name(t.from_id),
                        room.name if room else "",
                    )
                    + (f": {t.message}" if t.message else ""),
                    self.tr("&Go there"),
                    self.tr("&Decline"),
                    partial(self._answer_tap, t.id),
                )
            case TapResolved(tap_id=tid):
                dialog = self.answers.pop(f"t:{tid}", None)
                if dialog is not None:
                    dialog.dismiss()
            case ChatMessage(room_id=rid, from_id=src, text=text, at=at):
                self.chat.add(rid, self._name(src), text, at)
            case _:
                pass
        for notice in self.notices.after(message, st):
            self.announcer.announce(notice.text, notice.level, urgent=notice.urgent)

    def _answer_knock(self, knock_id: str, admit: bool) -> None:
        self._run(self.session.answer_knock(knock_id, admit))

    def _answer_tap(self, tap_id: str, accept: bool) -> None:
        self._run(self.session.answer_tap(tap_id, accept))

    def _ask(
        self, key: str, title: str, text: str, yes: str, no: str, answer: Callable[[bool], None]
    ) -> None:
        from client.views import dialogs  # loaded when first needed: start-up is faster

        dialog = dialogs.AnswerDialog(key, title, text, yes, no, self)
        dialog.answered.connect(answer)
        dialog.finished.connect(lambda _r, key=key: self.answers.pop(key, None))
        self.answers[key] = dialog
        dialog.open()

    def _on_status(self, status: Status, *, announce: bool = True) -> None:
        texts = {
            Status.DISCONNECTED: self.tr("Disconnected"),
            Status.CONNECTING: self.tr("Connecting…"),
            Status.ONLINE: self.tr("Connected"),
            Status.RECONNECTING: self.tr("Connection lost: reconnecting…"),
            Status.SIGNED_OUT: self.tr("Signed out"),
            Status.FAILED: self.tr("Could not sign in"),
        }
        text = texts[status]
        self.connection.setText(text)
        self.connection.setAccessibleDescription(text)
        if not announce:
            return
        if status is Status.RECONNECTING:
            self.announcer.announce(text, AnnounceLevel.ESSENTIAL, urgent=True)
        elif status is Status.ONLINE:
            if self._was_online:  # the first connection is announced as signing in
                self.announcer.announce(self.tr("Connected again"), AnnounceLevel.ESSENTIAL)
            self._was_online = True
        elif status in (Status.DISCONNECTED, Status.FAILED):
            self.announcer.announce(text, AnnounceLevel.ESSENTIAL, urgent=True)

    def _sync_all(self) -> None:
        st = self.session.state
        me = st.people.get(self.me)
        self.setWindowTitle(
            self.tr("Yoriai — %1").replace("%1", me.display_name if me else self.me)
        )
        self.setAccessibleName(self.windowTitle())
        self.rooms_model.sync(st, self.me)
        self.people.sync(st)
        self.status_panel.set_sites(list(st.sites.values()))
        self._sync_me()

    def _sync_me(self) -> None:
        st = self.session.state
        self.status_panel.show_presence(st.presence_of(self.me))
        room_id = st.room_of(self.me)
        room = st.rooms.get(room_id) if room_id else None
        self.chat.set_room(room_id, room.name if room else "")
        self.leave_button.setEnabled(room_id is not None)
        self.act_leave.setEnabled(room_id is not None)

    def _name(self, pid: str) -> str:
        person = self.session.state.people.get(pid)
        return person.display_name if person else pid

    # ------------------------------------------------------------ what people do

    def join(self, room_id: str) -> None:
        if self.session.state.room_of(self.me) == room_id:
            self.read_current_room()
            return
        room = self.session.state.rooms.get(room_id)
        if room is not None and room.locked:
            self.knock(room_id)
            return
        self._run(self.session.join(room_id))

    def join_selected(self) -> None:
        room = self.rooms.selected_room()
        if room is None:
            self.announcer.announce(self.tr("Select a room first"), AnnounceLevel.ESSENTIAL)
            return
        self.join(room)

    def join_number(self, n: int) -> None:
        rooms = list(self.session.state.rooms)
        if not 1 <= n <= len(rooms):
            self.announcer.announce(
                self.tr("There is no room %1").replace("%1", str(n)), AnnounceLevel.ESSENTIAL
            )
            return
        self.rooms.select_room(rooms[n - 1])
        self.join(rooms[n - 1])

    def leave(self) -> None:
        if self.session.state.room_of(self.me) is None:
            self.announcer.announce(self.tr("You are not in a room"), AnnounceLevel.ESSENTIAL)
            return
        self._run(self.session.leave())

    def knock_selected(self) -> None:
        room = self.rooms.selected_room()
        if room is not None:
            self.knock(room)

    def knock(self, room_id: str) -> None:
        from client.views import dialogs  # loaded when first needed: start-up is faster

        room = self.session.state.rooms.get(room_id)
        name = room.name if room else room_id
        dialog = dialogs.NoteDialog(
            self.tr("Knock on %1").replace("%1", name),
            self.tr("%1 is locked. Knock to ask the people inside to let you in.").replace(
                "%1", name
            ),
            self.tr("&Knock"),
            self,
        )
        dialog.submitted.connect(
            lambda note: self._run(
                self._knock(room_id, note),
            )
        )
        self._open(dialog)

    async def _knock(self, room_id: str, note: str) -> None:
        await self.session.knock(room_id, note)
        room = self.session.state.rooms.get(room_id)
        self.announcer.announce(
            fmt(QT_TRANSLATE_NOOP("Notices", "You knocked on %1"), room.name if room else room_id),
            AnnounceLevel.NORMAL,
        )

    def toggle_lock(self) -> None:
        room_id = self.session.state.room_of(self.me) or self.rooms.selected_room()
        room = self.session.state.rooms.get(room_id) if room_id else None
        if room is None:
            self.announcer.announce(self.tr("Select a room first"), AnnounceLevel.ESSENTIAL)
            return
        locked = not room.locked
        self._run(
            self.session.lock(room.id, locked),
            lambda: self.announcer.announce(
                (self.tr("%1 is locked") if locked else self.tr("%1 is open")).replace(
                    "%1", room.name
                ),
                AnnounceLevel.ESSENTIAL,
            ),
        )

    def call_selected(self) -> None:
        person = self.people.selected_person()
        if person is None:
            self.announcer.announce(self.tr("Select a person first"), AnnounceLevel.ESSENTIAL)
            return
        self.call(person)

    def call(self, person_id: str) -> None:
        from client.views import dialogs  # loaded when first needed: start-up is faster

        name = self._name(person_id)
        dialog = dialogs.NoteDialog(
            self.tr("Call %1").replace("%1", name),
            self.tr("Ask %1 to come to your room.").replace("%1", name),
            self.tr("&Call"),
            self,
        )
        dialog.submitted.connect(lambda note: self._run(self._call(person_id, note)))
        self._open(dialog)

    async def _call(self, person_id: str, note: str) -> None:
        await self.session.tap(person_id, note)

    def _open(self, dialog: QDialog) -> None:
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        dialog.open()

    def set_status(self, choice: StatusChoice) -> None:
        self._run(
            self.session.set_presence(
                availability=choice.availability,
                status_text=choice.status_text,
                location=choice.location,
            ),
            lambda: self.announcer.announce(self.tr("Status updated"), AnnounceLevel.ESSENTIAL),
        )

    def send_chat(self, text: str) -> None:
        self._run(self.session.chat(text), self.chat.sent)

    def focus_chat(self) -> None:
        if self.chat.input.isEnabled():
            self.chat.input.setFocus()
        else:
            self.chat.log.setFocus()

    def read_current_room(self) -> None:
        st = self.session.state
        room_id = st.room_of(self.me)
        if room_id is None or room_id not in st.rooms:
            text = self.tr("You are not in a room")
        else:
            others = sorted(self._name(p) for p in st.occupants_of(room_id) - {self.me})
            text = fmt(QT_TRANSLATE_NOOP("Notices", "You are in %1"), st.rooms[room_id].name)
            text += ", " + (
                fmt(QT_TRANSLATE_NOOP("Notices", "with %1"), ", ".join(others))
                if others
                else self.tr("alone")
            )
        self.announcer.announce(text, AnnounceLevel.ESSENTIAL)

    def repeat_last(self) -> None:
        if self.announcer.history:
            self.announcer.announce(self.announcer.history[-1], AnnounceLevel.ESSENTIAL)

    def answer_pending(self, yes: bool) -> bool:
        """Answer the newest knock or call (for the keypad). False if none is waiting."""
        if not self.answers:
            self.announcer.announce(self.tr("Nothing to answer"), AnnounceLevel.ESSENTIAL)
            return False
        dialog = list(self.answers.values())[-1]
        (dialog.accept if yes else dialog.reject)()
        return True

    def toggle_mute(self) -> None:
        # Rooms have no audio yet; the keypad key is reserved so muscle memory carries over.
        self.announcer.announce(self.tr("Rooms have no audio yet"), AnnounceLevel.ESSENTIAL)

    # ------------------------------------------------------------ looks

    def scale_text(self, steps: int) -> None:
        from dataclasses import replace

        s = self.shell.settings
        scale = 1.0 if steps == 0 else s.scaled(steps)
        self.shell.apply_settings(replace(s, text_scale=scale))
        self.announcer.announce(
            self.tr("Text size %1%").replace("%1", str(round(scale * 100))), AnnounceLevel.ESSENTIAL
        )

    def toggle_contrast(self) -> None:
        from dataclasses import replace

        s = self.shell.settings
        theme = Theme.SYSTEM if s.theme is Theme.HIGH_CONTRAST else Theme.HIGH_CONTRAST
        self.shell.apply_settings(replace(s, theme=theme))
        self.act_contrast.setChecked(theme is Theme.HIGH_CONTRAST)

    def toggle_keypad(self) -> None:
        from dataclasses import replace

        on = not self.shell.settings.keypad_mode
        self.shell.apply_settings(replace(self.shell.settings, keypad_mode=on))
        self.act_keypad.setChecked(on)
        self.announcer.announce(
            self.tr("Keypad mode on") if on else self.tr("Keypad mode off"), AnnounceLevel.ESSENTIAL
        )

    def open_settings(self) -> None:
        from client.views import dialogs  # loaded when first needed: start-up is faster

        dialog = dialogs.SettingsDialog(self.shell.settings, self)
        dialog.chosen.connect(self.shell.apply_settings)
        self._open(dialog)

    def show_shortcuts(self) -> None:
        from client.views import dialogs  # loaded when first needed: start-up is faster

        dialog = dialogs.ShortcutsDialog(self.shortcut_rows(), self)
        self._open(dialog)

    # ------------------------------------------------------------ Qt

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The first paint of the rooms list with the office in it (for the startup bench).
        if event.type() == QEvent.Type.Paint and not self._painted and self.session.mirror.synced:
            self._painted = True
            self.painted.emit()
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        self.session.remove_listener(self._on_message)
        self.session.remove_listener(self._on_status)
        for dialog in list(self.answers.values()):
            dialog.dismiss()
        super().closeEvent(event)
