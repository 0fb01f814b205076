"""Every action that only an administrator or a manager may take leaves an audit entry
naming who did what to what."""

from __future__ import annotations

from client.sites import SiteDesk
from rooms.protocol import RoomSpec
from rooms.telework import ReportName
from tests.integration.support import Office


async def test_every_admin_and_manager_action_is_audited(office: Office) -> None:
    aiko = await office.session("aiko")  # administrator
    kenji = await office.session("kenji")  # manager of support
    admin, manager = SiteDesk(aiko), SiteDesk(kenji)

    await aiko.create_room(RoomSpec(id="audit-room", name="Audit", capacity=3))
    await aiko.set_room_captions("audit-room", True)
    await kenji.lock("room-2")  # a manager locks a room they are not in
    await kenji.lock("room-2", False)
    await aiko.delete_room("audit-room")
    rollcall = await admin.start_rollcall("地震: 無事ですか?")
    await manager.rollcall_status()
    await admin.end_rollcall()
    await manager.board("tono")
    await manager.roster("support")
    await manager.history("yui")
    await manager.report(ReportName.TELEWORK_DAYS, "2025-04-01", "2025-04-30")
    await aiko.audit()

    done = {(e.actor, e.action, e.detail) for e in await office.server.store.audit_entries(200)}
    expected = {
        ("aiko", "room.create", "audit-room"),
        ("aiko", "room.captions.on", "audit-room"),
        ("kenji", "room.lock", "room-2"),
        ("kenji", "room.unlock", "room-2"),
        ("aiko", "room.delete", "audit-room"),
        ("aiko", "rollcall.start", rollcall),
        ("kenji", "rollcall.read", ""),
        ("aiko", "rollcall.end", rollcall),
        ("kenji", "board.read", "tono"),
        ("kenji", "roster.read", "support"),
        ("kenji", "history.read", "yui"),
        ("kenji", "report.read", "telework-days 2025-04-01..2025-04-30"),
        ("aiko", "audit.read", "100"),
    }
    assert expected <= done, expected - done
