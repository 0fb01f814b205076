"""The main window against a real server: join, knock and admit, calls, chat, status."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from shiboken6 import isValid

from client.session import Session
from client.views.dialogs import AnswerDialog, NoteDialog
from client.views.people_list import NAME
from client.views.rooms_tree import ID_ROLE
from rooms.knock import Resolution
from rooms.presence import Availability, Location, LocationKind
from rooms.protocol import ChatMessage, KnockRequested, ServerMessage, TapReceived, TapResolved
from server.demo import DEMO_PASSWORD

from .conftest import running_server, signed_in_app, until, url_of, window


async def colleague(url: str, user: str) -> Session:
    s = Session(url, username=user, password=DEMO_PASSWORD)
    await s.connect()
    return s


def heard(session: Session) -> list[ServerMessage]:
    messages: list[ServerMessage] = []
    session.add_listener(messages.append)
    return messages


def test_join_leave_and_the_tree_follows(qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            app = await signed_in_app(url_of(server))
            w = window(app)
            state = server.office.state
            w.rooms.select_room("room-3")
            QTest.keyClick(w.rooms, Qt.Key.Key_Return)  # Enter joins the selected room
            await until(lambda: state.room_of("yui") == "room-3", what="yui in room-3")
            await until(lambda: w.chat.room_id == "room-3")
            room_item = w.rooms_model.item(w.rooms_model.room_ids().index("room-3"))
            assert room_item.text().startswith("会議室 3 Room 3, 1 of 8")
            assert "you are here" in room_item.text()
            assert room_item.child(0).data(ID_ROLE) == "yui"
            assert any("You are in 会議室 3" in t for t in app.announcer.history)

            haruto = await colleague(url_of(server), "haruto")
            await haruto.join("room-3")
            await until(lambda: room_item.rowCount() == 2, what="haruto in the tree")
            await until(
                lambda: any(
                    "田中 陽翔 (Haruto Tanaka) joined the room" in t for t in app.announcer.history
                )
            )
            await haruto.leave()
            await until(lambda: any("left the room" in t for t in app.announcer.history))

            # A refusal is shown and announced, with the server's reason.
            w.join("management")
            await until(lambda: bool(w.dialogs), what="the error dialog")
            error = w.dialogs[-1]
            assert isinstance(error, QMessageBox) and error.isVisible()
            assert error.text() == "管理者室 Management is private to its members"
            assert app.announcer.history[-1] == error.text()
            assert state.room_of("yui") == "room-3"
            error.accept()

            w.act_leave.trigger()
            await until(lambda: state.room_of("yui") is None, what="yui out")
            await until(lambda: room_item.rowCount() == 0)
            assert not w.chat.input.isEnabled()
            await haruto.close()
            await app.close()

    qloop.run_until_complete(scenario())


def test_knock_both_ways(qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            url = url_of(server)
            state = server.office.state
            app = await signed_in_app(url)
            w = window(app)
            kenji = await colleague(url, "kenji")
            kenji_heard = heard(kenji)
            await kenji.join("room-4")
            await kenji.lock("room-4")
            await until(
                lambda: (
                    "locked" in w.rooms_model.item(w.rooms_model.room_ids().index("room-4")).text()
                )
            )

            # Joining a locked room asks to knock, with a note.
            w.rooms.select_room("room-4")
            w.act_join.trigger()
            dialog = w.dialogs[-1]
            assert isinstance(dialog, NoteDialog) and dialog.isVisible()
            dialog.note.setText("資料を持ってきました")
            QTest.keyClick(dialog.note, Qt.Key.Key_Return)
            await until(
                lambda: any(isinstance(m, KnockRequested) for m in kenji_heard), what="knock"
            )
            knock = next(m for m in kenji_heard if isinstance(m, KnockRequested)).knock
            assert (knock.person_id, knock.message) == ("yui", "資料を持ってきました")
            await kenji.answer_knock(knock.id, admit=True)
            await until(lambda: state.room_of("yui") == "room-4", what="admitted")
            await until(lambda: any("You are in 会議室 4" in t for t in app.announcer.history))

            # Being knocked on: the dialog asks, Enter lets them in.
            haruto = await colleague(url, "haruto")
            await haruto.knock("room-4", "入ってもいい?")
            await until(lambda: any(k.startswith("k:") for k in w.answers), what="knock dialog")
            (answer,) = w.answers.values()
            assert isinstance(answer, AnswerDialog) and answer.isVisible()
            assert (
                "田中 陽翔 (Haruto Tanaka) is knocking on 会議室 4 Room 4: 入ってもいい?"
                in answer.text.text()
            )
            assert answer.text.text() in app.announcer.history
            QTest.keyClick(answer, Qt.Key.Key_Return)
            await until(lambda: state.room_of("haruto") == "room-4", what="haruto let in")
            assert not w.answers

            # A knock someone else answers closes my dialog without an answer.
            mei = await colleague(url, "mei")
            await mei.knock("room-4")
            await until(lambda: len(w.answers) == 1)
            dialog2 = next(iter(w.answers.values()))
            knock_id = next(iter(state.knocks))
            await kenji.answer_knock(knock_id, admit=False)
            await until(
                lambda: not w.answers and not (isValid(dialog2) and dialog2.isVisible()),
                what="dismissed",
            )
            assert state.room_of("mei") is None
            for s in (kenji, haruto, mei):
                await s.close()
            await app.close()

    qloop.run_until_complete(scenario())


def test_calls_both_ways(qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            url = url_of(server)
            state = server.office.state
            app = await signed_in_app(url)
            w = window(app)
            mei = await colleague(url, "mei")
            mei_heard = heard(mei)
            w.join("room-5")
            await until(lambda: state.room_of("yui") == "room-5")

            # Call Mei from the people list: Enter on her row, then the note dialog.
            w.people.select_person("mei")
            assert w.people.selected_person() == "mei"
            QTest.keyClick(w.people.view, Qt.Key.Key_Return)
            await until(lambda: bool(w.dialogs))
            dialog = w.dialogs[-1]
            assert isinstance(dialog, NoteDialog)
            dialog.note.setText("レビューお願いします")
            dialog.accept()
            await until(lambda: any(isinstance(m, TapReceived) for m in mei_heard), what="tap")
            tap = next(m for m in mei_heard if isinstance(m, TapReceived)).tap
            assert (tap.from_id, tap.room_id, tap.message) == (
                "yui",
                "room-5",
                "レビューお願いします",
            )
            await mei.answer_tap(tap.id, accept=True)
            await until(lambda: state.room_of("mei") == "room-5")
            await until(lambda: any("accepted your call" in t for t in app.announcer.history))

            # Being called: the dialog asks; Escape declines.
            kenji = await colleague(url, "kenji")
            kenji_heard = heard(kenji)
            await kenji.join("room-6")
            await kenji.tap("yui", "ちょっといい?")
            await until(lambda: any(k.startswith("t:") for k in w.answers), what="call dialog")
            answer = next(iter(w.answers.values()))
            assert (
                "鈴木 健二 (Kenji Suzuki) calls you to 会議室 6 Room 6: ちょっといい?"
                in answer.text.text()
            )
            QTest.keyClick(answer, Qt.Key.Key_Escape)
            await until(
                lambda: any(
                    isinstance(m, TapResolved) and m.resolution is Resolution.DECLINED
                    for m in kenji_heard
                ),
                what="declined",
            )
            assert state.room_of("yui") == "room-5"

            # Accepting a call moves me to the caller's room.
            await kenji.tap("yui")
            await until(lambda: len(w.answers) == 1)
            next(iter(w.answers.values())).yes.click()
            await until(lambda: state.room_of("yui") == "room-6")
            for s in (kenji, mei):
                await s.close()
            await app.close()

    qloop.run_until_complete(scenario())


def test_chat_and_status(qloop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            url = url_of(server)
            state = server.office.state
            app = await signed_in_app(url)
            w = window(app)
            emma = await colleague(url, "emma")
            emma_heard = heard(emma)
            await emma.join("lobby")
            w.join("lobby")
            await until(lambda: w.chat.input.isEnabled())
            w.chat.input.setText("おはようございます")
            QTest.keyClick(w.chat.input, Qt.Key.Key_Return)
            await until(lambda: any(isinstance(m, ChatMessage) for m in emma_heard), what="chat")
            msg = next(m for m in emma_heard if isinstance(m, ChatMessage))
            assert (msg.from_id, msg.room_id, msg.text) == ("yui", "lobby", "おはようございます")
            await until(lambda: w.chat.input.text() == "")
            await emma.chat("Good morning!")
            await until(
                lambda: any(line.endswith("Emma Wilson: Good morning!") for line in w.chat.lines())
            )
            assert "Emma Wilson says: Good morning!" in app.announcer.history

            p = w.status_panel
            p.availability.setCurrentIndex(p.availability.findData(Availability.BUSY.value))
            p.text.setText("議事録を作成中")
            p.location.setCurrentIndex(p.location.findData("site:tono"))
            p.apply.click()
            await until(lambda: state.presence_of("yui").availability is Availability.BUSY)
            mine = state.presence_of("yui")
            assert mine.status_text == "議事録を作成中"
            assert mine.location == Location(kind=LocationKind.SATELLITE, site_id="tono")
            row = w.people.model.row_of("yui")
            await until(lambda: w.people.model.item(row, 2).text() == "議事録を作成中")
            assert w.people.model.item(row, 1).text() == "Busy"
            assert w.people.model.item(row, 3).text().startswith("遠野")

            # The site filter shows who works from Tono today.
            w.people.site.setCurrentIndex(w.people.site.findData("tono"))
            shown = {w.people.proxy.index(r, NAME).data() for r in range(w.people.proxy.rowCount())}
            assert shown == {"高橋 結衣 (Yui Takahashi)"}
            w.people.team.setCurrentIndex(w.people.team.findData("dev"))
            assert w.people.proxy.rowCount() == 0
            w.people.site.setCurrentIndex(0)
            assert w.people.proxy.rowCount() == 6  # the dev team
            await emma.close()
            await app.close()

    qloop.run_until_complete(scenario())
