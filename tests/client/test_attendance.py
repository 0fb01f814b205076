"""Issue 7 in the desktop app, against a real server: check-in and check-out with the
privacy notice, the safety roll-call banner, and the managers' views (live board,
roster, roll-call answers, figures with CSV) that members never see."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTableWidget

from client import settings as settings_store
from client.session import Session
from client.sites import SiteDesk
from client.views.attendance import CheckInDialog, CheckOutDialog, PrivacyDialog
from client.views.main_window import MainWindow
from client.views.manager import ManagerWindow
from rooms.checkin import HalfDay
from rooms.presence import Location, LocationKind
from rooms.rollcall import Safety
from rooms.telework import ReportName
from server.demo import DEMO_PASSWORD

from .conftest import running_server, signed_in_app, until, url_of, window
from .test_accessibility import focusable_without_name

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item.text()


def english() -> None:
    settings_store.save(settings_store.Settings(language="en"))


def newest(w: MainWindow, kind: type) -> object:
    found = [d for d in w.dialogs if isinstance(d, kind)]
    return found[-1] if found else None


def test_check_in_shows_the_privacy_notice_first_then_check_out(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            english()
            state = server.office.state
            app = await signed_in_app(url_of(server), "yui")
            w = window(app)
            QTest.keyClick(
                w,
                Qt.Key.Key_I,
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
            )
            await until(lambda: newest(w, PrivacyDialog) is not None, what="the notice")
            notice = newest(w, PrivacyDialog)
            assert isinstance(notice, PrivacyDialog)
            served = await SiteDesk(w.session).privacy()  # the text in yui's language
            assert notice.text.toPlainText().startswith(served.text)
            assert "History is kept for 400 days." in notice.text.toPlainText()
            assert focusable_without_name(notice) == []
            assert state.notice_acks.get("yui", 0) == 0  # nothing acknowledged yet
            notice.accept()
            await until(lambda: newest(w, CheckInDialog) is not None, what="check-in dialog")
            assert state.notice_acks.get("yui", 0) >= 1
            dialog = newest(w, CheckInDialog)
            assert isinstance(dialog, CheckInDialog)
            assert focusable_without_name(dialog) == []
            dialog.kind.setCurrentIndex(dialog.kind.findData(LocationKind.SATELLITE))
            dialog.site.setCurrentIndex(dialog.site.findData("tono"))
            assert dialog.seat.findText("A2") >= 0  # the site's named seats are offered
            dialog.seat.setCurrentText("A2")
            dialog.half.setCurrentIndex(dialog.half.findData(HalfDay.MORNING))
            dialog.plan.setPlainText("answer the backlog")
            dialog.accept()
            await until(lambda: "yui" in state.checkins, what="checked in")
            c = state.checkins["yui"]
            assert (c.location.kind, c.location.site_id, c.seat) == (
                LocationKind.SATELLITE,
                "tono",
                "A2",
            )
            assert (c.half_day, c.plan, c.verified) == (HalfDay.MORNING, "answer the backlog", True)
            await until(lambda: "You are checked in" in app.announcer.history)

            # Check out with the end-of-day report.
            w.check_out()
            await until(lambda: newest(w, CheckOutDialog) is not None, what="check-out dialog")
            out = newest(w, CheckOutDialog)
            assert isinstance(out, CheckOutDialog)
            out.report.setPlainText("backlog down to 3")
            out.accept()
            await until(lambda: "yui" not in state.checkins, what="checked out")
            await until(lambda: "You are checked out" in app.announcer.history)
            feed = await SiteDesk(w.session).feed()
            assert any("backlog down to 3" in p.text for p in feed), feed

            # The second check-in goes straight to the dialog: the notice was acknowledged.
            count = len([d for d in w.dialogs if isinstance(d, PrivacyDialog)])
            w.check_in()
            await until(lambda: newest(w, CheckInDialog) is not None, what="second check-in")
            assert len([d for d in w.dialogs if isinstance(d, PrivacyDialog)]) == count
            await app.close()

    qloop.run_until_complete(scenario())


def test_roll_call_banner_answers_by_keyboard_and_the_manager_sees_them_live(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            english()
            url = url_of(server)
            state = server.office.state
            app = await signed_in_app(url, "kenji")
            w = window(app)
            assert w.act_manager.isVisible()
            assert not w.banner.isVisibleTo(w)
            w.open_manager()
            await until(lambda: w.manager_window is not None)
            mw = w.manager_window
            assert isinstance(mw, ManagerWindow)
            assert focusable_without_name(mw) == []

            aiko = Session(url, username="aiko", password=DEMO_PASSWORD)
            await aiko.connect()
            await SiteDesk(aiko).start_rollcall("Earthquake in Iwate")
            await until(lambda: w.banner.isVisibleTo(w), what="the banner")
            assert "Earthquake in Iwate" in w.banner.text.text()
            assert any("Safety roll-call" in h for h in app.announcer.history)
            assert w.banner.buttons[Safety.SAFE].accessibleName()
            # The manager's roll-call tab lists who has not answered yet.
            await until(lambda: "高橋 結衣" in mw.unanswered.toPlainText(), what="unanswered")

            yui = Session(url, username="yui", password=DEMO_PASSWORD)
            await yui.connect()
            await SiteDesk(yui).answer_rollcall(
                Safety.NEED_HELP, Location(kind=LocationKind.HOME), "roof damaged"
            )
            await until(
                lambda: (
                    mw.rollcall_table.rowCount() >= 1
                    and "高橋 結衣" not in mw.unanswered.toPlainText()
                ),
                what="yui's answer on the manager's view",
            )
            cells = [cell(mw.rollcall_table, 0, c) for c in range(mw.rollcall_table.columnCount())]
            assert cells[1:] == ["need help", "home", "roof damaged"]
            assert "need help 1" in mw.rollcall_summary.text()

            # The manager answers from the keyboard, wherever the focus is.
            mw.activateWindow()
            await until(lambda: QApplication.activeWindow() is not None, what="a window active")
            target = QApplication.focusWidget() or QApplication.activeWindow()
            assert target is not None
            QTest.keyClick(target, Qt.Key.Key_S, CTRL_ALT)
            rollcall = state.rollcall
            assert rollcall is not None
            await until(
                lambda: "kenji" in state.rollcall_answers, what="kenji's answer on the server"
            )
            assert state.rollcall_answers["kenji"].answer is Safety.SAFE
            await until(lambda: "you answered: safe" in w.banner.text.text())
            await SiteDesk(aiko).end_rollcall()
            await until(lambda: not w.banner.isVisibleTo(w), what="the banner goes")
            await aiko.close()
            await yui.close()
            await app.close()

    qloop.run_until_complete(scenario())


def test_managers_board_roster_and_figures(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            english()
            url = url_of(server)
            yui = Session(url, username="yui", password=DEMO_PASSWORD)
            await yui.connect()
            desk = SiteDesk(yui)
            await desk.acknowledge((await desk.privacy()).version)
            await yui.check_in(Location(kind=LocationKind.SATELLITE, site_id="tono"), seat="A1")
            haruto = Session(url, username="haruto", password=DEMO_PASSWORD)
            await haruto.connect()
            hdesk = SiteDesk(haruto)
            await hdesk.acknowledge((await hdesk.privacy()).version)
            await haruto.check_in(Location(kind=LocationKind.HOME))

            app = await signed_in_app(url, "kenji")
            w = window(app)
            w.open_manager()
            mw = w.manager_window
            assert isinstance(mw, ManagerWindow)
            mw.site.setCurrentIndex(mw.site.findData("tono"))
            await until(lambda: mw.board_table.rowCount() == 1, what="the tono board")
            assert mw.board_summary.text() == (
                "1 of 12 seats in use; 1 verified, 0 self-reported, 0 planned"
            )
            assert cell(mw.board_table, 0, 1) == "verified on-site"
            assert cell(mw.board_table, 0, 3) == "A1"

            # Live: mei checks in at tono; the board follows without reloading.
            mei = Session(url, username="mei", password=DEMO_PASSWORD)
            await mei.connect()
            mdesk = SiteDesk(mei)
            await mdesk.acknowledge((await mdesk.privacy()).version)
            await mei.check_in(Location(kind=LocationKind.SATELLITE, site_id="tono"))
            await until(lambda: mw.board_table.rowCount() == 2, what="mei on the board")
            assert mw.board_summary.text().startswith("2 of 12 seats in use")

            # Roster by location.
            await until(lambda: mw.roster_table.rowCount() > 0, what="the roster")
            roster = {
                cell(mw.roster_table, r, 1): cell(mw.roster_table, r, 0)
                for r in range(mw.roster_table.rowCount())
            }
            assert roster["田中 陽翔 (Haruto Tanaka)"] == "home"
            assert roster["高橋 結衣 (Yui Takahashi)"].startswith("遠野サテライトオフィス")
            assert mw.roster.rows  # the history tab's person list comes from the roster
            mw.person.setCurrentIndex(mw.person.findData("yui"))
            mw.load_history()
            await until(lambda: mw.history_table.rowCount() == 1, what="yui's history")
            assert cell(mw.history_table, 0, 2) == "A1"

            # Figures: days by place of work, today.
            today = dt.date.today().isoformat()
            mw.report.setCurrentIndex(mw.report.findData(ReportName.PERSON_DAYS))
            mw.start.setText(today)
            mw.end.setText(today)
            mw.load_report()
            await until(lambda: mw.table is not None, what="the report")
            assert mw.table is not None
            records = {r["person_id"]: r for r in mw.table.records()}
            assert records["yui"]["satellite"] == 1
            assert records["haruto"]["home"] == 1
            headers = [
                mw.figures_table.horizontalHeaderItem(c)
                for c in range(mw.figures_table.columnCount())
            ]
            assert "satellite" in [h.text() for h in headers if h is not None]
            column = mw.table.columns.index("satellite")
            shown = [cell(mw.figures_table, r, 0) for r in range(mw.figures_table.rowCount())]
            assert cell(mw.figures_table, shown.index("yui"), column) == "1"
            text = mw.description.toPlainText()
            assert text.startswith("Days by place of work, per person")
            assert "satellite office:" in text
            assert mw.chart.accessibleDescription() == text
            out = tmp_path / "days.csv"
            mw.export_csv(out)
            await until(lambda: not w.tasks, what="the CSV written")
            content = out.read_text(encoding="utf-8-sig")
            assert content.splitlines()[0].startswith("person_id")
            assert "yui" in content

            for s in (yui, haruto, mei):
                await s.close()
            await app.close()

    qloop.run_until_complete(scenario())


def test_members_do_not_see_the_managers_views(
    qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running_server(tmp_path) as server:
            english()
            app = await signed_in_app(url_of(server), "yui")
            w = window(app)
            assert not w.act_manager.isVisible()
            assert w.act_manager not in [a for a in w.attendance_menu.actions() if a.isVisible()]
            assert "Managers' views…" not in [what for what, _ in w.shortcut_rows()]
            QTest.keyClick(
                w,
                Qt.Key.Key_V,
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
            )
            w.open_manager()
            await asyncio.sleep(0.2)  # let Qt deliver whatever the key and call would open
            assert w.manager_window is None
            assert not any(isinstance(x, ManagerWindow) for x in QApplication.topLevelWidgets())
            await app.close()

    qloop.run_until_complete(scenario())
