"""Words for attendance in Japanese and English, for views and screen-reader summaries.

The desktop app translates its own widgets with Qt; these are the words the Qt-free
models put into summaries and CSV headings, so they read the same everywhere.
"""

from __future__ import annotations

from enum import StrEnum

from rooms.attendance import Attendance
from rooms.presence import LocationKind
from rooms.rollcall import Safety

_WORDS: dict[str, tuple[str, str]] = {
    Attendance.VERIFIED: ("現地で確認済み", "verified on-site"),
    Attendance.SELF_REPORTED: ("自己申告", "self-reported"),
    Attendance.PLANNED: ("予定 (未チェックイン)", "planned (not checked in)"),
    Attendance.ABSENT: ("未チェックイン", "not checked in"),
    LocationKind.HOME: ("自宅", "home"),
    LocationKind.SATELLITE: ("サテライトオフィス", "satellite office"),
    LocationKind.MOBILE: ("モバイル", "mobile"),
    LocationKind.MAIN_OFFICE: ("本社", "main office"),
    LocationKind.WORKATION: ("ワーケーション", "workation"),
    Safety.SAFE: ("無事", "safe"),
    Safety.NEED_HELP: ("助けが必要", "need help"),
    Safety.NOT_WORKING: ("本日は勤務なし", "not working today"),
}


def label(value: StrEnum, lang: str) -> str:
    ja, en = _WORDS.get(value, (value.value, value.value))
    return ja if lang.startswith("ja") else en
