"""What check-ins record and who can see it: the notice shown before the first check-in.

The server sends this text (in the person's language) the first time someone checks
in, and until they acknowledge it; the acknowledgement is recorded with its version.
Bump NOTICE_VERSION when the text changes in substance, so everyone sees it again.
"""

from __future__ import annotations

NOTICE_VERSION = 1

_EN = """\
What Yoriai records when you check in
- When you check in and out, and whether for a morning or an afternoon only.
- Where you work: home, a satellite site (and the desk, if you choose one), on the move, \
the main office or a workation.
- Whether the check-in came from the satellite site's own network ("verified on-site"). \
Your network address itself is not kept.
- Your start-of-day plan and end-of-day report, your planned schedule, and your answers \
to safety roll-calls.

Who can see it
- You, always.
- Everyone signed in to this office sees the kind of place you work from today \
(and which site) next to your name, as they see your status.
- Your team (everyone in it, office staff included) reads your plan and report.
- The managers of your team at your employer see your check-ins, history and answers. \
Managers of other employers at a shared site see only how many seats are in use.
- Administrators of this office. Every time a manager or administrator opens your \
history it is written to the audit log.

How long it is kept
- {retention}

Your control
- You can export your history (JSON or CSV) and delete it at any time."""

_JA = """\
チェックイン時に Yoriai が記録すること
- チェックインとチェックアウトの時刻、午前または午後のみの半日勤務かどうか。
- 勤務場所: 自宅、サテライトオフィス (選んだ場合は座席も)、モバイル、本社、ワーケーション。
- チェックインがサテライトオフィスのネットワークから行われたか (「現地で確認済み」)。\
ネットワークアドレスそのものは保存しません。
- 始業時の予定と終業時の報告、勤務予定、安否確認への回答。

見ることができる人
- あなた自身。
- このオフィスにサインインしている全員が、あなたの名前の横に今日の勤務場所の種類 \
(とサイト) を、在席状況と同じように見られます。
- あなたのチーム (オフィス勤務の人を含む全員) は予定と報告を読めます。
- あなたの雇用主の、あなたのチームの管理者は、チェックイン・履歴・回答を見られます。\
共用サテライトオフィスの他の雇用主の管理者には、使用中の座席数しか見えません。
- このオフィスの管理者。管理者があなたの履歴を開くたびに監査ログに記録されます。

保存期間
- {retention}

あなたができること
- 履歴はいつでも書き出し (JSON または CSV)、削除できます。"""


def retention_words(days: int | None, lang: str) -> str:
    if lang == "ja":
        if days is None:
            return "管理者が保存期間を設定するまで保存します。"
        return f"{days} 日を過ぎた履歴は自動的に削除されます。"
    if days is None:
        return "Kept until an administrator sets a retention period."
    return f"History older than {days} days is deleted automatically."


def notice_text(lang: str, retention_days: int | None) -> str:
    """The notice in Japanese for Japanese speakers, else in English."""
    ja = lang == "ja" or lang.startswith("ja-")
    template = _JA if ja else _EN
    return template.format(retention=retention_words(retention_days, "ja" if ja else "en"))
