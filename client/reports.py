"""Telework figures for the client: chart-ready series, a spoken summary, CSV export.

No Qt here. A chart view draws `Chart.series` (one bar or line per series, labels on
the category axis); screen-reader users get `describe(chart)`, the same figures in
words; `save_csv` writes what the server computed, for spreadsheets.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from client.labels import label
from rooms.presence import LocationKind
from rooms.telework import ReportName, ReportTable, to_csv


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[float]


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    kind: str  # "line", "bar" or "stacked-bar"
    labels: list[str]  # the category axis
    unit: str  # "%" or "days" or "people"
    series: list[Series] = field(default_factory=list)


_TITLES = {
    ReportName.PERSON_DAYS: ("一人あたりの勤務場所別日数", "Days by place of work, per person"),
    ReportName.DAILY_SHARE: (
        "テレワークした職員の割合 (日別)",
        "Share of staff teleworking, by day",
    ),
    ReportName.SITE_UTILISATION: ("サテライトオフィスの利用率", "Satellite office utilisation"),
    ReportName.TELEWORK_DAYS: ("テレワーク・デイズ", "Telework Days"),
}


def _title(report: ReportName, lang: str) -> str:
    ja, en = _TITLES[report]
    return ja if lang.startswith("ja") else en


def chart_title(report: ReportName, lang: str = "ja") -> str:
    """The title of a report's chart, for menus and headings."""
    return _title(report, lang)


def _floats(table: ReportTable, column: str) -> list[float]:
    return [float(v) if isinstance(v, int | float) else 0.0 for v in table.column(column)]


def chart(table: ReportTable, lang: str = "ja") -> Chart:
    """The chart that suits each report."""
    title = _title(table.report, lang)
    ja = lang.startswith("ja")
    if table.report is ReportName.DAILY_SHARE:
        share = [round(v * 100, 1) for v in _floats(table, "share")]
        name = "テレワーク率" if ja else "teleworking"
        return Chart(
            title, "line", [str(d) for d in table.column("day")], "%", [Series(name, share)]
        )
    if table.report is ReportName.PERSON_DAYS:
        names = [
            str(n or p)
            for n, p in zip(table.column("name"), table.column("person_id"), strict=True)
        ]
        series = [Series(label(k, lang), _floats(table, k.value)) for k in LocationKind]
        return Chart(title, "stacked-bar", names, "days", series)
    if table.report is ReportName.SITE_UTILISATION:
        names = [
            str(n or s) for n, s in zip(table.column("site"), table.column("site_id"), strict=True)
        ]
        used = [round(v * 100, 1) for v in _floats(table, "utilisation")]
        return Chart(title, "bar", names, "%", [Series("利用率" if ja else "utilisation", used)])
    record = table.records()[0]
    labels = (
        ["参加者", "5日以上", "コアデイ人数", "コアデイ目標"]
        if ja
        else ["participants", "5+ days", "core-day headcount", "core-day goal"]
    )
    values = [
        float(record[c] or 0)
        for c in ("participants", "five_plus", "core_day_headcount", "core_day_goal")
    ]
    return Chart(title, "bar", labels, "people", [Series("人数" if ja else "people", values)])


def describe(c: Chart, lang: str = "ja") -> str:
    """The chart in words, for people who cannot see it."""
    ja = lang.startswith("ja")
    lines = [c.title]
    if not c.labels:
        lines.append("データがありません" if ja else "no data")
        return "\n".join(lines)
    for s in c.series:
        if c.kind == "line":
            hi = max(range(len(s.values)), key=lambda i: s.values[i])
            lo = min(range(len(s.values)), key=lambda i: s.values[i])
            mean = sum(s.values) / len(s.values)
            if ja:
                lines.append(
                    f"{s.name}: 最高 {c.labels[hi]} の {s.values[hi]}{c.unit}、"
                    f"最低 {c.labels[lo]} の {s.values[lo]}{c.unit}、平均 {mean:.1f}{c.unit}"
                )
            else:
                lines.append(
                    f"{s.name}: highest {s.values[hi]}{c.unit} on {c.labels[hi]}, "
                    f"lowest {s.values[lo]}{c.unit} on {c.labels[lo]}, mean {mean:.1f}{c.unit}"
                )
        else:
            unit = "" if c.unit != "%" else "%"
            items = ", ".join(
                f"{lab} {v:g}{unit}" for lab, v in zip(c.labels, s.values, strict=True)
            )
            lines.append(f"{s.name}: {items}")
    return "\n".join(lines)


def csv_text(table: ReportTable) -> str:
    return to_csv(table)


async def save_csv(table: ReportTable, path: Path) -> Path:
    """Write the report as CSV with a BOM, so spreadsheet apps read Japanese names right."""
    await asyncio.to_thread(path.write_text, to_csv(table), encoding="utf-8-sig", newline="")
    return path
