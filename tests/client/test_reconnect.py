"""A server SIGKILLed and restarted: the window says so, then resyncs in place."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication

from client.session import Status
from client.views.rooms_tree import ID_ROLE
from tests.integration.support import ServerProcess

from .conftest import signed_in_app, until, window


def test_reconnect_after_a_server_restart_resyncs_without_flicker_or_duplicates(
    qloop: asyncio.AbstractEventLoop, server_child: ServerProcess
) -> None:
    async def scenario() -> None:
        app = await signed_in_app(server_child.url)
        w = window(app)
        assert app.session is not None
        app.session._backoff = (0.05, 0.3)  # reconnect quickly in a test
        w.join("room-2")
        await until(lambda: app.session is not None and app.session.my_room == "room-2")
        w.rooms.select_room("room-5")
        w.rooms.setFocus()
        rooms_before = w.rooms_model.room_ids()
        focus_item = w.rooms_model.room_index("room-5")
        removed: list[tuple[bool, int, int]] = []
        resets: list[str] = []
        w.rooms_model.rowsRemoved.connect(
            lambda parent, first, last: removed.append((parent.isValid(), first, last))
        )
        w.rooms_model.modelReset.connect(lambda: resets.append("rooms"))
        w.people.model.modelReset.connect(lambda: resets.append("people"))
        people_removed: list[int] = []
        w.people.model.rowsRemoved.connect(lambda _p, first, _l: people_removed.append(first))

        await asyncio.to_thread(server_child.kill)
        await until(lambda: w.connection.text() == "Connection lost: reconnecting…", what="shown")
        assert "Connection lost: reconnecting…" in app.announcer.history
        await asyncio.to_thread(server_child.start)
        await until(lambda: app.session is not None and app.session.status is Status.ONLINE, 20)
        await until(lambda: w.connection.text() == "Connected")
        assert "Connected again" in app.announcer.history
        # The session puts me back in my room; the tree shows it once, in place.
        await until(lambda: "you are here" in w.rooms_model.item(2).text(), what="back in room-2")
        assert w.rooms_model.room_ids() == rooms_before
        assert len(set(w.rooms_model.room_ids())) == len(rooms_before)
        me_rows = [
            w.rooms_model.item(r).child(c).data(ID_ROLE)
            for r in range(w.rooms_model.rowCount())
            for c in range(w.rooms_model.item(r).rowCount())
        ]
        assert me_rows.count("yui") == 1
        assert w.people.model.rowCount() == 12
        # No room row was removed and no model was reset: nothing flickered, and the
        # selection and focus stayed where the person left them.
        assert not [r for r in removed if not r[0]], removed
        assert not resets and not people_removed
        assert w.rooms.selected_room() == "room-5"
        assert w.rooms.currentIndex() == QModelIndex(focus_item)
        assert QApplication.focusWidget() is w.rooms
        await app.close()

    qloop.run_until_complete(scenario())
