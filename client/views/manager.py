"""Managers' views: the live site board, the team roster, a person's history, the
roll-call answers and the telework figures.

Each figure is shown three ways: a simple bar chart drawn with QPainter (QtCharts is
not in PySide6-Essentials), the same numbers in a table, and a text description from
client/reports.py, so screen-reader users get every number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from client import reports
from client.board import RosterModel, Row, SiteBoardModel
from client.labels import label
from client.rollcall import RollCallModel
from client.session import Session
from client.sites import SiteDesk
from rooms.protocol import RollCallStarted, ServerMessage
from rooms.telework import ReportName, ReportTable

Run = Callable[[Coroutine[Any, Any, None]], None]


def _table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
    return table


def fill(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


class BarChart(QWidget):
    """Bars for the first series of a chart; the numbers are also in the table beside it."""

    def __init__(self) -> None:
        super().__init__()
        self.chart: reports.Chart | None = None
        self.setMinimumHeight(180)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the table and text carry the numbers

    def show_chart(self, chart: reports.Chart, description: str) -> None:
        self.chart = chart
        self.setAccessibleName(chart.title)
        self.setAccessibleDescription(description)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        c = self.chart
        if c is None or not c.labels or not c.series:
            return
        p = QPainter(self)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        bar = pal.color(QPalette.ColorRole.Highlight)
        n = len(c.labels)
        # Stacked bars add the series up; others show the first series.
        totals = [
            sum(s.values[i] for s in c.series) if c.kind == "stacked-bar" else c.series[0].values[i]
            for i in range(n)
        ]
        top = max([*totals, 1.0])
        w, h = self.width(), self.height() - 20
        slot = w / n
        p.setPen(text)
        for i, (lab, value) in enumerate(zip(c.labels, totals, strict=True)):
            height = (h - 16) * value / top
            rect = QRectF(i * slot + slot * 0.15, h - height, slot * 0.7, height)
            p.fillRect(rect, QColor(bar))
            p.drawText(
                QRectF(i * slot, h - height - 16, slot, 16),
                Qt.AlignmentFlag.AlignCenter,
                f"{value:g}",
            )
            p.drawText(QRectF(i * slot, h, slot, 20), Qt.AlignmentFlag.AlignCenter, lab[:12])
        p.end()


class ManagerWindow(QDialog):
    """A manager's window: tabs for the board, roster, history, roll-call and figures."""

    def __init__(self, session: Session, lang: str, run: Run, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("managerWindow")
        self.session, self.lang, self.run = session, lang, run
        self.desk = SiteDesk(session)
        title = self.tr("Managers' views")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        # ---- board
        self.site = QComboBox()
        for s in session.state.sites.values():
            self.site.addItem(s.name, s.id)
        site_label = QLabel(self.tr("&Site:"))
        site_label.setBuddy(self.site)
        self.site.setAccessibleName(self.tr("Site"))
        self.board_summary = QLabel()
        self.board_summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.board_summary.setAccessibleName(self.tr("Seats in use"))
        self.board_table = _table(self.tr("Who is in"))
        self.board: SiteBoardModel | None = None
        board = QWidget()
        bl = QVBoxLayout(board)
        row = QHBoxLayout()
        row.addWidget(site_label)
        row.addWidget(self.site, 1)
        bl.addLayout(row)
        bl.addWidget(self.board_summary)
        bl.addWidget(self.board_table, 1)
        self.tabs.addTab(board, self.tr("Site board"))
        self.site.currentIndexChanged.connect(self.load_board)

        # ---- roster
        self.roster = RosterModel(session, lang=lang)
        self.roster.on_change(self._show_roster)
        self.roster_table = _table(self.tr("Team roster by location"))
        self.tabs.addTab(self.roster_table, self.tr("Team roster"))

        # ---- history
        self.person = QComboBox()
        self.person.setAccessibleName(self.tr("Person"))
        person_label = QLabel(self.tr("&Person:"))
        person_label.setBuddy(self.person)
        self.history_button = QPushButton(self.tr("Show &history"))
        self.history_button.setAccessibleName(self.tr("Show history"))
        self.history_button.clicked.connect(self.load_history)
        self.history_table = _table(self.tr("History"))
        history = QWidget()
        hl = QVBoxLayout(history)
        row = QHBoxLayout()
        row.addWidget(person_label)
        row.addWidget(self.person, 1)
        row.addWidget(self.history_button)
        hl.addLayout(row)
        hl.addWidget(self.history_table, 1)
        self.tabs.addTab(history, self.tr("History"))

        # ---- roll-call
        self.rollcall = RollCallModel(session, lang)
        self.rollcall.on_change(self._show_rollcall)
        session.add_listener(self._on_message)  # after the model's: it resets, we reload
        self.rollcall_summary = QLabel()
        self.rollcall_summary.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.rollcall_summary.setAccessibleName(self.tr("Roll-call answers"))
        self.rollcall_table = _table(self.tr("Roll-call answers"))
        self.unanswered = QPlainTextEdit()
        self.unanswered.setReadOnly(True)
        self.unanswered.setTabChangesFocus(True)
        self.unanswered.setAccessibleName(self.tr("Not answered yet"))
        unanswered_label = QLabel(self.tr("&Not answered yet:"))
        unanswered_label.setBuddy(self.unanswered)
        rc = QWidget()
        rl = QVBoxLayout(rc)
        rl.addWidget(self.rollcall_summary)
        rl.addWidget(self.rollcall_table, 1)
        rl.addWidget(unanswered_label)
        rl.addWidget(self.unanswered)
        self.tabs.addTab(rc, self.tr("Roll-call"))

        # ---- figures
        self.report = QComboBox()
        self.report.setAccessibleName(self.tr("Report"))
        for name in ReportName:
            self.report.addItem(reports.chart_title(name, lang), name)
        today = dt.date.today()
        self.start = QLineEdit((today - dt.timedelta(days=30)).isoformat())
        self.start.setAccessibleName(self.tr("From (YYYY-MM-DD)"))
        self.end = QLineEdit(today.isoformat())
        self.end.setAccessibleName(self.tr("To (YYYY-MM-DD)"))
        self.core = QLineEdit()
        self.core.setAccessibleName(self.tr("Core day (YYYY-MM-DD, optional)"))
        form = QFormLayout()
        for text, widget in (
            (self.tr("&Report:"), self.report),
            (self.tr("&From:"), self.start),
            (self.tr("&To:"), self.end),
            (self.tr("&Core day:"), self.core),
        ):
            lab = QLabel(text)
            lab.setBuddy(widget)
            form.addRow(lab, widget)
        self.show_button = QPushButton(self.tr("Show &figures"))
        self.show_button.setAccessibleName(self.tr("Show figures"))
        self.show_button.clicked.connect(self.load_report)
        self.export_button = QPushButton(self.tr("&Export CSV…"))
        self.export_button.setAccessibleName(self.tr("Export CSV"))
        self.export_button.clicked.connect(self.export_csv)
        self.export_button.setEnabled(False)
        self.chart = BarChart()
        self.figures_table = _table(self.tr("Figures"))
        self.description = QPlainTextEdit()
        self.description.setReadOnly(True)
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName(self.tr("The figures in words"))
        self.table: ReportTable | None = None
        figures = QWidget()
        fl = QVBoxLayout(figures)
        fl.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.export_button)
        fl.addLayout(buttons)
        fl.addWidget(self.chart)
        fl.addWidget(self.figures_table, 1)
        fl.addWidget(self.description)
        self.tabs.addTab(figures, self.tr("Figures"))

        self.resize(900, 640)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.finished.connect(lambda _r: self._close_models())

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        self.load_board()
        self.run(self.roster.load())
        self.run(self.rollcall.refresh())

    def load_board(self) -> None:
        site_id = self.site.currentData()
        if site_id is None:
            return
        if self.board is not None:
            self.board.close()
        self.board = SiteBoardModel(self.session, site_id, self.lang)
        self.board.on_change(self._show_board)
        self.run(self.board.load())

    def _on_message(self, message: ServerMessage) -> None:
        if isinstance(message, RollCallStarted):
            self.run(self.rollcall.refresh())

    def _close_models(self) -> None:
        self.session.remove_listener(self._on_message)
        for model in (self.board, self.roster, self.rollcall):
            if model is not None:
                model.close()

    def _row_cells(self, row: Row) -> list[str]:
        return [row.name, row.state_text, row.where, row.seat, row.since]

    def _headers(self) -> list[str]:
        return [
            self.tr("Name"),
            self.tr("State"),
            self.tr("Where"),
            self.tr("Seat"),
            self.tr("Since"),
        ]

    def _show_board(self) -> None:
        assert self.board is not None
        summary = self.board.summary()
        self.board_summary.setText(summary)
        self.board_summary.setAccessibleName(summary)
        fill(self.board_table, self._headers(), [self._row_cells(r) for r in self.board.rows])

    def _show_roster(self) -> None:
        rows = []
        for heading, group in self.roster.by_location().items():
            rows += [[heading, *self._row_cells(r)] for r in group]
        fill(self.roster_table, [self.tr("Location"), *self._headers()], rows)
        current = self.person.currentData()
        self.person.clear()
        for r in self.roster.rows:
            self.person.addItem(r.name, r.person_id)
        if current is not None and (i := self.person.findData(current)) >= 0:
            self.person.setCurrentIndex(i)

    def load_history(self) -> None:
        person_id = self.person.currentData()
        if person_id is None:
            return

        async def go() -> None:
            entries = await self.desk.history(person_id)
            rows = []
            for e in entries:
                c = e.checkin
                site = self.session.state.sites.get(c.location.site_id or "")
                where = site.name if site else label(c.location.kind, self.lang)
                rows.append([e.day, where, c.seat or "", c.plan, c.report])
            fill(
                self.history_table,
                [
                    self.tr("Day"),
                    self.tr("Where"),
                    self.tr("Seat"),
                    self.tr("Plan"),
                    self.tr("Report"),
                ],
                rows,
            )

        self.run(go())

    def _show_rollcall(self) -> None:
        rc = self.rollcall
        st = self.session.state

        def name(pid: str) -> str:
            p = st.people.get(pid)
            return p.display_name if p else pid

        if rc.active is None:
            text = self.tr("No roll-call is under way")
        else:
            counts = rc.counts()
            text = ", ".join(f"{label(s, self.lang)} {n}" for s, n in counts.items())
            text += ", " + self.tr("not answered %1").replace("%1", str(len(rc.unanswered)))
        self.rollcall_summary.setText(text)
        self.rollcall_summary.setAccessibleName(text)
        rows = []
        for a in sorted(rc.answers.values(), key=lambda a: name(a.person_id)):
            where = ""
            if a.location is not None:
                site = st.sites.get(a.location.site_id or "")
                where = site.name if site else label(a.location.kind, self.lang)
            rows.append([name(a.person_id), label(a.answer, self.lang), where, a.note])
        fill(
            self.rollcall_table,
            [self.tr("Name"), self.tr("Answer"), self.tr("Where"), self.tr("Note")],
            rows,
        )
        self.unanswered.setPlainText("\n".join(name(p) for p in rc.unanswered))

    def load_report(self) -> None:
        name = ReportName(self.report.currentData())
        start, end, core = self.start.text().strip(), self.end.text().strip(), self.core.text()

        async def go() -> None:
            table = await self.desk.report(name, start, end, core_day=core.strip() or None)
            self.show_report(table)

        self.run(go())

    def show_report(self, table: ReportTable) -> None:
        self.table = table
        chart = reports.chart(table, self.lang)
        description = reports.describe(chart, self.lang)
        self.chart.show_chart(chart, description)
        fill(
            self.figures_table,
            list(table.columns),
            [[_cell_text(v) for v in row] for row in table.rows],
        )
        self.description.setPlainText(description)
        self.export_button.setEnabled(True)

    def export_csv(self, path: Path | None = None) -> None:
        table = self.table
        if table is None:
            return
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export CSV"), f"{table.report.value}.csv", "CSV (*.csv)"
            )
            if not chosen:
                return
            path = Path(chosen)

        async def go() -> None:
            await reports.save_csv(table, path)

        self.run(go())
